"""Parser throughput: MB of text parsed per second (a measurement, not a test).

Usage, from the project root::

    .venv/bin/python bench/parse_throughput.py [CORPUS_DIR] [--repeat N]

Parses the seed texts in fixtures/sources (repeated to take a measurable time) and, if given
or found at ../shared/corpus/unsc-resolutions-1946-2015, every file of the corpus. Prints, per
set: files, megabytes, the best of N runs in seconds, and MB/s. CPU time is measured, so other
processes disturb the figures less; parsing is single-threaded.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "unsc-resolutions-1946-2015"
SEED_ROUNDS = 50  # the five seeds are ~160 kB: parse them this many times per run


def _measure(datas: list[bytes], repeat: int) -> tuple[float, int, int]:
    """Best CPU time over ``repeat`` runs, total bytes, and the number of ParseErrors."""
    from mandates.documents.parser import ParseError, parse_bytes

    best = float("inf")
    errors = 0
    for _ in range(repeat):
        errors = 0
        start = time.process_time()
        for data in datas:
            try:
                parse_bytes(data)
            except ParseError:
                errors += 1
        best = min(best, time.process_time() - start)
    return best, sum(len(d) for d in datas), errors


def _report(label: str, files: int, datas: list[bytes], repeat: int) -> float:
    seconds, size, errors = _measure(datas, repeat)
    rate = size / 1e6 / seconds if seconds else float("inf")
    print(
        f"{label:8s} {files:5d} files  {size / 1e6:6.2f} MB  best of {repeat}: "
        f"{seconds:6.2f} s  {rate:5.2f} MB/s  ({errors} ParseErrors)"
    )
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure the parser's throughput.")
    parser.add_argument("corpus", nargs="?", type=Path, help="a folder of resolution texts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per set (best is kept)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    seeds = sorted((ROOT / "fixtures" / "sources").iterdir())
    seed_datas = [path.read_bytes() for path in seeds] * SEED_ROUNDS
    _report("seeds", len(seeds), seed_datas, args.repeat)

    corpus = args.corpus or DEFAULT_CORPUS
    if corpus.is_dir():
        paths = sorted(p for p in corpus.iterdir() if p.is_file())
        _report("corpus", len(paths), [p.read_bytes() for p in paths], args.repeat)
    elif args.corpus:
        print(f"{corpus} is not a folder", file=sys.stderr)
        return 2
    else:
        print(f"corpus   not found at {corpus}: skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
