"""Deadlines: one-off due dates and recurrences, only in operative paragraphs."""

from __future__ import annotations

import datetime

import pytest

from mandates.documents.parser import parse_bytes, parse_text
from mandates.documents.parser.deadlines import add_period, find_deadlines
from tests.mandates.parser.test_corpus import CORPUS

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


def _full(text: str, *, adopted: datetime.date | None = ADOPTED, strength: str = "obligation"):
    deadlines = find_deadlines(text, adopted=adopted, strength=strength)
    return [(d.text, d.due, d.recurrence, d.kind, d.relative_to) for d in deadlines]


def test_a_report_due_on_a_day_then_every_few_months() -> None:
    text = (
        "Requests the Secretary-General to keep the Council informed, to report to the Council, "
        "on 1 August 2021, and then every four months from that date;"
    )
    assert _full(text) == [
        ("on 1 August 2021", datetime.date(2021, 8, 1), None, "date", None),
        ("every four months", None, "P4M", "recurring", None),
    ]


def test_on_a_day_counts_only_where_a_report_is_asked() -> None:
    assert _full("Urges the parties to hold the talks agreed on 1 August 2021;") == []
    # the day of an event the report is about
    assert _full("Requests a report on the elections held on 1 August 2021;") == []
    assert _full("Requests a report on the talks scheduled on 1 August 2021;") == []
    assert _full("Requests a report on 1 August 2021;")[0][1] == datetime.date(2021, 8, 1)


def test_several_days_listed_after_one_trigger_are_each_due() -> None:
    text = "Requests the Secretary-General to report by 11 October 2021, 21 January 2022 and 13 May 2022 on progress;"  # noqa: E501
    assert [(t, due) for t, due, *_ in _full(text)] == [
        ("by 11 October 2021", datetime.date(2021, 10, 11)),
        ("21 January 2022", datetime.date(2022, 1, 21)),
        ("13 May 2022", datetime.date(2022, 5, 13)),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Requests the Secretary-General to provide recommendations in his March 2021 report;",
            ("in his March 2021 report", datetime.date(2021, 3, 31), None, "date", None),
        ),
        (
            "Requests the Secretary-General to include in his next report an assessment;",
            ("in his next report", None, None, "relative", "his next report"),
        ),
        (
            "Requests the Secretary-General, in his first report to the Council, to update;",
            ("in his first report", None, None, "relative", "his first report"),
        ),
        (
            "Requests the Secretary-General to inform the Council accordingly in his reports;",
            ("in his reports", None, "regular_reports", "with_report", None),
        ),
        (
            "Requests the Panel to provide an interim report no later than 90 days after the "
            "Panel's appointment;",
            (
                "no later than 90 days after the Panel's appointment",
                None,
                None,
                "relative",
                "the Panel's appointment",
            ),
        ),
        (
            "Requests the Secretary-General to report not later than 45 days prior to the "
            "expiration of the mandate;",
            (
                "not later than 45 days prior to the expiration of the mandate",
                None,
                None,
                "relative",
                "the expiration of the mandate",
            ),
        ),
        (
            "Requests the Panel to report no later than 30 days after the adoption of this "
            "resolution;",
            (
                "no later than 30 days after the adoption of this resolution",
                datetime.date(2021, 1, 2),
                None,
                "relative",
                "adoption",
            ),
        ),
    ],
)
def test_deadlines_named_by_a_report_or_an_event(text: str, expected: tuple) -> None:
    assert _full(text) == [expected]


def test_a_bare_period_after_an_event_is_not_a_deadline() -> None:
    # when something else happens, not when anything is due
    assert _full("Decides that the measures shall terminate 30 days after the elections;") == []


