"""The request list builds its rows without the serializer (``mandates.api.request_list``): it
must answer, byte for byte, what ``RequestSerializer`` gives for the same requests, on every
kind of row, and in a number of queries that neither the page size nor the data changes."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request as ApiRequest
from rest_framework.test import APIRequestFactory

from mandates.api import request_list
from mandates.api.filters import RequestFilter
from mandates.api.serializers import RequestSerializer
from mandates.api.views import _request_queryset
from mandates.models import Fulfilment, Request, RequestMission
from mandates.seed import load_seed
from tests.dashboards.test_queries import multiply_portfolio
from tests.factories import (
    DocumentFactory,
    MissionFactory,
    ParagraphFactory,
    RequestFactory,
    SecretaryGeneralReportFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/requests/"
UTC = datetime.UTC


def _at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


def _varied() -> dict[str, Any]:
    """Requests of every status and shape: several missions (lines following the request, with
    a status, due date and focal point of their own, closed), supporting units and paragraphs
    created out of their display order, fulfilments by report, by document, missed, with and
    without a mission; archived, undated, recurring, carried forward; French and unusual text;
    times with and without microseconds."""
    today = timezone.localdate()
    zulu, alpha = UnitFactory.create(acronym="ZULU-U"), UnitFactory.create(acronym="ALPHA-U")
    lead = UnitFactory.create(acronym="LEAD-U")
    # Created in the reverse of their display (acronym) order.
    zeta = MissionFactory.create(acronym="ZETAMISS")
    beta = MissionFactory.create(acronym="BETAMISS")
    gamma = MissionFactory.create(acronym="GAMMAMISS")
    older = DocumentFactory.create(symbol="S/RES/1000 (2000)", date=datetime.date(2000, 5, 1))
    newer = DocumentFactory.create(symbol="S/RES/2000 (2020)", date=datetime.date(2020, 5, 1))
    paragraphs = [
        ParagraphFactory.create(document=older, number=7, order=700),
        ParagraphFactory.create(document=newer, number=9, order=900),
        ParagraphFactory.create(document=newer, number=2, order=200),
    ]
    focal = UserFactory.create(username="élodie.fp")
    report = SecretaryGeneralReportFactory.create(mission=beta, symbol="S/2026/501")
    letter = DocumentFactory.create(kind="other", symbol="S/2026/77")

    main = RequestFactory.create(
        reference="fr-1",
        title="Réforme du secteur de la sécurité — « suivi » ✓",
        description='Ligne 1\u2028ligne 2\u2029 "citée" \\ fin',
        status="in_progress",
        priority="high",
        due_date=today - datetime.timedelta(days=10),
        lead_unit=lead,
        supporting_units=[zulu, alpha],
        missions=[zeta, beta, gamma],
        paragraphs=paragraphs,
    )
    RequestMission.objects.filter(request=main, mission=zeta).update(
        status="completed", closed_at=_at(2025, 3, 1, 9, 30), focal_point=focal
    )
    RequestMission.objects.filter(request=main, mission=beta).update(
        status="on_hold",
        due_date=today - datetime.timedelta(days=1),
        updated_at=_at(2025, 4, 1, 8, 0, 0),
    )
    RequestMission.objects.filter(request=main, mission=gamma).update(
        due_date=today + datetime.timedelta(days=30), updated_at=_at(2025, 4, 1, 8, 0, 0, 5)
    )
    Fulfilment.objects.create(
        request=main,
        mission=zeta,
        report=report,
        paragraphs="34-38, 52",
        due_date=datetime.date(2025, 2, 28),
        outcome="on_time",
        note="Noté « ok »",
    )
    Fulfilment.objects.create(request=main, document=letter, outcome="late", due_date=None)
    Fulfilment.objects.create(request=main, mission=beta, outcome="missed")
    Fulfilment.objects.create(
        request=main, mission=beta, outcome="missed", due_date=datetime.date(2024, 1, 1)
    )

    closed = {}
    for status in ("not_started", "on_hold", "completed", "cancelled", "superseded"):
        is_closed = status in ("completed", "cancelled", "superseded")
        closed[status] = RequestFactory.create(
            reference=f"each-{status}",
            status=status,
            lead_unit=zulu,
            missions=[gamma] if status != "not_started" else [],
            closed_at=_at(2026, 1, 2, 3, 4, 5, 600) if is_closed else None,
            created_at=_at(2025, 1, 1, 12, 0, 0),
            due_date=today - datetime.timedelta(days=3),
            predecessor=main if status == "superseded" else None,
        )
    archived = RequestFactory.create(
        reference="archived-1",
        status="in_progress",
        due_date=today - datetime.timedelta(days=400),
        missions=[beta],
        archived_at=_at(2026, 2, 1, 0, 0, 0),
        lead_unit=alpha,
    )
    undated = RequestFactory.create(
        reference="every-six",
        due_date=None,
        recurrence="interval",
        recurrence_months=6,
        recurrence_anchor=datetime.date(2024, 7, 1),
        missions=[zeta],
    )
    RequestMission.objects.filter(request=undated).update(due_date=today - datetime.timedelta(1))
    RequestFactory.create(reference="with-reports", recurrence="mission_reports", missions=[beta])
    return {"main": main, "archived": archived, "undated": undated, **closed}


@pytest.fixture(scope="module")
def _loaded(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    """The seed data and :func:`_varied`, loaded once per module inside a transaction rolled
    back at its end; each test runs in a savepoint on top of it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_seed()
            yield _varied()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def varied(_loaded, db) -> dict[str, Any]:
    return _loaded


