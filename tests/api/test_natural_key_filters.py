"""Every filter on a related object takes its id or its natural key, in any case: the same rows
either way, the same number of queries, and a 400 naming the parameter and the value when the
value names nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.forms import DashboardFilters
from tests.factories import (
    BenchmarkAssessmentFactory,
    BenchmarkFactory,
    DocumentFactory,
    MissionFactory,
    ParagraphFactory,
    PartnerSupportFactory,
    SecretaryGeneralReportFactory,
    StatusUpdateFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/"


@dataclass
class World:
    objects: dict[str, Any]


@pytest.fixture
def world(portfolio) -> World:
    """Two of everything (MINUSCA's and MONUSCO's), so that each filter has rows to leave out."""
    minusca = portfolio.mission
    monusco = MissionFactory.create(acronym="MONUSCO")
    portfolio.in_b.missions.add(monusco)
    UnitFactory.create(acronym="MINUSCA-SSR", mission=minusca)
    UnitFactory.create(acronym="MONUSCO-SSR", mission=monusco)
    resolution = portfolio.in_a.paragraphs.get().document
    paragraph = portfolio.in_a.paragraphs.get()
    older = DocumentFactory.create(symbol="S/RES/2151 (2014)", citation_label="2151 (2014)")
    older_paragraph = ParagraphFactory.create(document=older, number=15, order=1500)
    portfolio.in_b.paragraphs.add(older_paragraph)
    StatusUpdateFactory.create(request=portfolio.in_a)
    StatusUpdateFactory.create(request=portfolio.in_b)
    bm_minusca = BenchmarkFactory.create(
        reference="bm-minusca",
        mission=minusca,
        responsible_unit=portfolio.unit_a,
        paragraph=paragraph,
    )
    bm_monusco = BenchmarkFactory.create(
        reference="bm-monusco",
        mission=monusco,
        responsible_unit=portfolio.unit_b,
        paragraph=older_paragraph,
    )
    BenchmarkAssessmentFactory.create(benchmark=bm_minusca)
    BenchmarkAssessmentFactory.create(benchmark=bm_monusco)
    for mission in (minusca, monusco):
        SecretaryGeneralReportFactory.create(mission=mission)
        PartnerSupportFactory.create(mission=mission)
    return World(
        {
            "mission": minusca,
            "unit": portfolio.unit_a,
            "document": resolution,
            "paragraph": paragraph,
            "request": portfolio.in_a,
            "benchmark": bm_minusca,
        }
    )


#: (list, parameter, what it names, how its natural key reads)
CASES = [
    ("units", "mission", "mission", "acronym"),
    ("paragraphs", "document", "document", "symbol"),
    ("requests", "mission", "mission", "acronym"),
    ("requests", "unit", "unit", "acronym"),
    ("requests", "lead_unit", "unit", "acronym"),
    ("requests", "document", "document", "symbol"),
    ("status-updates", "request", "request", "reference"),
    ("status-updates", "mission", "mission", "acronym"),
    ("status-updates", "unit", "unit", "acronym"),
    ("benchmarks", "mission", "mission", "acronym"),
    ("benchmarks", "responsible_unit", "unit", "acronym"),
    ("benchmarks", "paragraph", "paragraph", "citation"),
    ("assessments", "benchmark", "benchmark", "reference"),
    ("assessments", "mission", "mission", "acronym"),
    ("sg-reports", "mission", "mission", "acronym"),
    ("partner-support", "mission", "mission", "acronym"),
]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def counted_get(client, url: str, query: dict[str, Any]) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    return response, len(queries)


@pytest.mark.parametrize(("path", "param", "kind", "key"), CASES)
def test_an_id_and_a_natural_key_select_the_same_rows(
    client_for, manager, world, path, param, kind, key
):
    client = client_for(manager)
    url = f"{API}{path}/"
    target = world.objects[kind]
    natural = getattr(target, key)
    everything = ids(client.get(url))
    by_id, id_queries = counted_get(client, url, {param: target.pk})
    by_key, key_queries = counted_get(client, url, {param: natural})
    by_lower, _ = counted_get(client, url, {param: f"  {natural.lower()} "})
    assert ids(by_id) == ids(by_key) == ids(by_lower)
    # The filter filters: some rows, not all of them.
    assert ids(by_id)
    assert set(ids(by_id)) < set(everything)
    # A key costs what an id costs.
    assert id_queries == key_queries


@pytest.mark.parametrize(("path", "param", "kind", "key"), CASES)
def test_a_value_that_names_nothing_is_a_400_naming_the_parameter_and_value(
    client_for, manager, world, path, param, kind, key
):
    response = client_for(manager).get(f"{API}{path}/", {param: "NO-SUCH-THING"})
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [param]
    (message,) = body[param]
    assert param in message
    assert '"NO-SUCH-THING"' in message
    unknown_id = client_for(manager).get(f"{API}{path}/", {param: "999999"})
    assert unknown_id.status_code == 400
    assert '"999999"' in unknown_id.json()[param][0]
    # A NUL byte (which PostgreSQL refuses in a text) names nothing too: a 400, not a 500.
    nul = client_for(manager).get(f"{API}{path}/", {param: "\x00x"})
    assert nul.status_code == 400
    assert list(nul.json()) == [param]


def test_the_export_and_the_coverage_matrix_take_an_acronym_too(client_for, manager, world):
    client = client_for(manager)
    mission = world.objects["mission"]
    for query in ({"mission": mission.pk}, {"mission": "minusca"}):
        export = client.get(f"{API}requests/export/", {**query, "file_format": "csv"})
        assert export.status_code == 200
        text = b"".join(export.streaming_content).decode("utf-8-sig")
        assert "2553-op20" in text
        assert "b-task" not in text
        matrix = client.get(f"{API}sg-reports/matrix/", query)
        assert matrix.status_code == 200, matrix.content
        assert [row["mission"]["display"] for row in matrix.json()] == ["MINUSCA"]
    bad = client.get(f"{API}sg-reports/matrix/", {"mission": "ATLANTIS"})
    assert bad.status_code == 400
    assert "ATLANTIS" in bad.json()["mission"][0]


def test_the_dashboards_query_string_works_as_is_in_the_api(client_for, manager, world):
    """The dashboards name missions and units by acronym; their export links pass the same
    names to the API, which selects the same requests as with ids."""
    mission, unit = world.objects["mission"], world.objects["unit"]
    query = DashboardFilters({"mission": "MINUSCA", "unit": "UNIT-A"}).api_query()
    assert query == {"mission": "MINUSCA", "unit": "UNIT-A"}
    client = client_for(manager)
    by_key = ids(client.get(f"{API}requests/", query))
    assert by_key == ids(client.get(f"{API}requests/", {"mission": mission.pk, "unit": unit.pk}))
    assert by_key == [world.objects["request"].pk]


def test_a_key_two_rows_share_but_for_case_asks_for_the_id(client_for, manager, world):
    MissionFactory.create(acronym="Minusca")
    response = client_for(manager).get(f"{API}units/", {"mission": "minusca"})
    assert response.status_code == 400
    assert "more than one mission" in response.json()["mission"][0]
    exact = client_for(manager).get(f"{API}units/", {"mission": world.objects["mission"].pk})
    assert exact.status_code == 200
