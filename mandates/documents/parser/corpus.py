"""Parse every file of a folder and summarise: ``python -m mandates.documents.parser.corpus DIR``.

Prints the number of files, how many parsed, how many were refused with :class:`ParseError`
(with the reason for each), how many have numbered operative paragraphs and the share of those
whose numbering is contiguous 1..N, and the throughput. Any other exception is a parser bug: it
is listed with its type and the exit code is 1. ``--verbose`` also lists the files whose
numbering is not contiguous, with the numbers found.

``--lexicon`` instead prints a new :mod:`mandates.documents.parser._lexicon_data` module built
from the folder (see :mod:`mandates.documents.parser.lexicon_build`).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import lexicon_build, parse_bytes
from .model import ParsedDocument, ParseError


@dataclass
class CorpusReport:
    """What happened when parsing a folder."""

    files: int = 0
    parsed: int = 0
    parse_errors: list[tuple[str, str]] = field(default_factory=list)
    crashes: list[tuple[str, str]] = field(default_factory=list)
    numbered: int = 0
    contiguous: int = 0
    not_contiguous: list[tuple[str, list[int]]] = field(default_factory=list)
    bytes: int = 0
    seconds: float = 0.0

    @property
    def contiguous_share(self) -> float:
        return self.contiguous / self.numbered if self.numbered else 1.0

    @property
    def megabytes_per_second(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds else 0.0


def numbering(document: ParsedDocument) -> list[int]:
    """The operative paragraph numbers of a document, in order (unnumbered ones left out)."""
    return [p.number for p in document.operative if p.number is not None]


def is_contiguous(numbers: list[int]) -> bool:
    """Are the numbers exactly 1..N?"""
    return numbers == list(range(1, len(numbers) + 1))


def parse_folder(folder: Path) -> CorpusReport:
    """Parse every regular file in ``folder`` (sorted by name)."""
    report = CorpusReport()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        data = path.read_bytes()
        report.files += 1
        report.bytes += len(data)
        start = time.perf_counter()
        try:
            document = parse_bytes(data)
        except ParseError as error:
            report.parse_errors.append((path.name, str(error)))
            continue
        except Exception as error:  # a crash is what this tool is here to report
            report.crashes.append((path.name, f"{type(error).__name__}: {error}"))
            continue
        finally:
            report.seconds += time.perf_counter() - start
        report.parsed += 1
        numbers = numbering(document)
        if numbers:
            report.numbered += 1
            if is_contiguous(numbers):
                report.contiguous += 1
            else:
                report.not_contiguous.append((path.name, numbers))
    return report


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--lexicon", action="store_true", help="print a new word list")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"{args.folder} is not a folder", file=sys.stderr)
        return 2
    if args.lexicon:
        print(lexicon_build.render(*lexicon_build.build(args.folder)), end="")
        return 0
    report = parse_folder(args.folder)
    print(f"files:             {report.files}")
    print(f"parsed:            {report.parsed}")
    print(f"ParseErrors:       {len(report.parse_errors)}")
    print(f"other exceptions:  {len(report.crashes)}")
    print(
        f"numbered:          {report.numbered} "
        f"({report.contiguous} contiguous 1..N = {report.contiguous_share:.1%})"
    )
    print(
        f"throughput:        {report.bytes / 1e6:.1f} MB in {report.seconds:.2f} s = "
        f"{report.megabytes_per_second:.1f} MB/s"
    )
    if report.parse_errors or report.crashes:
        print("\nfailures:")
        for name, reason in report.parse_errors + report.crashes:
            print(f"  {name}: {reason}")
    if args.verbose and report.not_contiguous:
        print("\nnot contiguous:")
        for name, numbers in report.not_contiguous:
            print(f"  {name}: {numbers}")
    return 1 if report.crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
