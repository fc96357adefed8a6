"""The parser's limits: paragraph numbers of any length, a paragraph count and a time limit set
by the caller, and a warning when one paragraph swallows the text."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mandates.documents.parser import LimitExceeded, ParseError, parse_bytes, parse_text
from mandates.documents.parser.text import _ALPHA, _FEW_WORDS, _find_all, _occurrences, _tokens

HEAD = (
    "Resolution 9999 (2020)\n"
    "Adopted by the Security Council at its 9000th meeting, on 1 January 2020\n\n"
    "The Security Council,\n\nRecalling its previous resolutions,\n\n"
)


def numbered_text(count: int) -> str:
    """A resolution with ``count`` numbered operative paragraphs, one per line."""
    body = "\n".join(
        f"{n}. Requests the Secretary-General to report on item {n} by 31 December 2021;"
        for n in range(1, count + 1)
    )
    return HEAD + body + "\n"


def test_paragraphs_numbered_1000_and_above_are_paragraphs_of_their_own() -> None:
    document = parse_text(numbered_text(1500))
    assert [p.number for p in document.operative] == list(range(1, 1501))
    op1000 = document.operative[999]
    assert op1000.text == (
        "Requests the Secretary-General to report on item 1000 by 31 December 2021;"
    )
    assert op1000.addressees == ["Secretary-General"]
    assert document.warnings == []


def test_numbers_alone_on_their_line_above_999_are_paragraph_numbers() -> None:
    body = "".join(
        f"{n}.\nRequests the Secretary-General to report on item {n};\n" for n in range(1, 1003)
    )
    document = parse_text(HEAD + body)
    assert [p.number for p in document.operative][-3:] == [1000, 1001, 1002]


def test_more_paragraphs_than_the_limit_is_refused() -> None:
    with pytest.raises(LimitExceeded, match=r"more than 2000 paragraphs \(the limit\)"):
        parse_text(numbered_text(10_000), max_paragraphs=2000)


def test_the_paragraph_limit_is_a_parse_error_callers_already_catch() -> None:
    with pytest.raises(ParseError):
        parse_bytes(numbered_text(30).encode(), max_paragraphs=20)
    # At the limit is fine: one preambular and 19 operative paragraphs.
    assert len(parse_text(numbered_text(19), max_paragraphs=20).operative) == 19


def test_a_parse_over_its_time_is_stopped_with_a_clear_message() -> None:
    ticks = itertools.count(step=0.5)  # a clock that advances half a second per reading
    with pytest.raises(LimitExceeded, match=r"took longer than 2 seconds \(the limit\)"):
        parse_text(numbered_text(200), max_seconds=2, clock=lambda: next(ticks))


def test_a_parse_within_its_time_is_not_stopped() -> None:
    document = parse_text(numbered_text(200), max_seconds=60)
    assert len(document.operative) == 200


def test_one_paragraph_holding_the_whole_text_is_reported() -> None:
    sentence = "and further requests the mission to support national authorities, "
    text = HEAD + "1. Requests the Secretary-General to " + sentence * 2000 + "report.\n"
    document = parse_text(text)
    assert len(document.operative) == 1
    assert len(document.warnings) == 1
    size = len(document.operative[0].text)
    assert size > 100_000
    assert document.warnings[0].startswith(f"Paragraph OP1 holds {size:,} characters")
    assert "paragraph numbering was probably not recognised" in document.warnings[0]


def test_warnings_are_not_part_of_the_json_shape() -> None:
    sentence = "and further requests the mission to support national authorities, "
    document = parse_text(HEAD + "1. Requests the Secretary-General to " + sentence * 2000)
    assert document.warnings
    assert "warnings" not in document.to_dict()


@pytest.mark.parametrize("digits", [10, 5000])
def test_a_number_too_long_for_a_paragraph_number_is_text(digits: int) -> None:
    text = HEAD + "1. Requests the Secretary-General to report;\n" + "9" * digits + ". Decides;\n"
    document = parse_text(text)
    assert [p.number for p in document.operative] == [1]


def test_a_markdown_link_whose_address_holds_parentheses_is_unmarked_whole() -> None:
    text = HEAD + (
        "1. Requests the Secretary-General to report on resolution "
        "[2553 (2020)](https://undocs.org/S/RES/2553(2020)) and [^1] its follow-up;\n"
    )
    assert parse_text(text).operative[0].text == (
        "Requests the Secretary-General to report on resolution 2553 (2020) and its follow-up;"
    )


def test_unclosed_brackets_are_left_as_text() -> None:
    text = HEAD + "1. Requests the Secretary-General to report " + "[^[" * 50 + " [a](b);\n"
    paragraph = parse_text(text).operative[0].text
    assert paragraph.startswith("Requests the Secretary-General to report [^[[^[")
    assert paragraph.endswith("[^[a;")


_LETTERS = st.text(alphabet="ab é÷α-\n'Z", max_size=300)


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(text=_LETTERS, words=st.lists(st.text(alphabet="abé", min_size=1, max_size=5), max_size=8))
@example(text="a÷abab ab", words=["abab"])  # "÷" is not a letter, though in _ALPHA's range
def test_reading_the_text_once_finds_what_searching_each_word_finds(
    text: str, words: list[str]
) -> None:
    # Past _FEW_WORDS words the text is read once for all of them: the same offsets.
    lowered = text.lower()
    many = [*words, *(f"zz{n}" for n in range(_FEW_WORDS))]
    once = _occurrences(lowered, set(many))
    assert {w: once.get(w, []) for w in words} == {w: _find_all(lowered, w) for w in words}


@pytest.mark.parametrize("size", [10, 70_000, 200_000])
def test_tokens_read_in_pieces_are_all_the_tokens(size: int) -> None:
    text = ("naïve tions " * size)[:size] + " " + "a" * size + " tail"
    assert _tokens(text) == set(_ALPHA.findall(text))
    assert _tokens(text.replace("ï", "i")) == set(_ALPHA.findall(text.replace("ï", "i")))
