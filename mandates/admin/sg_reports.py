"""Admin for the Secretary-General's reports, their OP20(e)/(f) coverage, and support by other
actors. Every write goes through :mod:`mandates.sg_reports.services`; staff see other missions'
records read-only and choose only the missions their units report for
(:mod:`mandates.organisation.permissions`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mandates.admin.common import (
    NoDeleteMixin,
    ReadOnlyHistoryAdmin,
    SafeAutocompleteMixin,
    acting_user,
    shorten,
    status_badge,
)
from mandates.admin.filters import AutocompleteFiltersMixin, autocomplete
from mandates.choices import CoverageState
from mandates.models import CoverageItem, PartnerSupport, SecretaryGeneralReport
from mandates.organisation import permissions
from mandates.sg_reports import services as reporting


class CoverageItemInline(admin.TabularInline):
    """The report's checklist: one row per element of 2553 OP20(e) and (f)."""

    model = CoverageItem
    fields = ["element", "state", "paragraphs", "note", "follow_up"]
    readonly_fields = ["element", "follow_up"]
    extra = 0
    max_num = 0
    can_delete = False
    formfield_overrides = {
        CoverageItem._meta.get_field("note").__class__: {
            "widget": forms.Textarea(attrs={"rows": 1, "cols": 40})
        }
    }

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return super().has_change_permission(request, obj)
        return permissions.can_change_coverage(request.user, obj)


class ReportingMissionMixin:
    """The mission of a new or changed reporting record is one the user reports for; staff who
    do not keep the records with no mission must name one."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "mission":
            kwargs["queryset"] = permissions.reporting_missions(request.user)
            if not permissions.reports_without_mission(request.user):
                kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


def _covered_count(report: Any) -> str:
    return f"{report._covered}/{report._items}"


@admin.register(SecretaryGeneralReport)
class SecretaryGeneralReportAdmin(
    AutocompleteFiltersMixin,
    ReportingMissionMixin,
    SafeAutocompleteMixin,
    NoDeleteMixin,
    ReadOnlyHistoryAdmin,
):
    list_display = ["symbol", "mission", "date", "covered", "missing", "not_reviewed"]
    list_filter = autocomplete("mission")
    list_select_related = ["mission"]
    search_fields = ["symbol", "title", "mission__acronym"]
    date_hierarchy = "date"
    autocomplete_fields = ["mission"]
    inlines = [CoverageItemInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SecretaryGeneralReport]:
        items = "coverage_items"
        return (
            super()
            .get_queryset(request)
            .annotate(
                _items=Count(items),
                _covered=Count(items, filter=Q(coverage_items__state=CoverageState.COVERED)),
                _missing=Count(items, filter=Q(coverage_items__state=CoverageState.MISSING)),
                _pending=Count(items, filter=Q(coverage_items__state=CoverageState.NOT_REVIEWED)),
            )
        )

    def has_change_permission(
        self, request: HttpRequest, obj: SecretaryGeneralReport | None = None
    ) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or permissions.can_change_report(request.user, obj)

    @admin.display(description=_("covered"), ordering="_covered")
    def covered(self, obj: SecretaryGeneralReport) -> str:
        return _covered_count(obj)

    @admin.display(description=_("missing"), ordering="_missing")
    def missing(self, obj: SecretaryGeneralReport) -> str:
        n = obj._missing  # type: ignore[attr-defined]
        return status_badge("missing", n) if n else "0"

    @admin.display(description=_("not reviewed"), ordering="_pending")
    def not_reviewed(self, obj: SecretaryGeneralReport) -> int:
        return obj._pending  # type: ignore[attr-defined]

    def save_model(
        self, request: HttpRequest, obj: SecretaryGeneralReport, form: Any, change: bool
    ) -> None:
        if change:
            reporting.report_change(report=obj, by=acting_user(request))
            return
        created = reporting.report_register(
            mission=obj.mission,
            symbol=obj.symbol,
            date=obj.date,
            link=obj.link,
            title=obj.title,
            by=acting_user(request),
        )
        obj.pk = created.pk
        obj._state.adding = False

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not CoverageItem:
            super().save_formset(request, form, formset, change)
            return
        for item in formset.save(commit=False):
            reporting.coverage_record(
                item=item,
                state=item.state,
                paragraphs=item.paragraphs,
                note=item.note,
                by=acting_user(request),
            )


@admin.register(CoverageItem)
class CoverageItemAdmin(AutocompleteFiltersMixin, NoDeleteMixin, ReadOnlyHistoryAdmin):
    """Every checklist item across reports: filter on "Missing" to see the gaps."""

    list_display = ["report", "mission", "element", "state_display", "paragraphs", "follow_up"]
    list_filter = ["state", "element", *autocomplete("report__mission")]
    list_select_related = ["report__mission", "follow_up"]
    search_fields = ["report__symbol", "paragraphs", "note"]
    fields = ["report", "element", "state", "paragraphs", "note", "follow_up"]
    readonly_fields = ["report", "element", "follow_up"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CoverageItem | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or permissions.can_change_coverage(request.user, obj.report)

    @admin.display(description=_("mission"), ordering="report__mission__acronym")
    def mission(self, obj: CoverageItem) -> str:
        return obj.report.mission.acronym

    @admin.display(description=_("coverage"), ordering="state")
    def state_display(self, obj: CoverageItem) -> str:
        return status_badge(obj.state, obj.get_state_display())

    def save_model(self, request: HttpRequest, obj: CoverageItem, form: Any, change: bool) -> None:
        reporting.coverage_record(
            item=obj,
            state=obj.state,
            paragraphs=obj.paragraphs,
            note=obj.note,
            by=acting_user(request),
        )


@admin.register(PartnerSupport)
class PartnerSupportAdmin(
    AutocompleteFiltersMixin, ReportingMissionMixin, SafeAutocompleteMixin, ReadOnlyHistoryAdmin
):
    list_display = [
        "partner",
        "partner_kind",
        "mission",
        "country",
        "area",
        "period_start",
        "period_end",
        "short_note",
    ]
    list_filter = ["partner_kind", *autocomplete("mission"), "area"]
    list_select_related = ["mission", "area"]
    search_fields = ["partner", "country", "note", "mission__acronym"]
    autocomplete_fields = ["mission", "area"]
    date_hierarchy = "period_start"

    @admin.display(description=_("note"))
    def short_note(self, obj: PartnerSupport) -> str:
        return shorten(obj.note, 70)

    def has_change_permission(
        self, request: HttpRequest, obj: PartnerSupport | None = None
    ) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or permissions.can_change_partner_support(request.user, obj)

    def save_model(
        self, request: HttpRequest, obj: PartnerSupport, form: Any, change: bool
    ) -> None:
        reporting.partner_support_save(support=obj, by=acting_user(request))
