"""The working titles of proposed requests are whole phrases a manager can read.

Real paragraphs (resolutions are public documents); the corpus runs are skipped when the
corpus is absent (set UNSC_CORPUS_DIR to use a copy elsewhere).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mandates.documents.parser import ParsedParagraph, parse_bytes
from mandates.documents.titles import _DANGLING, TITLE_LIMIT, request_title

CORPUS = Path(
    os.environ.get(
        "UNSC_CORPUS_DIR",
        Path(__file__).resolve().parents[2].parent / "shared/corpus/unsc-resolutions-1946-2015",
    )
)
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the resolution corpus is not available at {CORPUS}"
)

# 2149 (2014) OP23: the first "to" is "without prejudice to paragraph 21".
OP23 = (
    "Authorizes the Secretary-General, without prejudice to paragraph 21 above, to deploy to "
    "MINUSCA before 15 September 2014 military enablers, including military enablers "
    "transferred from other United Nations missions, as appropriate, in order to bring MINUSCA "
    "to the required operational capability;"
)
# 2149 (2014) OP13: "parties to armed conflict" asks nothing of the conflict.
OP13 = (
    "Calls upon all parties to armed conflict in the CAR, including former Seleka elements and "
    "anti-Balaka elements, to take all feasible steps to ensure the protection of civilians;"
)


def test_the_title_starts_at_the_verb_asked_not_at_a_reference() -> None:
    title = request_title(OP23, is_subparagraph=False)
    assert title.startswith("Deploy to MINUSCA before 15 September 2014 military enablers")
    assert not title.lower().startswith("paragraph")


def test_parties_to_a_conflict_are_not_what_is_asked() -> None:
    title = request_title(OP13, is_subparagraph=False)
    assert title == "Take all feasible steps to ensure the protection of civilians"


def test_a_long_title_ends_at_a_clause_boundary_with_an_ellipsis() -> None:
    title = request_title(OP23, is_subparagraph=False)
    assert len(title) <= TITLE_LIMIT
    # the next boundary, after "missions", is past the limit
    assert title == "Deploy to MINUSCA before 15 September 2014 military enablers…"


def test_without_a_clause_boundary_the_cut_is_between_words_and_no_function_word_ends_it() -> None:
    text = "Requests the Secretary-General to " + " ".join(["monitor the borders of the"] * 10)
    title = request_title(text, is_subparagraph=False, limit=60)
    assert title.endswith("…")
    assert len(title) <= 60
    words = title[:-1].split(" ")
    assert words[-1] not in _DANGLING
    assert " ".join(words)[1:] in text  # capitalised


def test_a_short_ask_is_kept_whole_and_a_subparagraph_from_its_start() -> None:
    assert request_title(
        "Requests the Secretary-General to report every six months;", is_subparagraph=False
    ) == ("Report every six months")
    assert request_title("to support the reform of the police;", is_subparagraph=True) == (
        "To support the reform of the police"
    )
    # "Requests that ..." has no infinitive: the paragraph from its start
    assert request_title(
        "Requests that the Secretary-General keep it informed.", is_subparagraph=False
    ) == ("Requests that the Secretary-General keep it informed")


def _asks(paragraphs: list[ParsedParagraph]) -> list[ParsedParagraph]:
    found: list[ParsedParagraph] = []
    for paragraph in paragraphs:
        if paragraph.subparagraphs:
            found.extend(_asks(paragraph.subparagraphs))
        elif paragraph.strength in ("obligation", "expectation"):
            found.append(paragraph)
    return found


@needs_corpus
@pytest.mark.parametrize("stem", ["S-RES-2149-2014", "S-RES-1925-2010", "S-RES-2098-2013"])
def test_every_title_of_a_real_resolution_is_a_whole_phrase(stem: str) -> None:
    document = parse_bytes((CORPUS / f"{stem}.txt").read_bytes())
    asks = _asks(document.operative)
    assert len(asks) > 10
    for paragraph in asks:
        title = request_title(paragraph.text, is_subparagraph=bool(paragraph.label))
        assert title[:1].isupper(), title
        assert len(title) <= TITLE_LIMIT, title
        assert not title.startswith(("Paragraph", "Armed")), title
        shown = title.removesuffix("…")
        words = shown.split(" ")
        assert shown[1:] in " ".join(paragraph.text.split()), title  # no word cut or changed
        if title.endswith("…"):
            assert words[-1].lower() not in _DANGLING, title
            start = " ".join(paragraph.text.split()).find(shown[1:])
            following = " ".join(paragraph.text.split())[start + len(shown) - 1 :]
            assert following[:1] in (" ", ",", ";", ":", ""), title
