"""Rate limits: per token for systems, per account for people (rates in settings)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from mandates.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """One bucket per token, so one noisy system cannot starve the others (or its own other
    tokens); session callers get one bucket per account."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
