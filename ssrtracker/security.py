"""Request ids, extra security headers, safe log lines and the security-event log.

- ``RequestIdMiddleware`` gives every request an id (a well-formed ``X-Request-ID`` from the proxy
  is kept, anything else is replaced), returns it in the response and makes it available to every
  log line written while the request is served.
- ``SecurityHeadersMiddleware`` adds the headers Django's ``SecurityMiddleware`` does not:
  ``Permissions-Policy`` and ``Cross-Origin-Resource-Policy``.
- ``RequestIdFilter`` (attached to the log handlers) stamps ``request_id`` on each record and
  escapes control characters in the message, so a path or a user name holding a newline cannot
  forge a second log line.
- ``security_event()`` writes one line to the ``ssrtracker.security`` logger; the receivers below
  record failed logins and lockouts.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from ssrtracker.proxy import client_ip

security_log = logging.getLogger("ssrtracker.security")

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# Every C0/C1 control character and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

REQUEST_ID_HEADER = "X-Request-ID"


def current_request_id() -> str:
    """The id of the request being served in this context, or ``-`` outside a request."""
    return _request_id.get()


def escape_control(text: object) -> str:
    """``text`` as a string with control characters written as escapes (``\\n``, ``\\x1b``)."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode(), str(text))


class RequestIdMiddleware:
    """Give each request an id; keep the proxy's ``X-Request-ID`` only when it is well formed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class SecurityHeadersMiddleware:
    """Headers Django does not set itself (the others come from ``SecurityMiddleware``, the
    clickjacking middleware and django-csp)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class RequestIdFilter(logging.Filter):
    """Stamp ``record.request_id`` and neutralise control characters in the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string: log it as it is
            message = str(record.msg)
        record.msg = escape_control(message)
        record.args = None
        return True


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent a request: ``REMOTE_ADDR``, or behind a proxy in
    ``TRUSTED_PROXIES`` the address that proxy received it from (:mod:`ssrtracker.proxy`),
    never an ``X-Forwarded-For`` the client wrote itself."""
    return client_ip(request) or "unknown"


def security_event(event: str, request: HttpRequest | None = None, **details: Any) -> None:
    """Log one security event: ``event=… path=… address=… user=… key=value``; values escaped."""
    fields: dict[str, Any] = {}
    if request is not None:
        user = getattr(request, "user", None)
        fields["path"] = request.path
        fields["method"] = request.method
        fields["address"] = client_address(request)
        fields["user"] = user.get_username() if user and user.is_authenticated else "-"
    fields.update(details)
    # repr() writes control characters as escapes, so a value cannot break the line.
    text = " ".join(f"{key}={str(value)!r}" for key, value in fields.items())
    security_log.warning("event=%s %s", event, text)


@receiver(user_login_failed)
def _log_failed_login(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    security_event("login_failed", request, username=credentials.get("username", ""))


def _log_lockout(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    security_event("login_locked_out", request, username=kwargs.get("username") or "")


def connect_axes_signals() -> None:
    """Called from an app's ``ready()``: django-axes' signal module needs the app registry."""
    from axes.signals import user_locked_out

    user_locked_out.connect(_log_lockout, dispatch_uid="ssrtracker.security.lockout")
