"""Reminder preferences, the reminder ledger and the stored periodic summaries.

The ledger is what makes reminders go out exactly once: a :class:`Reminder` row per (request,
recipient, due date, reminder point) is claimed under a unique constraint before anything is
sent, and each belongs to exactly one :class:`ReminderDigest`, the e-mail that carries it, whose
Message-ID is fixed when it is created. A resend after a crash is the same message again.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mandates.base_models import choices_check
from reports.choices import DigestFrequency, DraftStatus, SummaryKind

__all__ = [
    "OverviewSnapshot",
    "Reminder",
    "ReminderDigest",
    "ReminderPreference",
    "ReportDraft",
    "Summary",
]


class ReminderPreference(models.Model):
    """How one person wants their deadline reminders. Without a row: a daily digest of all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="reminder_preference",
    )
    digest_frequency = models.CharField(
        _("digest frequency"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.DAILY,
        help_text=_("A weekly digest gathers the week's reminders into one e-mail on Mondays."),
    )
    overdue_only = models.BooleanField(
        _("only overdue requests"),
        default=False,
        help_text=_("Receive no reminder before the due date, only once a request is overdue."),
    )
    language = models.CharField(
        _("language of e-mails"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        db_default="",
        help_text=_("The summaries e-mailed to you are written in it; blank: the site's language."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")
        constraints = [
            choices_check("digest_frequency", DigestFrequency),
            models.CheckConstraint(
                condition=Q(language__in=["", *(code for code, _name in settings.LANGUAGES)]),
                name="%(app_label)s_%(class)s_known_language",
                violation_error_message=_("Choose one of the site's languages."),
            ),
        ]

    def __str__(self) -> str:
        overdue = _(", overdue only") if self.overdue_only else ""
        return f"{self.user}: {self.get_digest_frequency_display()}{overdue}"


class ReminderDigest(models.Model):
    """One reminder e-mail to one person, gathering the reminders of one run.

    ``message_id`` is derived from the key (recipient, run date, sequence) when the row is
    created, so every attempt to send it, including one repeated after a crash, carries the
    same Message-ID. Its sending is an outbox message (``delivery``), which retries it.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminder_digests",
    )
    run_date = models.DateField(_("run date"))
    sequence = models.PositiveSmallIntegerField(
        _("sequence"),
        default=1,
        help_text=_("A second e-mail the same day (after a due date changed) has sequence 2."),
    )
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    delivery = models.OneToOneField(
        "mandates.OutboxMessage",
        verbose_name=_("delivery"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text=_("The e-mail in the outbox: sent, pending or failed."),
    )

    class Meta:
        ordering = ["-run_date", "recipient", "sequence"]
        verbose_name = _("reminder e-mail")
        verbose_name_plural = _("reminder e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "run_date", "sequence"],
                name="%(app_label)s_%(class)s_one_per_recipient_run",
                violation_error_message=_("This person already has this reminder e-mail."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} – {self.run_date:%Y-%m-%d} #{self.sequence}"

    @property
    def outbox_key(self) -> str:
        return f"reminder-digest:{self.pk}"


class Reminder(models.Model):
    """The ledger: one reminder point of one request for one person, claimed once.

    ``days_before`` is the reminder point relative to ``due_date``: 30, 14, 7, 1 before, 0 on the
    day, negative once overdue (-7, -14, ...). The due date is part of the key, so a request whose
    due date moves gets its reminders again for the new date.
    """

    request = models.ForeignKey(
        "mandates.Request",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="reminders",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    due_date = models.DateField(_("due date"))
    days_before = models.SmallIntegerField(_("days before the due date"))
    point_date = models.DateField(_("reminder date"))
    digest = models.ForeignKey(
        ReminderDigest,
        verbose_name=_("e-mail"),
        on_delete=models.PROTECT,
        related_name="reminders",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_date", "request"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "recipient", "due_date", "days_before"],
                name="%(app_label)s_%(class)s_once_per_point",
                violation_error_message=_("This reminder was already sent to this person."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} → {self.recipient} ({self.point_label})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Reminders are a ledger and cannot be changed.")
        super().save(*args, **kwargs)

    @property
    def point_label(self) -> str:
        if self.days_before > 0:
            return str(_("%(days)d days before") % {"days": self.days_before})
        if self.days_before == 0:
            return str(_("on the due date"))
        return str(_("%(days)d days overdue") % {"days": -self.days_before})


class Summary(models.Model):
    """A weekly, monthly or quarterly summary for managers: compiled once per period.

    ``data`` holds the figures and lists as JSON; ``html`` and ``text`` are rendered from it when
    compiled. Running the job again finds the row (unique per kind and period start) and does
    nothing; a past period is recompiled only on request.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=SummaryKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    html = models.TextField(_("HTML"), blank=True)
    text = models.TextField(_("text"), blank=True)
    compiled_at = models.DateTimeField(_("compiled"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True, editable=False)
    delivery = models.OneToOneField(
        "mandates.OutboxMessage",
        verbose_name=_("e-mail"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text=_("The e-mail to the managers in the outbox: sent, pending or failed."),
    )

    class Meta:
        ordering = ["-period_start", "kind"]
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")
        get_latest_by = "period_start"
        constraints = [
            choices_check("kind", SummaryKind),
            models.UniqueConstraint(
                fields=["kind", "period_start"],
                name="%(app_label)s_%(class)s_one_per_period",
                violation_error_message=_(
                    "There is already a summary of this kind for this period."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="%(app_label)s_%(class)s_period_ends_after_start",
                violation_error_message=_("A period cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.period_start:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("admin:reports_summary_change", args=[self.pk])

    @property
    def outbox_key(self) -> str:
        return f"summary:{self.pk}"

    @property
    def emailed_at(self) -> datetime.datetime | None:
        """When the managers' e-mail was sent (None: not sent yet)."""
        return self.delivery.sent_at if self.delivery else None


class ReportDraft(models.Model):
    """A draft of a mission's security sector reform section for its next regular report of the
    Secretary-General (resolution 2553 OP20(e) and (f)), for one period.

    ``data`` holds the generated sections as structured data (the benchmark table's rows, each
    sentence with the sources it rests on, the list of sources); ``texts`` the drafting officer's
    editable text of each narrative section, generated from ``data`` and then edited. Issued
    when the report is out: it then names the registered report, which answers the mission's
    reporting requests, and is no longer changed.
    """

    mission = models.ForeignKey(
        "mandates.Mission",
        verbose_name=_("mission"),
        on_delete=models.PROTECT,
        related_name="report_drafts",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    reporting_date = models.ForeignKey(
        "mandates.ReportingDate",
        verbose_name=_("for the report due"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="drafts",
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DraftStatus.choices, default=DraftStatus.DRAFT
    )
    data = models.JSONField(_("generated sections"), default=dict, blank=True, editable=False)
    texts = models.JSONField(_("text of the sections"), default=dict, blank=True)
    report = models.ForeignKey(
        "mandates.SecretaryGeneralReport",
        verbose_name=_("issued as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drafts",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    generated_at = models.DateTimeField(_("generated"), default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["mission", "-period_start"]
        verbose_name = _("report draft")
        verbose_name_plural = _("report drafts")
        constraints = [
            choices_check("status", DraftStatus),
            models.UniqueConstraint(
                fields=["mission", "period_start", "period_end"],
                name="%(app_label)s_%(class)s_one_per_period",
                violation_error_message=_("This mission already has a draft for this period."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="%(app_label)s_%(class)s_period_ends_after_start",
                violation_error_message=_("A period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status=DraftStatus.DRAFT, report__isnull=True, issued_at__isnull=True)
                | Q(status=DraftStatus.ISSUED, report__isnull=False, issued_at__isnull=False),
                name="%(app_label)s_%(class)s_issued_iff_report",
                violation_error_message=_("An issued draft names its report; a draft does not."),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.mission.acronym} "
            f"{self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d} ({self.get_status_display()})"
        )

    def get_absolute_url(self) -> str:
        return reverse("dashboard:draft", args=[self.pk])

    @property
    def is_issued(self) -> bool:
        return self.status == DraftStatus.ISSUED


class OverviewSnapshot(models.Model):
    """What the dashboards' overview shows for one selection of its filters, counted once and
    read by every view until it is older than ``OVERVIEW_MAX_AGE`` or of another day
    (:mod:`reports.overview`; a job recounts the ones viewed in the last day).

    ``key`` is the selection as a normalised query string ("" for no filter); ``data`` the
    figures, lists and tables, language-neutral (both names where reference data has two, dates
    in ISO format); ``computed_on`` the day the figures are for (overdue and due soon depend on
    it); ``viewed_at`` when a page last used it.
    """

    key = models.CharField(_("selection"), max_length=500, unique=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed"))
    computed_on = models.DateField(_("figures for"))
    viewed_at = models.DateTimeField(_("last viewed"), db_index=True)

    class Meta:
        verbose_name = _("overview snapshot")
        verbose_name_plural = _("overview snapshots")

    def __str__(self) -> str:
        return f"{self.key or '(all)'} {self.computed_at:%Y-%m-%d %H:%M}"
