"""The API's body parsers: DRF's, with the bounds of ``ssrtracker.limits`` checked before a body
is decoded, so that no body can make the server recurse or read without end.

- JSON: at most ``MAX_BODY_BYTES`` (413) and ``MAX_JSON_DEPTH`` levels of nesting (400).
- Multipart forms: at most ``MAX_BODY_BYTES`` of fields (Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``)
  and, with the evidence file, ``MAX_MULTIPART_BYTES`` in all (413, before reading).
"""

from __future__ import annotations

import codecs
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.settings import api_settings
from rest_framework.utils import json

from ssrtracker.api.json_depth import nesting_depth
from ssrtracker.limits import MAX_BODY_BYTES, MAX_EVIDENCE_MEGABYTES, MAX_JSON_DEPTH

#: A form body: its fields, and one evidence file.
MAX_MULTIPART_BYTES = MAX_BODY_BYTES + MAX_EVIDENCE_MEGABYTES * 1024 * 1024


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(
            _("The request body is larger than %(limit)d bytes; send less.") % {"limit": limit}
        )


class JSONParser(parsers.JSONParser):
    """JSON, refused before decoding when larger than ``MAX_BODY_BYTES`` (413) or nested deeper
    than ``MAX_JSON_DEPTH`` (400)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = stream.read(MAX_BODY_BYTES + 1)
        if len(data) > MAX_BODY_BYTES:
            raise BodyTooLarge(MAX_BODY_BYTES)
        encoding = parsers.get_encoding(parser_context or {})
        try:
            is_utf8 = codecs.lookup(encoding).name == "utf-8"
            text = data.decode(encoding)
        except LookupError:
            raise ParseError(_("Unknown character set: %(name)s.") % {"name": encoding}) from None
        except UnicodeDecodeError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
        # The depth is measured on UTF-8, where no byte of a letter looks like a bracket or quote.
        depth = nesting_depth(data if is_utf8 else text.encode("utf-8"))
        if depth > MAX_JSON_DEPTH:
            raise ParseError(
                _(
                    "The JSON body is nested %(depth)d levels deep; at most %(limit)d levels "
                    "are accepted."
                )
                % {"depth": depth, "limit": MAX_JSON_DEPTH}
            )
        parse_constant = json.strict_constant if api_settings.STRICT_JSON else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except ValueError as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None


class MultiPartParser(parsers.MultiPartParser):
    """Forms with files, refused before reading when the body is larger than
    ``MAX_MULTIPART_BYTES`` (413)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        meta = parser_context["request"].META if parser_context else {}
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_MULTIPART_BYTES:
            raise BodyTooLarge(MAX_MULTIPART_BYTES)
        return super().parse(stream, media_type, parser_context)
