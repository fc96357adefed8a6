"""Tracked requests (mandated tasks) and their append-only status updates."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mandates.base_models import choices_check
from mandates.choices import Priority, Recurrence, RequestStatus
from mandates.requests.querysets import RequestQuerySet
from mandates.validators import MaxFileSize, evidence_extension
from ssrtracker.limits import MAX_EVIDENCE_MEGABYTES, sane_date

#: The author of automated changes, stored in English and shown in the reader's language.
SYSTEM_AUTHOR = gettext_noop("the system")

__all__ = ["Request", "RequestMission", "StatusUpdate"]


class RequestMissionQuerySet(models.QuerySet):
    def with_state(self) -> RequestMissionQuerySet:
        """Lines annotated with ``line_status`` and ``line_due``: their own status and due date,
        or the request's where the line follows it."""
        return self.annotate(
            line_status=Coalesce("status", "request__status"),
            line_due=Coalesce("due_date", "request__due_date"),
        )

    def active(self) -> RequestMissionQuerySet:
        """Lines of requests that are not archived."""
        return self.filter(request__archived_at__isnull=True)

    def open(self) -> RequestMissionQuerySet:
        return self.active().with_state().filter(line_status__in=RequestStatus.open())

    def overdue(self, *, today: datetime.date) -> RequestMissionQuerySet:
        return self.open().filter(line_due__lt=today)

    def due_within(self, days: int, *, today: datetime.date) -> RequestMissionQuerySet:
        return self.open().filter(
            line_due__gte=today, line_due__lte=today + datetime.timedelta(days=days)
        )


