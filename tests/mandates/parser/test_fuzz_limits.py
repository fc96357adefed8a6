"""Fuzz: random bytes and random mixtures of resolution-like lines, under a paragraph limit.

Whatever comes in, the parser returns a document or raises ParseError (LimitExceeded for a
limit); a document has no more paragraphs than the limit, paragraph numbers a database column
can hold, a warning for any paragraph that swallowed the text, and a JSON shape that encodes.
The search is fixed (derandomized) and bounded, so a run is repeatable and takes seconds.
"""

from __future__ import annotations

import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mandates.documents.parser import (
    LONG_PARAGRAPH_CHARS,
    ParsedDocument,
    ParseError,
    parse_bytes,
    parse_text,
)
from tests.robustness import examples

LIMIT = 40  # small, so that the limit is reached often
FUZZ = settings(
    max_examples=examples(300),
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
MONTHS = ["January", "March", "June", "September", "December", "Decembre", "june"]

_BIG = st.one_of(
    st.integers(0, 3000), st.integers(0, 10**12), st.integers(0, 10**30).map(lambda n: n * n)
)
_YEAR = st.one_of(
    st.sampled_from(["0000", "0001", "1945", "2021", "2099", "2100", "9999", "10000"]),
    st.integers(0, 9999).map("{:04d}".format),
    st.integers(0, 99999).map(str),
)
DATES = st.builds(
    lambda trigger, day, month, year: f"{trigger} {day} {month} {year}",
    st.sampled_from(["by", "before", "no later than", "in", "prior to", "by the end of"]),
    st.integers(0, 40),
    st.sampled_from(MONTHS),
    _YEAR,
)
ADOPTED = st.builds(
    lambda day, month, year: (
        f"Adopted by the Security Council at its 1st meeting, on {day} {month} {year}"
    ),
    st.integers(0, 40),
    st.sampled_from(MONTHS),
    _YEAR,
)
_WORDS = st.sampled_from(
    [
        "Requests the Secretary-General to report",
        "Decides",
        "Recalling its resolutions 2151 (2014)",
        "within 90 days",
        "every three months",
        "in his regular reports",
        "annually",
        "MINUSMA",
        "Na tions",
        "long-",
        "[^1]",
        "[link](http://x(y)",
        "*Decides*",
        "_",
        "#",
        ">",
        "\\",
        ";",
        ":",
        ",",
    ]
)
_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
_CONTROL = st.text(alphabet=[chr(c) for c in [*range(0, 32), 127, 0x85, 0x2028, 0xAD]], max_size=8)
_LINE = st.one_of(
    st.sampled_from(
        [
            "The Security Council,",
            "S/RES/2553 (2020)",
            "Resolution 2553 (2020)",
            "Adopted by the Security Council at its 8786th meeting, on 3 December 2020",
            "Distr.: General",
            "13-31417 (E)",
            "Footnotes",
            "Annex",
            "A",
            "\f",
            "",
        ]
    ),
    st.builds(lambda n, w: f"{n}. {w}", _BIG, _WORDS),
    st.builds(lambda n: f"{n}.", _BIG),
    st.builds(lambda n, w: f"{n} {w}", _BIG, _WORDS),
    st.builds(
        lambda label, w: f"({label}) {w}",
        st.sampled_from(["a", "b", "i", "ii", "iv", "z", "aa", "xxxix", "xl"]),
        _WORDS,
    ),
    st.builds(lambda w, d: f"{w} {d};", _WORDS, DATES),
    st.builds(lambda d, y: f"Decides to review it before {y} and {d};", DATES, _YEAR),
    ADOPTED,
    st.builds(lambda w, c, t: w + c + t, _WORDS, _CONTROL, _TEXT),
    _TEXT,
    # very long lines: one fragment many times over, or letters without a break
    st.builds(lambda w, n: (w + " ") * n, _WORDS, st.integers(100, 3000)),
    st.builds(
        lambda c, n: c * n,
        st.sampled_from(string.ascii_letters + "[(*_ "),
        st.integers(1000, 60_000),
    ),
)
# a run of numbered paragraphs, from any number on (990 crosses into four digits)
_RUN = st.builds(
    lambda first, count, w: "\n".join(f"{n}. {w} {n};" for n in range(first, first + count)),
    st.sampled_from([1, 990, 999_999_990]) | st.integers(0, 10**6),
    st.integers(1, 2 * LIMIT),
    _WORDS,
)
DOCUMENTS = st.lists(st.one_of(_LINE, _RUN), max_size=60).map("\n".join)


def _problems(data: bytes | str) -> list[str]:
    """What is wrong with the parser's answer to ``data`` (nothing: an empty list)."""
    try:
        if isinstance(data, bytes):
            document = parse_bytes(data, max_paragraphs=LIMIT, max_seconds=30)
        else:
            document = parse_text(data, max_paragraphs=LIMIT, max_seconds=30)
    except ParseError as exc:  # LimitExceeded included
        return [] if str(exc) and "\n" not in str(exc) else [f"unclear message {exc!r}"]
    except Exception as exc:
        return [f"{type(exc).__name__}: {exc}"]
    return _document_problems(document)


def _document_problems(document: ParsedDocument) -> list[str]:
    problems = []
    if len(document.preambular) + len(document.operative) > LIMIT:
        problems.append("more paragraphs than the limit")
    numbers = [p.number for p in document.operative if p.number is not None]
    if any(not 0 <= n < 10**9 for n in numbers):
        problems.append(f"a paragraph number out of range: {max(numbers)}")
    paragraphs = [*document.preambular, *document.operative]
    if sum(len(p.text) > LONG_PARAGRAPH_CHARS for p in paragraphs) > len(document.warnings):
        problems.append("a paragraph swallowed the text silently")
    json.dumps(document.to_dict())
    return problems


def _run(strategy: st.SearchStrategy[bytes | str]) -> tuple[int, list[str]]:
    """Feed the parser ``FUZZ.max_examples`` inputs; return how many, and what went wrong."""
    tried = 0
    failures: list[str] = []

    @FUZZ
    @given(strategy)
    def feed(data: bytes | str) -> None:
        nonlocal tried
        tried += 1
        failures.extend(f"{p} for {data[:120]!r}" for p in _problems(data))

    feed()
    return tried, failures


def test_random_bytes(robustness) -> None:
    tried, failures = _run(st.binary(max_size=5000))
    robustness.record("parser: random bytes", cases=tried, failures=len(failures))
    assert failures == []


def test_random_resolution_like_text(robustness) -> None:
    tried, failures = _run(DOCUMENTS)
    robustness.record("parser: random resolution-like text", cases=tried, failures=len(failures))
    assert failures == []


def test_random_resolution_like_text_as_bytes(robustness) -> None:
    tried, failures = _run(
        st.tuples(DOCUMENTS, st.sampled_from(["utf-8", "cp1252", "utf-16"])).map(
            lambda pair: pair[0].encode(pair[1], errors="replace")
        )
    )
    robustness.record("parser: random resolution-like bytes", cases=tried, failures=len(failures))
    assert failures == []
