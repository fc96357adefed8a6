"""Token authentication for systems: ``Authorization: Bearer ssrt_<prefix>_<secret>``."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from mandates.integration.services import api_token_used
from mandates.models import ApiToken
from ssrtracker.security import client_address, security_event

# Writing last_used_at on every call would make each read a write; once a minute is enough to
# tell whether a token is still in use.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class TokenLockedOut(exceptions.Throttled):
    default_detail = _("Too many invalid tokens from this address. Try again later.")


def _failure_key(address: str) -> str:
    return f"api-token-failures:{address}"


def _reserve_attempt(address: str) -> int:
    """Count one more token check from ``address`` and return the count, atomically (add and
    incr are single operations on Redis and under a lock in the local cache). The window starts
    with the first check."""
    key = _failure_key(address)
    window = settings.API_TOKEN_FAILURE_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr(): a new window
        cache.add(key, 0, timeout=window)
        return cache.incr(key)


def _release_attempt(address: str) -> None:
    """Give back the slot of a valid token: only refused tokens use up the limit."""
    key = _failure_key(address)
    try:
        left = cache.decr(key)
    except ValueError:  # the window has passed meanwhile
        return
    if left < 0:
        # The key expired just before decr(), which then made a new one without expiry: remove
        # it rather than keep a count that never ends.
        cache.delete(key)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Bearer tokens, with a back-off per address: after ``API_TOKEN_FAILURE_LIMIT`` refused
    tokens within ``API_TOKEN_FAILURE_WINDOW_SECONDS`` the address gets 429 without its token
    being looked at, until the window has passed (counted in the cache: set ``CACHE_URL`` so
    all web processes share the count).

    The count is atomic, taken before the token is looked at: each request reserves a slot
    (``cache.incr``), is refused when none is left, and gives its slot back when its token is
    valid. A burst of simultaneous guesses therefore checks at most the limit of them; counted
    after the check, every request of the burst saw a count still under the limit."""

    keywords = ("Bearer", "Token")

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1") not in self.keywords:
            return None
        address = client_address(request._request)
        attempt = _reserve_attempt(address)
        if attempt > settings.API_TOKEN_FAILURE_LIMIT:
            security_event("api_token_locked_out", request._request, failures=attempt - 1)
            raise TokenLockedOut(wait=settings.API_TOKEN_FAILURE_WINDOW_SECONDS)
        try:
            if len(header) != 2:
                raise exceptions.AuthenticationFailed(_("Give the token after the word Bearer."))
            try:
                secret = header[1].decode("ascii")
            except UnicodeDecodeError:
                raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
            user_and_token = self.authenticate_secret(secret)
        except exceptions.AuthenticationFailed as exc:
            # The slot stays taken: it is this failure.
            security_event(
                "api_token_invalid", request._request, reason=str(exc.detail), failures=attempt
            )
            raise
        _release_attempt(address)
        return user_and_token

    def authenticate_secret(self, secret: str) -> tuple[Any, ApiToken]:
        parts = secret.split("_")
        if len(parts) < 3 or parts[0] != "ssrt":
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
        if token is None or not token.matches(secret):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."))
        if not token.is_usable:
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The account of this token is disabled."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            api_token_used(token=token, now=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "ssrtracker.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An API token created by an administrator (Admin → API tokens), sent as "
                "`Authorization: Bearer ssrt_…`. Read-only tokens may only use GET."
            ),
        }
