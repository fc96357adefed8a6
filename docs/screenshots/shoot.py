"""Screenshots of the French dashboards for the README, taken with Chromium (Playwright).

Run it against a running demo (``make demo`` in another terminal)::

    .venv/bin/python docs/screenshots/shoot.py http://127.0.0.1:8000

It logs in as the demo manager, switches to French and saves ``dashboard-overview-fr.png``,
``dashboard-mission-fr.png`` (MINUSCA) and ``dashboard-counts-fr.png`` (the overview's count
cards) next to this file. ``CHROMIUM_PATH`` names the browser; the viewport is 1280 pixels wide
(``--width 390`` shows the phone layout).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
# The demo manager `make demo` creates, with its published development password.
DEMO_LOGIN = ("manager", "demo-manager-2553")
PAGES = {
    "dashboard-overview-fr": "/dashboard/",
    "dashboard-mission-fr": "/dashboard/missions/MINUSCA/",
}


def shoot(
    base_url: str,
    *,
    login: tuple[str, str] = DEMO_LOGIN,
    width: int = 1280,
    out: Path = HERE,
    chromium: str | None = None,
) -> list[Path]:
    """Log in, switch to French, and save one PNG per page of :data:`PAGES`."""
    executable = chromium or os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900}, locale="fr-FR")
        page.goto(f"{base_url}/admin/login/?next=/dashboard/")
        page.fill("#id_username", login[0])
        page.fill("#id_password", login[1])
        page.click("input[type=submit]")
        page.wait_for_url("**/dashboard/")
        page.select_option("#lang-select", "fr")
        page.click("form.lang-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        for name, path in PAGES.items():
            page.goto(base_url + path)
            target = out / f"{name}.png"
            # The top of the page, as a reader first sees it (the whole page would be too large).
            page.screenshot(path=str(target))
            saved.append(target)
        # The overview's cards by mission, unit and resolution, whose French headers must fit.
        page.goto(base_url + PAGES["dashboard-overview-fr"])
        target = out / "dashboard-counts-fr.png"
        page.locator("section.card:has(#h-missions)").locator("xpath=..").screenshot(
            path=str(target)
        )
        saved.append(target)
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    for path in shoot(args.base_url.rstrip("/"), width=args.width, out=args.out):
        print(path)


if __name__ == "__main__":
    main()
