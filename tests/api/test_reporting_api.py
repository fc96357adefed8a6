"""The API of 2553 OP20(e)/(f): benchmarks with their progress, reports with their coverage,
the coverage matrix, a mission's scorecard, and support by other actors."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mandates.choices import CoverageElement, CoverageState, Rating, UnitKind
from mandates.sg_reports import services as reporting
from tests.factories import (
    BenchmarkAssessmentFactory,
    BenchmarkFactory,
    MissionFactory,
    PartnerSupportFactory,
    UnitFactory,
)

D = datetime.date
pytestmark = pytest.mark.django_db


def mission_with_data(acronym: str = "MINUSCA", *, benchmarks: int = 1, reports: int = 1):
    mission = MissionFactory.create(
        acronym=acronym, reporting_cycle_months=4, reporting_anchor=D(2025, 10, 15)
    )
    UnitFactory.create(acronym=f"{acronym}-SSR", kind=UnitKind.MISSION_SECTION, mission=mission)
    start = mission.benchmarks.count()
    for b in range(start, start + benchmarks):
        benchmark = BenchmarkFactory.create(
            reference=f"{acronym}-B{b}", mission=mission, baseline="38%", target="70%"
        )
        for p, (rating, value) in enumerate([(Rating.OFF_TRACK, "40%"), (Rating.AT_RISK, "55%")]):
            BenchmarkAssessmentFactory.create(
                benchmark=benchmark,
                period_start=D(2025, 6, 1) + datetime.timedelta(days=122 * p),
                period_end=D(2025, 9, 30) + datetime.timedelta(days=122 * p),
                rating=rating,
                value=value,
            )
    start = mission.sg_reports.count()
    for r in range(start, start + reports):
        report = reporting.report_register(
            mission=mission,
            symbol=f"S/2026/{acronym}-{r}",
            date=D(2025, 10, 15) + datetime.timedelta(days=120 * r),
            by=None,
        )
        item = report.coverage_items.get(element=CoverageElement.BENCHMARKS)
        reporting.coverage_record(item=item, state=CoverageState.COVERED, paragraphs="34", by=None)
    return mission


@pytest.fixture
def api(client_for, api_client_user):
    return client_for(api_client_user)


def test_benchmarks_carry_their_computed_progress(api):
    mission_with_data()
    (row,) = api.get("/api/v1/benchmarks/").json()["results"]
    assert row["progress"] == "on_track"  # 55% from 38% toward 70%
    assert row["progress_set_by_hand"] is False


def test_reports_come_with_their_checklist(api):
    mission_with_data()
    (report,) = api.get("/api/v1/sg-reports/").json()["results"]
    assert report["symbol"] == "S/2026/MINUSCA-0"
    assert report["mission"]["display"] == "MINUSCA"
    by_element = {c["element"]: c for c in report["coverage"]}
    assert set(by_element) == set(CoverageElement.values)
    assert by_element["benchmarks"]["state"] == "covered"
    assert by_element["benchmarks"]["paragraphs"] == "34"


def test_reports_filter_on_a_missing_element(api):
    mission = mission_with_data(reports=2)
    report = mission.sg_reports.order_by("date").first()
    item = report.coverage_items.get(element=CoverageElement.OBSTACLES)
    reporting.coverage_record(item=item, state=CoverageState.MISSING, by=None)
    rows = api.get("/api/v1/sg-reports/", {"missing": "obstacles"}).json()["results"]
    assert [r["symbol"] for r in rows] == [report.symbol]
    (gap,) = [c for c in rows[0]["coverage"] if c["element"] == "obstacles"]
    assert gap["follow_up"]["display"] == "cov-MINUSCA-2025-10-15-obstacles"
    assert api.get("/api/v1/sg-reports/", {"missing": "nonsense"}).status_code == 400


def test_coverage_matrix(api):
    mission_with_data("MINUSCA", reports=2)
    other = mission_with_data("MONUSCO")
    data = api.get("/api/v1/sg-reports/matrix/").json()
    assert [m["mission"]["display"] for m in data] == ["MINUSCA", "MONUSCO"]
    assert [r["report"]["display"] for r in data[0]["rows"]] == [
        "S/2026/MINUSCA-1",
        "S/2026/MINUSCA-0",
    ]
    assert len(data[0]["rows"][0]["coverage"]) == len(CoverageElement.values)
    only = api.get("/api/v1/sg-reports/matrix/", {"mission": other.pk}).json()
    assert [m["mission"]["display"] for m in only] == ["MONUSCO"]
    assert api.get("/api/v1/sg-reports/matrix/", {"mission": "x"}).status_code == 400
    assert api.get("/api/v1/sg-reports/matrix/", {"mission": 999999}).status_code == 400


def test_scorecard(api):
    mission = mission_with_data(benchmarks=2)
    data = api.get(f"/api/v1/missions/{mission.pk}/scorecard/").json()
    assert data["periods"] == [
        {"start": "2025-06-01", "end": "2025-09-30"},
        {"start": "2025-10-01", "end": "2026-01-30"},
    ]
    assert len(data["rows"]) == 2
    row = data["rows"][0]
    assert [c["rating"] for c in row["cells"]] == ["off_track", "at_risk"]
    assert row["progress"] == "on_track"
    assert api.get("/api/v1/missions/999999/scorecard/").status_code == 404


def test_scorecard_query_count_does_not_grow_with_rows(api):
    mission = mission_with_data(benchmarks=1, reports=1)
    url = f"/api/v1/missions/{mission.pk}/scorecard/"
    api.get(url)
    with CaptureQueriesContext(connection) as small:
        api.get(url)
    mission_with_data(benchmarks=5, reports=3)
    with CaptureQueriesContext(connection) as large:
        api.get(url)
    assert len(large) == len(small)


def test_partner_support(api):
    mission = MissionFactory.create(acronym="MONUSCO")
    PartnerSupportFactory.create(
        mission=mission, partner="African Union", partner_kind="african_union"
    )
    PartnerSupportFactory.create(
        mission=mission, partner="World Bank", partner_kind="world_bank", period_end=D(2025, 6, 30)
    )
    rows = api.get("/api/v1/partner-support/", {"partner_kind": "african_union"}).json()["results"]
    assert [r["partner"] for r in rows] == ["African Union"]
    active = api.get("/api/v1/partner-support/", {"active_on": "2026-01-01"}).json()["results"]
    assert [r["partner"] for r in active] == ["African Union"]


def test_the_new_lists_are_read_only(client_for, administrator):
    mission_with_data()
    api = client_for(administrator)
    assert api.post("/api/v1/sg-reports/", {}).status_code == 405
    assert api.post("/api/v1/partner-support/", {}).status_code == 405


def test_no_api_write_reaches_a_reporting_record(client_for, staff_a, staff_b):
    """The API has no write path for reports, coverage or partner support: a write token of
    another mission's focal point (``staff_a``) or of the mission's own (``staff_b``) changes
    nothing and opens no request; the admin is where the unit rules apply."""
    from mandates.choices import MembershipRole
    from mandates.models import PartnerSupport, Request, SecretaryGeneralReport

    mission = mission_with_data("MONUSCO")
    mission.units.get().memberships.create(user=staff_b, role=MembershipRole.FOCAL_POINT)
    report = mission.sg_reports.get()
    support = PartnerSupportFactory.create(mission=mission, partner="EUTM")
    item = report.coverage_items.get(element=CoverageElement.OBSTACLES)
    writes = [
        ("patch", f"/api/v1/sg-reports/{report.pk}/", {"title": "Changed"}),
        ("put", f"/api/v1/sg-reports/{report.pk}/", {"title": "Changed"}),
        ("post", "/api/v1/sg-reports/", {"mission": mission.pk, "symbol": "S/2026/9"}),
        ("patch", f"/api/v1/sg-reports/{report.pk}/", {"coverage": [{"id": item.pk}]}),
        ("patch", f"/api/v1/partner-support/{support.pk}/", {"partner": "Changed"}),
        ("post", "/api/v1/partner-support/", {"mission": mission.pk, "partner": "AU"}),
        ("delete", f"/api/v1/partner-support/{support.pk}/", None),
    ]
    for user in (staff_a, staff_b):
        api = client_for(user)
        for method, url, body in writes:
            response = getattr(api, method)(url, body, format="json")
            # 405 (no such method); a delete is refused first for the role (403).
            assert response.status_code in (403, 405), (method, url)
            assert response.json()["detail"]
    assert SecretaryGeneralReport.objects.get(pk=report.pk).title == ""
    assert SecretaryGeneralReport.objects.count() == 1
    assert PartnerSupport.objects.get().partner == "EUTM"
    assert report.coverage_items.get(pk=item.pk).state == CoverageState.NOT_REVIEWED
    assert not Request.objects.exists()
