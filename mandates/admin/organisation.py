"""Admin for missions and units."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mandates.admin.common import (
    ArchivedFilter,
    ArchiveInsteadOfDeleteAdmin,
    LoadedChoicesFormSet,
    NoDeleteMixin,
    SafeAutocompleteMixin,
    ServiceAdminMixin,
    acting_user,
)
from mandates.admin.filters import AutocompleteFiltersMixin, RangeDateHierarchyMixin, autocomplete
from mandates.admin.fulfilment import (
    ReportingDateInline,
    reporting_date_delete,
    reporting_date_save,
)
from mandates.choices import RequestStatus
from mandates.models import (
    AddresseeRoute,
    MandateRenewal,
    Mission,
    ReportingDate,
    RequestMission,
    Unit,
    UnitMembership,
)
from mandates.organisation import permissions
from mandates.organisation.renewals import mission_close, renewal_record
from mandates.organisation.services import (
    membership_delete,
    membership_save,
    reference_save,
    route_delete,
    route_save,
)
from mandates.requests.querysets import without_document_text


class ActiveMissionFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("active", _("Active")), ("closed", _("Closed"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Mission]) -> QuerySet[Mission]:
        today = timezone.localdate()
        if self.value() == "active":
            return queryset.exclude(end_date__lt=today)
        if self.value() == "closed":
            return queryset.filter(end_date__lt=today)
        return queryset


class MandateRenewalInline(SafeAutocompleteMixin, admin.TabularInline):
    """The mission's renewals, newest first. A renewal is added (through
    :func:`~mandates.organisation.renewals.renewal_record`), never changed or deleted: it is
    history, and it set the renewal-input requests. (The mission's page is administrators' to
    change; the mission's reporting units record renewals by importing the resolution.)"""

    model = MandateRenewal
    fields = ["resolution", "adopted", "expiry", "note"]
    autocomplete_fields = ["resolution"]
    extra = 0
    ordering = ["-adopted"]
    formset = LoadedChoicesFormSet

    def get_queryset(self, request: HttpRequest) -> QuerySet[MandateRenewal]:
        # Each row's title names its mission, its box the resolution: loaded with the rows.
        rows = super().get_queryset(request).select_related("mission", "resolution")
        return without_document_text(rows, "resolution")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None or not request.user.has_perm("mandates.add_mandaterenewal"):
            return False
        return permissions.can_record_renewal(request.user, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Mission)
class MissionAdmin(RangeDateHierarchyMixin, ServiceAdminMixin, NoDeleteMixin, admin.ModelAdmin):
    list_display = [
        "acronym",
        "name",
        "name_fr",
        "kind",
        "host_country",
        "host_country_fr",
        "start_date",
        "end_date",
        "closed",
        "mandate_expiry",
        "reporting_cycle_months",
        "open_requests",
    ]
    readonly_fields = ["mandate_expiry"]
    inlines = [MandateRenewalInline]
    list_filter = [ActiveMissionFilter, "kind"]
    search_fields = ["acronym", "name", "name_fr", "host_country", "host_country_fr"]
    date_hierarchy = "start_date"
    inlines = [ReportingDateInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Mission]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                # A subquery, run for the listed missions only: a join counted the lines of
                # every mission before the page was cut (seconds at a million requests).
                _open=Coalesce(
                    Subquery(
                        RequestMission.objects.filter(
                            mission=OuterRef("pk"), request__status__in=RequestStatus.open()
                        )
                        .order_by()
                        .values("mission")
                        .annotate(n=Count("request", distinct=True))
                        .values("n")
                    ),
                    0,
                )
            )
        )

    @admin.display(description=_("open requests"), ordering="_open")
    def open_requests(self, obj: Mission) -> int:
        return obj._open  # type: ignore[attr-defined]

    @admin.display(description=_("closed"), boolean=True, ordering="end_date")
    def closed(self, obj: Mission) -> bool:
        return obj.is_closed(today=timezone.localdate())

    def save_through_service(
        self, request: HttpRequest, obj: Mission, m2m: dict[str, Any], form: Any, change: bool
    ) -> None:
        closing = None
        if change and "end_date" in form.changed_data and obj.end_date is not None:
            closing, obj.end_date = obj.end_date, form.initial.get("end_date")
        reference_save(obj=obj, by=acting_user(request), m2m=m2m)
        if closing is not None:
            mission_close(mission=obj, end_date=closing, by=acting_user(request))

    def save_inline(self, request: HttpRequest, parent: Mission, obj: Any, formset: Any) -> None:
        if isinstance(obj, ReportingDate):
            reporting_date_save(request, parent, obj)
            return
        if isinstance(obj, MandateRenewal):
            renewal_record(
                mission=parent,
                resolution=obj.resolution,
                adopted=obj.adopted,
                expiry=obj.expiry,
                note=obj.note,
                by=acting_user(request),
            )
            return
        super().save_inline(request, parent, obj, formset)

    def delete_inline(self, request: HttpRequest, obj: Any) -> None:
        if isinstance(obj, ReportingDate):
            reporting_date_delete(request, obj)
            return
        super().delete_inline(request, obj)


