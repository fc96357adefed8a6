"""The dashboards in a real browser (Chromium driven by Playwright): a manager and a staff member
log in, visit every page, filter, switch to French, and the figures match the database.

Screenshots of every page go to ``artifacts/screenshots/`` (kept by CI as artefacts).
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from mandates.choices import MembershipRole
from mandates.management.commands.demo import demo_activities
from mandates.models import Document, Mission, Request, Unit
from mandates.organisation import roles
from mandates.seed import load_seed
from tests.conftest import CHROMIUM_PATH, ensure_roles
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "a long browser test password"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def people(db) -> dict[str, object]:
    ensure_roles()
    load_seed()
    demo_activities()
    manager = UserFactory.create(username="manager", password=PASSWORD, is_staff=True)
    manager.groups.add(Group.objects.get(name=roles.MANAGERS))
    staff = UserFactory.create(username="staff", password=PASSWORD, is_staff=True)
    staff.groups.add(Group.objects.get(name=roles.SSR_STAFF))
    Unit.objects.get(acronym="SSRU").memberships.create(user=staff, role=MembershipRole.FOCAL_POINT)
    return {"manager": manager, "staff": staff}


def log_in(browser, live_server, username: str):
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="en-GB")
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    page.goto(f"{live_server.url}/dashboard/")
    assert "/admin/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/dashboard/$"))
    return page


def figure(page, name: str) -> int:
    return int(page.locator(f'[data-figure="{name}"]').first.inner_text())


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_manager_visits_every_page_filters_and_switches_to_french(browser, live_server, people):
    page = log_in(browser, live_server, "manager")
    today = timezone.localdate()
    assert figure(page, "overdue") == Request.objects.active().overdue(today=today).count()
    assert figure(page, "open") == Request.objects.active().open().count()
    shot(page, "overview")

    resolution = Document.objects.get(symbol="S/RES/2553 (2020)").pk
    for name, path in [
        ("missions", "/dashboard/missions/"),
        ("mission", "/dashboard/missions/MINUSCA/"),
        ("units", "/dashboard/units/"),
        ("unit", "/dashboard/units/SSRU/"),
        ("resolutions", "/dashboard/resolutions/"),
        ("resolution", f"/dashboard/resolutions/{resolution}/"),
        ("deadlines", "/dashboard/deadlines/"),
        ("matrix", "/dashboard/matrix/"),
        ("summaries", "/dashboard/summaries/"),
        ("activities", "/dashboard/activities/"),
    ]:
        response = page.goto(live_server.url + path)
        assert response is not None, path
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        shot(page, name)

    # A filter, applied with the keyboard, lands in the URL and narrows the figures.
    page.goto(live_server.url + "/dashboard/")
    page.focus("#id_mission")
    page.select_option("#id_mission", "MINUSCA")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_unit"
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*mission=MINUSCA.*"))
    mission = Mission.objects.get(acronym="MINUSCA")
    assert figure(page, "open") == Request.objects.active().for_mission(mission.pk).open().count()
    shot(page, "overview-minusca")

    # French: labels, and dates in the French format.
    page.select_option("#lang-select", "fr")
    page.click("form.lang-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Vue d'ensemble"
    assert "mission=MINUSCA" in page.url
    footer = page.locator("footer").inner_text()
    assert re.search(rf"{today.day} \w+ {today.year}", footer), footer
    shot(page, "overview-fr")
    assert page.errors == []


def test_staff_see_their_units_and_reach_the_admin(browser, live_server, people):
    page = log_in(browser, live_server, "staff")
    page.goto(live_server.url + "/dashboard/units/SSRU/")
    ssru = Unit.objects.get(acronym="SSRU")
    assert figure(page, "open") == Request.objects.active().for_units([ssru.pk]).open().count()
    assert page.locator("a", has_text="Admin").count() == 1
    shot(page, "unit-staff")
    assert page.errors == []


def test_contrast_of_text_meets_wcag_aa(browser, live_server, people):
    """Text colour against its background: at least 4.5:1 for the page's text elements."""
    page = log_in(browser, live_server, "manager")
    worst = page.evaluate(
        """() => {
      const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
      const lum = ([r, g, b]) => {
        const f = v => {
          v /= 255;
          return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const background = el => {
        for (; el; el = el.parentElement) {
          const c = rgb(getComputedStyle(el).backgroundColor);
          if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
        }
        return [255, 255, 255];
      };
      let worst = { ratio: 21, text: "" };
      const texts = "h1, h2, h3, p, a, th, td, label, span, button, li";
      for (const el of document.querySelectorAll(texts)) {
        if (!el.innerText || !el.innerText.trim() || el.closest(".visually-hidden, svg")) continue;
        const fg = rgb(getComputedStyle(el).color).slice(0, 3);
        const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x);
        const ratio = (a + 0.05) / (b + 0.05);
        if (ratio < worst.ratio) {
          worst = { ratio, text: el.innerText.slice(0, 40), cls: el.className };
        }
      }
      return worst;
    }"""
    )
    assert worst["ratio"] >= 4.5, worst


def test_admin_and_api_documentation_render_within_the_content_policy(browser, live_server, people):
    """Inline styles are refused everywhere but on the API documentation pages: the admin (its
    widgets included) needs none, and Swagger UI and ReDoc still draw the API. A style or script
    the policy blocks shows as a console error."""
    from reports.models import Summary

    summary = Summary.objects.create(
        kind="monthly",
        period_start=datetime.date(2021, 9, 1),
        period_end=datetime.date(2021, 9, 30),
        title="September 2021",
        html='<html><body style="color: #0b4f8a;"><h1>September 2021</h1></body></html>',
        compiled_at=timezone.now(),
    )
    manager = people["manager"]
    manager.is_superuser = True  # every admin page, not only the manager's
    manager.save()
    request = Request.objects.order_by("pk").first()
    assert request is not None
    page = log_in(browser, live_server, "manager")

    for path in [
        "/admin/",
        "/admin/mandates/request/",
        f"/admin/mandates/request/{request.pk}/change/",
        "/admin/mandates/paragraph/",
        f"/admin/reports/summary/{summary.pk}/change/",
    ]:
        response = page.goto(live_server.url + path)
        assert response is not None, path
        assert response.status == 200, path
    preview = page.frame_locator("iframe.ssr-summary-preview").locator("body")
    assert preview.evaluate("b => getComputedStyle(b).color") == "rgb(11, 79, 138)"
    shot(page, "admin-summary")

    page.goto(live_server.url + "/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=20_000)
    shot(page, "api-docs")
    page.goto(live_server.url + "/api/v1/redoc/")
    page.wait_for_selector("h1", timeout=20_000)
    assert "ssrtracker API" in page.locator("h1").first.inner_text()
    shot(page, "api-redoc")
    # Not even ReDoc's logo from its maker's site is asked for (test_no_external_requests.py).
    assert page.errors == []
