"""Composable filters for the mandates models. Time-dependent filters take ``today``."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from mandates.choices import RequestStatus


class RequestQuerySet(models.QuerySet):
    def open(self) -> RequestQuerySet:
        return self.filter(status__in=RequestStatus.open())

    def closed(self) -> RequestQuerySet:
        return self.filter(status__in=RequestStatus.closed())

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
        return self.filter(Q(lead_unit_id=unit_id) | Q(supporting_units__id=unit_id)).distinct()

    def for_mission(self, mission_id: int) -> RequestQuerySet:
        return self.filter(missions__id=mission_id)
