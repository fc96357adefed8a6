"""Who may change a mission's reporting records (its Secretary-General reports, their coverage
checklists, the support other actors give it), in the services and in the admin.

``staff_a`` is a focal point of MINUSCA's SSR section and ``staff_b`` of MONUSCO's: each reads
everything and changes only the records of their own mission."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from mandates.choices import CoverageElement, CoverageState, MembershipRole, UnitKind
from mandates.models import (
    CoverageItem,
    Mission,
    PartnerSupport,
    Request,
    SecretaryGeneralReport,
    Unit,
)
from mandates.organisation import permissions, roles
from mandates.sg_reports import services as reporting
from tests.factories import BenchmarkFactory, MissionFactory, PartnerSupportFactory, UnitFactory
from tests.mandates.test_admin_reporting import _inline

D = datetime.date
pytestmark = pytest.mark.django_db


@dataclass
class Missions:
    minusca: Mission
    monusco: Mission
    minusca_report: SecretaryGeneralReport
    monusco_report: SecretaryGeneralReport
    monusco_support: PartnerSupport


def _section(mission: Mission, user: User) -> Unit:
    section = UnitFactory.create(
        acronym=f"{mission.acronym}-SSR", kind=UnitKind.MISSION_SECTION, mission=mission
    )
    section.memberships.create(user=user, role=MembershipRole.FOCAL_POINT)
    return section


@pytest.fixture
def missions(staff_a, staff_b) -> Missions:
    """MINUSCA (``staff_a``'s mission) and MONUSCO (``staff_b``'s), a report on each (registered
    by the seed job) and support to MONUSCO."""
    minusca, monusco = (
        MissionFactory.create(
            acronym=acronym, reporting_cycle_months=4, reporting_anchor=D(2025, 10, 15)
        )
        for acronym in ("MINUSCA", "MONUSCO")
    )
    _section(minusca, staff_a)
    _section(monusco, staff_b)
    return Missions(
        minusca=minusca,
        monusco=monusco,
        minusca_report=reporting.report_register(
            mission=minusca, symbol="S/2026/101", date=D(2026, 2, 15), by=None
        ),
        monusco_report=reporting.report_register(
            mission=monusco, symbol="S/2026/202", date=D(2026, 2, 15), by=None
        ),
        monusco_support=PartnerSupportFactory.create(mission=monusco, partner="EUTM"),
    )


def _item(report: SecretaryGeneralReport, element: str = CoverageElement.OBSTACLES) -> CoverageItem:
    return report.coverage_items.get(element=element)


def _unchanged(m: Missions) -> None:
    """MONUSCO's records are as the fixture made them, and no follow-up request exists."""
    report = SecretaryGeneralReport.objects.get(pk=m.monusco_report.pk)
    assert (report.mission_id, report.title) == (m.monusco.pk, "")
    assert set(report.coverage_items.values_list("state", flat=True)) == {
        CoverageState.NOT_REVIEWED
    }
    support = PartnerSupport.objects.get(pk=m.monusco_support.pk)
    assert (support.partner, support.mission_id) == ("EUTM", m.monusco.pk)
    assert not Request.objects.exists()


# --- services: the refused side --------------------------------------------------------------


def test_staff_cannot_register_a_report_on_another_mission(missions, staff_a):
    with pytest.raises(PermissionDenied, match="missions your units report for"):
        reporting.report_register(
            mission=missions.monusco, symbol="S/2026/203", date=D(2026, 6, 15), by=staff_a
        )
    assert not SecretaryGeneralReport.objects.filter(symbol="S/2026/203").exists()


def test_staff_cannot_change_another_missions_report(missions, staff_a):
    report = SecretaryGeneralReport.objects.get(pk=missions.monusco_report.pk)
    report.title = "Changed from MINUSCA"
    with pytest.raises(PermissionDenied, match="missions your units report for"):
        reporting.report_change(report=report, by=staff_a)
    _unchanged(missions)


def test_staff_cannot_move_their_report_to_another_mission(missions, staff_a):
    report = SecretaryGeneralReport.objects.get(pk=missions.minusca_report.pk)
    report.mission = missions.monusco
    with pytest.raises(PermissionDenied):
        reporting.report_change(report=report, by=staff_a)
    assert SecretaryGeneralReport.objects.get(pk=report.pk).mission_id == missions.minusca.pk


def test_marking_another_missions_item_missing_opens_no_request(missions, staff_a):
    item = _item(missions.monusco_report)
    with pytest.raises(PermissionDenied, match="missions your units report for"):
        reporting.coverage_record(item=item, state=CoverageState.MISSING, by=staff_a)
    _unchanged(missions)


def test_staff_cannot_change_or_add_support_to_another_mission(missions, staff_a):
    support = PartnerSupport.objects.get(pk=missions.monusco_support.pk)
    support.partner = "Changed from MINUSCA"
    with pytest.raises(PermissionDenied, match="missions your units report for"):
        reporting.partner_support_save(support=support, by=staff_a)
    new = PartnerSupport(
        partner="AU",
        partner_kind="african_union",
        mission=missions.monusco,
        period_start=D(2026, 1, 1),
    )
    with pytest.raises(PermissionDenied):
        reporting.partner_support_save(support=new, by=staff_a)
    _unchanged(missions)
    assert PartnerSupport.objects.count() == 1


