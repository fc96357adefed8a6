"""Composable filters for the mandates models. Time-dependent filters take ``today``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils import timezone

from mandates.choices import RequestStatus


class RequestQuerySet(models.QuerySet):
    def active(self) -> RequestQuerySet:
        """Requests that are not archived (archiving is how a request is "deleted")."""
        return self.filter(archived_at__isnull=True)

    def archived(self) -> RequestQuerySet:
        return self.filter(archived_at__isnull=False)

    def open(self) -> RequestQuerySet:
        return self.active().filter(status__in=RequestStatus.open())

    def closed(self) -> RequestQuerySet:
        return self.active().filter(status__in=RequestStatus.closed())

    def overdue(self, *, today: datetime.date | None = None) -> RequestQuerySet:
        """Open requests whose due date has passed (overdue is computed, never stored)."""
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)

    def due_within(self, days: int, *, today: datetime.date | None = None) -> RequestQuerySet:
        """Open requests due from today up to ``days`` days ahead, inclusive."""
        today = today or timezone.localdate()
        return self.open().filter(
            due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days)
        )

    def for_unit(self, unit_id: int) -> RequestQuerySet:
        """Requests the unit leads or supports."""
        return self.for_units([unit_id])

    def for_mission(self, mission_id: int) -> RequestQuerySet:
        return self.filter(missions__id=mission_id)

    def for_units(self, unit_ids: Iterable[int]) -> RequestQuerySet:
        """Requests led or supported by any of the units, each once."""
        unit_ids = list(unit_ids)
        through = self.model._meta.get_field("supporting_units").remote_field.through  # type: ignore[union-attr]
        supported = through.objects.filter(unit_id__in=unit_ids).values("request_id")
        return self.filter(Q(lead_unit_id__in=unit_ids) | Q(pk__in=supported))
