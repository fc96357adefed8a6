"""Entity tags and preconditions: every detail response carries an ``ETag``; a PATCH or PUT must
send it back in ``If-Match`` (428 without, 412 when someone changed the object meanwhile)."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from ssrtracker.limits import MAX_INTEGER, bounded_int


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


@dataclass(frozen=True)
class VersionTag:
    """ETags that name one object and the version of it a client read:
    ``"<kind>-<pk>-<marker><version>"`` (``"request-12-v3"``)."""

    kind: str
    marker: str = ""
    #: The largest version a tag may carry; a larger one matches nothing (412), and is never
    #: converted into a number the database or ``datetime`` cannot hold.
    maximum: int = MAX_INTEGER

    def make(self, pk: int, version: int) -> str:
        return f'"{self.kind}-{pk}-{self.marker}{version}"'

    def expected(self, pk: int, tags: list[str]) -> int | None:
        """The version the client read of object ``pk``, from its If-Match ``tags``: None for
        ``*``; 412 when no tag names this object with a version in range."""
        if "*" in tags:
            return None
        head = f'"{self.kind}-{pk}-{self.marker}'
        for tag in tags:
            if tag.startswith(head) and tag.endswith('"'):
                version = bounded_int(tag[len(head) : -1], maximum=self.maximum)
                if version is not None:
                    return version
        raise PreconditionFailed()


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def timestamp_micros(moment: datetime.datetime) -> int:
    """Microseconds since 1970, exactly (a float timestamp would round)."""
    stamp = moment - _EPOCH
    return (stamp.days * 86_400 + stamp.seconds) * 1_000_000 + stamp.microseconds


def from_timestamp_micros(micros: int) -> datetime.datetime:
    return _EPOCH + datetime.timedelta(microseconds=micros)


#: The largest timestamp a datetime holds: a tag with a larger one matches nothing.
MAX_TIMESTAMP_MICROS = timestamp_micros(datetime.datetime.max.replace(tzinfo=datetime.UTC))

REQUEST_TAG = VersionTag("request", marker="v")
#: An assessment has no version column; its last change time serves as one.
ASSESSMENT_TAG = VersionTag("assessment", maximum=MAX_TIMESTAMP_MICROS)
#: Nor has an activity.
ACTIVITY_TAG = VersionTag("activity", maximum=MAX_TIMESTAMP_MICROS)


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
