"""The five seed texts parse to exactly the paragraphs transcribed in fixtures/documents."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from mandates.documents.parser import ParsedDocument, ParsedParagraph, parse_bytes

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"

# fixture document -> source text
SEEDS = {
    "s-res-2553-2020.json": "S-RES-2553-2020_plain.txt",
    "s-res-2553-2020-draft.json": "S-2020-draft-resolution-2553_markdown.md",
    "s-res-2151-2014.json": "S-RES-2151-2014.txt",
    "s-2014-302.json": "S-2014-302_draft-resolution-2151_pdf-text.txt",
    "a-62-659.json": "A-62-659_S-2008-39_SG-report-on-SSR_pdf-text.txt",
}


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _load(fixture: str) -> tuple[dict[str, Any], ParsedDocument]:
    expected = json.loads((FIXTURES / "documents" / fixture).read_text(encoding="utf-8"))
    source = FIXTURES / "sources" / SEEDS[fixture]
    return expected, parse_bytes(source.read_bytes())


def _parse(source: str) -> ParsedDocument:
    return parse_bytes((FIXTURES / "sources" / source).read_bytes())


def _assert_subparagraphs(
    expected: list[dict[str, Any]], parsed: list[ParsedParagraph], where: str
) -> None:
    assert [s["label"] for s in expected] == [s.label for s in parsed], where
    for want, got in zip(expected, parsed, strict=True):
        assert _collapse(got.text) == _collapse(want["text"]), f"{where}({want['label']})"
        _assert_subparagraphs(
            want.get("subparagraphs", []), got.subparagraphs, f"{where}({want['label']})"
        )


@pytest.mark.parametrize("fixture", sorted(SEEDS))
def test_seed_paragraphs_match_the_transcription(fixture: str) -> None:
    expected, document = _load(fixture)
    preambular = [p for p in expected["paragraphs"] if p["kind"] == "preambular"]
    operative = [p for p in expected["paragraphs"] if p["kind"] == "operative"]

    assert len(document.preambular) == len(preambular)
    assert len(document.operative) == len(operative)
    for index, (want, got) in enumerate(zip(preambular, document.preambular, strict=True), 1):
        assert _collapse(got.text) == _collapse(want["text"]), f"PP{index}"
    for want, got in zip(operative, document.operative, strict=True):
        where = f"OP{want['number']}"
        assert got.number == want["number"], where
        assert _collapse(got.text) == _collapse(want["text"]), where
        assert got.verb == want["lead_verb"], where
        _assert_subparagraphs(want.get("subparagraphs", []), got.subparagraphs, where)


@pytest.mark.parametrize("fixture", sorted(SEEDS))
def test_seed_preambular_verbs_match_the_transcription(fixture: str) -> None:
    expected, document = _load(fixture)
    preambular = [p for p in expected["paragraphs"] if p["kind"] == "preambular"]
    assert [p.verb for p in document.preambular] == [p["lead_verb"] for p in preambular]


@pytest.mark.parametrize(
    ("source", "symbol", "date"),
    [
        ("S-RES-2553-2020_plain.txt", "S/RES/2553 (2020)", datetime.date(2020, 12, 3)),
        ("S-RES-2151-2014.txt", "S/RES/2151 (2014)", datetime.date(2014, 4, 28)),
        (
            "S-2014-302_draft-resolution-2151_pdf-text.txt",
            "S/2014/302",
            datetime.date(2014, 4, 28),
        ),
        ("S-2020-draft-resolution-2553_markdown.md", None, datetime.date(2020, 12, 3)),
        ("A-62-659_S-2008-39_SG-report-on-SSR_pdf-text.txt", "A/62/659-S/2008/39", None),
    ],
)
def test_seed_symbol_and_date(source: str, symbol: str | None, date: datetime.date | None) -> None:
    document = _parse(source)
    assert document.symbol == symbol
    assert document.date == date
    assert document.title is None  # none of the seed texts names a title


def test_2553_structure_and_requests() -> None:
    document = _parse("S-RES-2553-2020_plain.txt")
    by_number = {p.number: p for p in document.operative}
    assert len(document.operative) == 26
    assert [s.label for s in by_number[20].subparagraphs] == list("abcdefghijk")

    op25 = by_number[25]
    assert op25.verb == "Requests"
    assert op25.strength == "obligation"
    assert op25.addressees == ["Secretary-General"]
    assert [(d.text, d.due, d.recurrence) for d in op25.deadlines] == [
        ("in September 2021", datetime.date(2021, 9, 30), None)
    ]

    subs = {s.label: s for s in by_number[20].subparagraphs}
    for label in ("e", "f"):
        assert [d.recurrence for d in subs[label].deadlines] == ["regular_reports"]
        assert subs[label].deadlines[0].due is None
    assert by_number[20].strength == "obligation"  # "..., and requests the Secretary-General"
    assert all(s.strength == "obligation" for s in subs.values())
    assert all(s.addressees == ["Secretary-General"] for s in subs.values())
    assert subs["a"].verb == "Strengthen"

    assert "Member States" in by_number[3].addressees
    assert by_number[3].strength == "expectation"
    assert by_number[1].strength == "none"
    assert by_number[26].strength == "none"  # decides to remain seized
    assert by_number[6].verb == "Recognizing"  # numbering decides, not the verb
    assert by_number[11].verb == "Encouraging"
    assert document.preambular[9].verb == "Recognizes"  # PP10 opens with a present tense


def test_2151_structure_and_requests() -> None:
    document = _parse("S-RES-2151-2014.txt")
    by_number = {p.number: p for p in document.operative}
    assert len(document.operative) == 20
    subs = {s.label: s for s in by_number[15].subparagraphs}
    assert list(subs) == list("abcdef")
    assert [d.recurrence for d in subs["d"].deadlines] == ["regular_reports"]
    assert by_number[17].addressees == ["Secretary-General", "partners"]


def test_the_draft_and_the_adopted_2553_agree() -> None:
    draft = _parse("S-2020-draft-resolution-2553_markdown.md")
    adopted = _parse("S-RES-2553-2020_plain.txt")
    assert [p.verb for p in draft.operative] == [p.verb for p in adopted.operative]
    assert [p.addressees for p in draft.operative] == [p.addressees for p in adopted.operative]


def test_sg_report_is_all_numbered_paragraphs() -> None:
    document = _parse("A-62-659_S-2008-39_SG-report-on-SSR_pdf-text.txt")
    assert document.preambular == []
    assert [p.number for p in document.operative] == list(range(1, 74))
    assert [s.label for s in document.operative[44].subparagraphs] == list("abcdefghij")
