"""Country-specific benchmarks (resolution 2553 OP20(e)) and their assessments per period."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mandates.base_models import TimestampedModel, choices_check
from mandates.benchmarks.progress import compute_progress
from mandates.choices import Direction, OwnershipElement, ProgressStatus, Rating, ThemeKind
from mandates.words import shortened
from ssrtracker.limits import sane_date

__all__ = ["Benchmark", "BenchmarkAssessment"]


class Benchmark(TimestampedModel):
    """A measure of the effectiveness of UN support to a mission's host country and of that
    country's commitments, tied to a national-ownership element or a sector component."""

    reference = models.SlugField(_("reference"), max_length=60, unique=True)
    mission = models.ForeignKey(
        "mandates.Mission",
        verbose_name=_("mission"),
        on_delete=models.PROTECT,
        related_name="benchmarks",
    )
    paragraph = models.ForeignKey(
        "mandates.Paragraph",
        verbose_name=_("source paragraph"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="benchmarks",
    )
    ownership_element = models.CharField(
        _("national-ownership element"),
        max_length=30,
        choices=OwnershipElement.choices,
        blank=True,
    )
    component = models.ForeignKey(
        "mandates.Theme",
        verbose_name=_("sector component"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="benchmarks",
        limit_choices_to={"kind__in": [ThemeKind.COMPONENT, ThemeKind.GOVERNANCE]},
    )
    indicator = models.TextField(_("indicator"))
    baseline = models.CharField(_("baseline"), max_length=300, blank=True)
    target = models.CharField(_("target"), max_length=300, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True, validators=[sane_date])
    responsible_unit = models.ForeignKey(
        "mandates.Unit",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="benchmarks",
    )
    host_country_context = models.TextField(
        _("host-country context"),
        blank=True,
        help_text=_("The host country's commitments and circumstances this benchmark rests on."),
    )
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=Direction.choices,
        blank=True,
        help_text=_("Which way the indicator should move; blank: read from baseline and target."),
    )
    progress_override = models.CharField(
        _("progress set by hand"),
        max_length=20,
        choices=ProgressStatus.choices,
        blank=True,
        help_text=_("Leave blank to compute progress from baseline, target and latest value."),
    )
    progress_override_reason = models.TextField(
        _("reason for setting progress by hand"), blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["mission", "reference"]
        verbose_name = _("benchmark")
        verbose_name_plural = _("benchmarks")
        constraints = [
            choices_check("ownership_element", OwnershipElement, blank=True),
            choices_check("direction", Direction, blank=True),
            choices_check("progress_override", ProgressStatus, blank=True),
            models.CheckConstraint(
                condition=Q(progress_override="") | ~Q(progress_override_reason=""),
                name="%(app_label)s_%(class)s_override_has_reason",
                violation_error_message=_("Progress set by hand needs a reason."),
            ),
            models.CheckConstraint(
                condition=~Q(ownership_element="") | Q(component__isnull=False),
                name="%(app_label)s_%(class)s_has_element_or_component",
                violation_error_message=_(
                    "A benchmark needs a national-ownership element or a sector component."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {shortened(self.indicator, 60)}"

    def progress_for(
        self, latest_value: str | None, *, today: datetime.date | None = None
    ) -> tuple[str, bool]:
        """(progress status, set by hand?) given the value of the latest assessment."""
        if self.progress_override:
            return self.progress_override, True
        status = compute_progress(
            baseline=self.baseline,
            target=self.target,
            latest=latest_value,
            direction=self.direction or None,
            target_date=self.target_date,
            as_of=today or timezone.localdate(),
        )
        return str(status), False


class BenchmarkAssessment(TimestampedModel):
    """How a benchmark stood in one reporting period, and the report that said so."""

    benchmark = models.ForeignKey(
        Benchmark,
        verbose_name=_("benchmark"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    period_start = models.DateField(_("period start"), validators=[sane_date])
    period_end = models.DateField(_("period end"), validators=[sane_date])
    rating = models.CharField(
        _("rating"), max_length=20, choices=Rating.choices, default=Rating.NOT_ASSESSED
    )
    value = models.CharField(_("value"), max_length=300, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    source_report = models.ForeignKey(
        "mandates.Document",
        verbose_name=_("source report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="benchmark_assessments",
    )
    report = models.ForeignKey(
        "mandates.SecretaryGeneralReport",
        verbose_name=_("Secretary-General report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="benchmark_assessments",
        help_text=_("The registered regular report that gave this rating."),
    )
    evidence = models.TextField(
        _("evidence"),
        blank=True,
        help_text=_("What the rating rests on: sources, report paragraphs, meeting minutes."),
    )
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["benchmark", "-period_start"]
        verbose_name = _("benchmark assessment")
        verbose_name_plural = _("benchmark assessments")
        get_latest_by = "period_start"
        constraints = [
            choices_check("rating", Rating),
            models.UniqueConstraint(
                fields=["benchmark", "period_start"],
                name="%(app_label)s_%(class)s_one_per_period",
                violation_error_message=_("This benchmark is already assessed for this period."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="%(app_label)s_%(class)s_period_ends_after_start",
                violation_error_message=_("A reporting period cannot end before it starts."),
            ),
        ]

    def clean(self) -> None:
        """The registered report it cites is on the benchmark's mission."""
        super().clean()
        report = self.report if self.report_id is not None else None
        if (
            report is not None
            and self.benchmark_id is not None
            and report.mission_id != self.benchmark.mission_id
        ):
            raise ValidationError(
                {
                    "report": _("The report %(symbol)s is not on this benchmark's mission.")
                    % {"symbol": report.symbol}
                }
            )

    def __str__(self) -> str:
        return (
            f"{self.benchmark.reference} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}: "
            f"{self.get_rating_display()}"
        )
