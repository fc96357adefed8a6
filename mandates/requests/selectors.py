"""The request figures every surface shows: "open", "overdue", "due soon", defined once.

The dashboards (reports.selectors), the deadlines page, the periodic summary
(reports.summaries), the API's filters and serializers and the CSV export all build on these
conditions, so the same data on the same day gives the same numbers everywhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from mandates.choices import RequestStatus
from mandates.requests.models import Request, RequestMission

#: Open: not started, in progress or on hold (archived requests are left out by the callers'
#: base queryset, ``Request.objects.active()``).
OPEN = Q(status__in=RequestStatus.open())
#: "Due soon": due from today up to this many days on.
DUE_SOON_DAYS = 30


def overdue_on(today: datetime.date) -> Q:
    """Overdue on ``today``: open, with a due date before ``today`` (due today is not overdue)."""
    return OPEN & Q(due_date__lt=today)


def due_soon_on(today: datetime.date, days: int = DUE_SOON_DAYS) -> Q:
    """Due soon on ``today``: open, due from ``today`` to ``days`` days on, both included."""
    return OPEN & Q(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days))


def open_at(requests: QuerySet[Request], *, moment: datetime.datetime) -> QuerySet[Request]:
    """The requests that were open at ``moment`` (a past moment, for a summary): not closed by
    then, and either created before it or due before it.

    The second case counts an obligation that was recorded late (a coverage follow-up registered
    after the fact, with a due date already passed): it was outstanding then even if nobody had
    typed it in yet, and the dashboards of the next morning count it too. Without it, the
    summary of a month and the dashboard of the morning after disagreed by every such request.
    """
    day = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return requests.filter(
        (Q(created_at__lt=moment) | Q(due_date__lt=day))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))
    )


def as_of_moment(day: datetime.date) -> datetime.datetime:
    """The start of ``day`` in the site's time zone: the moment a summary's figures describe
    (the morning after its period, when the scheduler compiles it)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def overdue_at(requests: QuerySet[Request], *, day: datetime.date) -> QuerySet[Request]:
    """The requests overdue at the start of ``day``: open then (:func:`open_at`), due before
    ``day``. On the same data, :func:`overdue_on` for ``day`` counts the same requests."""
    return open_at(requests, moment=as_of_moment(day)).filter(due_date__lt=day)


# --- Mission lines: the same three figures, counted per mission --------------------------------
#
# A request that concerns several missions has one line per mission (RequestMission); a
# mission's own figures count its lines, each with its current status and due date (the line's
# own, or the request's while the line follows it). While every line follows its request these
# are the request figures of the requests concerning the mission.

#: An open line (on :meth:`RequestMissionQuerySet.with_state`): not started, in progress, on hold.
LINE_OPEN = Q(line_status__in=RequestStatus.open())


def line_overdue_on(today: datetime.date) -> Q:
    """An overdue line on ``today``: open, its current due date before ``today``."""
    return LINE_OPEN & Q(line_due__lt=today)


def line_due_soon_on(today: datetime.date, days: int = DUE_SOON_DAYS) -> Q:
    return LINE_OPEN & Q(line_due__gte=today, line_due__lte=today + datetime.timedelta(days=days))


def lines_of(
    requests: QuerySet[Request] | None = None,
) -> QuerySet[RequestMission]:
    """The lines of ``requests`` (every request not archived by default), with their current
    status and due date annotated."""
    lines = RequestMission.objects.active().with_state()
    if requests is not None:
        lines = lines.filter(request__in=requests.values("pk"))
    return lines


def _line_counts(lines: QuerySet[RequestMission], *, today: datetime.date) -> QuerySet[Any]:
    return (
        lines.values("mission_id")
        .annotate(
            open=Count("pk", filter=LINE_OPEN),
            overdue=Count("pk", filter=line_overdue_on(today)),
            due_soon=Count("pk", filter=line_due_soon_on(today)),
            **{
                f"status_{value}": Count("pk", filter=Q(line_status=value))
                for value in RequestStatus.values
            },
        )
        .order_by()
    )


LINE_COUNT_NAMES = (
    "open",
    "overdue",
    "due_soon",
    *(f"status_{value}" for value in RequestStatus.values),
)


def line_counts_by_mission(
    *,
    today: datetime.date,
    requests: QuerySet[Request] | None = None,
    missions: list[int] | None = None,
) -> dict[int, dict[str, int]]:
    """Open, overdue and due-soon lines per mission id (1 query), of ``missions`` only if given:
    the figures of the mission pages; the API's and the export's per-mission states use the
    same rules."""
    lines = lines_of(requests)
    if missions is not None:
        lines = lines.filter(mission_id__in=missions)
    rows = _line_counts(lines, today=today)
    return {row["mission_id"]: {name: row[name] for name in LINE_COUNT_NAMES} for row in rows}


def mission_line_counts(
    mission_id: int, *, today: datetime.date, requests: QuerySet[Request] | None = None
) -> dict[str, int]:
    """One mission's open, overdue and due-soon lines, and its lines by current status
    (``status_<value>``), in 1 query, by the rules of :func:`line_counts_by_mission`."""
    rows = list(_line_counts(lines_of(requests).filter(mission_id=mission_id), today=today))
    return {name: rows[0][name] if rows else 0 for name in LINE_COUNT_NAMES}


def line_is_overdue(line: RequestMission, *, today: datetime.date) -> bool:
    """One line's overdue flag, by the rule of :func:`line_overdue_on`."""
    return line.is_overdue(today=today)


def line_states(lines: Iterable[RequestMission]) -> str:
    """The per-mission states of a request's lines as one text: "MINUSCA: Completed;
    MONUSCO: In progress" (its lines loaded with their mission and request)."""
    return "; ".join(
        f"{line.mission.acronym}: {RequestStatus(line.current_status).label}"
        for line in sorted(lines, key=lambda line: line.mission.acronym)
    )
