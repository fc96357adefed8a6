"""Progress of a benchmark toward its target, and the dates a mission's reports are expected.

Pure functions with no Django import, so they can be tested alone. Benchmarks are written by
people ("38% executed (2024 budget year)", "At least 70% executed", "2 of 5 consultations"), so
the numbers are read from the text where there is one and the status says "no data" where there
is not.
"""

from __future__ import annotations

import datetime
import re
from enum import StrEnum

from mandates.dates import add_months


class Direction(StrEnum):
    """Which way the indicator should move."""

    INCREASE = "increase"
    DECREASE = "decrease"


class Progress(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


# The first number in a text: "1,200", "38%", "-2.5", "0.7". A comma followed by exactly three
# digits groups thousands; any other comma ends the number.
_NUMBER = re.compile(r"(?<![\w.-])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.-])-?\d+(?:\.\d+)?")


def parse_number(text: str | None) -> float | None:
    """The first number written in ``text``, or None ("No data", "Not convened", "")."""
    if not text:
        return None
    match = _NUMBER.search(text)
    if match is None:
        return None
    return float(match.group(0).replace(",", ""))


def infer_direction(baseline: float | None, target: float | None) -> Direction | None:
    """Up when the target is above the baseline, down when below; None when it cannot tell."""
    if baseline is None or target is None or baseline == target:
        return None
    return Direction.INCREASE if target > baseline else Direction.DECREASE


def compute_progress(
    *,
    baseline: str | None,
    target: str | None,
    latest: str | None,
    direction: str | None = None,
    target_date: datetime.date | None = None,
    as_of: datetime.date | None = None,
) -> Progress:
    """Where a benchmark stands, from its texts.

    1. Read a number from the target and the latest value; without both, "no data".
    2. The direction is the one given, else inferred from baseline and target; without one,
       "no data".
    3. The latest value at or beyond the target (in the direction) is "achieved".
    4. Otherwise, with the target date passed (``as_of`` after it), "off track".
    5. Otherwise, with a baseline, moved beyond it toward the target is "on track" and level
       with or behind it is "off track". Without a baseline, "no data".
    """
    target_value = parse_number(target)
    latest_value = parse_number(latest)
    baseline_value = parse_number(baseline)
    if target_value is None or latest_value is None:
        return Progress.NO_DATA
    way = Direction(direction) if direction else infer_direction(baseline_value, target_value)
    if way is None:
        return Progress.NO_DATA
    sign = 1 if way == Direction.INCREASE else -1
    if sign * (latest_value - target_value) >= 0:
        return Progress.ACHIEVED
    if target_date is not None and as_of is not None and as_of > target_date:
        return Progress.OFF_TRACK
    if baseline_value is None:
        return Progress.NO_DATA
    return Progress.ON_TRACK if sign * (latest_value - baseline_value) > 0 else Progress.OFF_TRACK


def expected_report_dates(
    *,
    anchor: datetime.date,
    months: int,
    start: datetime.date,
    end: datetime.date,
) -> list[datetime.date]:
    """The dates ``anchor + k * months`` (k any integer) from ``start`` to ``end`` inclusive:
    when the Secretary-General's regular reports on a mission are expected."""
    if months < 1:
        raise ValueError("a reporting cycle is at least one month")
    # Step back from the anchor to the first date of the series on or before ``start``.
    k = ((start.year - anchor.year) * 12 + start.month - anchor.month) // months - 1
    dates: list[datetime.date] = []
    while True:
        day = add_months(anchor, k * months)
        if day > end:
            return dates
        if day >= start:
            dates.append(day)
        k += 1


def next_report_date(*, anchor: datetime.date, months: int, after: datetime.date) -> datetime.date:
    """The first expected report date strictly after ``after``."""
    dates = expected_report_dates(
        anchor=anchor,
        months=months,
        start=after + datetime.timedelta(days=1),
        end=add_months(after, months + 1),
    )
    return dates[0]
