"""The request figures every surface shows: "open", "overdue", "due soon", defined once.

The dashboards (reports.selectors), the deadlines page, the periodic summary
(reports.summaries), the API's filters and serializers and the CSV export all build on these
conditions, so the same data on the same day gives the same numbers everywhere.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from mandates.choices import RequestStatus
from mandates.requests.models import Request

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
