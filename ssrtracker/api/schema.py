"""OpenAPI additions: the error responses every operation can give, described once."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        'Either {"detail": "message"} or one list of messages per invalid field, '
        'e.g. {"due_date": ["Enter a valid date."]}.'
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}

ERRORS = {
    "400": "Invalid input: a message per field.",
    "401": "No or invalid credentials.",
    "403": "Your role, your units or your token's scope do not allow this.",
    "404": "No such object (or page).",
    "409": "The change conflicts with existing data.",
    "412": "If-Match does not match: the object changed since you read it.",
    "413": "The body is larger than the API accepts.",
    "428": "If-Match is required for this change.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
}
READ_ERRORS = ("400", "401", "403", "404", "429")
WRITE_ERRORS = ("400", "401", "403", "404", "409", "413", "429")
PRECONDITION_ERRORS = ("412", "428")


#: Column ranges of the database backends (smallint, integer, bigint on PostgreSQL; SQLite
#: reports 64-bit for all).
_BACKEND_LIMITS = {32767, 2147483647, 9223372036854775807}


def drop_backend_bounds(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: leave out integer bounds that only repeat the
    database column's range. They differ between SQLite and PostgreSQL, and would make the
    committed schema depend on the database it was generated with."""
    for component in result.get("components", {}).get("schemas", {}).values():
        for prop in component.get("properties", {}).values():
            if prop.get("type") == "integer" and prop.get("maximum") in _BACKEND_LIMITS:
                prop.pop("maximum")
                if prop.get("format") == "int64":
                    prop.pop("format")
    return result


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            codes: tuple[str, ...] = READ_ERRORS
            if method in ("post", "put", "patch", "delete"):
                codes = WRITE_ERRORS
            if method in ("put", "patch"):
                codes += PRECONDITION_ERRORS
            if method == "post" and any(
                p.get("name") == "If-Match" for p in operation.get("parameters", [])
            ):
                codes += ("412",)
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {"description": ERRORS[code], "content": ref})
    return result
