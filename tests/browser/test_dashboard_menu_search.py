"""A dashboard's unit filter drawn as a search box (more units than a menu holds), in a real
browser: typing fetches suggestions, and the acronym chosen filters the page.

Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reports import forms
from tests.browser.test_admin_layout import PASSWORD, browser  # noqa: F401  (fixture)
from tests.factories import RequestFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def test_typing_in_the_unit_box_suggests_and_the_choice_filters(browser, live_server, monkeypatch):  # noqa: F811
    monkeypatch.setattr(forms, "MENU_LIMIT", 3)
    UserFactory.create(username="root", password=PASSWORD, is_staff=True, is_superuser=True)
    police = UnitFactory.create(acronym="POLICE-DIV", name="Police Division")
    for n in range(4):
        UnitFactory.create(acronym=f"OTHER-{n}", name=f"Other unit {n}")
    RequestFactory.create(reference="R-POLICE", lead_unit=police, title="Vet the police")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/dashboard/deadlines/")
    box = page.locator("input[type=search][name=unit]")
    assert box.get_attribute("placeholder") == "Type an acronym or a name"
    with page.expect_response(lambda r: "/dashboard/menus/unit/?q=polic" in r.url):
        box.fill("polic")
    options = page.locator("#id_unit-options option")
    options.first.wait_for(state="attached")
    assert options.count() == 1
    assert options.first.get_attribute("value") == "POLICE-DIV"
    assert options.first.get_attribute("label") == "POLICE-DIV – Police Division"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard-unit-search-box.png"), full_page=True)
    box.fill("POLICE-DIV")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**unit=POLICE-DIV**")
    assert page.locator("input[type=search][name=unit]").input_value() == "POLICE-DIV"
    assert errors == []
    page.close()
