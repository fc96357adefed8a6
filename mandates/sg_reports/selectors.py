"""Reads about the Secretary-General's regular reports that every page, summary and API share."""

from __future__ import annotations

import datetime

from mandates.models import Mission
from mandates.sg_reports import calendar


def next_report_due(mission: Mission, *, today: datetime.date) -> datetime.date | None:
    """The date the mission's next regular report is due, on or after ``today``: from the
    mission's reporting calendar (:mod:`mandates.sg_reports.calendar`), never from a request's
    due date. None without a calendar, or when the mission has closed before that date. It may
    lie before ``today``: the report due most recently that no registered report answers.

    Every page (mission, scorecard, coverage), the summary and the API read it here."""
    day = calendar.next_report_due(mission, today=today)
    if day is None or (mission.end_date is not None and day > mission.end_date):
        return None
    return day
