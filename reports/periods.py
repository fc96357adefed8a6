"""Calendar periods for summaries and reminder points for deadlines: pure date arithmetic.

No Django import, so these are tested alone.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from mandates.dates import add_months
from ssrtracker.limits import EARLIEST_DATE, LATEST_DATE, date_in_range

WEEKLY, MONTHLY, QUARTERLY = "weekly", "monthly", "quarterly"
_ORDINALS = ("first", "second", "third", "fourth")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def long_date(day: datetime.date) -> str:
    """``30 September 2021``, as the newsletter writes dates."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Period:
    """A calendar week (Monday to Sunday), month or quarter."""

    kind: str
    start: datetime.date
    end: datetime.date

    @classmethod
    def containing(cls, kind: str, day: datetime.date) -> Period:
        if kind == WEEKLY:
            start = day - datetime.timedelta(days=day.weekday())
            return cls(kind, start, start + datetime.timedelta(days=6))
        if kind == MONTHLY:
            start = day.replace(day=1)
        elif kind == QUARTERLY:
            start = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        else:
            raise ValueError(f"unknown period kind {kind!r}")
        months = 1 if kind == MONTHLY else 3
        return cls(kind, start, add_months(start, months) - datetime.timedelta(days=1))

    @classmethod
    def last_complete(cls, kind: str, today: datetime.date) -> Period:
        """The most recent period that ended before ``today`` (what a scheduled run reports on)."""
        return cls.containing(kind, today).previous()

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2021-Q3``, ``2021-09`` or ``2021-W38`` (ISO week) → the period, which must overlap
        the date bounds of :mod:`ssrtracker.limits`; anything else raises ValueError with a
        message."""
        period = cls._parse(text.strip().upper())
        if period is None or not (date_in_range(period.start) or date_in_range(period.end)):
            raise ValueError(
                f"{text.strip()} is out of range: periods run from "
                f"{EARLIEST_DATE.year} to {LATEST_DATE.year}."
            )
        return period

    @classmethod
    def _parse(cls, text: str) -> Period | None:
        """The period ``text`` names; None for a year outside the bounds (checked first, so no
        date is built in a year the calendar cannot hold)."""
        year = re.match(r"(\d{4})-", text)
        if year and not EARLIEST_DATE.year <= int(year[1]) <= LATEST_DATE.year:
            return None
        if match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            quarter = int(match[2])
            return cls.containing(QUARTERLY, datetime.date(int(match[1]), quarter * 3 - 2, 1))
        if match := re.fullmatch(r"(\d{4})-W(\d{1,2})", text):
            try:
                monday = datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
            except ValueError:
                raise ValueError(f"{text} is not an ISO week") from None
            return cls.containing(WEEKLY, monday)
        if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
            month = int(match[2])
            if not 1 <= month <= 12:
                raise ValueError(f"{text} has no month {month}")
            return cls.containing(MONTHLY, datetime.date(int(match[1]), month, 1))
        raise ValueError(f"{text!r} is not a period: use 2021-Q3, 2021-09 or 2021-W38")

    def previous(self) -> Period:
        return Period.containing(self.kind, self.start - datetime.timedelta(days=1))

    def next(self) -> Period:
        return Period.containing(self.kind, self.end + datetime.timedelta(days=1))

    @property
    def code(self) -> str:
        if self.kind == WEEKLY:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == MONTHLY:
            return f"{self.start:%Y-%m}"
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    @property
    def label(self) -> str:
        """``the third quarter of 2021``, ``September 2021``, ``the week of 20 September 2021``."""
        if self.kind == WEEKLY:
            return f"the week of {long_date(self.start)}"
        if self.kind == MONTHLY:
            return f"{_MONTHS[self.start.month - 1]} {self.start.year}"
        return f"the {_ORDINALS[(self.start.month - 1) // 3]} quarter of {self.start.year}"

    @property
    def noun(self) -> str:
        return {WEEKLY: "week", MONTHLY: "month", QUARTERLY: "quarter"}[self.kind]


def reminder_point(
    *,
    due_date: datetime.date,
    today: datetime.date,
    days_before: Iterable[int],
    overdue_every: int,
) -> int | None:
    """The latest reminder point reached by ``today``, as days before the due date, or None.

    1. Points before the due date are ``due_date - d`` for each ``d`` in ``days_before`` (30, 14,
       7, 1, 0 by default); once overdue, one every ``overdue_every`` days (-7, -14, ...).
    2. Of the points on or before ``today``, the latest wins: a run that was missed, or a request
       created ten days before its due date, gets the current point, not a backlog of old ones.
    3. None when no point is reached yet (more than the largest ``d`` days ahead).
    """
    overdue_days = (today - due_date).days
    if overdue_every > 0 and overdue_days >= overdue_every:
        return -(overdue_days // overdue_every) * overdue_every
    reached = [d for d in days_before if due_date - datetime.timedelta(days=d) <= today]
    return min(reached) if reached else None
