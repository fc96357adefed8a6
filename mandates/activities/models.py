"""Activities: what was done on security sector reform besides reporting (assessment and
advisory missions, trainings, workshops, meetings, publications)."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mandates.base_models import TimestampedModel, choices_check
from mandates.choices import ActivityKind
from ssrtracker.limits import sane_date

__all__ = ["Activity"]


class Activity(TimestampedModel):
    """Something the SSR Unit or a mission's SSR section did: an assessment mission to a
    country, a training, a Task Force meeting, a C-34 session, a publication. It may concern
    missions and units, touch themes, involve partners, and advance requests."""

    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    story = models.TextField(
        _("story"), blank=True, help_text=_("What happened and what came of it, in a few lines.")
    )
    start_date = models.DateField(_("start"), validators=[sane_date])
    end_date = models.DateField(
        _("end"),
        null=True,
        blank=True,
        validators=[sane_date],
        help_text=_("Blank: a one-day activity."),
    )
    missions = models.ManyToManyField(
        "mandates.Mission", verbose_name=_("missions"), blank=True, related_name="activities"
    )
    units = models.ManyToManyField(
        "mandates.Unit",
        verbose_name=_("units"),
        blank=True,
        related_name="activities",
        help_text=_("The units that led it."),
    )
    themes = models.ManyToManyField(
        "mandates.Theme", verbose_name=_("themes"), blank=True, related_name="activities"
    )
    partners = models.CharField(
        _("partners"),
        max_length=300,
        blank=True,
        help_text=_('Other actors involved, e.g. "UNDP, African Union, EUTM Mali".'),
    )
    requests = models.ManyToManyField(
        "mandates.Request",
        verbose_name=_("requests advanced"),
        blank=True,
        related_name="activities",
        help_text=_("The mandated tasks this activity moved forward, if any."),
    )

    history = HistoricalRecords(m2m_fields=[missions, units, themes, requests])

    class Meta:
        ordering = ["-start_date", "title", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            choices_check("kind", ActivityKind),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("An activity cannot end before it starts."),
            ),
        ]
        indexes = [
            # The calendar page and the dashboards: activities overlapping a month.
            models.Index(fields=["start_date", "end_date"], name="mandates_activity_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_date:%Y-%m-%d})"

    @property
    def last_day(self) -> datetime.date:
        """The last day of the activity (its start for a one-day activity)."""
        return self.end_date or self.start_date
