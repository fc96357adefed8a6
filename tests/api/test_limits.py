"""Bounds on what the API reads: JSON depth and body size, integers in headers, paths and query
strings. Whatever a client sends, the answer is a 4xx JSON body with a message, never a 500."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from ssrtracker import limits
from ssrtracker.api.json_depth import nesting_depth
from tests.api.conftest import token_client
from tests.factories import BenchmarkAssessmentFactory, BenchmarkFactory

pytestmark = pytest.mark.django_db

HUGE = "1" + "0" * 29  # a 30-digit number


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
def writer(portfolio, administrator):
    client = token_client(administrator)
    client.raise_request_exception = False  # a 500 is a response here, not an exception
    return client


def assert_refused(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert any(body.values()), body  # a message, not an empty body
    return body


# --- JSON depth --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("", 0),
        ("1", 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('["[[[[", "]"]', 1),  # brackets inside strings do not nest
        (r'["\"[[[", "\\", [[]]]', 3),  # nor after an escaped quote
        ('"unterminated [[[[', 0),  # an open string runs to the end
        ('[[["\\', 3),  # a lone backslash at the end
        ("[[[", 3),  # unclosed: the decoder would recurse into each
        ("[[]]]][[", 2),
        ('["é", {"ключ": ["値"]}]', 3),
    ],
)
def test_nesting_depth(text, depth):
    assert nesting_depth(text.encode()) == depth


def test_nesting_depth_needs_no_recursion():
    assert nesting_depth(nested(1_000_000).encode()) == 1_000_000
    # Many escaped quotes and no closing one: each quote would restart a naive string pattern.
    assert nesting_depth(b'["' + b'\\"' * 200_000) == 1


def test_a_body_nested_100000_deep_is_refused_before_decoding(writer, portfolio):
    url = f"/api/v1/requests/{portfolio.in_a.pk}/"
    body = '{"note": ' + nested(100_000) + "}"

    patched = writer.generic("PATCH", url, body, content_type="application/json", HTTP_IF_MATCH="*")
    posted = writer.generic(
        "POST", "/api/v1/status-updates/", body, content_type="application/json"
    )

    for response in (patched, posted):
        detail = assert_refused(response, 400)["detail"]
        assert "nested" in detail
        assert str(limits.MAX_JSON_DEPTH) in detail


def test_nesting_up_to_the_limit_is_decoded(writer, portfolio):
    url = f"/api/v1/requests/{portfolio.in_a.pk}/"
    inner = limits.MAX_JSON_DEPTH - 1  # the body's own object is one level

    at_limit = writer.generic(
        "PATCH",
        url,
        '{"note": ' + nested(inner) + "}",
        content_type="application/json",
        HTTP_IF_MATCH="*",
    )
    over = writer.generic(
        "PATCH",
        url,
        '{"note": ' + nested(inner + 1) + "}",
        content_type="application/json",
        HTTP_IF_MATCH="*",
    )

    assert "note" in assert_refused(at_limit, 400)  # decoded: the field's own error
    assert "nested" in assert_refused(over, 400)["detail"]


def test_brackets_in_a_text_are_just_text(writer, portfolio):
    url = f"/api/v1/requests/{portfolio.in_a.pk}/"
    note = "[" * 1000 + "{"

    response = writer.patch(
        url, {"note": note, "priority": "high"}, format="json", HTTP_IF_MATCH="*"
    )

    assert response.status_code == 200, response.content[:300]


# --- Body size ---------------------------------------------------------------------------------


def test_the_body_limit_is_django_s_upload_limit():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == limits.MAX_BODY_BYTES


def test_a_body_over_the_limit_is_413_with_a_message(writer, portfolio):
    url = f"/api/v1/requests/{portfolio.in_a.pk}/"
    body = json.dumps({"note": "x" * limits.MAX_BODY_BYTES})

    response = writer.generic(
        "PATCH", url, body, content_type="application/json", HTTP_IF_MATCH="*"
    )

    assert "larger than" in assert_refused(response, 413)["detail"]


# --- Integers in headers -----------------------------------------------------------------------


def test_an_assessment_if_match_with_a_30_digit_stamp_is_412(writer):
    assessment = BenchmarkAssessmentFactory.create(benchmark=BenchmarkFactory.create())
    url = f"/api/v1/assessments/{assessment.pk}/"

    response = writer.patch(
        url, {"value": "12"}, format="json", HTTP_IF_MATCH=f'"assessment-{assessment.pk}-{HUGE}"'
    )

    assert_refused(response, 412)


@pytest.mark.parametrize("version", [HUGE, str(limits.MAX_INTEGER + 1), "٣", "9" * 5000])
def test_a_request_if_match_out_of_range_is_412(writer, portfolio, version):
    pk = portfolio.in_a.pk
    tag = f'"request-{pk}-v{version}"'

    patched = writer.patch(
        f"/api/v1/requests/{pk}/", {"priority": "high"}, format="json", HTTP_IF_MATCH=tag
    )
    posted = writer.post(
        "/api/v1/status-updates/",
        {"request": pk, "status_to": "in_progress", "note": "Started."},
        format="json",
        HTTP_IF_MATCH=tag,
    )

    assert_refused(patched, 412)
    assert_refused(posted, 412)


def test_a_request_if_match_with_its_version_still_works(writer, portfolio):
    url = f"/api/v1/requests/{portfolio.in_a.pk}/"
    etag = writer.get(url).headers["ETag"]

    response = writer.patch(url, {"priority": "high"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200
    assert response.headers["ETag"] != etag


def test_an_if_none_match_out_of_range_is_just_not_a_match(writer, portfolio):
    url = f"/api/v1/requests/{portfolio.in_a.pk}/"

    response = writer.get(url, HTTP_IF_NONE_MATCH=f'"request-{portfolio.in_a.pk}-v{HUGE}"')

    assert response.status_code == 200


# --- Integers in paths and query strings -------------------------------------------------------

GETS = [
    f"/api/v1/requests/{HUGE}/",
    f"/api/v1/assessments/{'9' * 5000}/",
    f"/api/v1/status-updates/{2**63}/",
    "/api/v1/requests/١/",  # an Arabic-Indic digit one
    f"/api/v1/requests/?page={HUGE}",
    f"/api/v1/requests/?page={'9' * 5000}",
    f"/api/v1/requests/?page_size={HUGE}",
    f"/api/v1/requests/?lead_unit={HUGE}",
    f"/api/v1/requests/?mission={-int(HUGE)}",
    f"/api/v1/requests/?document={HUGE}",
    f"/api/v1/status-updates/?request={HUGE}",
    f"/api/v1/paragraphs/?document={HUGE}",
    f"/api/v1/assessments/?benchmark={HUGE}",
    f"/api/v1/sg-reports/matrix/?mission={HUGE}",
    "/api/v1/sg-reports/matrix/?mission=²",
    f"/api/v1/calendar-feeds/{HUGE}/",
]


@pytest.mark.parametrize("url", GETS)
def test_out_of_range_integers_in_addresses_are_4xx(writer, url):
    response = writer.get(url)

    assert 400 <= response.status_code < 500 or response.status_code == 200, url
    assert response.json()


WRITES = [
    ("post", "/api/v1/status-updates/", {"request": int(HUGE), "status_to": "in_progress"}),
    ("post", "/api/v1/status-updates/", {"request": "٣", "status_to": "in_progress"}),
    ("post", "/api/v1/assessments/", {"benchmark": int(HUGE), "period_start": "2021-01-01"}),
    ("post", "/api/v1/calendar-feeds/", {"scope": "unit", "unit": int(HUGE)}),
    ("post", "/api/v1/calendar-feeds/", {"scope": "mission", "mission": -int(HUGE)}),
]


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_out_of_range_ids_in_bodies_are_400(writer, method, url, body):
    response = getattr(writer, method)(url, body, format="json")

    assert_refused(response, 400)


@pytest.mark.parametrize("field", ["lead_unit", "supporting_units", "missions"])
def test_out_of_range_ids_in_a_request_change_are_400(writer, portfolio, field):
    value = int(HUGE) if field == "lead_unit" else [int(HUGE)]

    response = writer.patch(
        f"/api/v1/requests/{portfolio.in_a.pk}/", {field: value}, format="json", HTTP_IF_MATCH="*"
    )

    assert field in assert_refused(response, 400)


# --- Unknown fields ----------------------------------------------------------------------------


def test_an_unknown_field_in_a_change_is_refused_not_dropped(writer, portfolio):
    url = f"/api/v1/requests/{portfolio.in_a.pk}/"

    response = writer.patch(url, {"priorty": "high", "note": "x"}, format="json", HTTP_IF_MATCH="*")

    assert assert_refused(response, 400) == {"priorty": ["Unknown field."]}
    portfolio.in_a.refresh_from_db()
    assert portfolio.in_a.version == 1


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/status-updates/", {"status_to": "in_progress", "evidence": "x"}),
        ("/api/v1/assessments/", {"rating": "green", "comment": "x"}),
        ("/api/v1/calendar-feeds/", {"scope": "all", "units": [1]}),
    ],
)
def test_an_unknown_field_in_a_creation_is_refused(writer, url, body):
    response = writer.post(url, body, format="json")

    unknown = next(name for name in body if name not in ("status_to", "rating", "scope"))
    assert assert_refused(response, 400)[unknown] == ["Unknown field."]


def test_read_only_fields_sent_back_are_ignored_as_before(writer, portfolio):
    url = f"/api/v1/requests/{portfolio.in_a.pk}/"
    read = writer.get(url)

    response = writer.patch(
        url,
        {"reference": "renamed", "version": 99, "priority": "high"},
        format="json",
        HTTP_IF_MATCH=read.headers["ETag"],
    )

    assert response.status_code == 200
    assert response.json()["reference"] == read.json()["reference"]
