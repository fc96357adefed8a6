"""``/healthz``: is the process up and does the database answer?

The check is answered by :class:`HealthCheckMiddleware`, placed before Django's host validation
(and exempt from the HTTPS redirect by ``SECURE_REDIRECT_EXEMPT``), so a container's health
check on ``http://127.0.0.1:8000/healthz`` passes whatever ``ALLOWED_HOSTS`` and
``SECURE_SSL_REDIRECT`` say. The answer is the same for everyone
and tells nothing: ``{"status": "ok"}`` or, when the database does not answer,
``{"status": "unavailable"}`` with 503 (the reason goes to the log, not to the caller).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

PATH = "/healthz"

log = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and docker compose."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        log.exception("Health check: the database does not answer")
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


class HealthCheckMiddleware:
    """Answers ``GET``/``HEAD /healthz`` itself, before the Host header is looked at."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == PATH and request.method in ("GET", "HEAD"):
            response = healthz(request)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
