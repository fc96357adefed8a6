"""The French dashboards in Chromium: no column header of the count cards (by mission, by unit,
by resolution) overflows its cell or its card, on a laptop and on a phone; and the README's
screenshot command works."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from mandates.organisation import roles
from mandates.seed import load_seed
from tests.conftest import CHROMIUM_PATH, ensure_roles
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
#: The README's command, word for word (a test checks the README shows it); the test runs it
#: with this interpreter, against the live server, into a temporary directory.
README_COMMAND = ".venv/bin/python docs/screenshots/shoot.py http://127.0.0.1:8000"
# The demo manager's published development password: the screenshot script logs in with it.
PASSWORD = "demo-manager-2553"
#: The overview's three count cards, and the units page's table.
COUNT_PAGES = ["/dashboard/", "/dashboard/units/"]

#: Header cells of the count tables wider than their box, and count tables wider than their
#: card (scrolled sideways, so a column is cut off at the card's edge).
OVERFLOWING = """() => {
  const found = [];
  for (const table of document.querySelectorAll("table.data--counts")) {
    for (const th of table.querySelectorAll("thead th")) {
      if (th.scrollWidth > th.clientWidth) found.push(`${th.innerText}: ${th.scrollWidth}`);
    }
    const wrap = table.closest(".table-wrap");
    if (wrap.scrollWidth > wrap.clientWidth) found.push(`table: ${wrap.scrollWidth}`);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def manager(db):
    ensure_roles()
    load_seed()
    user = UserFactory.create(username="manager", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=roles.MANAGERS))
    return user


def french_page(browser, live_server, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="fr-FR")
    page.goto(f"{live_server.url}/admin/login/?next=/dashboard/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    return page


@pytest.mark.parametrize("width", [1280, 390])
def test_no_french_count_header_is_cut_off(browser, live_server, manager, width):
    page = french_page(browser, live_server, width)
    for path in COUNT_PAGES:
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == "fr"
        headers = page.locator("table.data--counts thead th").all_inner_texts()
        assert "Terminées" in headers, path
        assert page.evaluate(OVERFLOWING) == [], (width, path)
    page.close()


def test_the_readme_screenshot_command_saves_small_pngs(browser, live_server, manager, tmp_path):
    env = {**os.environ, "CHROMIUM_PATH": CHROMIUM_PATH}
    _python, script, _url = README_COMMAND.split()
    command = [sys.executable, script, live_server.url, "--out", str(tmp_path)]
    subprocess.run(command, check=True, cwd=ROOT, env=env, timeout=300)  # noqa: S603
    for name in (
        "dashboard-overview-fr.png",
        "dashboard-mission-fr.png",
        "dashboard-counts-fr.png",
    ):
        shot = tmp_path / name
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert 10_000 < shot.stat().st_size < 300_000


def test_the_readme_shows_the_screenshot_command():
    assert README_COMMAND in (ROOT / "README.md").read_text(encoding="utf-8")
