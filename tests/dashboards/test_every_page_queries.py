"""Every page, admin view and API endpoint issues the same number of queries with the seed data
and after the data grew: ten times as many requests, updates and benchmarks, and more rows around
each object shown (a request's updates, lines, fulfilments and reminders, a document's paragraphs,
a unit's members, a benchmark's assessments, an e-mail's reminders, a record's history).

The addresses are not listed by hand: every route of the URL conf (the dashboards, the admin's
views of every registered model and its own pages, the API's lists and details) is requested, by
each role in :data:`ROLES` that the access policy lets open it, on the busiest object of its
model. A route added later is measured with nothing to add here; one whose address cannot be
built fails until :func:`addresses` learns it (or :data:`NOT_MEASURED` says why it is left out).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mandates.admin.common import LatestRowsFormSet
from mandates.choices import FulfilmentOutcome, MembershipRole, ParagraphKind
from mandates.models import (
    ApiToken,
    Benchmark,
    BenchmarkAssessment,
    Document,
    Fulfilment,
    Mission,
    Paragraph,
    Request,
    RequestMission,
    SecretaryGeneralReport,
    StatusUpdate,
    Theme,
    Unit,
    UnitMembership,
)
from reports.models import Reminder
from reports.views import DOWNLOADS
from ssrtracker.access import NoPolicy, Outcome, Role, declared_methods, expected
from tests.dashboards.test_queries import multiply_portfolio
from tests.factories import UserFactory
from tests.security.test_authorization_matrix import (
    Route,
    World,
    build_world,
    clients,
    project_routes,
    schema_operations,
    url_for,
)

pytestmark = pytest.mark.django_db

#: The roles measured: a superuser everywhere; SSR staff (a unit's focal point), whose row rules
#: (their units, their missions) are where a per-row permission check would show, on the
#: dashboards, the API and the admin's lists and change pages.
ROLES = (Role.ADMINISTRATOR, Role.STAFF)
ROLE_ROUTES: dict[Role, Callable[[str], bool]] = {
    Role.ADMINISTRATOR: lambda key: True,
    Role.STAFF: lambda key: (
        key.startswith(("dashboard:", "api:")) or key.endswith(("_changelist", "_change"))
    ),
}
#: The second size: the seed data times this (with more history, see :func:`grow_around`).
GROWTH = 10
#: Rows added around each object shown.
MORE = 30

#: Routes not measured, and why.
NOT_MEASURED = {
    "admin:logout": "ends the session; answers a redirect",
    "admin:autocomplete": "answers nobody without a field to complete (see the changelist tests)",
}


# --- the busiest objects -----------------------------------------------------------------------


def busiest(queryset: Any, related: str) -> Any:
    found = queryset.annotate(_n=Count(related)).order_by("-_n", "pk").first()
    assert found is not None, queryset.model
    return found


def representatives(world: World) -> dict[str, Model]:
    """The object of each model whose pages are measured: the seed's busiest where the seed has
    some (the matrix's small world for the rest: feeds, tokens, reminders, drafts, ...)."""
    with_lines = RequestMission.objects.values("request_id")
    active = Request.objects.filter(archived_at__isnull=True, pk__in=with_lines)
    request = busiest(active, "updates")
    mission = busiest(Mission.objects.all(), "requests")
    benchmark = busiest(Benchmark.objects.filter(mission=mission), "assessments")
    report = busiest(SecretaryGeneralReport.objects.filter(mission=mission), "coverage_items")
    line = busiest(RequestMission.objects.filter(request=request), "request__updates")
    chosen: dict[str, Model] = {
        "mandates.request": request,
        "mandates.requestmission": line,
        "mandates.mission": mission,
        "mandates.unit": busiest(Unit.objects.all(), "led_requests"),
        "mandates.document": busiest(Document.objects.all(), "paragraphs"),
        "mandates.paragraph": busiest(Paragraph.objects.all(), "requests"),
        "mandates.theme": busiest(Theme.objects.all(), "paragraphs"),
        "mandates.benchmark": benchmark,
        "mandates.benchmarkassessment": benchmark.assessments.order_by("pk").first(),
        "mandates.secretarygeneralreport": report,
        "mandates.coverageitem": report.coverage_items.order_by("pk").first(),
    }
    return {**world.objects, **{k: v for k, v in chosen.items() if v is not None}}


# --- the addresses -------------------------------------------------------------------------------


def _dashboard(key: str, objects: dict[str, Model]) -> list[str] | None:
    """Dashboard pages of the busiest mission, unit and resolution; the long lists on their
    first page and on a deep one."""
    mission: Any = objects["mandates.mission"]
    unit: Any = objects["mandates.unit"]
    resolution = busiest(Document.objects.filter(kind="resolution"), "paragraphs__requests")
    by_mission = ("dashboard:mission", "dashboard:scorecard", "dashboard:scorecard-xlsx")
    if key in by_mission:
        base = reverse(key, args=[mission.acronym])
        return [base, f"{base}?page=2"] if key == "dashboard:mission" else [base]
    if key == "dashboard:unit":
        return [reverse(key, args=[unit.acronym])]
    if key == "dashboard:resolution":
        return [reverse(key, args=[resolution.pk])]
    if key in ("dashboard:deadlines", "dashboard:matrix", "dashboard:resolutions"):
        return [reverse(key), f"{reverse(key)}?page=2"]
    return None


#: The admin's lists that outgrow a page: also measured on their second page.
LONG_LISTS = (
    "admin:mandates_request_changelist",
    "admin:mandates_statusupdate_changelist",
    "admin:mandates_requestmission_changelist",
    "admin:mandates_paragraph_changelist",
    "admin:mandates_benchmark_changelist",
    "admin:mandates_benchmarkassessment_changelist",
)


def _admin_changelist(key: str) -> list[str] | None:
    if key in LONG_LISTS:
        return [reverse(key), f"{reverse(key)}?p=2"]
    return None


def _downloads(key: str, objects: dict[str, Model]) -> list[str] | None:
    """Every format of the downloads."""
    summary = objects["reports.summary"].pk
    if key == "dashboard:summary-download":
        return [reverse(key, args=[summary, fmt]) for fmt in DOWNLOADS]
    if key == "admin:reports_summary_download":
        return [reverse(key, args=[summary, fmt]) for fmt in ("html", "txt", "json")]
    if key == "api:request-export":
        return [f"{reverse(key)}?file_format={fmt}" for fmt in ("csv", "xlsx")]
    return None


def addresses(world: World, route: Route) -> list[str]:
    for build in (
        lambda: _dashboard(route.key, world.objects),
        lambda: _admin_changelist(route.key),
        lambda: _downloads(route.key, world.objects),
    ):
        found = build()
        if found is not None:
            return found
    return [url_for(world, route, "default")]


def measured_routes(role: Role) -> list[Route]:
    routes = []
    for route in project_routes():
        if route.key in NOT_MEASURED or not ROLE_ROUTES[role](route.key):
            continue
        try:
            if "GET" not in declared_methods(route.key):
                continue
            if expected(route.key, "GET", role) != Outcome.ALLOW:
                continue
        except NoPolicy:  # pragma: no cover - the authorization matrix fails first
            continue
        routes.append(route)
    return routes


# --- growth --------------------------------------------------------------------------------------


def grow_around(objects: dict[str, Any]) -> None:
    """More rows around each object shown: ``MORE`` of each."""
    request: Request = objects["mandates.request"]
    line: RequestMission = objects["mandates.requestmission"]
    last = request.updates.order_by("-pk").first()
    assert last is not None
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            request=request,
            mission_id=line.mission_id if n % 2 else None,
            author_name="grown",
            status_from=last.status_to,
            status_to=last.status_to,
            note=f"grown {n}",
        )
        for n in range(MORE)
    )
    others = Mission.objects.exclude(requests=request).order_by("pk")[:MORE]
    request.missions.add(*others)
    Fulfilment.objects.bulk_create(
        Fulfilment(
            request=request,
            outcome=FulfilmentOutcome.MISSED,
            due_date=datetime.date(2000, 1, 1) + datetime.timedelta(days=30 * n),
        )
        for n in range(MORE)
    )
    digest = objects["reports.reminderdigest"]
    requests = Request.objects.exclude(reminders__digest=digest).order_by("pk")[:MORE]
    Reminder.objects.bulk_create(
        Reminder(
            request=r,
            recipient=digest.recipient,
            due_date=datetime.date(2031, 1, 1),
            days_before=7,
            point_date=datetime.date(2030, 12, 25),
            digest=digest,
        )
        for r in requests
    )
    document: Document = objects["mandates.document"]
    top = document.paragraphs.order_by("-order").first()
    assert top is not None
    Paragraph.objects.bulk_create(
        Paragraph(
            document=document,
            kind=ParagraphKind.OPERATIVE,
            number=1000 + n,
            ref=str(1000 + n),
            citation=f"{document.symbol} OP{1000 + n}",
            text="Grown paragraph.",
            order=top.order + 1 + n,
        )
        for n in range(MORE)
    )
    unit: Unit = objects["mandates.unit"]
    people = [UserFactory.create(username=f"grown-{n}") for n in range(MORE)]
    UnitMembership.objects.bulk_create(
        UnitMembership(unit=unit, user=person, role=MembershipRole.MEMBER) for person in people
    )
    benchmark: Benchmark = objects["mandates.benchmark"]
    model = benchmark.assessments.order_by("pk").first()
    assert model is not None
    BenchmarkAssessment.objects.bulk_create(
        BenchmarkAssessment(
            benchmark=benchmark,
            period_start=datetime.date(1990, 1, 1) + datetime.timedelta(days=91 * n),
            period_end=datetime.date(1990, 3, 31) + datetime.timedelta(days=91 * n),
            rating=model.rating,
            value=model.value,
            narrative=model.narrative,
        )
        for n in range(MORE)
    )
    grow_records(objects)


