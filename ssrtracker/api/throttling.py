"""Rate limits: per token for systems, per account for people (rates in settings)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from mandates.models import ApiToken
from ssrtracker.proxy import client_ip


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

    def get_ident(self, request: Request) -> str:
        """The client's address behind the proxies in ``TRUSTED_PROXIES`` (REST framework's
        own reads ``X-Forwarded-For`` by ``NUM_PROXIES``, which counts hops but cannot tell a
        proxy from a client that wrote the header)."""
        return client_ip(request) or "unknown"
