"""The 2,259 resolutions of 1946-2015 parse; numbered operative paragraphs run 1..N.

The corpus is not part of the project: these tests are skipped when it is absent. Set
UNSC_CORPUS_DIR to use a copy elsewhere.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from mandates.documents.parser import parse_bytes
from mandates.documents.parser.corpus import CorpusReport, main, parse_folder

CORPUS = Path(
    os.environ.get(
        "UNSC_CORPUS_DIR",
        Path(__file__).resolve().parents[3].parent / "shared/corpus/unsc-resolutions-1946-2015",
    )
)

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the resolution corpus is not available at {CORPUS}"
)


@pytest.fixture(scope="module")
def report() -> CorpusReport:
    return parse_folder(CORPUS)


def test_every_file_parses_without_crashing(report: CorpusReport) -> None:
    assert report.files >= 2000
    assert report.crashes == []
    # Every file of this corpus is a resolution: none should be refused.
    assert report.parse_errors == []
    assert report.parsed == report.files


def test_numbering_is_contiguous(report: CorpusReport) -> None:
    assert report.numbered >= 0.8 * report.files
    assert report.contiguous_share >= 0.99, report.not_contiguous


def test_symbols_and_dates_are_read() -> None:
    files = sorted(CORPUS.iterdir())[::10]
    right = 0
    for path in files:
        match = re.match(r"S-RES-(\d+)-(\d{4})", path.name)
        assert match
        document = parse_bytes(path.read_bytes())
        if document.symbol == f"S/RES/{match.group(1)} ({match.group(2)})" and document.date:
            right += 1
    assert right >= 0.97 * len(files)


def test_command_line_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path in sorted(CORPUS.iterdir())[:20]:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "files:             21" in out
    assert "ParseErrors:       1" in out
    assert "contiguous" in out
    assert "MB/s" in out
    assert "empty.txt: The file is empty" in out