def test_staff_cannot_move_support_to_another_mission(missions, staff_a):
    own = PartnerSupportFactory.create(mission=missions.minusca, partner="MINUSCA partner")
    own.mission = missions.monusco
    with pytest.raises(PermissionDenied):
        reporting.partner_support_save(support=own, by=staff_a)
    assert PartnerSupport.objects.get(pk=own.pk).mission_id == missions.minusca.pk


def test_support_with_no_mission_is_not_mission_staffs(missions, staff_a):
    new = PartnerSupport(
        partner="EU", partner_kind="european_union", country="Guinea", period_start=D(2026, 1, 1)
    )
    with pytest.raises(PermissionDenied, match="no mission"):
        reporting.partner_support_save(support=new, by=staff_a)
    assert not PartnerSupport.objects.filter(country="Guinea").exists()


def test_managers_change_no_reporting_record(missions, manager):
    with pytest.raises(PermissionDenied, match="role"):
        reporting.coverage_record(
            item=_item(missions.monusco_report), state=CoverageState.MISSING, by=manager
        )
    with pytest.raises(PermissionDenied, match="role"):
        reporting.partner_support_save(support=missions.monusco_support, by=manager)
    _unchanged(missions)


# --- services: the side that may ------------------------------------------------------------


def test_the_missions_staff_change_its_records(missions, staff_b):
    report = reporting.report_register(
        mission=missions.monusco, symbol="S/2026/203", date=D(2026, 6, 15), by=staff_b
    )
    report.title = "Report on MONUSCO"
    assert reporting.report_change(report=report, by=staff_b).title == "Report on MONUSCO"
    support = missions.monusco_support
    support.note = "Training of 300 police officers."
    reporting.partner_support_save(support=support, by=staff_b)
    assert PartnerSupport.objects.get(pk=support.pk).note == support.note
    item = reporting.coverage_record(
        item=_item(missions.monusco_report), state=CoverageState.MISSING, by=staff_b
    )
    # The follow-up is led by MONUSCO's SSR section, which its focal point can then work on.
    request = Request.objects.get(coverage_gap=item)
    assert request.lead_unit.acronym == "MONUSCO-SSR"
    assert permissions.can_change_request(staff_b, request)


def test_administrators_change_every_missions_records(missions, administrator):
    reporting.coverage_record(
        item=_item(missions.monusco_report), state=CoverageState.MISSING, by=administrator
    )
    assert Request.objects.get().lead_unit.acronym == "MONUSCO-SSR"
    reporting.partner_support_save(
        support=PartnerSupport(
            partner="EU",
            partner_kind="european_union",
            country="Guinea",
            period_start=D(2026, 1, 1),
        ),
        by=administrator,
    )
    assert PartnerSupport.objects.filter(country="Guinea").exists()


def test_a_unit_responsible_for_a_missions_benchmark_reports_for_it(missions, staff_a):
    BenchmarkFactory.create(
        mission=missions.monusco, responsible_unit=Unit.objects.get(acronym="UNIT-A")
    )
    item = _item(missions.monusco_report)
    reporting.coverage_record(item=item, state=CoverageState.COVERED, paragraphs="31", by=staff_a)
    assert CoverageItem.objects.get(pk=item.pk).state == CoverageState.COVERED


def test_the_default_unit_answers_for_what_no_mission_section_does(missions, settings):
    """The default reporting unit leads the follow-ups of a mission without an SSR section and
    keeps the records of no mission; it does not change a mission that has its own section."""
    from tests.conftest import _member

    settings.REPORTING_DEFAULT_LEAD_UNIT = "SSRU"
    hq = cast(User, _member("SSRU", role=roles.SSR_STAFF))
    unowas = MissionFactory.create(acronym="UNOWAS")
    report = reporting.report_register(
        mission=unowas, symbol="S/2026/300", date=D(2026, 6, 15), by=hq
    )
    item = reporting.coverage_record(item=_item(report), state=CoverageState.MISSING, by=hq)
    assert Request.objects.get(coverage_gap=item).lead_unit.acronym == "SSRU"
    reporting.partner_support_save(
        support=PartnerSupport(
            partner="EU",
            partner_kind="european_union",
            country="Guinea",
            period_start=D(2026, 1, 1),
        ),
        by=hq,
    )
    with pytest.raises(PermissionDenied):
        reporting.coverage_record(
            item=_item(missions.monusco_report), state=CoverageState.MISSING, by=hq
        )


# --- admin -----------------------------------------------------------------------------------


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _report_url(report: SecretaryGeneralReport) -> str:
    return reverse("admin:mandates_secretarygeneralreport_change", args=[report.pk])


def _report_post(report: SecretaryGeneralReport) -> dict[str, str]:
    data = _inline(report, {"other_actors": {"state": CoverageState.MISSING}})
    data["title"] = "Changed"
    return data


