"""Measurement: import the whole resolution corpus into PostgreSQL (a measurement, not a test).

    .venv/bin/python bench/import_corpus.py [CORPUS_DIR] [--admin-url postgres://postgres@127.0.0.1:5432/postgres]

Creates a scratch database ``ssrtracker_bench_import``, migrates it, loads the seed data, then
times (1) the first import of every file and (2) a second import of the same files (every
document unchanged). Prints the times and documents per second; drops the database at the end.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "unsc-resolutions-1946-2015"
SCRATCH = "ssrtracker_bench_import"


def psql(admin_url: str, sql: str) -> None:
    subprocess.run(["psql", admin_url, "-qc", sql], check=True)  # noqa: S603, S607


def manage(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    files = [p for p in args.corpus.iterdir() if p.suffix in {".txt", ".md"}]
    size = sum(p.stat().st_size for p in files) / 1e6
    base = args.admin_url.rsplit("/", 1)[0]
    env = {
        **os.environ,
        "DATABASE_URL": f"{base}/{SCRATCH}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
    }
    psql(args.admin_url, f"DROP DATABASE IF EXISTS {SCRATCH}")
    psql(args.admin_url, f"CREATE DATABASE {SCRATCH}")
    try:
        manage(env, "migrate", "-v0")
        manage(env, "load_seed", "-v0")
        first = manage(env, "import_document", "--corpus", str(args.corpus))
        again = manage(env, "import_document", "--corpus", str(args.corpus))
    finally:
        psql(args.admin_url, f"DROP DATABASE IF EXISTS {SCRATCH}")
    print(f"corpus: {len(files)} files, {size:.1f} MB")
    print(f"first import:  {first:6.1f} s  ({len(files) / first:5.0f} documents/s)")
    print(f"second import: {again:6.1f} s  ({len(files) / again:5.0f} documents/s, all unchanged)")


if __name__ == "__main__":
    main()
