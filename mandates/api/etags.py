"""Entity tags and preconditions: every detail response carries an ``ETag``; a PATCH or PUT must
send it back in ``If-Match`` (428 without, 412 when someone changed the object meanwhile)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        "Send the ETag of the object you read in an If-Match header, so that a change made by "
        "someone else meanwhile is not overwritten."
    )
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The object changed since you read it. Read it again and retry.")
    default_code = "precondition_failed"


def content_etag(data: Any) -> str:
    """An ETag for a representation that has no version of its own."""
    body = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def parse_etags(header: str) -> list[str]:
    """The tags in an If-Match / If-None-Match header, weak markers removed."""
    tags = []
    for raw in header.split(","):
        tag = raw.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag:
            tags.append(tag)
    return tags


class ETagMixin:
    """For viewsets: ETag on detail responses, 304 for a matching If-None-Match, and
    :meth:`required_if_match` for writes. Filters apply to lists only, so a detail URL finds
    its object whatever the query string says."""

    request: Request
    action: str | None

    def filter_queryset(self, queryset: Any) -> Any:
        if self.action in ("list", "export"):
            return super().filter_queryset(queryset)  # type: ignore[misc]
        return queryset

    def get_etag(self, obj: models.Model, data: Any) -> str:
        return content_etag(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()  # type: ignore[attr-defined]
        data = self.get_serializer(instance).data  # type: ignore[attr-defined]
        etag = self.get_etag(instance, data)
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})

    def required_if_match(self) -> list[str]:
        """The tags the client sent in If-Match (``["*"]`` for any); 428 when it sent none."""
        header = self.request.headers.get("If-Match", "")
        tags = parse_etags(header)
        if not tags:
            raise PreconditionRequired()
        return tags