def test_admin_shows_another_missions_report_read_only(missions, staff_a, staff_b):
    url = _report_url(missions.monusco_report)
    page = logged_in(staff_a).get(url)
    assert page.status_code == 200
    assert b'name="title"' not in page.content
    assert b'name="coverage_items-0-state"' not in page.content
    own = logged_in(staff_b).get(url)
    assert b'name="title"' in own.content
    assert b'name="coverage_items-0-state"' in own.content


def test_admin_post_on_another_missions_report_changes_nothing(missions, staff_a):
    report = missions.monusco_report
    response = logged_in(staff_a).post(_report_url(report), _report_post(report))
    assert response.status_code == 403
    _unchanged(missions)


def test_admin_post_by_the_missions_staff_opens_the_follow_up(missions, staff_b, administrator):
    report = missions.monusco_report
    response = logged_in(staff_b).post(_report_url(report), _report_post(report))
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.title == "Changed"
    assert report.history.latest().history_user == staff_b
    assert Request.objects.get().lead_unit.acronym == "MONUSCO-SSR"
    other = missions.minusca_report
    assert logged_in(administrator).post(_report_url(other), _report_post(other)).status_code == 302
    assert Request.objects.count() == 2


def test_admin_registers_reports_only_on_the_users_missions(missions, staff_a):
    url = reverse("admin:mandates_secretarygeneralreport_add")
    data = {
        "symbol": "S/2026/400",
        "date": "2026-06-15",
        "link": "",
        "title": "",
        "coverage_items-TOTAL_FORMS": "0",
        "coverage_items-INITIAL_FORMS": "0",
        "coverage_items-MIN_NUM_FORMS": "0",
        "coverage_items-MAX_NUM_FORMS": "0",
    }
    client = logged_in(staff_a)
    refused = client.post(url, {**data, "mission": missions.monusco.pk})
    assert refused.status_code == 200
    assert "mission" in refused.context["adminform"].form.errors
    assert not SecretaryGeneralReport.objects.filter(symbol="S/2026/400").exists()
    assert client.post(url, {**data, "mission": missions.minusca.pk}).status_code == 302
    assert SecretaryGeneralReport.objects.get(symbol="S/2026/400").mission == missions.minusca


def _item_url(item: CoverageItem) -> str:
    return reverse("admin:mandates_coverageitem_change", args=[item.pk])


def test_admin_coverage_item_of_another_mission_is_read_only(missions, staff_a, staff_b):
    item = _item(missions.monusco_report)
    data = {"state": CoverageState.MISSING, "paragraphs": "", "note": "Not there"}
    outsider = logged_in(staff_a)
    assert b'name="state"' not in outsider.get(_item_url(item)).content
    assert outsider.post(_item_url(item), data).status_code == 403
    _unchanged(missions)
    assert logged_in(staff_b).post(_item_url(item), data).status_code == 302
    assert Request.objects.get().lead_unit.acronym == "MONUSCO-SSR"


def _support_data(mission: Mission | None, **changes: str) -> dict[str, str]:
    data = {
        "partner": "EUTM",
        "partner_kind": "european_union",
        "mission": str(mission.pk) if mission else "",
        "country": "",
        "area": "",
        "period_start": "2025-01-01",
        "period_end": "",
        "note": "",
    }
    data.update(changes)
    return data


def test_admin_support_of_another_mission_is_read_only(missions, staff_a, staff_b):
    url = reverse("admin:mandates_partnersupport_change", args=[missions.monusco_support.pk])
    data = _support_data(missions.monusco, partner="Changed")
    outsider = logged_in(staff_a)
    assert b'name="partner"' not in outsider.get(url).content
    assert outsider.post(url, data).status_code == 403
    _unchanged(missions)
    assert logged_in(staff_b).post(url, data).status_code == 302
    support = PartnerSupport.objects.get(pk=missions.monusco_support.pk)
    assert support.partner == "Changed"
    assert support.history.latest().history_user == staff_b


def test_admin_adds_support_only_to_the_users_missions(missions, staff_a, administrator):
    url = reverse("admin:mandates_partnersupport_add")
    client = logged_in(staff_a)
    other = client.post(url, _support_data(missions.monusco, partner="AU"))
    assert other.status_code == 200
    assert "mission" in other.context["adminform"].form.errors
    nowhere = client.post(url, _support_data(None, partner="AU", country="Guinea"))
    assert nowhere.status_code == 200
    assert "mission" in nowhere.context["adminform"].form.errors
    assert not PartnerSupport.objects.filter(partner="AU").exists()
    assert client.post(url, _support_data(missions.minusca, partner="AU")).status_code == 302
    assert PartnerSupport.objects.get(partner="AU").mission == missions.minusca
    admin = logged_in(administrator)
    assert admin.post(url, _support_data(None, partner="WB", country="Guinea")).status_code == 302


@pytest.mark.parametrize("model", ["secretarygeneralreport", "coverageitem", "partnersupport"])
def test_reporting_changelists_offer_staff_no_bulk_action(missions, staff_a, model):
    """Every change goes through a change page (and its rules); none in bulk."""
    response = logged_in(staff_a).get(reverse(f"admin:mandates_{model}_changelist"))
    assert response.status_code == 200
    assert response.context["action_form"] is None
