"""Error pages: JSON under /api/ (what a client parses), short generic pages elsewhere.

None of them shows a traceback, a setting or the text of the exception; the 500 page and body give
the request id, which is in the server log next to the traceback, so a user can quote it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

from ssrtracker.security import current_request_id, security_event


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Any) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Any) -> HttpResponse:
    security_event("access_denied", request, status=403)
    if _is_api(request):
        return JsonResponse(
            {"detail": "You do not have permission to perform this action."}, status=403
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Any) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    request_id = current_request_id()
    if _is_api(request):
        return JsonResponse(
            {"detail": "Server error. It has been logged.", "request_id": request_id}, status=500
        )
    body = loader.get_template("500.html").render({"request_id": request_id})
    return HttpResponse(body, status=500)
