"""Periods and reminder points: pure date arithmetic."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mandates.dates import add_months
from reports.periods import Period, reminder_point

D = datetime.date


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2021-Q3", D(2021, 7, 1), D(2021, 9, 30), "the third quarter of 2021"),
        ("2021-09", D(2021, 9, 1), D(2021, 9, 30), "September 2021"),
        ("2021-W38", D(2021, 9, 20), D(2021, 9, 26), "the week of 20 September 2021"),
        ("2020-W53", D(2020, 12, 28), D(2021, 1, 3), "the week of 28 December 2020"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "February 2024"),
    ],
)
def test_parse_periods(text, start, end, label):
    period = Period.parse(text)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert period.code == text


@pytest.mark.parametrize("text", ["2021-Q5", "2021-13", "2021-W54", "Q3 2021", ""])
def test_parse_refuses_what_is_not_a_period(text):
    with pytest.raises(ValueError, match=r"period|month|week"):
        Period.parse(text)


def test_scheduled_runs_report_on_the_last_complete_period():
    monday = D(2021, 9, 27)
    assert Period.last_complete("weekly", monday).code == "2021-W38"
    assert Period.last_complete("monthly", D(2021, 10, 1)).code == "2021-09"
    assert Period.last_complete("quarterly", D(2021, 10, 1)).code == "2021-Q3"


@given(
    st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 1, 1)),
    st.sampled_from(["weekly", "monthly", "quarterly"]),
)
def test_periods_tile_the_calendar(day, kind):
    period = Period.containing(kind, day)
    assert period.start <= day <= period.end
    assert period.next().start == period.end + datetime.timedelta(days=1)
    assert period.previous().next() == period
    assert Period.parse(period.code) == period


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(D(2021, 8, 31), 1) == D(2021, 9, 30)
    assert add_months(D(2020, 2, 29), 12) == D(2021, 2, 28)
    assert add_months(D(2021, 11, 30), 3) == D(2022, 2, 28)
    assert add_months(D(2021, 3, 15), -3) == D(2020, 12, 15)


DUE = D(2021, 9, 30)


@pytest.mark.parametrize(
    ("today", "point"),
    [
        (D(2021, 8, 30), None),
        (D(2021, 8, 31), 30),
        (D(2021, 9, 15), 30),
        (D(2021, 9, 16), 14),
        (D(2021, 9, 23), 7),
        (D(2021, 9, 29), 1),
        (D(2021, 9, 30), 0),
        (D(2021, 10, 6), 0),
        (D(2021, 10, 7), -7),
        (D(2021, 10, 13), -7),
        (D(2021, 10, 14), -14),
        (D(2022, 9, 30), -364),
    ],
)
def test_the_latest_point_reached_is_the_one_due(today, point):
    got = reminder_point(due_date=DUE, today=today, days_before=[30, 14, 7, 1, 0], overdue_every=7)
    assert got == point


@given(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2050, 1, 1)),
    st.sets(st.integers(min_value=0, max_value=60), min_size=1, max_size=6),
    st.integers(min_value=1, max_value=14),
)
def test_daily_runs_meet_every_point_once_in_order(due, days_before, overdue_every):
    """Run every day from well before to well after the due date: each point comes up on its
    own day, in order, and no point comes back."""
    seen: list[int] = []
    day = due - datetime.timedelta(days=max(days_before) + 5)
    while day <= due + datetime.timedelta(days=5 * overdue_every):
        point = reminder_point(
            due_date=due, today=day, days_before=days_before, overdue_every=overdue_every
        )
        if point is not None and (not seen or seen[-1] != point):
            assert day == due - datetime.timedelta(days=point)
            seen.append(point)
        day += datetime.timedelta(days=1)
    overdue = [-k * overdue_every for k in range(1, 6)]
    assert seen == sorted(days_before, reverse=True) + overdue
