"""Admin for benchmarks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mandates.admin.common import (
    LoadedChoicesFormSet,
    NoDeleteMixin,
    ReadOnlyHistoryAdmin,
    SafeAutocompleteMixin,
    ServiceAdminMixin,
    acting_user,
    shorten,
    status_badge,
)
from mandates.admin.filters import AutocompleteFiltersMixin, RangeDateHierarchyMixin, autocomplete
from mandates.admin.imports import SheetImportMixin
from mandates.benchmarks.services import (
    ASSESSMENT_FIELDS,
    assessment_create,
    assessment_update,
    benchmark_save,
)
from mandates.choices import ProgressStatus, Rating
from mandates.imports.tracker import Kind
from mandates.models import (
    Benchmark,
    BenchmarkAssessment,
    Unit,
)
from mandates.organisation import permissions
from mandates.requests.querysets import without_document_text


class BenchmarkAssessmentInline(SafeAutocompleteMixin, admin.TabularInline):
    """Assessments, changed only by the benchmark's responsible unit (and administrators)."""

    model = BenchmarkAssessment
    fields = [
        "period_start",
        "period_end",
        "rating",
        "value",
        "narrative",
        "evidence",
        "evidence_url",
        "source_report",
        "report",
    ]
    autocomplete_fields = ["source_report", "report"]
    ordering = ["-period_start"]
    extra = 0
    can_delete = False
    formset = LoadedChoicesFormSet

    def get_queryset(self, request: HttpRequest) -> QuerySet[BenchmarkAssessment]:
        # Each row's title names its benchmark, its boxes the reports: loaded with the rows.
        rows = (
            super()
            .get_queryset(request)
            .select_related("benchmark", "source_report", "report__mission")
        )
        return without_document_text(rows, "source_report")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return super().has_add_permission(request, obj)
        return permissions.can_assess_benchmark(request.user, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return super().has_change_permission(request, obj)
        return permissions.can_change_benchmark(request.user, obj) and (
            request.user.has_perm("mandates.change_benchmarkassessment")
        )

    formfield_overrides = {
        BenchmarkAssessment._meta.get_field("narrative").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 50})
        }
    }


def save_assessment(request: HttpRequest, obj: BenchmarkAssessment, form: Any) -> None:
    """An assessment from an admin form, through :func:`assessment_create` or
    :func:`assessment_update` (the rules of the API apply: the benchmark's units only)."""
    by = acting_user(request)
    if obj.pk is None:
        fields = {name: getattr(obj, name) for name in ASSESSMENT_FIELDS}
        created = assessment_create(benchmark=obj.benchmark, by=by, fields=fields)
        obj.pk = created.pk
        obj._state.adding = False
        return
    if "benchmark" in form.changed_data:
        raise PermissionDenied(_("An assessment stays with its benchmark."))
    changes = {name: getattr(obj, name) for name in form.changed_data if name in ASSESSMENT_FIELDS}
    assessment_update(assessment=obj, by=by, changes=changes)


@admin.register(Benchmark)
class BenchmarkAdmin(
    AutocompleteFiltersMixin,
    ServiceAdminMixin,
    SafeAutocompleteMixin,
    NoDeleteMixin,
    ReadOnlyHistoryAdmin,
):
    list_display = [
        "reference",
        "mission",
        "ownership_element",
        "component",
        "short_indicator",
        "target_date",
        "latest_rating",
        "progress",
    ]
    list_filter = [*autocomplete("mission"), "ownership_element", "component"]
    list_select_related = ["mission", "component"]
    search_fields = ["reference", "indicator", "mission__acronym"]
    autocomplete_fields = ["mission", "paragraph", "component", "responsible_unit"]
    inlines = [BenchmarkAssessmentInline]

    def has_change_permission(self, request: HttpRequest, obj: Benchmark | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or permissions.can_change_benchmark(request.user, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "responsible_unit" and not permissions.is_administrator(request.user):
            kwargs["queryset"] = Unit.objects.filter(pk__in=permissions.user_unit_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Benchmark]:
        latest = BenchmarkAssessment.objects.filter(benchmark=OuterRef("pk")).order_by(
            "-period_start"
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                _latest_rating=Subquery(latest.values("rating")[:1]),
                _latest_value=Subquery(latest.values("value")[:1]),
            )
        )

    def save_through_service(
        self, request: HttpRequest, obj: Benchmark, m2m: dict[str, Any], form: Any, change: bool
    ) -> None:
        benchmark_save(benchmark=obj, by=acting_user(request), m2m=m2m)

    def save_inline(
        self, request: HttpRequest, parent: Benchmark, obj: BenchmarkAssessment, formset: Any
    ) -> None:
        form = next(f for f in formset.forms if f.instance is obj)
        save_assessment(request, obj, form)

    @admin.display(description=_("indicator"))
    def short_indicator(self, obj: Benchmark) -> str:
        return shorten(obj.indicator, 70)

    @admin.display(description=_("latest rating"), ordering="_latest_rating")
    def latest_rating(self, obj: Benchmark) -> str:
        value = obj._latest_rating  # type: ignore[attr-defined]
        if not value:
            return "–"
        return status_badge(value, Rating(value).label)

    @admin.display(description=_("progress"))
    def progress(self, obj: Benchmark) -> str:
        value = obj._latest_value  # type: ignore[attr-defined]
        status, by_hand = obj.progress_for(value)
        label = ProgressStatus(status).label
        return status_badge(status, f"{label} ({_('set by hand')})" if by_hand else label)


@admin.register(BenchmarkAssessment)
class BenchmarkAssessmentAdmin(
    RangeDateHierarchyMixin,
    AutocompleteFiltersMixin,
    SheetImportMixin,
    ServiceAdminMixin,
    SafeAutocompleteMixin,
    NoDeleteMixin,
    ReadOnlyHistoryAdmin,
):
    import_kind = Kind.ASSESSMENTS
    list_display = ["benchmark", "mission", "period_start", "period_end", "rating_display", "value"]
    list_filter = ["rating", *autocomplete("benchmark__mission")]
    list_select_related = ["benchmark__mission"]
    search_fields = ["benchmark__reference", "benchmark__indicator", "narrative"]
    date_hierarchy = "period_start"
    autocomplete_fields = ["benchmark", "source_report", "report"]

    @admin.display(description=_("mission"), ordering="benchmark__mission__acronym")
    def mission(self, obj: BenchmarkAssessment) -> str:
        return obj.benchmark.mission.acronym

    @admin.display(description=_("rating"), ordering="rating")
    def rating_display(self, obj: BenchmarkAssessment) -> str:
        return status_badge(obj.rating, obj.get_rating_display())

    def has_change_permission(
        self, request: HttpRequest, obj: BenchmarkAssessment | None = None
    ) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or permissions.can_change_assessment(request.user, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "benchmark":
            kwargs["queryset"] = permissions.editable_benchmarks(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_through_service(
        self,
        request: HttpRequest,
        obj: BenchmarkAssessment,
        m2m: dict[str, Any],
        form: Any,
        change: bool,
    ) -> None:
        save_assessment(request, obj, form)
