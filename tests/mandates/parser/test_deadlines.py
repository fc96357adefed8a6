"""Deadlines: one-off due dates and recurrences, only in operative paragraphs."""

from __future__ import annotations

import datetime

import pytest

from mandates.documents.parser import parse_bytes, parse_text
from mandates.documents.parser.deadlines import add_period, find_deadlines

ADOPTED = datetime.date(2020, 12, 3)


def _one(text: str, *, adopted: datetime.date | None = ADOPTED, strength: str = "obligation"):
    deadlines = find_deadlines(text, adopted=adopted, strength=strength)
    return [(d.text, d.due, d.recurrence) for d in deadlines]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Requests a report in September 2021 in order to inform deliberations;",
            ("in September 2021", datetime.date(2021, 9, 30), None),
        ),
        (
            "Requests a report by 31 March 2022;",
            ("by 31 March 2022", datetime.date(2022, 3, 31), None),
        ),
        (
            "Requests a report no later than 30 June 2024;",
            ("no later than 30 June 2024", datetime.date(2024, 6, 30), None),
        ),
        (
            "Requests a report before 1 January 2025;",
            ("before 1 January 2025", datetime.date(2024, 12, 31), None),
        ),
        (
            "Requests a report by the end of 2022;",
            ("by the end of 2022", datetime.date(2022, 12, 31), None),
        ),
        (
            "Requests a report by the end of March 2022;",
            ("by the end of March 2022", datetime.date(2022, 3, 31), None),
        ),
        (
            "Requests a report by February 2021;",
            ("by February 2021", datetime.date(2021, 2, 28), None),
        ),
        (
            "Requests a report within 90 days of the adoption of this resolution;",
            (
                "within 90 days of the adoption of this resolution",
                datetime.date(2021, 3, 3),
                None,
            ),
        ),
        (
            "Requests a report within three months;",
            ("within three months", datetime.date(2021, 3, 3), None),
        ),
        (
            "Requests a report within 30 days of receiving the request;",
            ("within 30 days of receiving the request", None, None),
        ),
        ("Requests him to report every three months;", ("every three months", None, "P3M")),
        ("Requests him to report every 120 days;", ("every 120 days", None, "P120D")),
        ("Requests him to brief the Council monthly;", ("monthly", None, "P1M")),
        (
            "Requests him to brief the Council on a monthly basis;",
            ("on a monthly basis", None, "P1M"),
        ),
        ("Requests him to report every six months;", ("every six months", None, "P6M")),
        ("Requests him to report semi-annually;", ("semi-annually", None, "P6M")),
        ("Requests him to report twice a year;", ("twice a year", None, "P6M")),
        ("Requests him to report annually;", ("annually", None, "P1Y")),
        ("Requests him to report every year;", ("every year", None, "P1Y")),
        ("Requests him to report every twelve months;", ("every twelve months", None, "P1Y")),
        (
            "Highlight in his regular reports updates on progress;",
            ("in his regular reports", None, "regular_reports"),
        ),
    ],
)
def test_deadline_phrases(
    text: str, expected: tuple[str, datetime.date | None, str | None]
) -> None:
    assert _one(text) == [expected]


def test_within_a_period_needs_the_adoption_date() -> None:
    assert _one("Requests a report within 90 days;", adopted=None) == [
        ("within 90 days", None, None)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Recalls its resolution 2282 (2016) on peacebuilding;",
        "Recalls the statement of its President of 21 February 2007 (S/PRST/2007/3);",
        "Decides to extend the mandate of UNMISS until 31 December 2025;",
        "Decides to extend the mandate for a period of twelve months;",
        "Welcomes the elections held in June 2021;",  # asks nothing
        "Requests the parties to implement the agreement signed on 3 May 2019;",
        "Requests a report by 31 March 2019;",  # before the adoption date: already past
        "Requests that the monthly salaries of the police be paid;",  # not about reporting
    ],
)
def test_not_deadlines(text: str) -> None:
    strength = "none" if text.startswith(("Recalls", "Welcomes")) else "obligation"
    assert _one(text, strength=strength) == []


def test_yearless_date_uses_the_reference_date() -> None:
    deadlines = find_deadlines(
        "Requests a report by 31 March;",
        adopted=None,
        strength="obligation",
        reference=datetime.date(2024, 5, 1),
    )
    assert [(d.text, d.due) for d in deadlines] == [("by 31 March", datetime.date(2025, 3, 31))]


def test_parse_bytes_passes_today_for_yearless_dates() -> None:
    data = b"The Security Council,\n1. Requests a report by 31 March;\n"
    document = parse_bytes(data, today=datetime.date(2024, 1, 10))
    assert document.operative[0].deadlines[0].due == datetime.date(2024, 3, 31)
    assert parse_text(data.decode()).operative[0].deadlines[0].due is None


def test_dates_in_the_preamble_are_not_deadlines() -> None:
    document = parse_text(
        "Adopted by the Security Council on 3 December 2020\nThe Security Council,\n"
        "Looking forward to the report due by 31 March 2021,\n"
        "1. Requests the Secretary-General to report by 30 June 2021;\n"
    )
    assert document.preambular[0].deadlines == []
    assert [d.due for d in document.operative[0].deadlines] == [datetime.date(2021, 6, 30)]


def test_subparagraph_deadlines() -> None:
    document = parse_text(
        "Adopted by the Security Council on 3 December 2020\nThe Security Council,\n"
        "1. Requests the Secretary-General to:\n(a) Report every 90 days;\n"
        "(b) Submit a review within six months of the adoption of this resolution;\n"
    )
    subs = document.operative[0].subparagraphs
    assert [(d.recurrence, d.due) for d in subs[0].deadlines] == [("P90D", None)]
    assert [d.due for d in subs[1].deadlines] == [datetime.date(2021, 6, 3)]


@pytest.mark.parametrize(
    ("start", "count", "unit", "end"),
    [
        (datetime.date(2021, 1, 31), 1, "month", datetime.date(2021, 2, 28)),
        (datetime.date(2020, 12, 3), 3, "months", datetime.date(2021, 3, 3)),
        (datetime.date(2020, 2, 29), 1, "year", datetime.date(2021, 2, 28)),
        (datetime.date(2020, 12, 3), 2, "weeks", datetime.date(2020, 12, 17)),
    ],
)
def test_add_period(start: datetime.date, count: int, unit: str, end: datetime.date) -> None:
    assert add_period(start, count, unit) == end


@pytest.mark.parametrize(
    ("text", "adopted", "expected"),
    [
        ("Requests a report before 0001;", None, []),
        ("Requests a report before 1 January 0001;", None, []),
        ("Requests a report within 90 days;", datetime.date(9999, 12, 31), [None]),
        ("Requests a report within 12 months;", datetime.date(9999, 6, 30), [None]),
        ("Requests a report before 1 January;", datetime.date(1, 1, 1), [None]),
    ],
)
def test_dates_at_the_ends_of_the_calendar_give_no_due_date(
    text: str, adopted: datetime.date | None, expected: list[None]
) -> None:
    assert [due for _text, due, _recurrence in _one(text, adopted=adopted)] == expected


def test_many_distinct_deadlines_in_one_paragraph_are_each_kept_once() -> None:
    dates = [datetime.date(2021, 1, 1) + datetime.timedelta(days=n) for n in range(300)]
    text = " ".join(f"by {d.day} {d:%B} {d.year}," for d in dates * 2) + " report;"
    assert [due for _text, due, _recurrence in _one(text)] == dates
