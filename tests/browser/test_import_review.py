"""The import preview's ticks and the coverage proposal in a real browser, on a laptop.

Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from mandates.models import AddresseeRoute, Request
from mandates.sg_reports import services as reporting
from tests.browser.test_admin_layout import PASSWORD, SHOTS, browser  # noqa: F401 - fixture
from tests.factories import MissionFactory, UnitFactory, UserFactory
from tests.mandates.test_import_relevance import MIXED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SG_2008 = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / "sources"
    / "A-62-659_S-2008-39_SG-report-on-SSR_pdf-text.txt"
)


def _login(browser, live_server):  # noqa: F811 - the fixture
    UserFactory.create(username="root", password=PASSWORD, is_staff=True, is_superuser=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    return page


def test_the_preview_ticks_the_ssr_request_and_imports_what_is_ticked(
    browser,  # noqa: F811 - the fixture
    live_server,
    tmp_path,
):
    ssru = UnitFactory.create(acronym="SSRU")
    AddresseeRoute.objects.create(addressee="Secretary-General", lead_unit=ssru)
    AddresseeRoute.objects.create(addressee="missions", lead_unit=ssru)
    mission = MissionFactory.create(acronym="MINUSCA")
    UnitFactory.create(acronym="MINUSCA-SSR", kind="mission_section", mission=mission)
    page = _login(browser, live_server)
    page.goto(live_server.url + reverse("admin:mandates_document_import"))
    source = tmp_path / "9998.txt"
    source.write_text(MIXED, encoding="utf-8")
    page.set_input_files("#id_file", str(source))
    page.click("input[type=submit]")
    boxes = page.locator("input[name=select]")
    assert boxes.count() == 3  # OP1-OP3; OP4 (Member States) has no box
    assert page.locator("input[value='9998-OP1']").is_checked()
    assert not page.locator("input[value='9998-OP2']").is_checked()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin-import-preview-ticks.png"), full_page=True)
    page.locator("input[value='9998-OP2']").check()
    page.click("input[name=confirm]")
    page.wait_for_url("**/change/")
    assert sorted(Request.objects.values_list("reference", flat=True)) == ["9998-OP1", "9998-OP2"]
    page.close()


def test_the_coverage_is_proposed_from_the_pasted_report(
    browser,  # noqa: F811 - the fixture
    live_server,
):
    mission = MissionFactory.create(acronym="MINUSCA")
    report = reporting.report_register(
        mission=mission, symbol="S/2026/101", date=datetime.date(2026, 2, 15), by=None
    )
    page = _login(browser, live_server)
    page.goto(
        live_server.url + reverse("admin:mandates_secretarygeneralreport_change", args=[report.pk])
    )
    page.click("text=Propose coverage from the text")
    page.fill("#id_text", SG_2008.read_text(encoding="utf-8"))
    page.click("input[type=submit]")
    page.wait_for_url("**/change/")
    assert "Proposed from the text, to confirm" in page.content()
    page.screenshot(path=str(SHOTS / "admin-coverage-proposed.png"), full_page=True)
    assert report.coverage_items.get(element="benchmarks").paragraphs == "45, 48"
    page.close()
