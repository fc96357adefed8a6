"""Each mission's reporting calendar: the one source for "next report due".

A mission's regular Secretary-General reports are expected:
1. on the dates the Council set (:class:`~mandates.sg_reports.models.ReportingDate`);
2. after the last of those dates, every cycle (``reporting_cycle_months``) from it;
3. before the first of them (or with none), every cycle from ``reporting_anchor``;
4. never after the mission closed (its ``end_date``): a closed mission expects no more.

Which expected date a report answers: the one it is nearest to. Each expected date has a
window from halfway after the previous expected date to halfway before the next one (45 days on
a side with no neighbour); a report answers the date whose window holds it (an early report
before the date, a late one after it), and the first report in a window answers it (a second
answers nothing). So one report answers one date, never two.

The next report due, on a day, is the first expected date that is no older than the most
recent date that has passed on that day (an older one with no report is missed, not due) and
that comes after the last date a report registered by then answered (a date skipped by a later
report is missed too). It may lie before the day: the report due most recently is late.

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


def _window(window: list[datetime.date], day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """``day``'s window: from halfway after the expected date before it (exclusive) to halfway
    before the one after it (inclusive)."""
    previous = max((d for d in window if d < day), default=None)
    following = min((d for d in window if d > day), default=None)
    opens = day - ((day - previous) / 2 if previous is not None else _DEFAULT_HALF_GAP)
    closes = day + ((following - day) / 2 if following is not None else _DEFAULT_HALF_GAP)
    return opens, closes


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
    answered: dict[datetime.date, datetime.date] = {}
    for report in sorted(reports):
        for day in window:
            opens, closes = _window(window, day)
            if opens < report <= closes:
                answered.setdefault(day, report)
                break
    return answered


def _answered_by(window: list[datetime.date], report_date: datetime.date) -> datetime.date | None:
    """The expected date a report on ``report_date`` is nearest to (None outside every
    window)."""
    return next(iter(answered_dates(window, [report_date])), None)


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
    last = max(answered, default=None)
    return next(
        (
            day
            for day in window
            if day >= earliest and day not in answered and (last is None or day > last)
        ),
        None,
    )


def next_after_report(mission: Mission, report_date: datetime.date) -> datetime.date | None:
    """The expected date after the one a report on ``report_date`` answers (the date it is
    nearest to): what "the next report" means for something that report left out. After
    ``report_date`` when it answers no date."""
    answered = _answered_by(_around(mission, report_date), report_date)
    return next_report_after(mission, answered or report_date)


def occurrence_after_report(
    mission: Mission, *, due: datetime.date, report_date: datetime.date
) -> tuple[list[datetime.date], datetime.date | None, datetime.date]:
    """What a report on ``report_date`` does to a line of work due on ``due`` that falls due
    with each of the mission's reports: (the occurrences it shows missed, the occurrence it
    answers or None, the line's due date afterwards).

    The report answers the expected date it is nearest to (the line's own date counts as one).
    A date before the line's occurrence (an older report, registered late) leaves the line
    alone. Otherwise the occurrences from the line's date up to the one answered are missed,
    and the line falls due on the expected date after the one answered (it keeps that date
    when the mission expects no more)."""
    window = sorted({*_around(mission, report_date), due})
    answered = _answered_by(window, report_date)
    if answered is None or answered < due:
        return [], None, due
    missed = [day for day in window if due <= day < answered]
    return missed, answered, next_report_after(mission, answered) or answered


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
