"""Coverage from the report itself: its text proposes which elements of 2553 OP20(e)/(f) it
covers, with the paragraph numbers, for staff to confirm."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mandates.choices import CoverageElement, CoverageState, MembershipRole, UnitKind
from mandates.sg_reports import coverage_text
from mandates.sg_reports import services as reporting
from tests.factories import MissionFactory, UnitFactory

D = datetime.date
SG_2008 = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / "sources"
    / "A-62-659_S-2008-39_SG-report-on-SSR_pdf-text.txt"
)


@pytest.fixture(scope="module")
def sg_2008() -> str:
    return SG_2008.read_text(encoding="utf-8")


# --- reading the text (no database) ----------------------------------------------------------


def test_the_report_splits_into_its_73_numbered_paragraphs(sg_2008):
    numbers = [number for number, _ in coverage_text.split_paragraphs(sg_2008)]
    assert numbers == list(range(1, 74))


def test_the_2008_report_covers_every_element_with_its_paragraphs(sg_2008):
    found = {f.element: f for f in coverage_text.propose(sg_2008)}
    assert set(found) == set(CoverageElement.values)
    # "Specific benchmarks are essential to track and maintain progress" (45 (h)), and the
    # monitoring of 48.
    assert found["benchmarks"].numbers == [45, 48]
    assert found["benchmarks"].words == ["benchmarks"]
    assert 45 in found["coordination"].numbers  # 45 (i): "Coordination of ... efforts"
    assert "national ownership" in found["host_commitments"].words
    assert {"African Union", "World Bank"} <= set(found["other_actors"].words)
    assert found["obstacles"].numbers[0] == 28


def test_a_paragraph_not_on_ssr_covers_nothing():
    text = (
        "1. The humanitarian situation remains a challenge, with funding gaps and many donors "
        "absent.\n"
        "2. Progress in the reform of the national police was slowed by a lack of budget; "
        "the benchmarks agreed with the Government were partly met.\n"
    )
    found = {f.element: f.paragraphs for f in coverage_text.propose(text)}
    assert found == {
        "ssr_progress": "2",
        "benchmarks": "2",
        "obstacles": "2",
    }


def test_paragraph_numbers_are_written_as_ranges():
    assert coverage_text.format_ranges([20, 12, 13, 14, 14]) == "12-14, 20"
    assert coverage_text.format_ranges([]) == ""


def test_the_elements_are_those_of_the_checklist():
    assert list(coverage_text.ELEMENT_PATTERNS) == list(CoverageElement.values)


# --- the service and the admin ---------------------------------------------------------------


@pytest.fixture
def report(db, staff_a):
    mission = MissionFactory.create(acronym="MINUSCA")
    section = UnitFactory.create(
        acronym="MINUSCA-SSR", kind=UnitKind.MISSION_SECTION, mission=mission
    )
    section.memberships.create(user=staff_a, role=MembershipRole.FOCAL_POINT)
    return reporting.report_register(
        mission=mission, symbol="S/2026/101", date=D(2026, 2, 15), by=None
    )


def test_proposing_fills_the_items_not_reviewed_and_confirms_nothing(report, staff_a, sg_2008):
    missing = report.coverage_items.get(element=CoverageElement.OTHER_ACTORS)
    reporting.coverage_record(item=missing, state=CoverageState.MISSING, by=None)
    results = reporting.coverage_propose(report=report, text=sg_2008, by=staff_a)
    actions = {r.element: r.action for r in results}
    assert actions == {**dict.fromkeys(CoverageElement.values, "proposed"), "other_actors": "kept"}
    items = {i.element: i for i in report.coverage_items.all()}
    benchmarks = items[CoverageElement.BENCHMARKS]
    assert benchmarks.state == CoverageState.NOT_REVIEWED
    assert benchmarks.paragraphs == "45, 48"
    assert benchmarks.note.startswith("Proposed from the report's text (benchmarks)")
    assert all(len(item.paragraphs) <= 200 for item in items.values())
    # Staff's decision stands: still missing, no paragraphs written over it.
    assert items[CoverageElement.OTHER_ACTORS].state == CoverageState.MISSING
    assert items[CoverageElement.OTHER_ACTORS].paragraphs == ""
    # Staff confirm: the proposed paragraphs are already there.
    reporting.coverage_record(
        item=benchmarks, state=CoverageState.COVERED, paragraphs=benchmarks.paragraphs, by=staff_a
    )


def test_proposing_again_from_another_text_replaces_only_the_proposal(report, staff_a):
    reporting.coverage_propose(
        report=report, text="1. Benchmarks for the police reform were set.\n", by=staff_a
    )
    item = report.coverage_items.get(element=CoverageElement.BENCHMARKS)
    assert item.paragraphs == "1"
    reporting.coverage_propose(report=report, text="1. Nothing on it.\n", by=staff_a)
    item.refresh_from_db()
    assert (item.paragraphs, item.note) == ("", "")


def test_someone_not_reporting_for_the_mission_cannot_propose(report, staff_b, sg_2008):
    with pytest.raises(PermissionDenied):
        reporting.coverage_propose(report=report, text=sg_2008, by=staff_b)
    assert not report.coverage_items.exclude(paragraphs="").exists()


def test_the_admin_proposes_from_pasted_text(report, staff_a, client, sg_2008):
    client.force_login(staff_a)
    change = reverse("admin:mandates_secretarygeneralreport_change", args=[report.pk])
    url = reverse("admin:mandates_secretarygeneralreport_propose_coverage", args=[report.pk])
    assert url in client.get(change).content.decode()
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": sg_2008})
    assert response.status_code == 302
    assert response.url == change
    item = report.coverage_items.get(element=CoverageElement.BENCHMARKS)
    assert (item.state, item.paragraphs) == (CoverageState.NOT_REVIEWED, "45, 48")
    empty = client.post(url, {"text": "  "})
    assert empty.status_code == 200
    assert "Paste the report" in empty.content.decode()
