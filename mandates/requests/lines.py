"""How a request's mission lines roll up into the request: pure rules, no database.

A request that concerns several missions is done mission by mission: each mission has a line
with its own status and due date (:class:`~mandates.requests.models.RequestMission`). The
request shows the roll-up:

Status, when a line changes:
1. any open line in progress → in progress;
2. every open line on hold → on hold;
3. every open line not started → in progress if some line is completed (part of the work is
   done), else not started;
4. open lines some not started, some on hold → not started;
5. no open line → completed if any line is completed, superseded if all are, else cancelled.

When the request itself is updated (by its lead or supporting units), its open lines follow it
and the request takes the status chosen: closing the request closes its open lines, reopening it
reopens the lines that were completed or cancelled, "in progress" and "on hold" move every open
line that can move that way. Either way a request is open exactly when one of its lines is.

Due date: the earliest due date among its open lines (a request is overdue exactly when one of
its open lines is); with no open line, the latest of its lines' due dates. Changing the
request's due date moves the due date of each open line.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from mandates.choices import RequestStatus as S


def rolled_up_status(statuses: Iterable[str]) -> str | None:
    """The request's status from its lines' statuses (None for a request with no line)."""
    statuses = list(statuses)
    if not statuses:
        return None
    open_ = [s for s in statuses if s in S.open()]
    if open_:
        if S.IN_PROGRESS in open_:
            return S.IN_PROGRESS
        if all(s == S.ON_HOLD for s in open_):
            return S.ON_HOLD
        if all(s == S.NOT_STARTED for s in open_):
            return S.IN_PROGRESS if S.COMPLETED in statuses else S.NOT_STARTED
        return S.NOT_STARTED
    if S.COMPLETED in statuses:
        return S.COMPLETED
    if all(s == S.SUPERSEDED for s in statuses):
        return S.SUPERSEDED
    return S.CANCELLED


def rolled_up_due(lines: Iterable[tuple[str, datetime.date | None]]) -> datetime.date | None:
    """The request's due date from its lines' (status, due date): the earliest open one, else
    the latest of all; None when no line has a date."""
    lines = list(lines)
    open_dates = [due for status, due in lines if status in S.open() and due is not None]
    if open_dates:
        return min(open_dates)
    if any(status in S.open() for status, _ in lines):
        return None
    dates = [due for _, due in lines if due is not None]
    return max(dates) if dates else None


def line_follows(line_status: str, request_status: str) -> str:
    """The status a line takes when its request is moved to ``request_status`` by a
    request-level update (see the module docstring); its own status when it does not move."""
    if request_status in S.closed():
        return request_status if line_status in S.open() else line_status
    if request_status == S.IN_PROGRESS:
        if line_status in (S.NOT_STARTED, S.ON_HOLD, S.COMPLETED, S.CANCELLED):
            return S.IN_PROGRESS
        return line_status
    if request_status == S.ON_HOLD:
        return S.ON_HOLD if line_status in (S.NOT_STARTED, S.IN_PROGRESS) else line_status
    return line_status
