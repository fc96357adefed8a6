"""Property tests: whatever it is given, the parser returns a document or raises ParseError."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mandates.documents.parser import ParsedDocument, ParseError, parse_bytes, parse_text

SOURCES = Path(__file__).resolve().parents[3] / "fixtures" / "sources"
SEED_LINES = {
    path.name: path.read_text(encoding="utf-8").splitlines() for path in sorted(SOURCES.iterdir())
}
FAST = settings(
    max_examples=200,
    deadline=None,
    database=None,  # nothing to replay between runs; keeps the checkout clean
    suppress_health_check=[HealthCheck.too_slow],
)

# Text made of the pieces the parser reacts to, so that its branches are reached.
FRAGMENTS = st.sampled_from(
    [
        "The Security Council,",
        "1.",
        "2. Decides",
        "(a)",
        "(i)",
        "b.",
        "Recalling",
        "Requests the Secretary-General to report",
        "in September 2021",
        "within 90 days",
        "every three months",
        "S/RES/2553 (2020)",
        "13-31417 (E)",
        "*1331417*",
        "2/6",
        "Adopted by the Security Council on 3 December 2020",
        "A",
        "___________",
        "Footnotes",
        "http://undocs.org/S/2013/480",
        "long-",
        "Na tions",
        "*Decides*",
        "[S/PRST/2007/3](#)",
        '"',
        ";",
        ",",
        ":",
        "\n",
        "\f",
        "  ",
        "\u00ad",
        "\xa0",
    ]
)


def _check(document: ParsedDocument) -> None:
    data = document.to_dict()
    assert set(data) == {
        "schema_version",
        "symbol",
        "date",
        "title",
        "preambular",
        "operative",
        "renewals",
    }
    for paragraph in document.operative:
        assert paragraph.strength in {"obligation", "expectation", "none"}
        assert len(paragraph.addressees) == len(set(paragraph.addressees))


@FAST
@given(st.text())
def test_arbitrary_text(text: str) -> None:
    with contextlib.suppress(ParseError):
        _check(parse_text(text))


@FAST
@given(st.binary())
def test_arbitrary_bytes(data: bytes) -> None:
    with contextlib.suppress(ParseError):
        _check(parse_bytes(data))


@FAST
@given(st.lists(FRAGMENTS, max_size=60).map(" ".join))
def test_text_made_of_structural_fragments(text: str) -> None:
    with contextlib.suppress(ParseError):
        _check(parse_text(text))


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    """A seed text with random lines deleted, duplicated or joined to the next."""
    lines = list(SEED_LINES[draw(st.sampled_from(sorted(SEED_LINES)))])
    for _ in range(draw(st.integers(min_value=1, max_value=25))):
        if len(lines) < 2:
            break
        index = draw(st.integers(min_value=0, max_value=len(lines) - 2))
        operation = draw(st.sampled_from(["delete", "duplicate", "join"]))
        if operation == "delete":
            del lines[index]
        elif operation == "duplicate":
            lines.insert(index, lines[index])
        else:
            lines[index : index + 2] = [lines[index] + " " + lines[index + 1]]
    return "\n".join(lines)


@FAST
@given(mutated_seed())
def test_mutated_real_resolutions(text: str) -> None:
    with contextlib.suppress(ParseError):
        _check(parse_text(text))


@FAST
@given(mutated_seed(), st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_mutated_real_resolutions_as_bytes(text: str, encoding: str) -> None:
    with contextlib.suppress(ParseError):
        _check(parse_bytes(text.encode(encoding, errors="replace")))
