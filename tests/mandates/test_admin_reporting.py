"""Registering a report and ticking its checklist in the admin go through the services."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from mandates.choices import CoverageElement, CoverageState, UnitKind
from mandates.models import CoverageItem, Request, SecretaryGeneralReport
from tests.factories import MissionFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    mission = MissionFactory.create(acronym="UNMISS", reporting_anchor=datetime.date(2026, 2, 15))
    UnitFactory.create(acronym="UNMISS-SSR", kind=UnitKind.MISSION_SECTION, mission=mission)
    return mission


def _inline(report: SecretaryGeneralReport, changes: dict[str, dict[str, str]]) -> dict[str, str]:
    items = list(report.coverage_items.order_by("element"))
    data = {
        "mission": str(report.mission_id),
        "symbol": report.symbol,
        "date": report.date.isoformat(),
        "link": "",
        "title": "",
        "coverage_items-TOTAL_FORMS": str(len(items)),
        "coverage_items-INITIAL_FORMS": str(len(items)),
        "coverage_items-MIN_NUM_FORMS": "0",
        "coverage_items-MAX_NUM_FORMS": "0",
    }
    for n, item in enumerate(items):
        values = changes.get(item.element, {})
        data[f"coverage_items-{n}-id"] = str(item.pk)
        data[f"coverage_items-{n}-report"] = str(report.pk)
        data[f"coverage_items-{n}-state"] = values.get("state", item.state)
        data[f"coverage_items-{n}-paragraphs"] = values.get("paragraphs", item.paragraphs)
        data[f"coverage_items-{n}-note"] = values.get("note", item.note)
    return data


def test_registering_in_the_admin_opens_the_checklist(admin_client, mission):
    response = admin_client.post(
        reverse("admin:mandates_secretarygeneralreport_add"),
        {
            "mission": mission.pk,
            "symbol": "S/2026/300",
            "date": "2026-05-15",
            "link": "",
            "title": "",
            "coverage_items-TOTAL_FORMS": "0",
            "coverage_items-INITIAL_FORMS": "0",
            "coverage_items-MIN_NUM_FORMS": "0",
            "coverage_items-MAX_NUM_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report = SecretaryGeneralReport.objects.get(symbol="S/2026/300")
    assert report.coverage_items.count() == len(CoverageElement.values)


def test_ticking_the_checklist_in_the_admin(admin_client, mission):
    from mandates.sg_reports import services as reporting

    report = reporting.report_register(
        mission=mission, symbol="S/2026/301", date=datetime.date(2026, 5, 15), by=None
    )
    url = reverse("admin:mandates_secretarygeneralreport_change", args=[report.pk])
    data = _inline(
        report,
        {
            "benchmarks": {"state": CoverageState.COVERED, "paragraphs": "31-33"},
            "other_actors": {"state": CoverageState.MISSING},
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    covered = CoverageItem.objects.get(report=report, element="benchmarks")
    assert (covered.state, covered.paragraphs) == ("covered", "31-33")
    request = Request.objects.get()
    assert request.reference == "cov-UNMISS-2026-05-15-other_actors"
    assert request.due_date == datetime.date(2026, 8, 15)
    # Saving the page again creates nothing more.
    report.refresh_from_db()
    assert admin_client.post(url, _inline(report, {})).status_code == 302
    assert Request.objects.count() == 1


def test_covered_without_paragraphs_is_refused_in_the_admin(admin_client, mission):
    from mandates.sg_reports import services as reporting

    report = reporting.report_register(
        mission=mission, symbol="S/2026/302", date=datetime.date(2026, 5, 15), by=None
    )
    url = reverse("admin:mandates_secretarygeneralreport_change", args=[report.pk])
    data = _inline(report, {"obstacles": {"state": CoverageState.COVERED}})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Name the report paragraphs" in response.content.decode()
    assert not CoverageItem.objects.filter(state=CoverageState.COVERED).exists()


def test_the_reporting_job_has_a_default_daily_schedule():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="mandates.tasks.reporting_daily")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("5", "45")
