"""A PDF or DOCX of a resolution in the United Nations layout parses as its text does.

The files are built by :mod:`tests.mandates.formats_builder` from the text parse (running
headers and footers, page breaks inside paragraphs, numbers after the first line, "a." labels,
footnotes; Word's automatic list numbering), read back with :func:`document_text` and parsed:
the paragraphs, numbers, labels, lead verbs, addressees and deadlines must be the same.

The seeds always run; the corpus resolutions (four per decade, picked once with a fixed seed
among those whose paragraphs are numbered 1, 2, 3 ...) are skipped when the corpus is absent
(set UNSC_CORPUS_DIR to use a copy elsewhere).
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest

from mandates.documents.formats import docx_text, pdf_text
from mandates.documents.parser import ParsedDocument, parse_bytes, parse_text
from tests.mandates.formats_builder import resolution_docx, resolution_pdf

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [
    ROOT / "fixtures/sources/S-RES-2553-2020_plain.txt",
    ROOT / "fixtures/sources/S-RES-2151-2014.txt",
]
CORPUS = Path(
    os.environ.get(
        "UNSC_CORPUS_DIR",
        ROOT.parent / "shared/corpus/unsc-resolutions-1946-2015",
    )
)
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the resolution corpus is not available at {CORPUS}"
)
# Four per decade, 1946-2015: random.Random(16) over each decade's files, keeping those whose
# text parse has a symbol, a date and operative paragraphs numbered 1, 2, 3 ... (at least 3).
RESOLUTIONS = [
    "S-RES-12-1946",
    "S-RES-20-1947",
    "S-RES-49-1948",
    "S-RES-70-1949",
    "S-RES-96-1951",
    "S-RES-111-1956",
    "S-RES-113-1956",
    "S-RES-89-1950",
    "S-RES-244-1967",
    "S-RES-209-1965",
    "S-RES-236-1967",
    "S-RES-220-1966",
    "S-RES-295-1971",
    "S-RES-415-1977",
    "S-RES-329-1973",
    "S-RES-311-1972",
    "S-RES-602-1987",
    "S-RES-641-1989",
    "S-RES-568-1985",
    "S-RES-628-1989",
    "S-RES-1195-1998",
    "S-RES-1092-1996",
    "S-RES-1118-1997",
    "S-RES-785-1992",
    "S-RES-1791-2007",
    "S-RES-1795-2008",
    "S-RES-1592-2005",
    "S-RES-1330-2000",
    "S-RES-2212-2015",
    "S-RES-1970-2011",
    "S-RES-2171-2014",
    "S-RES-1949-2010",
]
# The text parse of 2171 (2014) keeps three headings in the text of its OP1 ("...; United
# Nations regional offices; Special Political Missions; ..."), which a Word paragraph of that
# text splits as the text of a one-paragraph-per-line layout would.
DOCX_APART = {"S-RES-2171-2014"}


def _operative(paragraphs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What must be equal: numbers, labels, text, verbs, addressees (typed), deadlines."""
    return [
        {key: value for key, value in paragraph.items() if key != "ssr"}
        | {"subparagraphs": _operative(paragraph["subparagraphs"])}
        for paragraph in paragraphs
    ]


def assert_same_parse(expected: ParsedDocument, text: str) -> None:
    found = parse_text(text).to_dict()
    wanted = expected.to_dict()
    assert (found["symbol"], found["date"]) == (wanted["symbol"], wanted["date"])
    assert [p["text"] for p in found["preambular"]] == [p["text"] for p in wanted["preambular"]]
    assert _operative(found["operative"]) == _operative(wanted["operative"])
    assert found["renewals"] == wanted["renewals"]


def _seed(path: Path) -> int:
    return int("".join(c for c in path.stem if c.isdigit())[:6])


@pytest.mark.parametrize("path", SEEDS, ids=lambda path: path.stem)
def test_a_seed_as_pdf_parses_as_its_text(path: Path) -> None:
    expected = parse_bytes(path.read_bytes())
    assert len(expected.operative) >= 20
    assert_same_parse(expected, pdf_text(resolution_pdf(expected, seed=_seed(path))))


@pytest.mark.parametrize("path", SEEDS, ids=lambda path: path.stem)
def test_a_seed_as_docx_parses_as_its_text(path: Path) -> None:
    expected = parse_bytes(path.read_bytes())
    assert_same_parse(expected, docx_text(resolution_docx(expected, seed=_seed(path))))


def test_the_pdf_has_the_layout_that_makes_it_hard() -> None:
    """The built PDF really has running headers, "n/N" footers, footnotes, numbers after the
    first line and paragraphs across pages (else the comparison above proves little)."""
    expected = parse_bytes(SEEDS[0].read_bytes())
    text = pdf_text(resolution_pdf(expected, seed=_seed(SEEDS[0])))
    pages = text.split("\f")
    assert len(pages) > 3
    assert all("S/RES/2553 (2020)" in page for page in pages)
    assert f"2/{len(pages)}" in text
    assert "__________________\n1 See S/2014/111" in text
    lines = text.splitlines()
    late = [
        n
        for n, line in enumerate(lines)
        if line[:3].rstrip(" ").endswith(".") and line[:1].isdigit()
    ]
    assert any(not lines[n].split(" ", 1)[-1][:1].isupper() for n in late)
    assert any(not page.rstrip().endswith((";", ".", ",", ":")) for page in pages[:-1])


def test_the_docx_numbers_its_paragraphs_automatically() -> None:
    """The numbers and letters are Word's list numbering, not typed: python-docx's own text
    of the paragraphs has none; ours has them."""
    from docx import Document

    expected = parse_bytes(SEEDS[0].read_bytes())
    data = resolution_docx(expected, seed=_seed(SEEDS[0]))
    typed = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert not any(line.startswith("1. ") for line in typed)
    shown = docx_text(data).splitlines()
    assert any(line.startswith("1. ") for line in shown)
    assert any(line.startswith("26. ") for line in shown)
    assert any(line.startswith(("(a) ", "a. ")) for line in shown)


@needs_corpus
@pytest.mark.parametrize("stem", RESOLUTIONS)
def test_a_corpus_resolution_as_pdf_parses_as_its_text(stem: str) -> None:
    expected = parse_bytes((CORPUS / f"{stem}.txt").read_bytes())
    assert_same_parse(expected, pdf_text(resolution_pdf(expected, seed=_seed(Path(stem)))))


@needs_corpus
@pytest.mark.parametrize("stem", [stem for stem in RESOLUTIONS if stem not in DOCX_APART])
def test_a_corpus_resolution_as_docx_parses_as_its_text(stem: str) -> None:
    expected = parse_bytes((CORPUS / f"{stem}.txt").read_bytes())
    assert_same_parse(expected, docx_text(resolution_docx(expected, seed=_seed(Path(stem)))))


def test_numbering_from_a_list_style_counts_and_bullets_add_nothing() -> None:
    from docx import Document

    word = Document()
    word.add_paragraph("The Security Council,")
    for text in ("Welcomes the report;", "Requests the Secretary-General to report;"):
        word.add_paragraph(text, style="List Number")
    word.add_paragraph("a bullet", style="List Bullet")
    buffer = io.BytesIO()
    word.save(buffer)
    assert docx_text(buffer.getvalue()).splitlines() == [
        "The Security Council,",
        "1. Welcomes the report;",
        "2. Requests the Secretary-General to report;",
        "a bullet",
    ]
