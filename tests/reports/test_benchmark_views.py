"""The benchmark scorecards and the report coverage matrix: content, exports, print, access,
and a query count that does not grow with rows."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from mandates.choices import CoverageState, Rating, UnitKind
from mandates.sg_reports import services as reporting
from tests.factories import (
    BenchmarkAssessmentFactory,
    BenchmarkFactory,
    MissionFactory,
    PartnerSupportFactory,
    UnitFactory,
    UserFactory,
)

D = datetime.date
pytestmark = pytest.mark.django_db


def make_mission(
    acronym: str, *, benchmarks: int = 1, periods: int = 2, reports: int = 1, batch: int = 0
):
    """A mission with benchmarks, assessments, registered reports (one item covered, one
    missing) and partner support; call again with another ``batch`` to add rows to it."""
    mission = MissionFactory.create(
        acronym=acronym, reporting_cycle_months=4, reporting_anchor=D(2025, 10, 15)
    )
    UnitFactory.create(acronym=f"{acronym}-SSR", kind=UnitKind.MISSION_SECTION, mission=mission)
    for b in range(benchmarks):
        benchmark = BenchmarkFactory.create(
            reference=f"{acronym}-B{batch}-{b}", mission=mission, baseline="38%", target="70%"
        )
        for p in range(periods):
            BenchmarkAssessmentFactory.create(
                benchmark=benchmark,
                period_start=D(2025, 6, 1) + datetime.timedelta(days=122 * p),
                period_end=D(2025, 9, 30) + datetime.timedelta(days=122 * p),
                rating=[Rating.OFF_TRACK, Rating.AT_RISK, Rating.ON_TRACK][p % 3],
                value=f"{40 + 5 * p}% executed",
            )
    for r in range(reports):
        report = reporting.report_register(
            mission=mission,
            symbol=f"S/2026/{acronym}-{batch}-{r}",
            date=D(2025, 10, 15) + datetime.timedelta(days=120 * r + 7 * batch),
            by=None,
        )
        first, second = list(report.coverage_items.order_by("element"))[:2]
        reporting.coverage_record(item=first, state=CoverageState.COVERED, paragraphs="34", by=None)
        reporting.coverage_record(item=second, state=CoverageState.MISSING, by=None)
    PartnerSupportFactory.create(mission=mission, partner=f"EU in {acronym}")
    return mission


def _rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def reader(manager, client):
    client.force_login(manager)
    return client


def test_scorecard_shows_ratings_in_words_and_progress(reader):
    make_mission("MINUSCA", periods=3)
    response = reader.get(reverse("dashboard:scorecard", args=["MINUSCA"]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Off track", "At risk", "On track", "50% executed", "S/2026/MINUSCA-0-0", "EU in"):
        assert text in html
    assert "score--on_track" in html  # coloured, and the words are there too
    assert 'ssr-status--on_track">On track' in html  # 50% from 38% toward 70%
    assert "benchmarks.css" in html


@pytest.mark.parametrize("name", ["dashboard:scorecards", "dashboard:coverage"])
def test_pages_have_no_inline_script_or_style(reader, name):
    make_mission("MINUSCA")
    html = reader.get(reverse(name)).content.decode()
    scripts = html.split("<script")[1:]
    assert all(" src=" in chunk.split(">", 1)[0] for chunk in scripts)  # none inline
    assert " style=" not in html


def test_coverage_matrix_shows_each_element_and_the_follow_up(reader):
    make_mission("MINUSCA")
    make_mission("MONUSCO")
    html = reader.get(reverse("dashboard:coverage")).content.decode()
    for text in ("MINUSCA", "MONUSCO", "cov--covered", "paras. 34", "cov--missing"):
        assert text in html
    assert "cov-MINUSCA-2025-10-15-" in html  # the request opened for the gap
    only = reader.get(reverse("dashboard:coverage"), {"mission": "MONUSCO"}).content.decode()
    assert "S/2026/MONUSCO-0-0" in only
    assert "S/2026/MINUSCA-0-0" not in only


def test_unknown_mission_is_404(reader):
    assert reader.get(reverse("dashboard:scorecard", args=["NOPE"])).status_code == 404
    assert reader.get(reverse("dashboard:coverage"), {"mission": "NOPE"}).status_code == 404


def test_scorecard_exports_to_excel_with_the_ratings_in_words(reader):
    make_mission("MINUSCA", benchmarks=2, periods=2)
    response = reader.get(reverse("dashboard:scorecard-xlsx", args=["MINUSCA"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _rows(response.content)
    assert rows[0][0] == "Reference"
    assert len(rows) == 3
    assert rows[1][7] == "Off track: 40% executed"
    assert rows[1][-1] == "On track"


def test_coverage_exports_to_excel(reader):
    make_mission("MINUSCA", reports=2)
    response = reader.get(reverse("dashboard:coverage-xlsx"))
    rows = _rows(response.content)
    assert rows[0][:3] == ("Mission", "Report", "Date")
    assert len(rows) == 3
    assert "Covered (paras. 34)" in rows[1]


def test_pages_need_a_login_and_a_role(client):
    make_mission("MINUSCA")
    url = reverse("dashboard:scorecard", args=["MINUSCA"])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory.create())
    assert client.get(url).status_code == 403
    assert client.get(reverse("dashboard:coverage")).status_code == 403


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("dashboard:scorecards", []),
        ("dashboard:scorecard", ["M0"]),
        ("dashboard:coverage", []),
        ("dashboard:scorecard-xlsx", ["M0"]),
        ("dashboard:coverage-xlsx", []),
    ],
)
def test_query_count_does_not_grow_with_rows(reader, name, args):
    # Scorecard: session, user, mission, benchmarks, assessments, reports, checklists, partner
    # support. Coverage: session, user, reports, checklists (+ the missions of the filter).
    make_mission("M0", benchmarks=1, periods=1, reports=1)
    url = reverse(name, args=args)
    reader.get(url)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as small:
        assert reader.get(url).status_code == 200
    make_mission("M0", benchmarks=3, periods=3, reports=3, batch=1)
    for n in range(1, 4):
        make_mission(f"M{n}", benchmarks=3, periods=3, reports=3)
    with CaptureQueriesContext(connection) as large:
        assert reader.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_pages_speak_french(reader):
    make_mission("MINUSCA")
    html = reader.get(reverse("dashboard:coverage"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Couverture des rapports" in html
    assert "Obstacles à la réforme" in html
    card = reader.get(reverse("dashboard:scorecard", args=["MINUSCA"]), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Critères de référence par période de rapport" in card.content.decode()


def test_mission_page_shows_the_first_benchmarks_and_links_to_the_scorecard(reader, monkeypatch):
    from reports import selectors

    monkeypatch.setattr(selectors, "BENCHMARK_LIMIT", 3)
    make_mission("M9", benchmarks=5, periods=2)
    page = reader.get(reverse("dashboard:mission", args=["M9"])).content.decode()
    shown = [f"M9-B0-{b}" for b in range(5) if f"M9-B0-{b}" in page]
    assert shown == ["M9-B0-0", "M9-B0-1", "M9-B0-2"]  # the first three, by reference
    assert "The first 3 of 5 benchmarks" in page
    assert reverse("dashboard:scorecard", args=["M9"]) in page
    scorecard = reader.get(reverse("dashboard:scorecard", args=["M9"])).content.decode()
    assert all(f"M9-B0-{b}" in scorecard for b in range(5))


def test_mission_page_with_few_benchmarks_shows_them_all_without_a_note(reader):
    make_mission("M8", benchmarks=2, periods=1)
    page = reader.get(reverse("dashboard:mission", args=["M8"])).content.decode()
    assert "M8-B0-0" in page
    assert "M8-B0-1" in page
    assert "benchmarks, by reference" not in page
