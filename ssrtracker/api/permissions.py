"""Who may call what. Model permissions of the caller's roles (reading needs the view
permission), the token's scope, and then the row rules of ``mandates.organisation.permissions``
inside the services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.request import Request

from mandates.models import ApiToken


class RolePermission(permissions.DjangoModelPermissions):
    """Like DjangoModelPermissions, but reading needs the model's view permission too."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
    }
    message = _("Your role does not allow this.")


class TokenScopePermission(permissions.BasePermission):
    message = _("This token is read-only.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, ApiToken) and request.auth.read_only:
            return request.method in permissions.SAFE_METHODS
        return True
