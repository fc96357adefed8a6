"""Admin for the Secretary-General's reports, their OP20(e)/(f) coverage, and support by other
actors. Every write goes through :mod:`mandates.sg_reports.services`; staff see other missions'
records read-only and choose only the missions their units report for
(:mod:`mandates.organisation.permissions`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
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
from mandates.choices import CoverageElement, CoverageState
from mandates.documents.importing import ImportFailed, decode_text, read_document
from mandates.models import CoverageItem, PartnerSupport, SecretaryGeneralReport
from mandates.organisation import permissions
from mandates.sg_reports import services as reporting
from ssrtracker import limits


class CoverageFromTextForm(forms.Form):
    """The report's text, pasted or as a file, to propose its coverage from."""

    text = forms.CharField(
        label=_("Text of the report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        max_length=limits.MAX_DOCUMENT_BYTES,
        help_text=_("Paste the report's text, with its numbered paragraphs, or upload it below."),
    )
    file = forms.FileField(
        label=_("Or a file"),
        required=False,
        help_text=_("A .txt or .md file: text copied or extracted from the PDF."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is not None:
            try:
                cleaned["text"] = decode_text(read_document(upload))
            except ImportFailed as exc:
                raise forms.ValidationError(str(exc), code="file") from None
        if not (cleaned.get("text") or "").strip():
            raise forms.ValidationError(_("Paste the report's text or upload it."), code="empty")
        return cleaned


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
    change_form_template = "admin/mandates/secretarygeneralreport/change_form.html"

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.propose_coverage_view)
        return [
            path(
                "<path:object_id>/propose-coverage/",
                view,
                name="mandates_secretarygeneralreport_propose_coverage",
            ),
            *super().get_urls(),
        ]

    def propose_coverage_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Paste or upload the report's text; its coverage is proposed on the checklist
        (:func:`mandates.sg_reports.services.coverage_propose`), for staff to confirm."""
        report = get_object_or_404(
            SecretaryGeneralReport.objects.select_related("mission"), pk=object_id
        )
        if not permissions.can_change_coverage(request.user, report):
            raise PermissionDenied
        form = CoverageFromTextForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            results = reporting.coverage_propose(
                report=report, text=form.cleaned_data["text"], by=acting_user(request)
            )
            proposed = [r for r in results if r.action == "proposed"]
            kept = [r for r in results if r.action == "kept"]
            messages.success(
                request,
                _("Proposed from the text, to confirm: %(elements)s.")
                % {
                    "elements": "; ".join(
                        f"{CoverageElement(r.element).label} ({r.paragraphs})" for r in proposed
                    )
                    or _("nothing")
                },
            )
            if kept:
                messages.info(
                    request,
                    _("Already reviewed, kept as they were: %(elements)s.")
                    % {"elements": "; ".join(str(CoverageElement(r.element).label) for r in kept)},
                )
            return HttpResponseRedirect(
                reverse("admin:mandates_secretarygeneralreport_change", args=[report.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": report,
            "title": _("Propose the coverage of %(report)s from its text")
            % {"report": report.symbol},
            "form": form,
        }
        return TemplateResponse(
            request, "admin/mandates/secretarygeneralreport/propose_coverage.html", context
        )

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