def test_the_deadlines_of_a_recurrence_and_an_event_are_both_kept() -> None:
    text = (
        "Requests the Secretary-General to report on the implementation of the mandate "
        "semi-annually and not later than 45 days prior to its expiration;"
    )
    assert [(t, r, k) for t, _due, r, k, _rel in _full(text)] == [
        ("semi-annually", "P6M", "recurring"),
        ("not later than 45 days prior to its expiration", None, "relative"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # the Council's own intentions
        "Affirms its intention to consider reviewing the mandate before 30 June 2021;",
        "Expresses its intention to review the measures by 31 March 2021;",
        "Decides to review the situation by 31 March 2021;",
        "Decides to convene a meeting on 15 May 2021 to review the reports;",
        # clauses that ask nothing
        "Supports the recommendation to return to the ceiling by 31 March 2021;",
        "Welcomes the commitment of the Government to hold elections by 31 March 2021;",
    ],
)
def test_dates_in_clauses_that_ask_nothing_are_no_ones_deadline(text: str) -> None:
    document = parse_text(f"The Security Council,\n1. {text}\n")
    assert document.operative[0].deadlines == []


def test_a_lead_verb_not_recognised_does_not_lose_the_deadline() -> None:
    document = parse_text(
        "The Security Council,\n1. Request also the Secretary-General to report within three "
        "months of the adoption of this resolution;\n"
    )
    assert [d.text for d in document.operative[0].deadlines] == [
        "within three months of the adoption of this resolution"
    ]


def test_a_deadline_belongs_to_its_own_clause() -> None:
    document = parse_text(
        "The Security Council,\n1. Expresses its intention to review the mandate by 31 March "
        "2021, and requests the Secretary-General to report by 28 February 2021;\n"
    )
    assert [d.text for d in document.operative[0].deadlines] == ["by 28 February 2021"]


def test_a_date_in_the_matter_of_a_report_is_not_the_reports() -> None:
    text = (
        "Requests the Secretary-General to update the Council no later than 15 August 2021 on "
        "the state of preparation for a transition of authority by 15 September 2021;"
    )
    assert [t for t, *_ in _full(text)] == ["no later than 15 August 2021"]
    # a second report, asked in the same clause, keeps its own date
    text = (
        "Requests the Secretary-General to submit a report by 15 August 2021 on preparations "
        "and a final report by 15 December 2021;"
    )
    assert [t for t, *_ in _full(text)] == ["by 15 August 2021", "by 15 December 2021"]


def _corpus_paragraph(number: int, paragraph: int):
    path = next(CORPUS.glob(f"S-RES-{number}-*.txt"))
    document = parse_bytes(path.read_bytes())
    return next(p for p in document.operative if p.number == paragraph)


def _deadlines(paragraph) -> list[tuple]:
    return [
        (d.text, d.due.isoformat() if d.due else None, d.recurrence, d.kind)
        for d in paragraph.deadlines
    ]


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the resolution corpus is not at {CORPUS}")
def test_deadlines_of_real_resolutions() -> None:
    op = _corpus_paragraph
    assert _deadlines(op(2149, 50))[:2] == [
        ("on 1 August 2014", "2014-08-01", None, "date"),
        ("every four months", None, "P4M", "recurring"),
    ]
    assert _deadlines(op(2149, 49)) == [("in his first report", None, None, "relative")]
    assert _deadlines(op(2149, 27)) == [
        ("no later than 15 August 2014", "2014-08-15", None, "date")
    ]
    assert _deadlines(op(2227, 36)) == []
    assert _deadlines(op(1626, 10)) == []
    assert _deadlines(op(1626, 13)) == [("in his March 2006 report", "2006-03-31", None, "date")]
    assert _deadlines(op(1840, 27)) == [
        ("semi-annually", None, "P6M", "recurring"),
        ("not later than 45 days prior to its expiration", None, None, "relative"),
    ]
    for number in (26, 28):
        assert _deadlines(op(1840, number)) == [
            ("in his reports", None, "regular_reports", "with_report")
        ]
    assert [due for _t, due, *_ in _deadlines(op(1925, 20))] == [
        "2010-10-11",
        "2011-01-21",
        "2011-05-13",
    ]
    assert ("in his next report", None, None, "relative") in _deadlines(op(1856, 11))
    assert ("in his next report", None, None, "relative") in _deadlines(op(2012, 19))
    panel = op(2095, 14).subparagraphs[3]
    assert [d.relative_to for d in panel.deadlines] == [
        "the Panel's appointment",
        "the termination of its mandate",
    ]