def _context(path: str) -> dict[str, Any]:
    request = ApiRequest(APIRequestFactory().get(path))
    return {"request": request, "format": None, "today": timezone.localdate()}


def _serialized(ids: list[int], path: str = LIST) -> bytes:
    """What the serializer, over the requests as the list loaded them before, gives for
    ``ids`` in this order."""
    found = {request.pk: request for request in _request_queryset(into_lists=True)}
    data = RequestSerializer([found[pk] for pk in ids], many=True, context=_context(path)).data
    return JSONRenderer().render(data)


def _results(content: bytes) -> bytes:
    """The ``results`` of a rendered page, as rendered (the rest of the page is pagination)."""
    start = content.index(b'"results":') + len(b'"results":')
    assert content.endswith(b"}")
    return content[start:-1]


PARAMS = [
    {"page_size": 500},
    {"page_size": 500, "archived": "true"},
    {"page_size": 7, "page": 3},
    {"page_size": 500, "ordering": "-updated_at"},
    {"page_size": 500, "ordering": "status,-due_date"},
    {"page_size": 500, "status": ["in_progress", "completed"]},
    {"page_size": 500, "mission": "BETAMISS"},
    {"page_size": 500, "q": "sécurité"},
    {"page_size": 500, "overdue": "true"},
]


