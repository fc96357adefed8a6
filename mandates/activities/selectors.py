"""Reads of activities for the dashboards and the calendar, their related objects loaded in a
fixed number of queries."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from mandates.models import Activity, Mission, Theme, Unit


def activities_with_links() -> QuerySet[Activity]:
    """Activities with their missions, units and themes prefetched (four queries in all)."""
    return Activity.objects.prefetch_related("missions", "units", "themes")


def filtered(
    *,
    mission: Mission | None = None,
    unit: Unit | None = None,
    theme: Theme | None = None,
) -> QuerySet[Activity]:
    """Activities on ``mission``, led by ``unit``, on ``theme`` (each when given)."""
    queryset = activities_with_links()
    if mission is not None:
        queryset = queryset.filter(missions=mission)
    if unit is not None:
        queryset = queryset.filter(units=unit)
    if theme is not None:
        queryset = queryset.filter(themes=theme)
    return queryset


def between(
    queryset: QuerySet[Activity], *, first: datetime.date, last: datetime.date
) -> QuerySet[Activity]:
    """The activities under way at some time from ``first`` to ``last`` (an activity with no
    end lasts its start day)."""
    return queryset.filter(start_date__lte=last).filter(
        Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first)
    )


def recent(
    *,
    mission: Mission | None = None,
    unit: Unit | None = None,
    limit: int = 10,
) -> list[Activity]:
    """The latest activities on a mission or led by a unit, the planned ones (the newsletter's
    "coming soon") first, then by start date, most recent first."""
    queryset = filtered(mission=mission, unit=unit).order_by("-start_date", "title", "pk")
    return list(queryset[:limit])
