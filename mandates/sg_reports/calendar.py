"""Each mission's reporting calendar: the one source for "next report due".

A mission's regular Secretary-General reports are expected:
1. on the dates the Council set (:class:`~mandates.sg_reports.models.ReportingDate`);
2. after the last of those dates, every cycle (``reporting_cycle_months``) from it;
3. before the first of them (or with none), every cycle from ``reporting_anchor``;
4. never after the mission closed (its ``end_date``): a closed mission expects no more.

Which expected date a report answers (each report answers at most one date, each date at most
one report), walking the expected dates in order:

- A date's *window* opens halfway from the previous expected date (45 days before it when it
  has none) and closes on the next expected date (exclusive).
- The date is answered by the earliest report in its window that no earlier date took. So a
  report before the date is early, one after it late, and one past the next date's halfway
  mark answers the earlier date while that is still unanswered (a late report), the later one
  (an early report) otherwise.
- A date whose window closed (the next date arrived) with no report is *missed*.

The next report due, on a day, is the first expected date from the most recent one that has
passed on that day (an older one is missed, not due) that no report registered by that day
answers. It may lie before the day: the report due most recently is late.

:func:`occurrence_after_report` applies the same rule to one line of work that falls due with
each report (:mod:`mandates.sg_reports.fulfilment`), so the line and the calendar agree.
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
    if mission.pk is None:
        return []
    return sorted(mission.reporting_dates.values_list("date", flat=True))


def expected_reports(
    mission: Mission, *, start: datetime.date, end: datetime.date
) -> list[datetime.date]:
    """The dates from ``start`` to ``end`` (inclusive) a regular report on ``mission`` is
    expected, by the rules of the module's docstring."""
    if mission.end_date is not None:
        end = min(end, mission.end_date)
    if end < start:
        return []
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


def _around(mission: Mission, day: datetime.date) -> list[datetime.date]:
    return expected_reports(
        mission, start=add_months(day, -_HORIZON_MONTHS), end=add_months(day, _HORIZON_MONTHS)
    )


def next_report_after(mission: Mission, day: datetime.date) -> datetime.date | None:
    """The first date strictly after ``day`` a regular report on ``mission`` is expected
    (None without a calendar, or when the mission closes before one)."""
    return next((d for d in _around(mission, day) if d > day), None)


def _window_opens(window: list[datetime.date], day: datetime.date) -> datetime.date:
    """Where ``day``'s window opens: halfway from the expected date before it."""
    previous = max((d for d in window if d < day), default=None)
    half_gap = (day - previous) / 2 if previous is not None else _DEFAULT_HALF_GAP
    return day - half_gap


def report_dates(mission: Mission, *, until: datetime.date) -> list[datetime.date]:
    """The dates of the reports registered on ``mission`` up to ``until``, oldest first."""
    cache = getattr(mission, "_prefetched_objects_cache", {})
    if "sg_reports" in cache:
        return sorted(report.date for report in cache["sg_reports"] if report.date <= until)
    if mission.pk is None:
        return []
    return list(
        mission.sg_reports.filter(date__lte=until).order_by("date").values_list("date", flat=True)
    )


def last_report_date(mission: Mission) -> datetime.date | None:
    """The date of the latest report registered on ``mission``."""
    cache = getattr(mission, "_prefetched_objects_cache", {})
    if "sg_reports" in cache:
        return max((report.date for report in cache["sg_reports"]), default=None)
    return mission.sg_reports.order_by("-date").values_list("date", flat=True).first()


def answered_dates(
    window: list[datetime.date], reports: list[datetime.date]
) -> dict[datetime.date, datetime.date]:
    """Which expected date (of ``window``, sorted) each report date answers, by the rule of
    the module's docstring: {expected date: report date}."""
    unused = sorted(reports)
    answered: dict[datetime.date, datetime.date] = {}
    for index, day in enumerate(window):
        opens = _window_opens(window, day)
        closes = window[index + 1] if index + 1 < len(window) else None
        match = next(
            (r for r in unused if r > opens and (closes is None or r < closes)),
            None,
        )
        if match is not None:
            answered[day] = match
            # A report before the window opened is never used later either.
            unused = [r for r in unused if r > match]
    return answered


def next_report_due(mission: Mission, *, today: datetime.date) -> datetime.date | None:
    """The next regular report due on ``mission`` on ``today`` (None without a calendar, or
    for a mission closed by then); it may lie before ``today`` when the report due most
    recently has not been registered."""
    if mission.is_closed(today=today):
        return None
    window = _around(mission, today)
    if not window:
        return None
    passed = [day for day in window if day <= today]
    earliest = passed[-1] if passed else window[0]
    answered = answered_dates(window, report_dates(mission, until=today))
    return next((day for day in window if day >= earliest and day not in answered), None)


def next_after_report(mission: Mission, report_date: datetime.date) -> datetime.date | None:
    """The expected date after the one a report on ``report_date`` answers (by the rule of the
    module's docstring, among the reports registered up to it): what "the next report" means
    for something that report left out. After ``report_date`` when it answers no date."""
    window = _around(mission, report_date)
    answered = answered_dates(window, [*report_dates(mission, until=report_date), report_date])
    day = next((d for d, r in answered.items() if r == report_date), report_date)
    return next_report_after(mission, day)


def occurrence_after_report(
    mission: Mission, *, due: datetime.date, report_date: datetime.date
) -> tuple[list[datetime.date], datetime.date | None, datetime.date | None]:
    """What a report on ``report_date`` does to a line of work due on ``due`` that falls due
    with each of the mission's reports: (the occurrences it shows missed, the occurrence it
    answers or None, the line's next due date).

    Occurrences whose next expected date has arrived by the report's date are missed; the
    report then answers the line's occurrence when it falls in that occurrence's window (not
    before it opens: an older report, registered late, answers nothing of the line's). The
    line then falls due on the expected date after the occurrence answered."""
    missed: list[datetime.date] = []
    current = due
    while True:
        following = next_report_after(mission, current)
        if following is None or following > report_date:
            break
        missed.append(current)
        current = following
    window = sorted({*_around(mission, current), current})
    if report_date <= _window_opens(window, current):
        return missed, None, current
    return missed, current, next_report_after(mission, current)


def missed_occurrences(
    mission: Mission, *, due: datetime.date, today: datetime.date
) -> tuple[list[datetime.date], datetime.date]:
    """The occurrences of a line due on ``due`` that are missed on ``today`` (the next expected
    date after each has arrived: its window closed) and the line's due date after them."""
    missed: list[datetime.date] = []
    current = due
    while True:
        following = next_report_after(mission, current)
        if following is None or following > today:
            return missed, current
        missed.append(current)
        current = following
