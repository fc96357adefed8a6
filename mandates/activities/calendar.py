"""The month grid of the activities calendar: weeks of days, Monday first, each day with the
activities under way on it. No Django import: a pure function of dates and items."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol


class Dated(Protocol):
    start_date: datetime.date

    @property
    def last_day(self) -> datetime.date: ...


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    items: list[Any] = field(default_factory=list)


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """The first and last days of the month."""
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    """The month ``by`` months after (or before, negative) ``year``-``month``."""
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def month_grid(year: int, month: int, items: Iterable[Dated]) -> list[list[Day]]:
    """The month's weeks (Monday to Sunday, with the neighbouring months' days to fill them),
    each day holding the items under way on it, in the order given.

    1. Lay out the weeks that cover the month.
    2. For each item, add it to every day of the grid from its start to its last day.
    """
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    days = {day: Day(day, day.month == month) for week in weeks for day in week}
    first, last = weeks[0][0], weeks[-1][-1]
    for item in items:
        day = max(item.start_date, first)
        end = min(item.last_day, last)
        while day <= end:
            days[day].items.append(item)
            day += datetime.timedelta(days=1)
    return [[days[day] for day in week] for week in weeks]