@pytest.mark.parametrize("params", PARAMS)
def test_list_is_the_serializer_byte_for_byte(client_for, administrator, varied, params):
    response = client_for(administrator).get(LIST, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    rows = response.json()["results"]
    assert rows
    assert _results(response.content) == _serialized([row["id"] for row in rows])


def test_a_format_suffix_links_each_request_with_it(client_for, administrator, varied):
    response = client_for(administrator).get(LIST.rstrip("/") + ".json", {"page_size": 500})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows[0]["url"].endswith(f"/requests/{rows[0]['id']}.json")
    context = {**_context(LIST), "format": "json"}
    found = {request.pk: request for request in _request_queryset(into_lists=True)}
    expected = RequestSerializer([found[row["id"]] for row in rows], many=True, context=context)
    assert _results(response.content) == JSONRenderer().render(expected.data)


def test_every_kind_of_row_is_in_the_comparison(client_for, administrator, varied):
    """The data set holds what the comparison is meant to cover."""
    rows = client_for(administrator).get(LIST, {"page_size": 500, "archived": "true"}).json()
    live = client_for(administrator).get(LIST, {"page_size": 500}).json()["results"]
    every = live + rows["results"]
    assert {row["status"] for row in every} == {
        "not_started",
        "in_progress",
        "on_hold",
        "completed",
        "cancelled",
        "superseded",
    }
    main = next(row for row in live if row["reference"] == "fr-1")
    assert [m["display"] for m in main["missions"]] == ["BETAMISS", "GAMMAMISS", "ZETAMISS"]
    assert [u["display"] for u in main["supporting_units"]] == ["ALPHA-U", "ZULU-U"]
    assert [line["own_status"] for line in main["mission_lines"]] == [True, False, True]
    assert [line["overdue"] for line in main["mission_lines"]] == [True, False, False]
    assert main["mission_lines"][2]["focal_point"] == "élodie.fp"
    # Newest document first, then by position in the document.
    assert [p["display"].split()[-1] for p in main["paragraphs"]] == ["OP2", "OP9", "OP7"]
    assert len(main["fulfilments"]) == 4
    assert {f["outcome"] for f in main["fulfilments"]} == {"on_time", "late", "missed"}
    assert any(f["mission"] is None for f in main["fulfilments"])
    assert main["overdue"] is True
    (archived,) = rows["results"]
    assert archived["overdue"] is False
    assert archived["mission_lines"][0]["overdue"] is False
    superseded = next(row for row in live if row["reference"] == "each-superseded")
    assert superseded["predecessor"]["display"] == "fr-1"
    assert superseded["created_at"] == "2025-01-01T12:00:00Z"
    assert superseded["closed_at"] == "2026-01-02T03:04:05.000600Z"
    undated = next(row for row in live if row["reference"] == "every-six")
    assert undated["due_date"] is None
    assert undated["mission_lines"][0]["due_date"] is not None


def test_each_row_is_the_detail_of_its_request(client_for, administrator, varied):
    client = client_for(administrator)
    for params in ({"page_size": 500}, {"page_size": 500, "archived": "true"}):
        for row in client.get(LIST, params).json()["results"]:
            assert client.get(row["url"]).json() == row


def test_rows_in_another_time_zone(client_for, administrator, varied, settings):
    """Times are shown in the current time zone, as the serializer shows them."""
    settings.TIME_ZONE = "America/Toronto"
    response = client_for(administrator).get(LIST, {"page_size": 500})
    rows = response.json()["results"]
    assert any(row["created_at"].endswith(("-05:00", "-04:00")) for row in rows)
    assert _results(response.content) == _serialized([row["id"] for row in rows])


def test_rows_by_ids_are_the_serializer_too(varied):
    """The portable path (one query per kind of related row), on any database: on PostgreSQL
    the view takes the one-query path, which the tests above compare."""
    queryset = request_list.base_queryset().filter(archived_at__isnull=True)
    rows = request_list._fetch_by_ids(queryset, slice(0, 500))
    built = request_list.representations(rows, context=_context(LIST))
    assert JSONRenderer().render(built) == _serialized([row[0] for row in rows])


def test_an_empty_page(client_for, administrator, varied):
    response = client_for(administrator).get(LIST, {"q": "no request says this"})
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def _queries(client, params: dict[str, Any]) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_queries_do_not_depend_on_the_page_size_or_the_data(client_for, administrator, varied):
    client = client_for(administrator)
    client.get("/api/v1/themes/")  # the token's last use is written once, on the first call
    cases: list[dict[str, Any]] = [
        {"page_size": 50},
        {"page_size": 500},
        {"page_size": 500, "mission": "BETAMISS", "status": "in_progress"},
    ]
    before = [len(_queries(client, params)) for params in cases]
    requests_before = Request.objects.count()
    multiply_portfolio(20)
    assert Request.objects.count() == requests_before * 20
    after = [len(_queries(client, params)) for params in cases]
    assert before == after
    # Token, count and page, on PostgreSQL the related rows in the page's query; elsewhere one
    # query more for each of the four kinds of related rows. The mission filter reads the
    # mission.
    related = 0 if connection.vendor == "postgresql" else 4
    assert before == [3 + related, 3 + related, 4 + related]


def test_the_request_filter_builds_its_form_class_once(db):
    """Its form class is built once per language; each call still gets a form of its own."""
    valid = RequestFilter(QueryDict("status=in_progress"), Request.objects.all())
    invalid = RequestFilter(QueryDict("status=nonsense"), Request.objects.all())
    assert type(valid.form) is type(invalid.form)
    assert valid.form is not invalid.form
    assert valid.is_valid()
    assert not invalid.is_valid()
    assert valid.is_valid()
    with translation.override("fr"):
        french = RequestFilter(QueryDict(), Request.objects.all())
        assert type(french.form) is not type(valid.form)
