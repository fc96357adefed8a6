"""Admin for what fulfilled requests and for missions' reporting dates. Every write goes through
:mod:`mandates.sg_reports.fulfilment` and :mod:`mandates.sg_reports.reporting_dates`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mandates.admin.common import (
    LatestRowsFormSet,
    LoadedChoicesFormSet,
    NoDeleteMixin,
    SafeAutocompleteMixin,
    acting_user,
)
from mandates.admin.filters import AutocompleteFiltersMixin, autocomplete
from mandates.models import Fulfilment, Mission, ReportingDate
from mandates.organisation import permissions
from mandates.requests.querysets import without_document_text
from mandates.requests.services import WorkflowError
from mandates.sg_reports import fulfilment as fulfilments
from mandates.sg_reports import reporting_dates

FULFILMENT_COLUMNS: list[Any] = [
    "due_date",
    "mission",
    "outcome",
    "report",
    "paragraphs",
    "document",
    "note",
    "recorded_by",
    "created_at",
]


class FulfilmentInline(admin.TabularInline):
    """On the request's page: what fulfilled it, for which due date and mission (read-only;
    recorded on the fulfilments' page or by registering reports)."""

    model = Fulfilment
    fields = FULFILMENT_COLUMNS
    readonly_fields = FULFILMENT_COLUMNS
    extra = 0
    can_delete = False
    verbose_name_plural = _("Fulfilled by")
    # A request recurring with each report gets one each time: the latest due dates here,
    # all of them on the fulfilments' list, filtered to the request.
    ordering = ["-due_date", "-pk"]
    formset = LatestRowsFormSet
    template = "admin/mandates/request/latest_rows_inline.html"
    all_rows_url = "admin:mandates_fulfilment_changelist"
    all_rows_label = _("All fulfilments of this request")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Fulfilment]:
        return (
            super()
            .get_queryset(request)
            .select_related("request", "mission", "report", "document", "recorded_by")
        )


@admin.register(Fulfilment)
class FulfilmentAdmin(
    AutocompleteFiltersMixin, SafeAutocompleteMixin, NoDeleteMixin, admin.ModelAdmin
):
    """Record what fulfilled a one-off request (or one mission's line): the report and its
    paragraphs, or another document. Recording completes the line or request."""

    list_display = ["request", "mission", "due_date", "outcome", "report", "paragraphs"]
    list_filter = ["outcome", *autocomplete("mission")]
    list_select_related = ["request", "mission", "report__mission"]
    search_fields = ["request__reference", "report__symbol", "paragraphs"]
    autocomplete_fields = ["request", "mission", "report", "document"]
    fields = ["request", "mission", "report", "paragraphs", "document", "note"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Fulfilment, form: Any, change: bool) -> None:
        created = fulfilments.fulfilment_record(
            request=obj.request,
            mission=obj.mission,
            report=obj.report,
            document=obj.document,
            paragraphs=obj.paragraphs,
            note=obj.note,
            by=acting_user(request),
        )
        obj.pk = created.pk
        obj._state.adding = False

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        base = super().get_form(request, obj, change=change, **kwargs)

        class CheckedForm(base):  # type: ignore[valid-type,misc]
            def clean(self) -> dict[str, Any]:
                # The service's refusals become form errors, not server errors.
                data = super().clean() or {}
                if data.get("request") is not None:
                    try:
                        _try_fulfilment(data, request)
                    except (WorkflowError, PermissionDenied) as exc:
                        raise ValidationError(str(exc)) from exc
                return data

        return CheckedForm


class _Undo(Exception):
    pass


def _try_fulfilment(data: dict[str, Any], request: HttpRequest) -> None:
    """Run the service in a savepoint that is then rolled back, so the form shows a refusal."""
    try:
        with transaction.atomic():
            fulfilments.fulfilment_record(
                request=data["request"],
                mission=data.get("mission"),
                report=data.get("report"),
                document=data.get("document"),
                paragraphs=data.get("paragraphs") or "",
                note=data.get("note") or "",
                by=acting_user(request),
            )
            raise _Undo
    except _Undo:
        return


class ReportingDateInline(SafeAutocompleteMixin, admin.TabularInline):
    """The report dates the Council set for the mission (its calendar's explicit dates)."""

    model = ReportingDate
    fields = ["date", "source", "note"]
    autocomplete_fields = ["source"]
    extra = 0
    formset = LoadedChoicesFormSet

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReportingDate]:
        # Each row's title names its mission, its box the document: loaded with the rows.
        rows = super().get_queryset(request).select_related("mission", "source")
        return without_document_text(rows, "source")

    def _may(self, request: HttpRequest, obj: Any) -> bool:
        return isinstance(obj, Mission) and permissions.can_change_reporting_dates(
            request.user, obj
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)


def reporting_date_save(request: HttpRequest, mission: Mission, row: ReportingDate) -> None:
    """A new row of :class:`ReportingDateInline`, through the service."""
    if row.pk is not None:
        raise PermissionDenied(_("Remove the date and add the new one."))
    reporting_dates.reporting_date_add(
        mission=mission, date=row.date, source=row.source, note=row.note, by=acting_user(request)
    )


def reporting_date_delete(request: HttpRequest, row: ReportingDate) -> None:
    reporting_dates.reporting_date_remove(reporting_date=row, by=acting_user(request))
