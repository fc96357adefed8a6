"""Reporting cycles: registering reports opens their checklists, missing coverage becomes a
request for the next report (once), mandate expiries become renewal requests (once)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mandates.choices import CoverageElement, CoverageState, RequestStatus, UnitKind
from mandates.models import CoverageItem, Request, SecretaryGeneralReport
from mandates.organisation import renewals
from mandates.sg_reports import calendar
from mandates.sg_reports import services as reporting
from mandates.tasks import reporting_daily
from tests.factories import (
    BenchmarkFactory,
    DocumentFactory,
    MissionFactory,
    ParagraphFactory,
    UnitFactory,
)

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    mission = MissionFactory.create(
        acronym="MINUSCA", reporting_cycle_months=4, reporting_anchor=D(2025, 10, 15)
    )
    UnitFactory.create(acronym="MINUSCA-SSR", kind=UnitKind.MISSION_SECTION, mission=mission)
    return mission


@pytest.fixture
def op20():
    document = DocumentFactory.create(symbol="S/RES/2553 (2020)", citation_label="2553 (2020)")
    parent = ParagraphFactory.create(document=document, ref="20", number=20, order=2000)
    return {
        label: ParagraphFactory.create(
            document=document,
            ref=f"20({label})",
            number=20,
            label=label,
            parent=parent,
            order=2000 + ord(label),
        )
        for label in ("e", "f")
    }


def register(mission, symbol="S/2026/100", date=None, by=None):
    date = date or D(2026, 2, 15)
    return reporting.report_register(mission=mission, symbol=symbol, date=date, by=by)


def test_registering_a_report_opens_its_checklist(mission):
    report = register(mission)
    items = list(report.coverage_items.order_by("element"))
    assert sorted(i.element for i in items) == sorted(CoverageElement.values)
    assert {i.state for i in items} == {CoverageState.NOT_REVIEWED}


def test_a_symbol_is_registered_once(mission):
    register(mission)
    with pytest.raises(ValidationError, match="already registered"):
        register(mission, date=D(2026, 6, 15))
    assert SecretaryGeneralReport.objects.count() == 1
    assert CoverageItem.objects.count() == len(CoverageElement.values)


def test_a_manager_cannot_register_a_report(mission, manager):
    with pytest.raises(PermissionDenied):
        register(mission, by=manager)


def test_staff_register_a_report_on_their_mission(mission, staff_a):
    # Who may register on which mission: tests/mandates/test_reporting_rules.py.
    mission.units.get().memberships.create(user=staff_a)
    assert register(mission, by=staff_a).coverage_items.count() == 6


def test_covered_needs_the_report_paragraphs(mission):
    item = register(mission).coverage_items.get(element=CoverageElement.BENCHMARKS)
    with pytest.raises(ValidationError, match="paragraphs"):
        reporting.coverage_record(item=item, state=CoverageState.COVERED, by=None)
    reporting.coverage_record(item=item, state=CoverageState.COVERED, paragraphs="34-38", by=None)
    item.refresh_from_db()
    assert (item.state, item.paragraphs, item.follow_up_id) == ("covered", "34-38", None)
    assert not Request.objects.exists()


def test_missing_coverage_creates_a_request_for_the_next_report(mission, op20):
    item = register(mission).coverage_items.get(element=CoverageElement.COORDINATION)
    reporting.coverage_record(item=item, state=CoverageState.MISSING, note="No word", by=None)
    request = Request.objects.get()
    assert item.follow_up_id == request.pk
    assert request.reference == "cov-MINUSCA-2026-02-15-coordination"
    assert request.due_date == D(2026, 6, 15)  # the next report of the four-month cycle
    assert request.lead_unit.acronym == "MINUSCA-SSR"
    assert list(request.missions.all()) == [mission]
    assert list(request.paragraphs.all()) == [op20["f"]]  # coordination is OP20(f)
    assert request.status == RequestStatus.NOT_STARTED
    assert request.updates.count() == 1


def test_missing_coverage_creates_its_request_once(mission):
    item = register(mission).coverage_items.get(element=CoverageElement.OBSTACLES)
    reporting.coverage_record(item=item, state=CoverageState.MISSING, by=None)
    reporting.coverage_record(item=item, state=CoverageState.MISSING, note="again", by=None)
    assert reporting.coverage_follow_up(item_id=item.pk) is None
    assert reporting.coverage_follow_ups() == []
    assert Request.objects.count() == 1


def test_a_lost_link_is_restored_rather_than_duplicated(mission):
    item = register(mission).coverage_items.get(element=CoverageElement.OBSTACLES)
    reporting.coverage_record(item=item, state=CoverageState.MISSING, by=None)
    request = Request.objects.get()
    CoverageItem.objects.filter(pk=item.pk).update(follow_up=None)
    assert reporting.coverage_follow_ups() == []
    item.refresh_from_db()
    assert item.follow_up_id == request.pk
    assert Request.objects.count() == 1


def test_without_an_ssr_section_the_default_unit_leads(settings):
    settings.REPORTING_DEFAULT_LEAD_UNIT = "SSRU"
    UnitFactory.create(acronym="SSRU")
    mission = MissionFactory.create(acronym="UNOWAS", reporting_anchor=None)
    item = register(mission).coverage_items.get(element=CoverageElement.SSR_PROGRESS)
    reporting.coverage_record(item=item, state=CoverageState.MISSING, by=None)
    request = Request.objects.get()
    assert request.lead_unit.acronym == "SSRU"
    assert request.due_date is None  # no anchor: the next report date is unknown


def test_renewal_request_due_weeks_before_expiry(mission, settings):
    settings.RENEWAL_INPUT_WEEKS_BEFORE = 6
    mission.mandate_expiry = D(2026, 11, 15)
    mission.save()
    created = renewals.renewal_requests_create(today=D(2026, 6, 1))
    assert [r.reference for r in created] == ["renewal-MINUSCA-2026-11-15"]
    request = created[0]
    assert request.due_date == D(2026, 10, 4)
    assert request.lead_unit.acronym == "MINUSCA-SSR"
    assert list(request.missions.all()) == [mission]


def test_renewal_request_created_once_per_expiry(mission):
    mission.mandate_expiry = D(2026, 11, 15)
    mission.save()
    assert len(renewals.renewal_requests_create(today=D(2026, 6, 1))) == 1
    assert renewals.renewal_requests_create(today=D(2026, 6, 2)) == []
    assert reporting_daily(today="2026-06-03") == {
        "renewals": [],
        "coverage": [],
        "coverage_closed": [],
        "missed": [],
        "skipped": [],
    }
    # The Council renews the mandate: the new expiry gets its own request, once.
    mission.mandate_expiry = D(2027, 11, 15)
    mission.save()
    assert len(renewals.renewal_requests_create(today=D(2026, 11, 20))) == 1
    assert renewals.renewal_requests_create(today=D(2026, 11, 21)) == []
    assert Request.objects.filter(reference__startswith="renewal-").count() == 2


def test_no_renewal_request_without_a_future_expiry(mission):
    assert renewals.renewal_requests_create(today=D(2026, 6, 1)) == []
    mission.mandate_expiry = D(2026, 5, 31)
    mission.save()
    assert renewals.renewal_requests_create(today=D(2026, 6, 1)) == []
    ended = MissionFactory.create(
        acronym="OLD", mandate_expiry=D(2026, 12, 31), end_date=D(2026, 5, 1)
    )
    assert renewals.renewal_request_create(mission_id=ended.pk, today=D(2026, 6, 1)) is None


def test_an_expiry_entered_late_gets_a_request_due_today(mission):
    mission.mandate_expiry = D(2026, 6, 20)
    mission.save()
    (request,) = renewals.renewal_requests_create(today=D(2026, 6, 1))
    assert request.due_date == D(2026, 6, 1)


def test_mission_expected_reports(mission):
    assert calendar.expected_reports(mission, start=D(2026, 1, 1), end=D(2026, 12, 31)) == [
        D(2026, 2, 15),
        D(2026, 6, 15),
        D(2026, 10, 15),
    ]
    assert calendar.next_report_after(mission, D(2026, 6, 15)) == D(2026, 10, 15)
    mission.reporting_anchor = None
    assert calendar.expected_reports(mission, start=D(2026, 1, 1), end=D(2026, 12, 31)) == []


def test_progress_set_by_hand_needs_a_reason_and_wins():
    benchmark = BenchmarkFactory.create(baseline="38%", target="70%")
    assert benchmark.progress_for("52%", today=D(2026, 1, 1)) == ("on_track", False)
    benchmark.progress_override = "off_track"
    with pytest.raises(ValidationError, match="needs a reason"):
        benchmark.full_clean()
    benchmark.progress_override_reason = "The figures for the period are disputed."
    benchmark.full_clean()
    assert benchmark.progress_for("52%") == ("off_track", True)


def test_seed_shows_three_missions_with_periods_and_reports_with_checklists():
    from django.db.models import Count

    from mandates.models import Mission
    from mandates.seed import load_seed

    load_seed()
    missions = Mission.objects.annotate(
        periods=Count("benchmarks__assessments__period_start", distinct=True),
        reports=Count("sg_reports", distinct=True),
    ).filter(periods__gte=2, reports__gte=2)
    assert missions.count() >= 3
    for report in SecretaryGeneralReport.objects.all():
        assert report.coverage_items.count() == len(CoverageElement.values)
    gaps = CoverageItem.objects.filter(state=CoverageState.MISSING)
    assert gaps.exists()
    assert not gaps.filter(follow_up__isnull=True).exists()
    assert load_seed().changed is False


def _at_once(work, n: int = 3) -> list[object]:
    """Run ``work`` in ``n`` threads released together (each on its own connection)."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(n)
    results: list[object] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(work())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == n
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_jobs_at_once_create_one_renewal_request(mission):
    mission.mandate_expiry = D(2026, 11, 15)
    mission.save()
    results = _at_once(
        lambda: renewals.renewal_request_create(mission_id=mission.pk, today=D(2026, 6, 1))
    )
    assert sum(r is not None for r in results) == 1
    assert Request.objects.filter(reference__startswith="renewal-").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_create_one_coverage_request(mission):
    item = register(mission).coverage_items.get(element=CoverageElement.OBSTACLES)
    _at_once(lambda: reporting.coverage_record(item=item, state=CoverageState.MISSING, by=None))
    assert Request.objects.count() == 1
