"""The Secretary-General's regular reports on missions, what each covered of resolution 2553
OP20(e) and (f), and the support other actors give to security sector reform (OP20(f))."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mandates.base_models import TimestampedModel, choices_check
from mandates.choices import CoverageElement, CoverageState, FulfilmentOutcome, PartnerKind
from ssrtracker.limits import sane_date

__all__ = [
    "CoverageItem",
    "Fulfilment",
    "PartnerSupport",
    "ReportingDate",
    "SecretaryGeneralReport",
]


class SecretaryGeneralReport(TimestampedModel):
    """One regular report of the Secretary-General on a mission ("S/2026/123"). Registering it
    (``reporting.report_register``) opens its coverage checklist."""

    mission = models.ForeignKey(
        "mandates.Mission",
        verbose_name=_("mission"),
        on_delete=models.PROTECT,
        related_name="sg_reports",
    )
    symbol = models.CharField(
        _("symbol"),
        max_length=100,
        unique=True,
        error_messages={"unique": _("A report with this symbol is already registered.")},
    )
    date = models.DateField(_("date"), validators=[sane_date])
    link = models.URLField(_("link"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["mission", "-date", "symbol"]
        verbose_name = _("Secretary-General report")
        verbose_name_plural = _("Secretary-General reports")
        get_latest_by = "date"
        indexes = [
            # A mission's reports, newest first (scorecard, coverage matrix, next report).
            models.Index(fields=["mission", "-date"], name="mandates_sgr_mission_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.mission.acronym}, {self.date:%Y-%m-%d})"


class CoverageItem(TimestampedModel):
    """Whether one report covered one element of 2553 OP20(e)/(f), with the report's paragraph
    numbers as evidence. A missing element becomes a request for the next report (once)."""

    report = models.ForeignKey(
        SecretaryGeneralReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="coverage_items",
    )
    element = models.CharField(_("element"), max_length=30, choices=CoverageElement.choices)
    state = models.CharField(
        _("coverage"),
        max_length=20,
        choices=CoverageState.choices,
        default=CoverageState.NOT_REVIEWED,
    )
    paragraphs = models.CharField(
        _("report paragraphs"),
        max_length=200,
        blank=True,
        help_text=_('Where the report covers it, e.g. "34-38, 52".'),
    )
    note = models.TextField(_("note"), blank=True)
    follow_up = models.OneToOneField(
        "mandates.Request",
        verbose_name=_("request for the next report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coverage_gap",
        editable=False,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "element"]
        verbose_name = _("coverage item")
        verbose_name_plural = _("coverage items")
        constraints = [
            choices_check("element", CoverageElement),
            choices_check("state", CoverageState),
            models.UniqueConstraint(
                fields=["report", "element"],
                name="%(app_label)s_%(class)s_once_per_report",
                violation_error_message=_("This element is already on the report's checklist."),
            ),
            models.CheckConstraint(
                condition=~Q(state=CoverageState.COVERED) | ~Q(paragraphs=""),
                name="%(app_label)s_%(class)s_covered_has_paragraphs",
                violation_error_message=_(
                    "Name the report paragraphs that cover it, e.g. “34-38”."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report.symbol}: {self.get_element_display()} – {self.get_state_display()}"


class PartnerSupport(TimestampedModel):
    """Support another actor gives to security sector reform in a mission's host country or
    another country (2553 OP20(f)): who, where, in which area, when."""

    partner = models.CharField(_("partner"), max_length=200, help_text=_('e.g. "EUTM Mali".'))
    partner_kind = models.CharField(
        _("kind of partner"), max_length=20, choices=PartnerKind.choices
    )
    mission = models.ForeignKey(
        "mandates.Mission",
        verbose_name=_("mission"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_support",
    )
    country = models.CharField(
        _("country"),
        max_length=100,
        blank=True,
        help_text=_("Blank: the mission's host country."),
    )
    area = models.ForeignKey(
        "mandates.Theme",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_support",
    )
    period_start = models.DateField(_("from"), validators=[sane_date])
    period_end = models.DateField(_("until"), null=True, blank=True, validators=[sane_date])
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["mission", "-period_start", "partner"]
        verbose_name = _("support by another actor")
        verbose_name_plural = _("support by other actors")
        constraints = [
            choices_check("partner_kind", PartnerKind),
            models.CheckConstraint(
                condition=Q(mission__isnull=False) | ~Q(country=""),
                name="%(app_label)s_%(class)s_has_place",
                violation_error_message=_("Name a mission or a country."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=F("period_start")),
                name="%(app_label)s_%(class)s_period_ends_after_start",
                violation_error_message=_("The support cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        where = self.country or (self.mission.host_country if self.mission else "")
        return f"{self.partner} ({where}, from {self.period_start:%Y-%m})"


class ReportingDate(TimestampedModel):
    """A date the Council set for a regular report on a mission ("by 15 February 2027").

    With the mission's cycle (anchor and months) these make its reporting calendar, the one
    source for "next report due" (:mod:`mandates.sg_reports.calendar`).
    """

    mission = models.ForeignKey(
        "mandates.Mission",
        verbose_name=_("mission"),
        on_delete=models.CASCADE,
        related_name="reporting_dates",
    )
    date = models.DateField(_("report due"), validators=[sane_date])
    source = models.ForeignKey(
        "mandates.Document",
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reporting_dates",
        help_text=_("The resolution that set the date."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["mission", "date"]
        verbose_name = _("reporting date")
        verbose_name_plural = _("reporting dates")
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "date"],
                name="%(app_label)s_%(class)s_once_per_day",
                violation_error_message=_("This report date is already on the calendar."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mission.acronym}: {self.date:%Y-%m-%d}"


class Fulfilment(TimestampedModel):
    """What answered a request, or one mission's line of it, for one due date: a
    Secretary-General report and its paragraphs, another document, or nothing (missed).

    The fulfilling document is the evidence a later reader looks for. A request recurring with
    each regular report gets one fulfilment per report of each mission.
    """

    request = models.ForeignKey(
        "mandates.Request",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="fulfilments",
    )
    mission = models.ForeignKey(
        "mandates.Mission",
        verbose_name=_("mission line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fulfilments",
    )
    report = models.ForeignKey(
        SecretaryGeneralReport,
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fulfilments",
    )
    document = models.ForeignKey(
        "mandates.Document",
        verbose_name=_("other document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fulfilments",
        help_text=_("A letter, briefing or other document, when no report answered it."),
    )
    paragraphs = models.CharField(
        _("paragraphs"),
        max_length=200,
        blank=True,
        help_text=_('Where the report answers it, e.g. "34-38, 52".'),
    )
    due_date = models.DateField(_("due date answered"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=FulfilmentOutcome.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["request", "mission", "due_date", "pk"]
        verbose_name = _("fulfilment")
        verbose_name_plural = _("fulfilments")
        constraints = [
            choices_check("outcome", FulfilmentOutcome),
            models.CheckConstraint(
                condition=Q(outcome=FulfilmentOutcome.MISSED)
                | Q(report__isnull=False)
                | Q(document__isnull=False),
                name="%(app_label)s_%(class)s_has_evidence",
                violation_error_message=_(
                    "Name the report or document that answered the request, or mark it missed."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["report"], name="mandates_fulfil_report_idx"),
        ]

    def __str__(self) -> str:
        what = self.report or self.document or self.get_outcome_display()
        return f"{self.request.reference}: {what}"
