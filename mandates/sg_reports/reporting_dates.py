"""The report dates the Council sets for a mission ("by 15 February 2027"): the explicit part of
its reporting calendar (:mod:`mandates.sg_reports.calendar`).

Adding or removing one changes when the mission's next report is due, so the lines of requests
"with each regular report" on that mission are put back on the calendar
(:func:`mandates.sg_reports.fulfilment.mission_report_lines_schedule`). Staff change the dates of
the missions whose reporting their units answer for (:mod:`mandates.organisation.permissions`).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from mandates.models import Document, Mission, ReportingDate
from mandates.organisation import permissions
from mandates.sg_reports.fulfilment import mission_report_lines_schedule
from ssrtracker.writes import service


def _check(by: User | None, mission: Mission) -> None:
    if by is not None and not permissions.can_change_reporting_dates(by, mission):
        raise PermissionDenied(
            _("You can change only the reporting calendars of the missions your units report for.")
        )


@service
@transaction.atomic
def reporting_date_add(
    *,
    mission: Mission,
    date: datetime.date,
    source: Document | None = None,
    note: str = "",
    by: User | None,
    today: datetime.date | None = None,
) -> ReportingDate:
    """Put a date the Council set for a report on ``mission`` on its calendar."""
    _check(by, mission)
    row = ReportingDate(mission=mission, date=date, source=source, note=note.strip())
    row.full_clean()
    row._history_user = by  # type: ignore[attr-defined]
    row.save()
    mission_report_lines_schedule(today=today, realign=True, mission=mission)
    return row


@service
@transaction.atomic
def reporting_date_remove(
    *, reporting_date: ReportingDate, by: User | None, today: datetime.date | None = None
) -> None:
    """Take a date off the mission's calendar (entered by mistake, or changed by the Council)."""
    row = (
        ReportingDate.objects.select_for_update()
        .select_related("mission")
        .get(pk=reporting_date.pk)
    )
    _check(by, row.mission)
    row._history_user = by  # type: ignore[attr-defined]
    row.delete()
    mission_report_lines_schedule(today=today, realign=True, mission=row.mission)
