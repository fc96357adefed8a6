"""``GET /api/v1/documents/{id}/parse/``: the same JSON as ``parse_document --format json``,
following docs/parse-output.schema.json, and listed in the OpenAPI schema with the same keys."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from mandates.api.parse_output import ParseOutputSerializer
from tests.factories import DocumentFactory
from tests.mandates.parser.test_output_schema import SCHEMA_FILE, validate

ROOT = Path(__file__).resolve().parents[2]
TEXT = ROOT / "fixtures" / "sources" / "S-RES-2553-2020_plain.txt"


def _url(pk: int) -> str:
    return f"/api/v1/documents/{pk}/parse/"


@pytest.fixture
def resolution(db):
    return DocumentFactory.create(
        symbol="S/RES/2553 (2020)",
        citation_label="2553 (2020)",
        source_text=TEXT.read_text(encoding="utf-8"),
    )


def test_the_parse_is_the_commands_output(client_for, manager, resolution) -> None:
    response = client_for(manager).get(_url(resolution.pk))
    assert response.status_code == 200
    data = response.json()
    validate(data)
    out = io.StringIO()
    call_command("parse_document", str(TEXT), "--format", "json", stdout=out)
    assert data == json.loads(out.getvalue())
    assert data["schema_version"] == "1.2.0"
    assert len(data["operative"]) == 26


def test_the_parse_has_an_etag_and_answers_304(client_for, manager, resolution) -> None:
    client = client_for(manager)
    first = client.get(_url(resolution.pk))
    etag = first.headers["ETag"]
    again = client.get(_url(resolution.pk), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


def test_a_document_without_text_or_with_text_that_is_no_resolution_is_422(
    client_for, manager
) -> None:
    client = client_for(manager)
    empty = DocumentFactory.create(symbol="S/PRST/2007/3", source_text="")
    response = client.get(_url(empty.pk))
    assert response.status_code == 422
    assert response.json() == {"detail": "This document has no source text to parse."}
    prose = DocumentFactory.create(symbol="S/2020/1", source_text="Dear colleagues, hello.")
    response = client.get(_url(prose.pk))
    assert response.status_code == 422
    assert "does not look like a resolution" in response.json()["detail"]


def test_the_parse_needs_credentials(client, resolution) -> None:
    assert client.get(_url(resolution.pk)).status_code == 401


def test_a_missing_document_is_404(client_for, manager) -> None:
    assert client_for(manager).get(_url(999_999)).status_code == 404


def test_the_parse_costs_one_query(client_for, manager, resolution, django_assert_num_queries):
    client = client_for(manager)
    client.get(_url(resolution.pk))  # warm the token and role caches
    with django_assert_num_queries(_queries_of_a_plain_read(client, resolution.pk)):
        client.get(_url(resolution.pk))


def _queries_of_a_plain_read(client: Any, pk: int) -> int:
    """The queries of reading the document itself: the parse adds none."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(f"/api/v1/documents/{pk}/")
    return len(captured)


# --- the OpenAPI schema -----------------------------------------------------------------------


def _openapi() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docs" / "api" / "openapi.yaml").read_text(encoding="utf-8"))


def test_the_route_is_in_the_openapi_schema() -> None:
    operation = _openapi()["paths"]["/api/v1/documents/{id}/parse/"]["get"]
    assert operation["operationId"] == "documents_parse_retrieve"
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/ParseOutput"}
    assert "422" in operation["responses"]


# OpenAPI component -> the JSON Schema definition it describes.
COMPONENTS = {
    "ParseOutput": None,  # the top level
    "ParsedPreambular": "preambular",
    "ParsedOperative": "operative",
    "ParsedSubparagraph": "subparagraph",
    "ParsedDeadline": "deadline",
    "ParsedSsr": "ssr",
    "ParsedRenewal": "renewal",
}


@pytest.mark.parametrize(("component", "definition"), COMPONENTS.items())
def test_openapi_and_the_json_schema_list_the_same_keys(component, definition) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    contract = schema if definition is None else schema["$defs"][definition]
    described = _openapi()["components"]["schemas"][component]
    assert list(described["properties"]) == list(contract["properties"])
    assert sorted(described["required"]) == sorted(contract["required"])


def test_the_addressee_details_component_matches_the_json_schema() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    contract = schema["$defs"]["addressee_details"]["items"]
    described = _openapi()["components"]["schemas"]["ParsedAddressee"]
    assert list(described["properties"]) == list(contract["properties"])
    enum = _openapi()["components"]["schemas"]["ParsedAddresseeKindEnum"]["enum"]
    assert enum == contract["properties"]["kind"]["enum"]


def test_the_serializers_accept_the_parse(resolution) -> None:
    from mandates.documents.importing import parse

    data = parse(resolution.source_text).to_dict()
    serializer = ParseOutputSerializer(data=data)
    assert serializer.is_valid(), serializer.errors
