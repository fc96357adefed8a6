"""Helpers shared by the admin modules."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin


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
