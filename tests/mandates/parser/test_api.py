"""The public API: exports, errors a person understands, and the JSON shape of to_dict()."""

from __future__ import annotations

import datetime
import json
import pathlib

import pytest

import mandates.documents.parser
from mandates.documents.parser import (
    Deadline,
    ParsedDocument,
    ParsedParagraph,
    ParseError,
    parse_bytes,
    parse_text,
)

SOURCE = (
    pathlib.Path(__file__).resolve().parents[3]
    / "fixtures"
    / "sources"
    / "S-RES-2553-2020_plain.txt"
)


def test_public_names() -> None:
    assert set(mandates.documents.parser.__all__) == {
        "Deadline",
        "LimitExceeded",
        "ParseError",
        "ParsedDocument",
        "ParsedParagraph",
        "Renewal",
        "SCHEMA_VERSION",
        "parse_bytes",
        "parse_text",
    }
    assert issubclass(ParseError, ValueError)
    assert issubclass(mandates.documents.parser.LimitExceeded, ParseError)


def test_the_package_does_not_import_django() -> None:
    package = pathlib.Path(mandates.documents.parser.__file__).parent
    for module in package.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert "import django" not in source, module.name
        assert "from django" not in source, module.name


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"   \n\t\r\n", "The file is empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "not text"),
        (bytes(range(256)) * 4, "not text"),
        (
            b"The quick brown fox jumps over the lazy dog. It was a fine day in the park.",
            "does not look like a resolution",
        ),
    ],
)
def test_parse_errors_have_readable_messages(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_bytes(data)


def test_parse_text_errors() -> None:
    with pytest.raises(ParseError, match="The file is empty"):
        parse_text("")
    with pytest.raises(ParseError, match="does not look like a resolution"):
        parse_text("Dear colleagues,\nPlease find attached the minutes.\nBest regards")


def test_numbered_paragraphs_alone_are_enough() -> None:
    document = parse_text("1. Requests the parties to negotiate;\n2. Decides to review it.\n")
    assert [p.number for p in document.operative] == [1, 2]


def test_to_dict_shape() -> None:
    document = parse_bytes(SOURCE.read_bytes())
    data = document.to_dict()
    # The keys of the first published shape keep their place; later ones follow (schema 1.0.0).
    assert list(data) == [
        "schema_version",
        "symbol",
        "date",
        "title",
        "preambular",
        "operative",
        "renewals",
    ]
    assert data["schema_version"] == "1.2.0"
    assert data["symbol"] == "S/RES/2553 (2020)"
    assert data["date"] == "2020-12-03"
    assert data["title"] is None
    assert all(list(p) == ["text", "ssr"] for p in data["preambular"])
    for paragraph in data["operative"]:
        assert list(paragraph) == [
            "number",
            "text",
            "verb",
            "strength",
            "addressees",
            "deadlines",
            "subparagraphs",
            "addressee_details",
            "ssr",
        ]
    op20 = next(p for p in data["operative"] if p["number"] == 20)
    assert list(op20["subparagraphs"][0]) == [
        "label",
        "text",
        "addressees",
        "deadlines",
        "subparagraphs",
        "addressee_details",
        "ssr",
    ]
    assert op20["subparagraphs"][4]["deadlines"] == [
        {
            "text": "in the Secretary-General’s regular reports",
            "due": None,
            "recurrence": "regular_reports",
            "kind": "with_report",
            "relative_to": None,
        }
    ]
    op25 = next(p for p in data["operative"] if p["number"] == 25)
    assert op25["deadlines"] == [
        {
            "text": "in September 2021",
            "due": "2021-09-30",
            "recurrence": None,
            "kind": "date",
            "relative_to": None,
        }
    ]
    assert data["renewals"] == []
    json.dumps(data)  # JSON-ready


def test_dataclasses_can_be_built_by_hand() -> None:
    deadline = Deadline(text="by 31 March 2022", due=datetime.date(2022, 3, 31), recurrence=None)
    paragraph = ParsedParagraph(
        kind="operative",
        number=1,
        label="",
        text="Requests a report by 31 March 2022;",
        verb="Requests",
        strength="obligation",
        addressees=[],
        deadlines=[deadline],
        subparagraphs=[],
    )
    document = ParsedDocument(
        symbol=None, date=None, title=None, preambular=[], operative=[paragraph]
    )
    assert document.to_dict()["operative"][0]["deadlines"][0]["due"] == "2022-03-31"