class UnitMembershipInline(SafeAutocompleteMixin, admin.TabularInline):
    model = UnitMembership
    autocomplete_fields = ["user"]
    extra = 0
    formset = LoadedChoicesFormSet

    def get_queryset(self, request: HttpRequest) -> QuerySet[UnitMembership]:
        # Each row's title names its unit and person, its box the person: loaded with the rows.
        return super().get_queryset(request).select_related("unit", "user")


@admin.register(Unit)
class UnitAdmin(AutocompleteFiltersMixin, ArchiveInsteadOfDeleteAdmin):
    list_display = [
        "acronym",
        "name",
        "name_fr",
        "kind",
        "parent",
        "mission",
        "member_count",
        "is_archived",
    ]
    list_filter = [ArchivedFilter, "kind", *autocomplete("mission")]
    readonly_fields = ["archived_at"]
    list_select_related = ["parent", "mission"]
    search_fields = ["acronym", "name", "name_fr"]
    autocomplete_fields = ["parent", "mission"]
    inlines = [UnitMembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Unit]:
        return super().get_queryset(request).annotate(_members=Count("memberships"))

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, obj: Unit) -> int:
        return obj._members  # type: ignore[attr-defined]

    def save_inline(
        self, request: HttpRequest, parent: Unit, obj: UnitMembership, formset: Any
    ) -> None:
        membership_save(membership=obj, by=acting_user(request))

    def delete_inline(self, request: HttpRequest, obj: UnitMembership) -> None:
        membership_delete(membership=obj, by=acting_user(request))


@admin.register(UnitMembership)
class UnitMembershipAdmin(
    AutocompleteFiltersMixin, ServiceAdminMixin, SafeAutocompleteMixin, admin.ModelAdmin
):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", *autocomplete("unit")]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__acronym"]
    autocomplete_fields = ["user", "unit"]

    def save_through_service(
        self,
        request: HttpRequest,
        obj: UnitMembership,
        m2m: dict[str, Any],
        form: Any,
        change: bool,
    ) -> None:
        membership_save(membership=obj, by=acting_user(request))

    def delete_through_service(self, request: HttpRequest, obj: UnitMembership) -> None:
        membership_delete(membership=obj, by=acting_user(request))


@admin.register(AddresseeRoute)
class AddresseeRouteAdmin(ServiceAdminMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    """Which unit leads the requests an import finds for each addressee."""

    list_display = ["addressee", "lead_unit", "supporting"]
    list_select_related = ["lead_unit"]
    search_fields = ["addressee", "lead_unit__acronym"]
    autocomplete_fields = ["lead_unit", "supporting_units"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AddresseeRoute]:
        return super().get_queryset(request).prefetch_related("supporting_units")

    @admin.display(description=_("supporting units"))
    def supporting(self, obj: AddresseeRoute) -> str:
        return ", ".join(unit.acronym for unit in obj.supporting_units.all())

    def save_through_service(
        self,
        request: HttpRequest,
        obj: AddresseeRoute,
        m2m: dict[str, Any],
        form: Any,
        change: bool,
    ) -> None:
        route_save(route=obj, by=acting_user(request), supporting_units=m2m.get("supporting_units"))

    def delete_through_service(self, request: HttpRequest, obj: AddresseeRoute) -> None:
        route_delete(route=obj, by=acting_user(request))
