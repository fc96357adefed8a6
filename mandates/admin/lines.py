"""Admin for mission lines: each mission's part of a request, updated by its focal point.

A request that concerns several missions has one line per mission (:class:`RequestMission`).
Lines are not added or deleted here: they come from the request's missions. The change form
records a status update on the line (new status, note, evidence link) and changes its due date
or focal point, through :func:`line_update_status` and :func:`line_edit`, with the request's
version as seen when the form was opened. Who may update a line comes from
:func:`mandates.organisation.permissions.can_update_line`: those who may update the request,
the members of the mission's units (its focal points, even when their unit does not lead the
request) and the line's named focal point; everyone else who reads requests reads it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mandates.admin.common import (
    NoDeleteMixin,
    StatusUpdateFields,
    acting_user,
    check_version_seen,
    status_badge,
)
from mandates.admin.filters import AutocompleteFiltersMixin, autocomplete
from mandates.choices import RequestStatus
from mandates.models import RequestMission, StatusUpdate
from mandates.organisation import permissions
from mandates.requests import selectors as request_selectors
from mandates.requests.services import (
    WorkflowError,
    allowed_next_statuses,
    check_transition,
    line_edit,
    line_update_status,
)


def with_last_update(lines: QuerySet[RequestMission]) -> QuerySet[RequestMission]:
    """Lines annotated with ``last_update_at``: the time of the latest update on the line."""
    latest = (
        StatusUpdate.objects.filter(request=OuterRef("request"), mission=OuterRef("mission"))
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    return lines.annotate(last_update_at=Subquery(latest))


def line_status_badge(line: RequestMission) -> str:
    status = line.current_status
    badge = status_badge(status, RequestStatus(status).label)
    if line.status is None:
        return format_html("{} <small>({})</small>", badge, _("as the request"))
    return badge


def overdue_flag(line: RequestMission, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    if request_selectors.line_is_overdue(line, today=today):
        return format_html('<span class="ssr-due ssr-due--overdue">{}</span>', _("overdue"))
    return ""


class LineStatusFilter(admin.SimpleListFilter):
    """The line's current status: its own, or its request's while it follows it."""

    title = _("status")
    parameter_name = "line_status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [*RequestStatus.choices, ("overdue", _("Overdue"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[RequestMission]
    ) -> QuerySet[RequestMission]:
        value = self.value()
        if value == "overdue":
            return queryset.filter(request_selectors.line_overdue_on(timezone.localdate()))
        if value in RequestStatus.values:
            return queryset.filter(Q(line_status=value))
        return queryset


class MyMissionsFilter(admin.SimpleListFilter):
    """A focal point's view: the lines of the missions their units belong to, and the lines
    they are named on."""

    title = _("responsibility")
    parameter_name = "mine"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("My missions' lines"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[RequestMission]
    ) -> QuerySet[RequestMission]:
        if self.value() == "yes":
            missions = permissions.member_mission_ids(request.user)
            return queryset.filter(Q(mission_id__in=missions) | Q(focal_point=request.user))
        return queryset


class LineAdminForm(StatusUpdateFields, forms.ModelForm):
    """The line's due date and focal point, and a status update on it, saved together."""

    class Meta:
        model = RequestMission
        fields = ["due_date", "focal_point"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        line = self.instance
        current = line.current_status
        self.fields["update_note"].help_text = _(
            "What was done for this mission. Saved with your name and the time."
        )
        self.fields["new_status"].choices = [  # type: ignore[attr-defined]
            (status, RequestStatus(status).label) for status in allowed_next_statuses(current)
        ]
        self.fields["new_status"].initial = current
        self.fields["version_seen"].initial = line.request.version
        if "focal_point" in self.fields:
            self.fields["focal_point"].queryset = User.objects.filter(  # type: ignore[attr-defined]
                is_active=True
            ).order_by("username")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        line = self.instance
        current = line.current_status
        new_status = cleaned.get("new_status") or current
        try:
            check_transition(current, new_status)
        except WorkflowError as exc:
            self.add_error("new_status", str(exc))
        if line.request.archived_at is not None:
            raise ValidationError(_("This request is archived; restore it before updating it."))
        check_version_seen(line.request, cleaned.get("version_seen"))
        return cleaned


@admin.register(RequestMission)
class RequestMissionAdmin(AutocompleteFiltersMixin, NoDeleteMixin, admin.ModelAdmin):
    """Mission lines: listed by mission and status, updated by the mission's focal points."""

    form = LineAdminForm
    list_display = [
        "request_reference",
        "mission",
        "status_display",
        "due_display",
        "overdue_display",
        "focal_point",
        "last_update_display",
    ]
    list_display_links = ["request_reference", "mission"]
    list_filter = [MyMissionsFilter, *autocomplete("mission"), LineStatusFilter]
    list_select_related = ["request", "mission", "focal_point"]
    search_fields = ["request__reference"]
    ordering = ["request__reference", "mission__acronym"]
    readonly_fields = [
        "request_link",
        "mission",
        "status_display",
        "request_status",
        "current_due",
        "overdue_display",
        "last_update_display",
        "updated_at",
        "closed_at",
    ]

    def get_fieldsets(self, request: HttpRequest, obj: RequestMission | None = None) -> Any:
        line = [
            "request_link",
            "mission",
            "status_display",
            "request_status",
            "current_due",
            "overdue_display",
            "last_update_display",
        ]
        if obj is not None and not self.has_change_permission(request, obj):
            return [(None, {"fields": [*line, "due_date", "focal_point"]})]
        return [
            (None, {"fields": line}),
            (
                _("Status update on this mission's line"),
                {"fields": ["new_status", "update_note", "evidence_url", "version_seen"]},
            ),
            (_("Plan"), {"fields": ["due_date", "focal_point"]}),
            (_("Record"), {"classes": ["collapse"], "fields": ["updated_at", "closed_at"]}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            fields += ["due_date", "focal_point"]
        return fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[RequestMission]:
        lines = super().get_queryset(request).with_state()  # type: ignore[attr-defined]
        return with_last_update(lines).select_related("request", "mission", "focal_point")

    # --- permissions: everyone who reads requests reads lines; those who may update them -----

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_read_requests(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_read_requests(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # lines come from the request's missions

    def has_change_permission(
        self, request: HttpRequest, obj: RequestMission | None = None
    ) -> bool:
        user = request.user
        if not user.has_perm("mandates.add_statusupdate"):
            return False
        if obj is None:
            return True
        return obj.request.archived_at is None and permissions.can_update_line(
            user, obj.request, obj.mission_id, focal_point_id=obj.focal_point_id
        )

    # --- columns -------------------------------------------------------------------------

    @admin.display(description=_("request"), ordering="request__reference")
    def request_reference(self, obj: RequestMission) -> str:
        return obj.request.reference

    @admin.display(description=_("request"))
    def request_link(self, obj: RequestMission) -> str:
        url = reverse("admin:mandates_request_change", args=[obj.request_id])
        return format_html('<a href="{}">{}</a>', url, obj.request)

    @admin.display(description=_("current status"), ordering="line_status")
    def status_display(self, obj: RequestMission) -> str:
        return line_status_badge(obj)

    @admin.display(description=_("request's status (rolled up from its lines)"))
    def request_status(self, obj: RequestMission) -> str:
        return status_badge(obj.request.status, obj.request.get_status_display())

    @admin.display(description=_("due date"), ordering="line_due")
    def due_display(self, obj: RequestMission) -> Any:
        return obj.current_due_date or "–"

    @admin.display(description=_("current due date"))
    def current_due(self, obj: RequestMission) -> Any:
        due = obj.current_due_date
        if due is None:
            return "–"
        if obj.due_date is None:
            return format_html("{} <small>({})</small>", due, _("as the request"))
        return due

    @admin.display(description=_("overdue"))
    def overdue_display(self, obj: RequestMission) -> str:
        return overdue_flag(obj)

    @admin.display(description=_("last line update"), ordering="last_update_at")
    def last_update_display(self, obj: RequestMission) -> Any:
        moment = getattr(obj, "last_update_at", None)
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "–"

    # --- saving: through the line services, in the admin's one transaction ---------------

    def save_model(
        self, request: HttpRequest, obj: RequestMission, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        by = acting_user(request)
        parent = obj.request
        expected = data.get("version_seen")
        changes = {
            name: data[name] for name in form.changed_data if name in ("due_date", "focal_point")
        }
        if changes:
            line_edit(
                request=parent,
                mission=obj.mission_id,
                changes=changes,
                by=by,
                expected_version=expected,
            )
            expected = parent.version  # refreshed by the service
        current = RequestMission.objects.with_state().get(pk=obj.pk).line_status
        new_status = data.get("new_status") or current
        note = data.get("update_note", "")
        if new_status != current or note or data.get("evidence_url"):
            line_update_status(
                request=parent,
                mission=obj.mission_id,
                status=new_status,
                note=note,
                evidence_url=data.get("evidence_url", ""),
                by=by,
                expected_version=expected,
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """No related rows: the line's fields were saved by the services."""
