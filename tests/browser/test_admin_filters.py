"""The changelist's search-box filters in a real browser: typing a unit's acronym, choosing it
and clearing it again reload the list filtered and unfiltered.

Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.test_admin_layout import PASSWORD, browser  # noqa: F401  (fixture)
from tests.factories import RequestFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def test_choosing_a_unit_in_the_search_box_filters_the_list(browser, live_server):  # noqa: F811
    UserFactory.create(username="root", password=PASSWORD, is_staff=True, is_superuser=True)
    police = UnitFactory.create(acronym="POLICE-DIV", name="Police Division")
    other = UnitFactory.create(acronym="JCS", name="Justice and Corrections Service")
    RequestFactory.create(reference="R-POLICE", lead_unit=police)
    RequestFactory.create(reference="R-JUSTICE", lead_unit=other)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(live_server.url + reverse("admin:mandates_request_changelist"))
    assert page.locator("#result_list").inner_text().count("R-") == 2

    box = page.locator("#changelist-filter li.ssr-filter-search").first
    box.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("POLICE")
    page.locator(".select2-results__option", has_text="POLICE-DIV").click()
    page.wait_for_url(f"**lead_unit__id__exact={police.pk}**")
    listed = page.locator("#result_list").inner_text()
    assert "R-POLICE" in listed
    assert "R-JUSTICE" not in listed
    assert "POLICE-DIV" in box.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin-filter-search-box.png"), full_page=True)

    box = page.locator("#changelist-filter li.ssr-filter-search").first
    box.locator(".select2-selection__clear").click()
    page.wait_for_url(lambda url: "lead_unit__id__exact" not in url)
    assert page.locator("#result_list").inner_text().count("R-") == 2
    assert errors == []
    page.close()
