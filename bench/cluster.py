"""Throughput of the API with one and with two web instances on this machine.

    .venv/bin/python bench/cluster.py [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
        [--scale 0.1] [--workers 2] [--clients 8] [--duration 5] [--repeat 3]

Uses the scratch database of ``bench/run.py`` for ``--scale`` (created and filled when missing)
and starts three gunicorn instances on 127.0.0.1, each with ``--workers`` sync workers: one for
the single-instance runs, two for the two-instance runs. A client in this process (``--clients``
threads, each with its own keep-alive connection per instance) sends the requests round-robin
to the instances of the run for ``--duration`` seconds and counts the answers, on:

- **list**: ``GET /api/v1/requests/?status=in_progress&page_size=100`` with a bearer token;
- **detail**: ``GET /api/v1/requests/<id>/`` over the ids of the first pages.

The runs alternate (one, two, one, two, ...) ``--repeat`` times, so both meet the same moments
of a busy machine, and the medians are printed with the machine and the date, as a Markdown
table for ``RESULTS.md``. The client shares the machine's cores with the servers: the figures
say how far a second instance helps on one machine, not on two.
"""

# Measurement code: the commands it runs are its own constants, and a failed assert should
# stop the run.
# ruff: noqa: S101, S603

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests
import run  # bench/run.py: the scratch database, its settings and free ports

ROOT = run.ROOT
LIST = "/api/v1/requests/?status=in_progress&page_size=100"


def start_instance(database_url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = run.free_port()
    server = subprocess.Popen(
        [run.PYTHON, "-m", "gunicorn", "ssrtracker.wsgi", "-b", f"127.0.0.1:{port}",
         "-w", str(workers), "--log-level", "warning"],
        cwd=ROOT,
        env=run.child_env(database_url),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return server, base
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn on port {port} did not start")


def measure(bases: list[str], paths: list[str], token: str, clients: int, duration: float) -> Any:
    """Requests per second over ``duration`` seconds, and the answers that were not 200."""
    done = [0] * clients
    errors = [0] * clients
    stop = time.monotonic() + duration

    def client(n: int) -> None:
        sessions = [requests.Session() for _ in bases]
        for session in sessions:
            session.headers["Authorization"] = f"Bearer {token}"
        i = n
        while time.monotonic() < stop:
            k = i % len(bases)
            answer = sessions[k].get(bases[k] + paths[i % len(paths)], timeout=60)
            if answer.status_code == 200:
                done[n] += 1
            else:
                errors[n] += 1
            i += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return sum(done) / elapsed, sum(errors)


def machine() -> str:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("\n", 1)[0].split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GB of memory"
    return (
        f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}){memory}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.1f} at the start"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default=run.DEFAULT_ADMIN_URL)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per run")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    host = machine()  # before the servers start: the load average says how busy it was
    database_url = run.ensure_database(args.admin_url, args.scale)
    run.setup_django(database_url)
    from mandates.models import Request

    _admin, _manager, token = run.bench_users()
    ids = list(Request.objects.order_by("pk").values_list("pk", flat=True)[:500])
    assert ids, "the scratch database has no requests"
    paths = {"list": [LIST], "detail": [f"/api/v1/requests/{pk}/" for pk in ids]}

    servers = [start_instance(database_url, args.workers) for _ in range(3)]
    setups = {"one": [servers[0][1]], "two": [servers[1][1], servers[2][1]]}
    rates: dict[tuple[str, str], list[float]] = {}
    failed = 0
    try:
        for bases in setups.values():  # warm-up: every worker has its connection and imports
            measure(bases, paths["list"], token, args.clients, 1.0)
        for round_ in range(args.repeat):
            for mode, mode_paths in paths.items():
                for name, bases in setups.items():
                    rate, errors = measure(bases, mode_paths, token, args.clients, args.duration)
                    rates.setdefault((mode, name), []).append(rate)
                    failed += errors
                    print(f"  round {round_ + 1} {mode:6} {name} instance(s): {rate:7.1f} req/s")
    finally:
        for server, _base in servers:
            server.terminate()
            server.wait(timeout=30)

    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    print(
        f"\nMeasured on {today} with `bench/cluster.py --scale {args.scale:g} --workers "
        f"{args.workers} --clients {args.clients} --duration {args.duration:g} --repeat "
        f"{args.repeat}`.\n\n**Machine.** {host}; PostgreSQL and the client on the same "
        f"machine.\n"
    )
    print("| request | one instance | two instances | two ÷ one |")
    print("|---|---:|---:|---:|")
    for mode in paths:
        one = statistics.median(rates[(mode, "one")])
        two = statistics.median(rates[(mode, "two")])
        print(f"| {mode} | {one:.1f} req/s | {two:.1f} req/s | {two / one:.2f}× |")
    print(f"\nMedians of {args.repeat} runs each; answers other than 200: {failed}.")
    assert failed == 0, "some requests failed"


if __name__ == "__main__":
    main()
