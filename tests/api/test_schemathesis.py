"""Property-based run of every operation of the committed schema against the app, with a
read-write token: no server error and no response that breaks the schema.

Examples are bounded (``SCHEMATHESIS_MAX_EXAMPLES`` per operation, positive and negative data)
and derived from a fixed seed, so that a CI run is repeatable. For a deeper, different search set
``SCHEMATHESIS_RANDOM=1`` and a larger ``SCHEMATHESIS_MAX_EXAMPLES``.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mandates.choices import TokenScope
from mandates.models import ApiToken
from reports.models import Summary
from tests.factories import (
    BenchmarkAssessmentFactory,
    BenchmarkFactory,
    ParagraphFactory,
    RequestFactory,
    StatusUpdateFactory,
    ThemeFactory,
)

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_path(SCHEMA_PATH)
schema.app = get_wsgi_application()

#: Ids of real objects, per collection, so that half the generated ids hit an existing row.
REAL_IDS: dict[str, list[int]] = {}


@schema.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    if not path_parameters:
        return path_parameters
    value = path_parameters.get("id")
    operation = getattr(context, "operation", None)
    if operation is not None and isinstance(value, int) and value % 2 == 0:
        collection = operation.path.split("/")[3]
        ids = REAL_IDS.get(collection)
        if ids:
            path_parameters["id"] = ids[value % len(ids)]
    return path_parameters


@pytest.fixture
def keep_test_connection():
    """Django's test client keeps the test's database connection across requests; a plain WSGI
    call would close it at the end of each request (inside the test's transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(administrator, keep_test_connection) -> str:
    request = RequestFactory.create()
    request.paragraphs.add(ParagraphFactory.create())
    update = StatusUpdateFactory.create(request=request)
    assessment = BenchmarkAssessmentFactory.create(benchmark=BenchmarkFactory.create())
    ThemeFactory.create()
    summary = Summary.objects.create(
        kind="monthly",
        period_start=datetime.date(2021, 9, 1),
        period_end=datetime.date(2021, 9, 30),
        title="September 2021",
        data={"completed": 1},
        compiled_at=timezone.now(),
    )
    paragraph = request.paragraphs.get()
    REAL_IDS.update(
        {
            "requests": [request.pk],
            "status-updates": [update.pk],
            "assessments": [assessment.pk],
            "benchmarks": [assessment.benchmark_id],
            "paragraphs": [paragraph.pk],
            "documents": [paragraph.document_id],
            "units": [request.lead_unit_id],
            "summaries": [summary.pk],
        }
    )
    _token, secret = ApiToken.issue(name="fuzz", user=administrator, scope=TokenScope.READ_WRITE)
    return secret


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=os.environ.get("SCHEMATHESIS_RANDOM") != "1",
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, token):
    headers = {"Authorization": f"Bearer {token}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
