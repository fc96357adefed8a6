"""The app asks no other site for anything: no font, logo, script, style or badge. An
administrator and a manager tour the dashboards, the admin and the API documentation (Swagger UI
and ReDoc), in English and in French, in Chromium. Every request the browser starts for a host
other than the app's fails the test (it is aborted, so nothing leaves the machine), the ones the
content security policy refuses included (the browser reports those too, and says so in the
console).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group

from mandates.models import Benchmark, Document, Request
from mandates.organisation import roles
from mandates.seed import load_seed
from tests.browser.test_dashboards import PASSWORD
from tests.browser.test_dashboards import browser as browser  # the fixture
from tests.conftest import ensure_roles
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Addresses in a console message (the policy refusing "https://elsewhere/..." says so there).
URL = re.compile(r"\b(?:https?|wss?)://[^\s'\"]+")


def _tour() -> list[str]:
    from django.core.management import call_command

    from reports.models import Summary

    call_command("compile_summary", "--period", "2021-09", "--no-email", verbosity=0)
    summary = Summary.objects.get()
    resolution = Document.objects.get(symbol="S/RES/2553 (2020)").pk
    request = Request.objects.order_by("pk").first()
    benchmark = Benchmark.objects.order_by("pk").first()
    assert request is not None
    assert benchmark is not None
    return [
        "/dashboard/",
        "/dashboard/missions/",
        "/dashboard/missions/MINUSCA/",
        "/dashboard/units/",
        "/dashboard/units/SSRU/",
        "/dashboard/resolutions/",
        f"/dashboard/resolutions/{resolution}/",
        "/dashboard/deadlines/",
        "/dashboard/matrix/",
        "/dashboard/summaries/",
        "/dashboard/activities/",
        f"/dashboard/summaries/{summary.pk}/",
        "/dashboard/benchmarks/",
        "/dashboard/benchmarks/MINUSCA/",
        "/dashboard/coverage/",
        "/admin/",
        "/admin/mandates/request/",
        f"/admin/mandates/request/{request.pk}/change/",
        f"/admin/mandates/request/{request.pk}/history/",
        f"/admin/mandates/benchmark/{benchmark.pk}/change/",
        "/admin/mandates/document/",
        f"/admin/mandates/document/{resolution}/change/",
        "/admin/mandates/paragraph/",
        "/admin/mandates/mission/",
        f"/admin/reports/summary/{summary.pk}/change/",
        "/api/v1/docs/",
        "/api/v1/redoc/",
    ]


@pytest.fixture
def people(db) -> dict[str, str]:
    ensure_roles()
    load_seed()
    admin = UserFactory.create(
        username="admin", password=PASSWORD, is_staff=True, is_superuser=True
    )
    admin.groups.add(Group.objects.get(name=roles.ADMINISTRATORS))
    manager = UserFactory.create(username="manager", password=PASSWORD, is_staff=True)
    manager.groups.add(Group.objects.get(name=roles.MANAGERS))
    return {"admin": "admin", "manager": "manager"}


def _visit(chromium, live_server, username: str, language: str, tour: list[str]) -> list[str]:
    """Log in on the way to the API documentation, then tour; returns what was asked of other
    hosts or refused."""
    app = urlsplit(live_server.url).netloc
    found: list[str] = []
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale=language)

    def elsewhere(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != app

    def route(route, request) -> None:
        # Never let one leave the machine (the listener below records it).
        if elsewhere(request.url):
            route.abort()
        else:
            route.continue_()

    def console(message) -> None:
        if message.type in {"error", "warning"}:
            found.extend(
                f"{page.url}: {message.text}" for url in URL.findall(message.text) if elsewhere(url)
            )
        if message.type == "error" and "Content Security Policy" in message.text:
            # A page of the app breaking the app's own policy (an inline style or script).
            found.append(f"{page.url}: {message.text}")

    context.route("**/*", route)
    # Requests the content security policy refuses never reach the route, but the browser
    # still reports them here.
    context.on(
        "request",
        lambda request: (
            found.append(f"{request.resource_type} {request.url}")
            if elsewhere(request.url)
            else None
        ),
    )
    page = context.new_page()
    page.on("console", console)
    page.goto(f"{live_server.url}/api/v1/docs/")
    assert "/admin/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector(".opblock", timeout=20_000)
    for path in tour:
        response = page.goto(live_server.url + path)
        assert response is not None, path
        assert response.status == 200, (path, response.status)
        if path.startswith("/dashboard/"):
            assert page.locator("html").get_attribute("lang") == language[:2], path
        if path == "/api/v1/docs/":
            page.wait_for_selector(".opblock", timeout=20_000)
        elif path == "/api/v1/redoc/":
            page.wait_for_selector("h1", timeout=20_000)
            # ReDoc draws its side menu, with its maker's logo, after the API.
            page.wait_for_selector("text=API docs by Redocly", timeout=20_000)
            page.wait_for_load_state("networkidle")
    context.close()
    return [f"{username}, {language}: {item}" for item in found]


def test_no_page_asks_another_host_for_anything(
    browser,
    live_server,
    people,
) -> None:
    tour = _tour()
    found = [
        item
        for username in ("admin", "manager")
        for language in ("en-GB", "fr-FR")
        for item in _visit(browser, live_server, username, language, tour)
    ]
    assert found == [], "asked of other hosts, or refused:\n" + "\n".join(found)
