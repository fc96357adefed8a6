"""Helpers shared by the admin modules."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from mandates.services import reference_archive, reference_restore


def acting_user(request: HttpRequest) -> User | None:
    """The person behind an admin request, for services that record who acted."""
    return request.user if isinstance(request.user, User) else None


def shorten(text: str, length: int = 90) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def status_badge(status: str, label: Any) -> str:
    # The label is always printed: colour adds meaning but never carries it alone.
    return format_html('<span class="ssr-status ssr-status--{}">{}</span>', status, label)


class NoDeleteMixin:
    """Nothing that carries history is deleted through the app (requests are archived)."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Shows who changed what and when; a past version can be viewed, never restored or edited.

    (``SIMPLE_HISTORY_REVERT_DISABLED`` only hides the button; this refuses the POST too.)
    """

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> Any:
        if request.method == "POST":
            raise PermissionDenied(_("History is a record and cannot be changed."))
        return super().history_form_view(request, object_id, version_id, extra_context)


class ArchivedFilter(admin.SimpleListFilter):
    """Current reference data by default; the archived on request."""

    title = _("state")
    parameter_name = "archived"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("Current")), ("yes", _("Archived")), ("all", _("All"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        if self.value() == "all":
            return queryset
        return queryset.filter(archived_at__isnull=True)

    def choices(self, changelist: Any) -> Any:
        # "Current" stands for the default, so no "All" entry of Django's own is shown.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "no") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class ArchiveInsteadOfDeleteAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Admin of reference data (units, themes): archived and restored, never deleted; archived
    rows are not offered in the autocomplete of fields that pick them for new work."""

    actions = ["archive_selected", "restore_selected"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(archived_at__isnull=True).order_by(
                *queryset.model._meta.ordering, "pk"
            )
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("archived"), boolean=True, ordering="archived_at")
    def is_archived(self, obj: Any) -> bool:
        return obj.archived_at is not None

    @admin.action(description=_("Archive the selected rows"), permissions=["change"])
    def archive_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._each(request, queryset, reference_archive, _("Archived %(count)d row(s)."))

    @admin.action(
        description=_("Restore the selected rows from the archive"), permissions=["change"]
    )
    def restore_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._each(request, queryset, reference_restore, _("Restored %(count)d row(s)."))

    def _each(self, request: HttpRequest, queryset: QuerySet[Any], service: Any, done: Any) -> None:
        count = 0
        for obj in queryset:
            try:
                service(obj=obj, by=acting_user(request))
            except PermissionDenied as exc:
                self.message_user(request, f"{obj}: {exc}", messages.WARNING)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)
