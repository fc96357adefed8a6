"""The mandate cycle: each mission's reporting calendar, requests "with each regular report"
answered mission by mission, fulfilments, coverage follow-ups closed by a later report, and
benchmark assessments citing the report on their mission."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from mandates.benchmarks.services import assessment_create
from mandates.choices import (
    CoverageElement,
    CoverageState,
    FulfilmentOutcome,
    Recurrence,
    UnitKind,
)
from mandates.choices import RequestStatus as S
from mandates.models import (
    CoverageItem,
    Fulfilment,
    Request,
    RequestMission,
    SecretaryGeneralReport,
    StatusUpdate,
    Unit,
)
from mandates.requests import recurrence
from mandates.sg_reports import calendar, reporting_dates
from mandates.sg_reports import fulfilment as fulfilments
from mandates.sg_reports import services as reporting
from tests.factories import (
    BenchmarkFactory,
    DocumentFactory,
    MissionFactory,
    RequestFactory,
    UnitFactory,
)

D = datetime.date
pytestmark = pytest.mark.django_db


ANCHOR = D(2025, 10, 15)


def _mission(acronym="MINUSCA", *, months=4, anchor=ANCHOR, **fields):
    mission = MissionFactory.create(
        acronym=acronym, reporting_cycle_months=months, reporting_anchor=anchor, **fields
    )
    UnitFactory.create(acronym=f"{acronym}-SSR", kind=UnitKind.MISSION_SECTION, mission=mission)
    return mission


def _report(mission, day, symbol=None):
    return reporting.report_register(
        mission=mission, symbol=symbol or f"S/{mission.acronym}/{day:%Y-%m-%d}", date=day, by=None
    )


def _add_date(mission, day):
    return reporting_dates.reporting_date_add(mission=mission, date=day, by=None)


# --- the calendar ------------------------------------------------------------------------------


def test_explicit_dates_win_and_the_cycle_continues_after_the_last():
    mission = _mission()  # every 4 months from 15 October 2025
    _add_date(mission, D(2026, 5, 31))
    assert calendar.expected_reports(mission, start=D(2026, 1, 1), end=D(2027, 2, 1)) == [
        D(2026, 2, 15),  # the anchor's cycle, before the first date the Council set
        D(2026, 5, 31),  # the Council's date, not 15 June
        D(2026, 9, 30),  # the cycle goes on from the Council's last date
        D(2027, 1, 31),
    ]
    _report(mission, D(2026, 2, 14))
    assert calendar.next_report_due(mission, today=D(2026, 4, 1)) == D(2026, 5, 31)


def test_an_early_report_answers_the_next_date():
    mission = _mission()
    _report(mission, D(2026, 2, 15))
    _report(mission, D(2026, 5, 20))  # before 15 June, after halfway from 15 February
    assert calendar.next_report_due(mission, today=D(2026, 5, 21)) == D(2026, 10, 15)


def test_a_late_report_answers_the_date_it_is_late_for():
    mission = _mission()
    _report(mission, D(2026, 2, 15))
    assert calendar.next_report_due(mission, today=D(2026, 7, 1)) == D(2026, 6, 15)  # late
    _report(mission, D(2026, 7, 10))
    assert calendar.next_report_due(mission, today=D(2026, 7, 11)) == D(2026, 10, 15)


def test_one_report_answers_one_date_the_nearest():
    # The old rule let the latest report answer every date within half a gap of it: a report
    # early for June also "answered" a February that had no report.
    mission = _mission()
    window = calendar.expected_reports(mission, start=D(2025, 1, 1), end=D(2027, 1, 1))
    assert calendar.answered_dates(window, [D(2026, 5, 20), D(2026, 6, 1)]) == {
        D(2026, 6, 15): D(2026, 5, 20)  # the second report in the window answers nothing
    }
    assert calendar.answered_dates(window, [D(2026, 9, 1)]) == {D(2026, 10, 15): D(2026, 9, 1)}
    _report(mission, D(2026, 9, 1))  # nearer 15 October than 15 June: early for October
    assert calendar.next_report_due(mission, today=D(2026, 9, 2)) == D(2027, 2, 15)


def test_a_date_whose_next_date_arrived_without_a_report_is_missed_not_due():
    mission = _mission()
    _report(mission, D(2026, 2, 15))
    assert calendar.next_report_due(mission, today=D(2026, 10, 20)) == D(2026, 10, 15)


def test_a_closed_mission_expects_no_report():
    mission = _mission(end_date=D(2026, 3, 1))
    assert calendar.next_report_due(mission, today=D(2026, 4, 1)) is None
    assert calendar.expected_reports(mission, start=D(2026, 1, 1), end=D(2026, 12, 31)) == [
        D(2026, 2, 15)
    ]
    assert calendar.next_report_after(mission, D(2026, 2, 15)) is None


def test_a_coverage_follow_up_is_due_with_the_report_after_the_one_answered():
    mission = _mission()
    report = _report(mission, D(2026, 5, 20))  # early for 15 June
    item = report.coverage_items.get(element=CoverageElement.OBSTACLES)
    reporting.coverage_record(item=item, state=CoverageState.MISSING, by=None)
    item.refresh_from_db()
    assert item.follow_up.due_date == D(2026, 10, 15)  # not 15 June, which the report answered


# --- reporting dates: rights and the API ------------------------------------------------------


def test_staff_change_only_the_calendars_of_missions_they_report_for(staff_a, staff_b):
    mission = _mission()
    Unit.objects.filter(acronym="UNIT-A").update(mission=mission)
    row = reporting_dates.reporting_date_add(mission=mission, date=D(2027, 2, 15), by=staff_a)
    with pytest.raises(PermissionDenied):
        reporting_dates.reporting_date_add(mission=mission, date=D(2027, 6, 15), by=staff_b)
    with pytest.raises(PermissionDenied):
        reporting_dates.reporting_date_remove(reporting_date=row, by=staff_b)
    reporting_dates.reporting_date_remove(reporting_date=row, by=staff_a)
    assert not mission.reporting_dates.exists()


def test_the_mission_detail_shows_its_reporting_calendar(manager):
    mission = _mission(anchor=D(2025, 10, 15))
    _add_date(mission, D(2099, 2, 15))
    client = APIClient()
    client.force_authenticate(manager)
    data = client.get(reverse("api:mission-detail", args=[mission.pk])).json()
    calendar_data = data["reporting_calendar"]
    assert calendar_data["cycle_months"] == 4
    assert calendar_data["anchor"] == "2025-10-15"
    assert calendar_data["dates"] == ["2099-02-15"]
    assert calendar_data["next_report_due"] is not None
    assert "reporting_calendar" not in client.get(reverse("api:mission-list")).json()["results"][0]


# --- requests "with each regular report" (the 2553-OP20e) -----------------------------


@pytest.fixture
def op20e():
    """2553-OP20e with MONUSCO (next report 20 December 2026) and MINUSCA and UNMISS (15
    February 2027), due on the one date the seed gave it (15 December 2026)."""
    monusco = _mission("MONUSCO", months=3, anchor=D(2026, 9, 20))
    minusca = _mission("MINUSCA", months=4, anchor=D(2026, 10, 15))
    unmiss = _mission("UNMISS", months=4, anchor=D(2026, 10, 15))
    _add_date(unmiss, D(2027, 2, 15))
    for mission, day in ((monusco, D(2026, 9, 20)), (minusca, D(2026, 10, 15))):
        _report(mission, day)
    _report(unmiss, D(2026, 10, 15))
    request = RequestFactory.create(
        reference="2553-OP20e",
        status=S.IN_PROGRESS,
        due_date=D(2026, 12, 15),
        recurrence=Recurrence.MISSION_REPORTS,
        missions=[monusco, minusca, unmiss],
    )
    return request, monusco, minusca, unmiss


def _due(request, mission):
    return (
        RequestMission.objects.select_related("request")
        .get(request=request, mission=mission)
        .current_due_date
    )


def test_each_line_falls_due_with_its_own_missions_next_report(op20e):
    request, monusco, minusca, unmiss = op20e
    fulfilments.mission_report_lines_schedule(today=D(2026, 12, 2))
    assert _due(request, monusco) == D(2026, 12, 20)
    assert _due(request, minusca) == D(2027, 2, 15)
    assert _due(request, unmiss) == D(2027, 2, 15)
    request.refresh_from_db()
    assert request.due_date == D(2026, 12, 20)
    # Run again: nothing moves.
    assert fulfilments.mission_report_lines_schedule(today=D(2026, 12, 3)) == []


def test_the_obligation_never_has_two_open_occurrences(op20e):
    request, monusco, _minusca, _unmiss = op20e
    fulfilments.mission_report_lines_schedule(today=D(2026, 12, 2))
    # The old recurrence opened "2553-OP20e--2027-03-15" once the shared date passed.
    assert recurrence.create_due_occurrences(today=D(2026, 12, 21)) == []
    report = _report(monusco, D(2026, 12, 20))
    (answer,) = Fulfilment.objects.filter(request=request)
    assert (answer.mission, answer.report, answer.due_date, answer.outcome) == (
        monusco,
        report,
        D(2026, 12, 20),
        FulfilmentOutcome.ON_TIME,
    )
    assert _due(request, monusco) == D(2027, 3, 20)  # the line moves on and stays open
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS
    assert request.due_date == D(2027, 2, 15)
    assert Request.objects.filter(reference__startswith="2553-OP20e").count() == 1
    assert StatusUpdate.objects.filter(
        request=request, mission=monusco, note__contains=report.symbol
    ).exists()


def test_a_late_report_is_recorded_late_and_a_missed_one_missed(op20e):
    request, _monusco, minusca, unmiss = op20e
    fulfilments.mission_report_lines_schedule(today=D(2026, 12, 2))
    _report(minusca, D(2027, 3, 1))  # late for 15 February
    late = Fulfilment.objects.get(request=request, mission=minusca)
    assert (late.due_date, late.outcome) == (D(2027, 2, 15), FulfilmentOutcome.LATE)
    assert _due(request, minusca) == D(2027, 6, 15)
    # UNMISS sends nothing: once its next date (15 June) arrives, 15 February is missed.
    fulfilments.mission_report_lines_sweep(today=D(2027, 6, 14))
    assert not Fulfilment.objects.filter(mission=unmiss).exists()
    fulfilments.mission_report_lines_sweep(today=D(2027, 6, 15))
    (missed,) = Fulfilment.objects.filter(mission=unmiss)
    assert (missed.mission, missed.due_date, missed.outcome) == (
        unmiss,
        D(2027, 2, 15),
        FulfilmentOutcome.MISSED,
    )
    assert _due(request, unmiss) == D(2027, 6, 15)


def test_an_old_report_registered_late_answers_nothing_of_the_line(op20e):
    request, monusco, *_ = op20e
    fulfilments.mission_report_lines_schedule(today=D(2026, 12, 2))
    _report(monusco, D(2026, 6, 20), symbol="S/2026/old")
    assert not Fulfilment.objects.filter(request=request).exists()
    assert _due(request, monusco) == D(2026, 12, 20)


def test_a_report_on_a_mission_answers_only_that_missions_line(op20e):
    request, _monusco, minusca, unmiss = op20e
    fulfilments.mission_report_lines_schedule(today=D(2026, 12, 2))
    _report(minusca, D(2027, 2, 10))
    assert set(Fulfilment.objects.values_list("mission__acronym", flat=True)) == {"MINUSCA"}
    assert _due(request, unmiss) == D(2027, 2, 15)


def test_the_daily_job_schedules_and_sweeps(op20e):
    request, monusco, *_ = op20e
    reporting.daily(today=D(2026, 12, 2))
    assert _due(request, monusco) == D(2026, 12, 20)


# --- recording what fulfilled a request ------------------------------------------------------


@pytest.fixture
def one_off(staff_a):
    minusca = _mission("MINUSCA")
    monusco = _mission("MONUSCO")
    request = RequestFactory.create(
        lead_unit=Unit.objects.get(acronym="UNIT-A"),
        due_date=D(2026, 3, 1),
        missions=[minusca, monusco],
    )
    return request, minusca, monusco


def test_a_report_fulfils_a_line_with_a_timeline_entry_citing_it(one_off, staff_a):
    request, minusca, _monusco = one_off
    report = _report(minusca, D(2026, 2, 15), symbol="S/2026/123")
    fulfilment = fulfilments.fulfilment_record(
        request=request, mission=minusca, report=report, paragraphs="34-38", by=staff_a
    )
    assert fulfilment.outcome == FulfilmentOutcome.ON_TIME
    line = RequestMission.objects.get(request=request, mission=minusca)
    assert line.status == S.COMPLETED
    assert (
        StatusUpdate.objects.filter(
            request=request, mission=minusca, status_to=S.COMPLETED, note__contains="S/2026/123"
        )
        .filter(note__contains="34-38")
        .exists()
    )
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS  # MONUSCO's line is still open


def test_fulfilment_refusals(one_off, staff_a, staff_b, manager):
    request, minusca, monusco = one_off
    report = _report(minusca, D(2026, 2, 15))
    with pytest.raises(Exception, match="on MINUSCA, not on MONUSCO"):
        fulfilments.fulfilment_record(request=request, mission=monusco, report=report, by=None)
    with pytest.raises(Exception, match="Name the mission"):
        fulfilments.fulfilment_record(request=request, report=report, by=None)
    with pytest.raises(Exception, match="Name the report or document"):
        fulfilments.fulfilment_record(request=request, mission=minusca, by=None)
    for person in (staff_b, manager):
        with pytest.raises(PermissionDenied):
            fulfilments.fulfilment_record(
                request=request, mission=minusca, report=report, by=person
            )
    fulfilments.fulfilment_record(request=request, mission=minusca, report=report, by=staff_a)
    with pytest.raises(Exception, match="Only an open"):
        fulfilments.fulfilment_record(request=request, mission=minusca, report=report, by=None)
    assert Fulfilment.objects.count() == 1


def test_a_request_with_each_report_is_not_fulfilled_by_hand(op20e):
    request, monusco, *_ = op20e
    report = SecretaryGeneralReport.objects.filter(mission=monusco).first()
    with pytest.raises(Exception, match="register the report"):
        fulfilments.fulfilment_record(request=request, mission=monusco, report=report, by=None)


def test_a_request_without_missions_is_closed_by_a_late_document(staff_a):
    request = RequestFactory.create(
        lead_unit=Unit.objects.get(acronym="UNIT-A"), due_date=D(2026, 3, 1)
    )
    letter = DocumentFactory.create(symbol="S/2026/500", date=D(2026, 3, 10))
    fulfilment = fulfilments.fulfilment_record(request=request, document=letter, by=staff_a)
    assert fulfilment.outcome == FulfilmentOutcome.LATE
    request.refresh_from_db()
    assert request.status == S.COMPLETED


def test_the_api_records_and_lists_fulfilments(one_off, staff_a, staff_b):
    request, minusca, _monusco = one_off
    report = _report(minusca, D(2026, 2, 15), symbol="S/2026/77")
    url = reverse("api:request-fulfilments", args=[request.pk])
    refused = APIClient()
    refused.force_authenticate(staff_b)
    assert refused.post(url, {"mission": minusca.pk, "report": report.pk}).status_code == 403
    client = APIClient()
    client.force_authenticate(staff_a)
    wrong = client.post(url, {"report": report.pk}, format="json")
    assert wrong.status_code == 400
    made = client.post(
        url, {"mission": minusca.pk, "report": report.pk, "paragraphs": "5-7"}, format="json"
    )
    assert made.status_code == 201, made.content
    detail = client.get(reverse("api:request-detail", args=[request.pk])).json()
    (row,) = detail["fulfilments"]
    assert row["report"]["display"] == "S/2026/77"
    assert row["paragraphs"] == "5-7"
    assert row["mission"]["display"] == "MINUSCA"
    assert row["outcome"] == "on_time"
    assert row["due_date"] == "2026-03-01"


def test_the_admin_lists_fulfilments_on_the_request_page(one_off, administrator, client):
    request, minusca, _monusco = one_off
    report = _report(minusca, D(2026, 2, 15), symbol="S/2026/88")
    fulfilments.fulfilment_record(request=request, mission=minusca, report=report, by=None)
    client.force_login(administrator)
    page = client.get(reverse("admin:mandates_request_change", args=[request.pk]))
    assert "S/2026/88" in page.content.decode()


def test_the_admin_form_shows_a_refusal_instead_of_saving(one_off, administrator, client):
    request, minusca, monusco = one_off
    report = _report(minusca, D(2026, 2, 15))
    client.force_login(administrator)
    page = client.post(
        reverse("admin:mandates_fulfilment_add"),
        {"request": request.pk, "mission": monusco.pk, "report": report.pk},
    )
    assert page.status_code == 200
    assert "not on MONUSCO" in page.content.decode()
    assert not Fulfilment.objects.exists()
    client.post(
        reverse("admin:mandates_fulfilment_add"),
        {"request": request.pk, "mission": minusca.pk, "report": report.pk, "paragraphs": "9"},
    )
    assert Fulfilment.objects.get().paragraphs == "9"


# --- coverage closes follow-ups --------------------------------------------------------------


def _mark(report, element, state, paragraphs=""):
    item = CoverageItem.objects.get(report=report, element=element)
    return reporting.coverage_record(item=item, state=state, paragraphs=paragraphs, by=None)


def test_a_later_report_covering_the_element_closes_the_follow_up():
    mission = _mission()
    october = _report(mission, D(2025, 10, 15))
    gap = _mark(october, CoverageElement.HOST_COMMITMENTS, CoverageState.MISSING).follow_up
    february = _report(mission, D(2026, 2, 15), symbol="S/2026/100")
    _mark(february, CoverageElement.HOST_COMMITMENTS, CoverageState.COVERED, "21-23")
    gap.refresh_from_db()
    assert gap.status == S.COMPLETED
    (evidence,) = gap.fulfilments.all()
    assert (evidence.report, evidence.paragraphs) == (february, "21-23")
    assert StatusUpdate.objects.filter(request=gap, note__contains="S/2026/100").exists()


def test_what_does_not_close_a_follow_up():
    mission = _mission()
    other = _mission("MONUSCO")
    october = _report(mission, D(2025, 10, 15))
    gap = _mark(october, CoverageElement.HOST_COMMITMENTS, CoverageState.MISSING).follow_up
    february = _report(mission, D(2026, 2, 15))
    _mark(february, CoverageElement.OBSTACLES, CoverageState.COVERED, "5")  # another element
    _mark(february, CoverageElement.HOST_COMMITMENTS, CoverageState.MISSING)  # not covered
    elsewhere = _report(other, D(2026, 2, 20))  # another mission's report
    _mark(elsewhere, CoverageElement.HOST_COMMITMENTS, CoverageState.COVERED, "7")
    gap.refresh_from_db()
    assert gap.status in S.open()
    assert not gap.fulfilments.exists()


def test_the_daily_job_closes_follow_ups_a_later_report_covered():
    # The cov-MINUSCA-2025-10-15-host_commitments: open although February covered it.
    mission = _mission()
    october = _report(mission, D(2025, 10, 15))
    february = _report(mission, D(2026, 2, 15))
    _mark(february, CoverageElement.HOST_COMMITMENTS, CoverageState.COVERED, "21")
    gap = _mark(october, CoverageElement.HOST_COMMITMENTS, CoverageState.MISSING).follow_up
    assert gap.reference == "cov-MINUSCA-2025-10-15-host_commitments"
    gap.refresh_from_db()
    assert gap.status in S.open()
    result = reporting.daily(today=D(2026, 3, 1))
    assert result["coverage_closed"] == [gap.pk]
    gap.refresh_from_db()
    assert gap.status == S.COMPLETED
    assert reporting.daily(today=D(2026, 3, 2))["coverage_closed"] == []


# --- benchmark assessments cite the report on their mission ----------------------------------


def test_an_assessment_cites_a_report_on_its_benchmarks_mission():
    mission = _mission()
    other = _mission("MONUSCO")
    benchmark = BenchmarkFactory.create(mission=mission)
    own = _report(mission, D(2026, 2, 15))
    foreign = _report(other, D(2026, 2, 15))
    fields = {"period_start": D(2026, 1, 1), "period_end": D(2026, 3, 31), "rating": "on_track"}
    with pytest.raises(ValidationError, match="not on this benchmark's mission"):
        assessment_create(benchmark=benchmark, by=None, fields={**fields, "report": foreign})
    made = assessment_create(benchmark=benchmark, by=None, fields={**fields, "report": own})
    assert made.report == own


def test_administrators_add_a_reporting_date_on_the_mission_page(administrator, client):
    from tests.mandates.test_admin import form_data

    mission = _mission()
    client.force_login(administrator)
    url = reverse("admin:mandates_mission_change", args=[mission.pk])
    data = form_data(client, url)
    data.update(
        {
            "reporting_dates-TOTAL_FORMS": "1",
            "reporting_dates-0-date": "2027-02-15",
            "reporting_dates-0-note": "Resolution 2759 (2024)",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    assert list(mission.reporting_dates.values_list("date", flat=True)) == [D(2027, 2, 15)]
