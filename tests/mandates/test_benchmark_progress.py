"""The progress of a benchmark toward its target, and the expected report dates (pure code)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mandates.benchmarks.progress import (
    Direction,
    Progress,
    compute_progress,
    expected_report_dates,
    infer_direction,
    next_report_date,
    parse_number,
)

D = datetime.date


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("38% executed (2024 budget year)", 38.0),
        ("At least 70% executed", 70.0),
        ("2 of 5 consultations held", 2.0),
        ("1,200 officers vetted", 1200.0),
        ("0.75 ratio", 0.75),
        ("-3 net", -3.0),
        ("60% or less", 60.0),
        ("No data", None),
        ("", None),
        (None, None),
        ("Not convened", None),
        ("COVID-19 delays", None),  # a digit glued to a word is not a figure
    ],
)
def test_parse_number_reads_the_first_figure(text, number):
    assert parse_number(text) == number


def test_direction_is_inferred_from_baseline_and_target():
    assert infer_direction(38, 70) == Direction.INCREASE
    assert infer_direction(78, 60) == Direction.DECREASE
    assert infer_direction(5, 5) is None
    assert infer_direction(None, 5) is None


@pytest.mark.parametrize(
    ("baseline", "target", "latest", "direction", "expected"),
    [
        # Up: execution rate 38% → 70%.
        ("38%", "At least 70%", "72%", "", Progress.ACHIEVED),
        ("38%", "At least 70%", "70%", "", Progress.ACHIEVED),
        ("38%", "At least 70%", "52%", "", Progress.ON_TRACK),
        ("38%", "At least 70%", "38%", "", Progress.OFF_TRACK),
        ("38%", "At least 70%", "30%", "", Progress.OFF_TRACK),
        # Down: share of unpaid salaries 78% → 60%.
        ("78%", "60% or less", "58%", "", Progress.ACHIEVED),
        ("78%", "60% or less", "72%", "", Progress.ON_TRACK),
        ("78%", "60% or less", "80%", "", Progress.OFF_TRACK),
        # The direction given wins over the one read from the texts.
        ("10", "5", "7", Direction.INCREASE, Progress.ACHIEVED),
        # Missing or unreadable figures.
        ("38%", "At least 70%", "No data", "", Progress.NO_DATA),
        ("38%", "At least 70%", None, "", Progress.NO_DATA),
        ("38%", "Strategy validated", "52%", "", Progress.NO_DATA),
        ("Previous strategy expired", "4 meetings", "2 meetings", "", Progress.NO_DATA),
        # No baseline but a direction: achieved is still known; otherwise no data.
        ("", "4 meetings", "4 meetings", Direction.INCREASE, Progress.ACHIEVED),
        ("", "4 meetings", "2 meetings", Direction.INCREASE, Progress.NO_DATA),
    ],
)
def test_compute_progress(baseline, target, latest, direction, expected):
    got = compute_progress(baseline=baseline, target=target, latest=latest, direction=direction)
    assert got == expected


def test_past_target_date_not_achieved_is_off_track():
    def progress(latest: str, as_of: datetime.date) -> Progress:
        return compute_progress(
            baseline="38%", target="70%", latest=latest, target_date=D(2026, 6, 30), as_of=as_of
        )

    assert progress("52%", D(2026, 6, 30)) == Progress.ON_TRACK
    assert progress("52%", D(2026, 7, 1)) == Progress.OFF_TRACK
    assert progress("71%", D(2027, 1, 1)) == Progress.ACHIEVED


@given(
    baseline=st.integers(-1000, 1000),
    target=st.integers(-1000, 1000),
    latest=st.integers(-1000, 1000),
)
def test_progress_is_symmetric_between_directions(baseline, target, latest):
    """Negating every figure turns an increase into a decrease with the same status."""
    up = compute_progress(baseline=str(baseline), target=str(target), latest=str(latest))
    down = compute_progress(baseline=str(-baseline), target=str(-target), latest=str(-latest))
    assert up == down
    if baseline != target and (latest - target) * (target - baseline) >= 0:
        assert up == Progress.ACHIEVED


def test_expected_report_dates_follow_the_cycle_both_ways_from_the_anchor():
    dates = expected_report_dates(
        anchor=D(2025, 10, 15), months=4, start=D(2025, 1, 1), end=D(2026, 12, 31)
    )
    assert dates == [
        D(2025, 2, 15),
        D(2025, 6, 15),
        D(2025, 10, 15),
        D(2026, 2, 15),
        D(2026, 6, 15),
        D(2026, 10, 15),
    ]


def test_expected_report_dates_clamp_to_month_end_and_include_bounds():
    dates = expected_report_dates(
        anchor=D(2025, 8, 31), months=3, start=D(2025, 8, 31), end=D(2026, 2, 28)
    )
    assert dates == [D(2025, 8, 31), D(2025, 11, 30), D(2026, 2, 28)]


@given(
    anchor=st.dates(D(2000, 1, 1), D(2040, 1, 1)),
    months=st.integers(1, 24),
    after=st.dates(D(2000, 1, 1), D(2040, 1, 1)),
)
def test_next_report_date_is_the_first_of_the_series_after(anchor, months, after):
    nxt = next_report_date(anchor=anchor, months=months, after=after)
    assert nxt > after
    earlier = expected_report_dates(anchor=anchor, months=months, start=after, end=nxt)
    assert earlier[-1] == nxt
    assert all(d <= after for d in earlier[:-1])


def test_a_cycle_shorter_than_a_month_is_refused():
    with pytest.raises(ValueError, match="at least one month"):
        expected_report_dates(
            anchor=D(2025, 1, 1), months=0, start=D(2025, 1, 1), end=D(2025, 2, 1)
        )