def grow_records(objects: dict[str, Any], more: int = MORE) -> None:
    """The admin's log and the past versions of each object: ``more`` more entries."""
    someone = UserFactory.create(is_staff=True)
    for obj in objects.values():
        if not isinstance(obj, Model) or obj.pk is None:
            continue
        kind = ContentType.objects.get_for_model(obj)
        LogEntry.objects.bulk_create(
            LogEntry(
                user=someone,
                content_type=kind,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                action_flag=CHANGE,
                change_message="[]",
                action_time=timezone.now(),
            )
            for _ in range(more)
        )
        history = getattr(obj, "history", None)
        record = history.order_by("-history_id").first() if history is not None else None
        if record is None:
            continue
        copies = []
        for _ in range(more):
            copy = type(record).objects.get(pk=record.pk)
            copy.pk = None
            copy.history_id = None
            copies.append(copy)
        type(record).objects.bulk_create(copies)


# --- measuring -----------------------------------------------------------------------------------


def count(client: Client, url: str) -> tuple[int, int]:
    """The queries of one page (with what a streamed download reads) and its answer's code."""
    ContentType.objects.clear_cache()
    cache.clear()
    # A token's use is written at most every few minutes: not during a page.
    ApiToken.objects.update(last_used_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return len(queries), response.status_code


def pages(world: World) -> list[tuple[Role, str, str]]:
    """Each role's pages: (role, route, address)."""
    return [
        (role, route.key, url)
        for role in ROLES
        for route in measured_routes(role)
        for url in addresses(world, route)
    ]


def measure(
    todo: list[tuple[Role, str, str]], by_role: dict[Role, Client]
) -> dict[str, tuple[int, int]]:
    return {f"{role} {key} {url}": count(by_role[role], url) for role, key, url in todo}


def test_every_page_is_measured():
    """The enumeration leaves nothing out: every registered model's list and change page, every
    dashboard, every API operation that reads, the admin's index."""
    measured = {route.key for role in ROLES for route in measured_routes(role)}
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        assert {prefix + "changelist", prefix + "change", prefix + "history"} <= measured, model
    dashboards = {route.key for route in project_routes() if route.key.startswith("dashboard:")}
    assert dashboards <= measured
    reads = {name for name, methods in schema_operations().items() if "GET" in methods}
    assert reads - {"api:schema"} <= measured
    assert {"admin:index", "admin:app_list", "calendar-feed", "mandates:evidence"} <= measured


@pytest.fixture
def world(seeded, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    made = build_world()
    made.objects = representatives(made)
    grow_records(made.objects, 2)  # a history to list, from the start
    return made


def test_every_page_costs_the_same_queries_at_two_sizes(world):
    by_role = clients(world)
    for client in by_role.values():
        client.get("/api/v1/themes/")  # a token's first use is written once
    todo = pages(world)
    before = measure(todo, by_role)
    refused = {page: code for page, (_n, code) in before.items() if code not in (200, 302)}
    assert refused == {}
    requests = Request.objects.count()
    multiply_portfolio(GROWTH, tag="g")
    grow_around(world.objects)
    assert Request.objects.count() >= requests * GROWTH
    after = measure(todo, by_role)
    grew = {page: (before[page][0], n) for page, (n, _c) in after.items() if n != before[page][0]}
    assert grew == {}, "queries before and after the growth, by role, route and address"


def test_mission_pages_differ_by_their_shape_not_their_size(seeded, manager, client):
    """Missions' pages differ by a few queries, each a part of the page a mission has or not:
    its lines (an empty page is not read), its benchmarks' assessments (none to read without
    benchmarks), its reporting calendar (its dates and its registered reports; nothing without a
    calendar), the count of its mandate paragraphs (only when more than the page shows). None
    of them depends on the number of requests: each mission's page costs the same at both sizes,
    missions of each shape are measured, and no two differ by more than those four."""
    client.force_login(manager)
    client.get("/dashboard/")
    missions = list(Mission.objects.order_by("acronym"))
    with_benchmarks = {m.pk for m in missions if m.benchmarks.exists()}
    assert 0 < len(with_benchmarks) < len(missions)
    urls = [reverse("dashboard:mission", args=[m.acronym]) for m in missions]
    before = {url: count(client, url)[0] for url in urls}
    multiply_portfolio(GROWTH)
    after = {url: count(client, url)[0] for url in urls}
    assert after == before
    assert len(set(before.values())) > 1, "all missions have the same shape: test another"
    assert max(before.values()) - min(before.values()) <= 4, before


def _many_rows(request: Request, inline: str, n: int) -> None:
    if inline == "updates":
        StatusUpdate.objects.bulk_create(
            StatusUpdate(
                request=request,
                author_name="grown",
                status_from=request.status,
                status_to=request.status,
                note=f"grown {i}",
            )
            for i in range(n)
        )
    else:
        Fulfilment.objects.bulk_create(
            Fulfilment(
                request=request,
                outcome=FulfilmentOutcome.MISSED,
                due_date=datetime.date(2000, 1, 1) + datetime.timedelta(days=30 * i),
            )
            for i in range(n)
        )


@pytest.mark.parametrize("inline", ["updates", "fulfilments"])
def test_a_request_page_shows_the_latest_rows_and_links_to_all(seeded, client, inline):
    """A request's timeline and fulfilments only grow: its page shows the latest of them,
    says so and links to the whole list, which lists them all."""
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    request = busiest(Request.objects.filter(archived_at__isnull=True), "updates")
    page = reverse("admin:mandates_request_change", args=[request.pk])
    changelist = "statusupdate" if inline == "updates" else "fulfilment"
    link = reverse(f"admin:mandates_{changelist}_changelist") + f"?request__id__exact={request.pk}"
    assert link not in client.get(page).content.decode()
    _many_rows(request, inline, LatestRowsFormSet.limit + 10)
    rows = getattr(request, inline).count()
    shown = client.get(page).content.decode()
    assert link in shown
    assert f'name="{inline}-INITIAL_FORMS" value="{LatestRowsFormSet.limit}"' in shown
    listed = client.get(link).content.decode()
    name = "status update" if inline == "updates" else "fulfilment"
    assert re.search(rf"\b{rows} (results|{name})", listed)
