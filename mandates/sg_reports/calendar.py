"""Each mission's reporting calendar: the one source for "next report due".

A mission's regular Secretary-General reports are expected:
1. on the dates the Council set (:class:`~mandates.sg_reports.models.ReportingDate`);
2. after the last of those dates, every cycle (``reporting_cycle_months``) from it;
3. before the first of them (or with none), every cycle from ``reporting_anchor``.

The next report due, on a day, is the first expected date that no registered report answers yet.
A report answers the expected date it is nearest to: a date counts as answered when a report
was registered less than half the gap to the previous expected date before it (an early report)
or any time after it. Only the most recent expected date that has passed can still be due: an
older one with no report is missed, not due.
"""

from __future__ import annotations

import datetime

from mandates.benchmarks.progress import expected_report_dates
from mandates.dates import add_months
from mandates.models import Mission

#: How far to look for expected dates around a day: a cycle is at most 24 months.
_HORIZON_MONTHS = 25
#: The tolerance for an early report when a date has no previous one to measure the gap by.
_DEFAULT_HALF_GAP = datetime.timedelta(days=45)


def _explicit_dates(mission: Mission) -> list[datetime.date]:
    cache = getattr(mission, "_prefetched_objects_cache", {})
    if "reporting_dates" in cache:
        return sorted(row.date for row in cache["reporting_dates"])
    return sorted(mission.reporting_dates.values_list("date", flat=True))


def expected_reports(
    mission: Mission, *, start: datetime.date, end: datetime.date
) -> list[datetime.date]:
    """The dates from ``start`` to ``end`` (inclusive) a regular report on ``mission`` is
    expected, by the rules of the module's docstring."""
    explicit = _explicit_dates(mission)
    months = mission.reporting_cycle_months
    dates = {day for day in explicit if start <= day <= end}
    if months:
        if explicit:
            last = explicit[-1]
            dates |= set(
                expected_report_dates(anchor=last, months=months, start=max(start, last), end=end)
            )
        if mission.reporting_anchor is not None:
            before = min(end, explicit[0] - datetime.timedelta(days=1)) if explicit else end
            if start <= before:
                dates |= set(
                    expected_report_dates(
                        anchor=mission.reporting_anchor, months=months, start=start, end=before
                    )
                )
    return sorted(dates)


def last_report_date(mission: Mission) -> datetime.date | None:
    """The date of the latest report registered on ``mission``."""
    cache = getattr(mission, "_prefetched_objects_cache", {})
    if "sg_reports" in cache:
        return max((report.date for report in cache["sg_reports"]), default=None)
    return mission.sg_reports.order_by("-date").values_list("date", flat=True).first()


def next_report_due(mission: Mission, *, today: datetime.date) -> datetime.date | None:
    """The next regular report due on ``mission`` on ``today`` (None without a calendar); it may
    lie before ``today`` when the report due most recently has not been registered."""
    window = expected_reports(
        mission,
        start=add_months(today, -_HORIZON_MONTHS),
        end=add_months(today, _HORIZON_MONTHS),
    )
    if not window:
        return None
    passed = [day for day in window if day <= today]
    earliest = passed[-1] if passed else window[0]
    last_report = last_report_date(mission)
    previous: datetime.date | None = None
    for day in window:
        half_gap = (day - previous) / 2 if previous is not None else _DEFAULT_HALF_GAP
        previous = day
        if day < earliest:
            continue
        if last_report is not None and last_report > day - half_gap:
            continue
        return day
    return None
