"""Composable filters for the mandates models. Time-dependent filters take ``today``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TypeVar

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from mandates.choices import RequestStatus, UnitKind

_M = TypeVar("_M", bound=models.Model)

#: The columns of a document too big to load with every row that links to it: a report's source
#: text runs to hundreds of kilobytes, and a list of 500 of its paragraphs read it 500 times.
#: Only a document's own detail (API, admin change form) shows them.
DOCUMENT_TEXT_FIELDS = ("source_text",)


def without_document_text(queryset: QuerySet[_M], *relations: str) -> QuerySet[_M]:
    """``queryset`` without the documents' big text columns: those of the documents it loads
    through ``relations`` (``"document"``, ``"draft_of"``...), or its own when it is a queryset of
    documents and no relation is named."""
    prefixes = [f"{relation}__" for relation in relations] or [""]
    return queryset.defer(*(prefix + name for prefix in prefixes for name in DOCUMENT_TEXT_FIELDS))


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
        """Requests concerning the mission (a subquery: combines with other filters without
        duplicate rows)."""
        through = self.model._meta.get_field("missions").remote_field.through  # type: ignore[union-attr]
        return self.filter(
            pk__in=through.objects.filter(mission_id=mission_id).values("request_id")
        )

    def _via_paragraphs(self, **lookups: object) -> RequestQuerySet:
        through = self.model._meta.get_field("paragraphs").remote_field.through  # type: ignore[union-attr]
        paragraphs = {f"paragraph__{key}": value for key, value in lookups.items()}
        return self.filter(pk__in=through.objects.filter(**paragraphs).values("request_id"))

    def for_document(self, document_id: int) -> RequestQuerySet:
        """Requests resting on a paragraph of the document."""
        return self._via_paragraphs(document_id=document_id)

    def for_theme(self, slug: str) -> RequestQuerySet:
        """Requests resting on a paragraph with the theme."""
        return self._via_paragraphs(themes__slug=slug)

    def citing(self, prefix: str) -> RequestQuerySet:
        """Requests resting on a paragraph whose citation starts with ``prefix``."""
        return self._via_paragraphs(citation__istartswith=prefix)

    def for_units(self, unit_ids: Iterable[int]) -> RequestQuerySet:
        """Requests led or supported by any of the units, each once."""
        unit_ids = list(unit_ids)
        through = self.model._meta.get_field("supporting_units").remote_field.through  # type: ignore[union-attr]
        supported = through.objects.filter(unit_id__in=unit_ids).values("request_id")
        return self.filter(Q(lead_unit_id__in=unit_ids) | Q(pk__in=supported))


def ssr_sections() -> Q:
    """Units that are a mission's SSR section: a mission section with "SSR" in its acronym."""
    return Q(kind=UnitKind.MISSION_SECTION, acronym__icontains="SSR")