class RequestMission(models.Model):
    """One mission's line of work on a request: its own status, due date and focal point.

    A request that concerns several missions is done mission by mission (MINUSCA may be done
    while MONUSCO is late). A line follows its request (``status`` and ``due_date`` empty) until
    it gets a status or a due date of its own; the request's status and due date are then
    rolled up from its lines (:mod:`mandates.requests.lines`). Progress notes on a line are
    status updates that name the mission. The table is the request's link to its missions, so
    every mission a request names has exactly one line.
    """

    request = models.ForeignKey(
        "mandates.Request",
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="mission_lines",
    )
    mission = models.ForeignKey(
        "mandates.Mission",
        verbose_name=_("mission"),
        on_delete=models.PROTECT,
        related_name="request_lines",
    )
    # NULL, not "": a line with no status of its own follows its request's.
    status = models.CharField(  # noqa: DJ001
        _("status"),
        max_length=20,
        choices=RequestStatus.choices,
        null=True,
        blank=True,
        help_text=_("Empty: as the request."),
    )
    due_date = models.DateField(
        _("due date"),
        null=True,
        blank=True,
        validators=[sane_date],
        help_text=_("Empty: as the request."),
    )
    focal_point = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("focal point"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mission_lines",
        help_text=_("Who reports on this mission's part of the request."),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    # A database default too: bulk loaders write the link table's rows directly.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_default=Now(), editable=False)

    objects = RequestMissionQuerySet.as_manager()

    class Meta:
        db_table = "mandates_request_missions"
        ordering = ["request", "mission__acronym"]
        verbose_name = _("mission line")
        verbose_name_plural = _("mission lines")
        unique_together = [("request", "mission")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__isnull=True, closed_at__isnull=True)
                | Q(status__in=RequestStatus.closed(), closed_at__isnull=False)
                | Q(status__in=RequestStatus.open(), closed_at__isnull=True),
                name="%(app_label)s_%(class)s_closed_at_iff_closed",
                violation_error_message=_(
                    "A mission line has a closing time exactly when it is completed, cancelled "
                    "or superseded."
                ),
            ),
        ]
        indexes = [
            # A mission's lines (mission pages, matrix, reminders).
            models.Index(fields=["mission", "status"], name="mandates_line_mission_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} · {self.mission.acronym}"

    @property
    def current_status(self) -> str:
        """Its own status, or the request's while it follows the request."""
        return self.status or self.request.status

    @property
    def current_due_date(self) -> datetime.date | None:
        return self.due_date or self.request.due_date

    @property
    def is_open(self) -> bool:
        return self.current_status in RequestStatus.open() and self.request.archived_at is None

    def is_overdue(self, *, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        due = self.current_due_date
        return self.is_open and due is not None and due < today


class Request(models.Model):
    """Something the Council asked for, tracked until done: the project's unit of work.

    One paragraph can hold several requests and one request can rest on several paragraphs; it
    falls on a lead unit, may be supported by others, and may concern missions. ``version`` grows
    by one on every save and lets two editors detect each other (optimistic locking).
    """

    reference = models.SlugField(
        _("reference"),
        max_length=60,
        unique=True,
        help_text=_('A stable identifier, e.g. "2553-OP20e".'),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    paragraphs = models.ManyToManyField(
        "mandates.Paragraph",
        verbose_name=_("source paragraphs"),
        related_name="requests",
        blank=True,
    )
    lead_unit = models.ForeignKey(
        "mandates.Unit",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="led_requests",
    )
    supporting_units = models.ManyToManyField(
        "mandates.Unit",
        verbose_name=_("supporting units"),
        related_name="supported_requests",
        blank=True,
    )
    missions = models.ManyToManyField(
        "mandates.Mission",
        through=RequestMission,
        verbose_name=_("missions concerned"),
        related_name="requests",
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.NOT_STARTED
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    due_date = models.DateField(_("due date"), null=True, blank=True, validators=[sane_date])
    recurrence = models.CharField(
        _("recurrence"), max_length=20, choices=Recurrence.choices, default=Recurrence.NONE
    )
    recurrence_months = models.PositiveSmallIntegerField(_("every N months"), null=True, blank=True)
    recurrence_anchor = models.DateField(
        _("recurring from"), null=True, blank=True, validators=[sane_date]
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(
        _("archived"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Requests are archived, never deleted; archived ones leave lists and counts."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("carried forward from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        editable=False,
    )
    source_document = models.ForeignKey(
        "mandates.Document",
        verbose_name=_("imported from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="imported_requests",
        editable=False,
    )
    imported_values = models.JSONField(
        _("values set by the last import"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "What the importer last wrote; a re-import changes a field only while it still holds "
            "this value, so nothing staff edited is overwritten."
        ),
    )

    objects = RequestQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[paragraphs, supporting_units, missions])

    class Meta:
        ordering = ["due_date", "reference"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        constraints = [
            choices_check("status", RequestStatus),
            choices_check("priority", Priority),
            choices_check("recurrence", Recurrence),
            models.CheckConstraint(
                condition=(Q(status__in=RequestStatus.closed()) & Q(closed_at__isnull=False))
                | (~Q(status__in=RequestStatus.closed()) & Q(closed_at__isnull=True)),
                name="%(app_label)s_%(class)s_closed_at_iff_closed",
                violation_error_message=_(
                    "A request has a closing time exactly when it is completed, cancelled or "
                    "superseded."
                ),
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("created_at")),
                name="%(app_label)s_%(class)s_closed_after_created",
                violation_error_message=_("A request cannot be closed before it was created."),
            ),
            models.CheckConstraint(
                condition=~Q(recurrence=Recurrence.INTERVAL)
                | Q(recurrence_months__gte=1, recurrence_anchor__isnull=False),
                name="%(app_label)s_%(class)s_interval_needs_months_and_anchor",
                violation_error_message=_(
                    "A request recurring every N months needs the number of months and a "
                    "start date."
                ),
            ),
        ]
        indexes = [
            # Open requests by due date (overdue and "due in the next 30 days" lists).
            models.Index(
                fields=["due_date"],
                condition=Q(status__in=["not_started", "in_progress", "on_hold"]),
                name="mandates_req_open_due_idx",
            ),
            # A unit's workload: requests it leads, by status.
            models.Index(fields=["lead_unit", "status"], name="mandates_req_lead_status_idx"),
            # Changelist and API default filter: status then due date.
            models.Index(fields=["status", "due_date"], name="mandates_req_status_due_idx"),
            # Incremental sync ("what changed since T").
            models.Index(fields=["updated_at"], name="mandates_req_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in RequestStatus.open() and self.archived_at is None

    def is_overdue(self, *, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_date is not None and self.due_date < today

    def days_until_due(self, *, today: datetime.date | None = None) -> int | None:
        if self.due_date is None:
            return None
        return (self.due_date - (today or timezone.localdate())).days


class StatusUpdate(models.Model):
    """One entry of a request's progress log: append-only, never edited or deleted.

    ``author_name`` keeps the name shown at the time (and names the source of imported updates
    that have no user account).
    """

    request = models.ForeignKey(
        Request, verbose_name=_("request"), on_delete=models.PROTECT, related_name="updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_updates",
    )
    author_name = models.CharField(_("author name"), max_length=150, blank=True)
    mission = models.ForeignKey(
        "mandates.Mission",
        verbose_name=_("mission line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="line_updates",
        help_text=_("Set when the update is on one mission's line of the request."),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    status_from = models.CharField(_("status before"), max_length=20, choices=RequestStatus.choices)
    status_to = models.CharField(_("status after"), max_length=20, choices=RequestStatus.choices)
    note = models.TextField(_("note"), blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    evidence_file = models.FileField(
        _("evidence file"),
        upload_to="evidence/%Y/%m/",
        max_length=300,
        blank=True,
        validators=[evidence_extension, MaxFileSize(MAX_EVIDENCE_MEGABYTES)],
        help_text=_("PDF, office document, text or image; 20 MB at most."),
    )

    class Meta:
        ordering = ["request", "created_at", "pk"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        get_latest_by = "created_at"
        constraints = [
            choices_check("status_from", RequestStatus),
            choices_check("status_to", RequestStatus),
        ]
        indexes = [
            # A request's timeline, and "latest updates" across requests.
            models.Index(fields=["request", "created_at"], name="mandates_upd_req_time_idx"),
            models.Index(fields=["-created_at"], name="mandates_upd_time_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.request.reference}: {self.get_status_from_display()} → "
            f"{self.get_status_to_display()} ({self.created_at:%Y-%m-%d})"
        )

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Status updates are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Status updates are append-only and cannot be deleted.")

    @property
    def display_author(self) -> str:
        return author_label(self.author_name) or (str(self.author) if self.author_id else "")


def author_label(name: str) -> str:
    """A stored author name as the reader sees it: the system in the active language."""
    return gettext(SYSTEM_AUTHOR) if name == SYSTEM_AUTHOR else name
