"""The admin's change page in a real browser: a request with a long title keeps its History
button clear of the title, on a laptop (1280 px) and a phone (390 px).

Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import CHROMIUM_PATH
from tests.factories import RequestFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "a long browser test password"
#: Near the longest title allowed (200 characters: PostgreSQL refuses more, SQLite would not).
LONG_TITLE = (
    "Report on the progress of the national security sector reform strategy, including the "
    "vetting of the defence and security forces, the military programming law and "
    "international support"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    from tests.browser.test_dashboards import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_history_button_stays_clear_of_a_long_request_title(browser, live_server, width):
    UserFactory.create(username="root", password=PASSWORD, is_staff=True, is_superuser=True)
    request = RequestFactory.create(reference="2553-OP20e-1", title=LONG_TITLE)
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="en-GB")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(live_server.url + reverse("admin:mandates_request_change", args=[request.pk]))

    title = page.locator("#content > h2").first
    assert LONG_TITLE[:40] in title.inner_text()
    history = page.locator(".object-tools a.historylink")
    assert history.is_visible()
    title_box, history_box = title.bounding_box(), history.bounding_box()
    assert title_box
    assert history_box
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"admin-request-long-title-{width}.png"))
    assert not overlap(title_box, history_box), (title_box, history_box)
    page.close()
