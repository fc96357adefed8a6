"""One error format: DRF's (``{"field": ["message"]}`` or ``{"detail": "message"}``), also for
the domain's exceptions, so a client never sees a stack trace or a 500 for bad input."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from mandates.requests.services import StaleVersion, TransitionNotAllowed, WorkflowError
from ssrtracker.api.parsers import BodyTooLarge
from ssrtracker.security import security_event


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, StaleVersion):
        return Response(
            {"detail": str(exc), "changes": exc.changes},
            status=status.HTTP_412_PRECONDITION_FAILED,
        )
    if isinstance(exc, TransitionNotAllowed):
        return Response({"status": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, WorkflowError):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(_rename_all(body), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):  # Django's own bound, on the fields of a form
        exc = BodyTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    elif isinstance(exc, SuspiciousOperation):  # too many fields or files, a malformed header
        return Response(
            {"detail": _("The request is malformed or has too many parts.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, IntegrityError):
        return Response(
            {"detail": "This would break a data rule (a duplicate or a missing link)."},
            status=status.HTTP_409_CONFLICT,
        )
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_403_FORBIDDEN:
        request = context.get("request")
        security_event(
            "access_denied",
            getattr(request, "_request", None),
            status=403,
            reason=str(getattr(exc, "detail", exc.__class__.__name__)),
        )
    return response


def _rename_all(body: dict[str, Any]) -> dict[str, Any]:
    # Django's model validation names whole-object errors "__all__"; DRF calls them
    # "non_field_errors".
    if "__all__" in body:
        body = {**body}
        body["non_field_errors"] = body.pop("__all__")
    return body
