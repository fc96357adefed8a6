"""Parser at the document limits: time and memory of the largest inputs (a measurement, not a test).

Usage, from the project root::

    .venv/bin/python bench/parse_limits.py [--megabytes 5] [--skip-memory]

Builds texts of ``MAX_DOCUMENT_BYTES`` (or ``--megabytes``) and parses them with the limits of
``ssrtracker.limits``:

* *many*: ``MAX_DOCUMENT_PARAGRAPHS - 1`` numbered paragraphs, one per line;
* *one*: one paragraph on one line; *wrapped*: one paragraph over many short lines;
* *repeats*: one paragraph made of one fragment repeated, for the fragments the parser's
  patterns react to (dates, "every three months", labels, brackets, hyphenated line ends...).

Each is parsed at half and at full size; the ratio of the two times should be about 2 (linear).
Then the peak of Python memory (``tracemalloc``) while parsing the full-size *many* and *one*
texts, as a multiple of the input's size. CPU time is measured.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAD = (
    "Resolution 9999 (2020)\n"
    "Adopted by the Security Council at its 9000th meeting, on 1 January 2020\n\n"
    "The Security Council,\n\nRecalling its previous resolutions,\n\n"
)
FILLER = "and further requests the mission to support the national authorities in the reform, "
REPEATS = {
    "dates": "by 31 December 2021, ",
    "every": "to report every three months, ",
    "within": "within 90 days ",
    "labels": "(a) x; ",
    "labels/lines": "(a) x;\n",
    "numbers": "1. ",
    "brackets": "[^[",
    "emphasis": "*a _b ",
    "hyphens": "long-\n",
    "split words": "Na tions ",
    "semicolons": "; Decides ",
    "spaces": ",  ",
}


def many(size: int, count: int) -> str:
    per = size // count
    lines = []
    for n in range(1, count + 1):
        opening = f"{n}. Requests the Secretary-General to report on item {n} "
        lines.append(opening + (FILLER * (per // len(FILLER) + 1))[: per - len(opening) - 1])
    return HEAD + "\n".join(lines) + "\n"


def one(size: int, separator: str = "") -> str:
    return (
        HEAD
        + "1. Requests the Secretary-General to "
        + (FILLER + separator) * (size // len(FILLER))
    )


def repeated(fragment: str) -> Callable[[int], str]:
    return lambda size: (
        HEAD + "1. Requests the Secretary-General to " + fragment * (size // len(fragment))
    )


def _parse(text: str) -> str:
    from mandates.documents.parser import ParseError, parse_bytes
    from ssrtracker import limits

    try:
        document = parse_bytes(
            text.encode(),
            max_paragraphs=limits.MAX_DOCUMENT_PARAGRAPHS,
            max_seconds=limits.MAX_PARSE_SECONDS,
        )
    except ParseError as error:
        return f"refused: {error}"
    return f"{len(document.preambular) + len(document.operative)} paragraphs"


def _time(build: Callable[[int], str], size: int) -> tuple[float, str]:
    text = build(size)
    start = time.process_time()
    outcome = _parse(text)
    return time.process_time() - start, outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--megabytes", type=float, help="input size (default: the limit)")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from ssrtracker import limits

    size = int(args.megabytes * 2**20) if args.megabytes else limits.MAX_DOCUMENT_BYTES
    count = limits.MAX_DOCUMENT_PARAGRAPHS - 1  # and one preambular paragraph
    cases: dict[str, Callable[[int], str]] = {
        "many": lambda n: many(n, count),
        "one": one,
        "wrapped": lambda n: one(n, "\n"),
        **{f"repeat {name}": repeated(fragment) for name, fragment in REPEATS.items()},
    }
    print(f"input {size / 2**20:.1f} MB, limits: {count + 1} paragraphs, "
          f"{limits.MAX_PARSE_SECONDS} s")  # fmt: skip
    for name, build in cases.items():
        half, _ = _time(build, size // 2)
        full, outcome = _time(build, size)
        ratio = full / half if half else float("inf")
        print(f"{name:22s} half {half:6.2f} s  full {full:6.2f} s  ratio {ratio:4.1f}  {outcome}")
    if not args.skip_memory:
        for name in ("many", "one"):
            text = cases[name](size)
            data = text.encode()
            del text
            tracemalloc.start()
            _parse_bytes_only(data)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"peak memory {name:12s} {peak / 2**20:6.1f} MB = {peak / len(data):4.1f}x input")
    return 0


def _parse_bytes_only(data: bytes) -> None:
    from mandates.documents.parser import parse_bytes

    parse_bytes(data)


if __name__ == "__main__":
    raise SystemExit(main())
