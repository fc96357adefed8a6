"""Writes of benchmarks and their assessments, with their rules. The admin (the benchmark's
page, its assessment rows and the assessments' own page), the API and imports call these."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from mandates.models import Benchmark, BenchmarkAssessment
from mandates.organisation import permissions
from mandates.requests.services import StaleVersion, WorkflowError
from ssrtracker.writes import checked_save, service


@service
@transaction.atomic
def benchmark_save(
    *,
    benchmark: Benchmark,
    by: User | None,
    m2m: dict[str, Iterable[Any]] | None = None,
) -> Benchmark:
    """Add or change a benchmark: staff only for their units' benchmarks, before and after."""
    if by is not None and not permissions.is_administrator(by):
        refused = _("You can change only the benchmarks of your units.")
        if benchmark.pk is not None:
            stored = Benchmark.objects.select_for_update().get(pk=benchmark.pk)
            if not permissions.can_change_benchmark(by, stored):
                raise PermissionDenied(refused)
        if benchmark.responsible_unit_id not in (None, *permissions.user_unit_ids(by)):
            raise PermissionDenied(refused)
    return checked_save(
        benchmark, by=by, m2m=m2m, refused=_("Your role does not allow changing benchmarks.")
    )


ASSESSMENT_FIELDS = (
    "period_start",
    "period_end",
    "rating",
    "value",
    "narrative",
    "source_report",
    "evidence",
    "evidence_url",
    "report",
)


@service
@transaction.atomic
def assessment_create(
    *, benchmark: Benchmark, by: User | None, fields: dict[str, Any]
) -> BenchmarkAssessment:
    """Record how ``benchmark`` stood in one reporting period (once per period). The registered
    report it cites must be on the benchmark's mission (the model's rule, in ``full_clean``)."""
    if by is not None and not permissions.can_assess_benchmark(by, benchmark):
        raise PermissionDenied(_("You can assess only the benchmarks of your units."))
    unknown = set(fields) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise WorkflowError(_("These fields cannot be set: %s.") % ", ".join(sorted(unknown)))
    assessment = BenchmarkAssessment(benchmark=benchmark, **fields)
    assessment.full_clean()
    assessment._history_user = by  # type: ignore[attr-defined]
    assessment.save()
    return assessment


@service
@transaction.atomic
def assessment_update(
    *,
    assessment: BenchmarkAssessment,
    by: User | None,
    changes: dict[str, Any],
    expected_updated_at: datetime.datetime | None = None,
) -> BenchmarkAssessment:
    """Change an assessment. ``expected_updated_at`` refuses the change if someone saved it
    after the caller read it (raises :class:`StaleVersion`)."""
    locked = (
        BenchmarkAssessment.objects.select_for_update()
        .select_related("benchmark")
        .get(pk=assessment.pk)
    )
    if expected_updated_at is not None and locked.updated_at != expected_updated_at:
        raise StaleVersion(
            _("This assessment was changed by someone else since you opened it."),
            current_version=0,
            changes=[],
        )
    if by is not None and not permissions.can_change_assessment(by, locked):
        raise PermissionDenied(_("You can change only the assessments of your units' benchmarks."))
    unknown = set(changes) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise WorkflowError(_("These fields cannot be changed: %s.") % ", ".join(sorted(unknown)))
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked._history_user = by  # type: ignore[attr-defined]
    locked.save()
    return locked
