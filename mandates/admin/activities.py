"""Admin for activities. Every save and delete goes through
:mod:`mandates.activities.services`; a mission focal point sees the other activities read-only
and picks only their own missions and units."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mandates.activities import services
from mandates.admin.common import (
    ReadOnlyHistoryAdmin,
    SafeAutocompleteMixin,
    ServiceAdminMixin,
    acting_user,
    shorten,
)
from mandates.admin.filters import AutocompleteFiltersMixin, autocomplete
from mandates.models import Activity, Mission, Unit
from mandates.organisation import permissions


@admin.register(Activity)
class ActivityAdmin(
    AutocompleteFiltersMixin, ServiceAdminMixin, SafeAutocompleteMixin, ReadOnlyHistoryAdmin
):
    list_display = ["title", "kind", "start_date", "end_date", "mission_list", "unit_list"]
    list_filter = ["kind", *autocomplete("missions", "units"), "themes"]
    search_fields = ["title", "story", "partners"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["missions", "units", "themes", "requests"]
    fields = [
        "kind",
        "title",
        "start_date",
        "end_date",
        "missions",
        "units",
        "themes",
        "partners",
        "story",
        "requests",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Activity]:
        return super().get_queryset(request).prefetch_related("missions", "units")

    @admin.display(description=_("missions"))
    def mission_list(self, obj: Activity) -> str:
        return shorten(", ".join(m.acronym for m in obj.missions.all()), 60) or "—"

    @admin.display(description=_("units"))
    def unit_list(self, obj: Activity) -> str:
        return shorten(", ".join(u.acronym for u in obj.units.all()), 60) or "—"

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        user = request.user
        if not permissions.records_any_activity(user):
            # A mission focal point picks among their own missions and their missions' units.
            missions = permissions.member_mission_ids(user)
            if db_field.name == "missions":
                kwargs["queryset"] = Mission.objects.filter(pk__in=missions)
            elif db_field.name == "units":
                kwargs["queryset"] = Unit.objects.filter(mission_id__in=missions)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Activity | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or permissions.can_change_activity(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Activity | None = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or permissions.can_change_activity(request.user, obj, perm="delete")

    def save_through_service(
        self, request: HttpRequest, obj: Any, m2m: dict[str, Any], form: Any, change: bool
    ) -> None:
        services.activity_save(activity=obj, by=acting_user(request), **m2m)

    def delete_through_service(self, request: HttpRequest, obj: Any) -> None:
        services.activity_delete(activity=obj, by=acting_user(request))
