"""An import proposes requests only for SSR-relevant paragraphs addressed to the Secretariat or a
mission, and lists the others, unticked, with why."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mandates.documents.importing import NOT_ADDRESSED, NOT_SSR, NOT_TICKED, import_document
from mandates.models import AddresseeRoute, Request
from tests.factories import MissionFactory, UnitFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
RES_2553 = ROOT / "fixtures" / "sources" / "S-RES-2553-2020_plain.txt"
RES_2149 = ROOT.parent / "shared" / "corpus" / "unsc-resolutions-1946-2015" / "S-RES-2149-2014.txt"

MIXED = (
    "Resolution 9998 (2025)\nAdopted by the Security Council on 1 June 2025\n"
    "The Security Council,\nRecalling its previous resolutions,\n"
    "1. Requests the Secretary-General to support the reform of the national police and the "
    "justice system;\n"
    "2. Requests the Secretary-General and the Government to conclude a status-of-forces "
    "agreement within 30 days;\n"
    "3. Requests MINUSCA to facilitate the delivery of humanitarian assistance;\n"
    "4. Calls upon Member States to support the disarmament, demobilization and reintegration "
    "programme;\n"
    "5. Decides to remain seized of the matter.\n"
)


@pytest.fixture
def routes():
    ssru = UnitFactory.create(acronym="SSRU", name="Security Sector Reform Unit")
    AddresseeRoute.objects.create(addressee="Secretary-General", lead_unit=ssru)
    AddresseeRoute.objects.create(addressee="missions", lead_unit=ssru)
    mission = MissionFactory.create(acronym="MINUSCA")
    UnitFactory.create(acronym="MINUSCA-SSR", kind="mission_section", mission=mission)
    return ssru


def _reasons(report) -> dict[str, str]:
    return {p.reference: p.reason for p in report.not_proposed}


def test_only_relevant_paragraphs_addressed_to_us_become_requests(routes):
    report = import_document(data=MIXED)
    assert [p.reference for p in report.proposals] == ["9998-OP1"]
    assert report.proposals[0].ssr_words == ["national police", "justice system"]
    assert _reasons(report) == {
        "9998-OP2": NOT_SSR,  # the SOFA
        "9998-OP3": NOT_SSR,  # humanitarian access
        "9998-OP4": NOT_ADDRESSED,  # SSR, but asked of Member States
    }
    assert list(Request.objects.values_list("reference", flat=True)) == ["9998-OP1"]
    assert "not proposed: 1 not addressed to the Secretariat or a mission, 2 not SSR" in (
        report.summary()
    )


def test_staff_ticks_decide_what_is_written(routes):
    report = import_document(data=MIXED, select={"9998-OP2", "9998-OP4"})
    # OP2 was ticked: it is written though not SSR; OP1 was not; OP4 has no unit to lead it.
    assert [p.reference for p in report.proposals] == ["9998-OP2"]
    assert _reasons(report) == {
        "9998-OP1": NOT_TICKED,
        "9998-OP3": NOT_SSR,
        "9998-OP4": NOT_ADDRESSED,
    }
    assert list(Request.objects.values_list("reference", flat=True)) == ["9998-OP2"]


def test_a_request_imported_before_is_still_updated_when_not_relevant(routes):
    import_document(data=MIXED, select={"9998-OP1", "9998-OP2"})
    again = import_document(data=MIXED.replace("within 30 days", "within 60 days"))
    assert {p.reference: p.action for p in again.proposals} == {
        "9998-OP1": "unchanged",
        "9998-OP2": "update",
    }


def test_the_2553_seed_proposes_its_requests_to_the_secretary_general_and_lists_the_rest(routes):
    report = import_document(data=RES_2553.read_bytes(), dry_run=True)
    proposed = [p.reference for p in report.proposals]
    assert "2553-OP20e" in proposed
    assert "2553-OP25" in proposed
    assert all(p.ssr_words for p in report.proposals)
    reasons = _reasons(report)
    # Asked of Member States or national authorities: listed, unticked, and cannot be ticked.
    assert reasons["2553-OP3"] == NOT_ADDRESSED
    assert reasons["2553-OP19"] == NOT_ADDRESSED
    assert not any(p.can_select for p in report.not_proposed)
    assert not set(proposed) & set(reasons)


@pytest.mark.skipif(not RES_2149.exists(), reason="needs the corpus")
def test_2149_no_longer_proposes_its_non_ssr_requests(routes):
    report = import_document(data=RES_2149.read_bytes(), dry_run=True)
    proposed = {p.reference for p in report.proposals}
    reasons = _reasons(report)
    asked_of_us = proposed | {ref for ref, why in reasons.items() if why != NOT_ADDRESSED}
    # Most of what it asks of the Secretary-General or MINUSCA is not SSR.
    assert len(proposed) <= len(asked_of_us) / 3
    # Protection of civilians, humanitarian access, the SOFA, the mission's own set-up.
    for ref in ("2149-OP30ai", "2149-OP30c", "2149-OP41", "2149-OP20", "2149-OP29"):
        assert reasons[ref] == NOT_SSR, ref
    # Police, justice and corrections, DDR, SSR and vetting stay proposed.
    assert {"2149-OP30fiii", "2149-OP30g", "2149-OP31a"} <= proposed


def test_the_admin_preview_lists_unticked_paragraphs_and_the_import_follows_the_ticks(
    routes, staff_a, client
):
    client.force_login(staff_a)
    url = reverse("admin:mandates_document_import")
    upload = SimpleUploadedFile("9998.txt", MIXED.encode(), "text/plain")
    preview = client.post(url, {"file": upload, "kind": "", "symbol": ""})
    content = preview.content.decode()
    assert 'name="select" value="9998-OP1" form="import-confirm" checked' in content
    assert 'name="select" value="9998-OP2" form="import-confirm" aria-label' in content
    assert 'value="9998-OP4"' not in content  # no unit to lead it: nothing to tick
    assert "not proposed: not SSR" in content
    assert "not proposed: not addressed to the Secretariat or a mission" in content
    done = client.post(url, {"confirm": "1", "selection": "1", "select": ["9998-OP3"]})
    assert done.status_code == 302
    assert list(Request.objects.values_list("reference", flat=True)) == ["9998-OP3"]
