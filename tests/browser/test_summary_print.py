"""A summary's printable page in Chromium: printed, the navigation goes, the newsletter fills
the page without running off its side, and the trend charts are drawn.

The screenshot goes to ``artifacts/screenshots/summary-print.png`` (the README's copy in
``docs/screenshots/`` was taken the same way from the demo).
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from mandates.management.commands.demo import demo_activities
from mandates.organisation import roles
from mandates.seed import load_seed
from reports.periods import Period
from reports.summaries import summary_compile
from tests.browser.test_dashboards import CHROMIUM_ARGS
from tests.conftest import CHROMIUM_PATH, ensure_roles
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "a long browser test password"
#: Elements wider than the page once printed.
OVERFLOW = """() => [...document.querySelectorAll('.newsletter *')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(el => el.tagName + ' ' + el.className)"""


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_the_printed_summary_is_a_newsletter(browser, live_server):
    ensure_roles()
    load_seed()
    demo_activities()
    manager = UserFactory.create(username="manager", password=PASSWORD, is_staff=True)
    manager.groups.add(Group.objects.get(name=roles.MANAGERS))
    period = Period.last_complete("quarterly", datetime.date.today())
    summary, _compiled = summary_compile(period=period)

    page = browser.new_page(viewport={"width": 1000, "height": 900}, locale="en-GB")
    page.goto(f"{live_server.url}/admin/login/?next=/dashboard/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/dashboard/$"))
    page.goto(f"{live_server.url}/dashboard/summaries/{summary.pk}/")
    page.emulate_media(media="print")

    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".head-actions").is_visible()
    assert page.locator(".newsletter h2", has_text="Trends").is_visible()
    assert page.locator(".newsletter__chart svg").count() == 3
    assert page.evaluate(OVERFLOW) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "summary-print.png"), full_page=True)
    page.close()
