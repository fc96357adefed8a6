"""The authorization matrix: every route × method × role against the policy table of
``ssrtracker/access.py``.

The routes come from the URL conf (the admin's views of every registered model, the dashboards,
the pages) and the API's operations from the committed schema, with all their methods. Each case
runs in a transaction that is rolled back, so writes leave the shared data as it was. A route
without a rule fails ("no policy for route X"), so a new route must declare who may use it.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from mandates.choices import (
    CalendarScope,
    FulfilmentOutcome,
    MembershipRole,
    TokenScope,
    UnitKind,
)
from mandates.models import ApiToken, CalendarFeed, Fulfilment, Unit
from mandates.organisation import roles
from mandates.requests import services
from ssrtracker.access import NoPolicy, Outcome, Role, declared_methods, declared_targets, expected
from tests.factories import (
    ActivityFactory,
    BenchmarkAssessmentFactory,
    BenchmarkFactory,
    DocumentFactory,
    MissionFactory,
    ParagraphFactory,
    PartnerSupportFactory,
    RequestFactory,
    StatusUpdateFactory,
    ThemeFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"
API_PREFIX = "/api/v1"


# --- the routes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # the URL name (namespace:name), or the pattern of an unnamed route
    pattern: str


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            if entry.name:
                yield Route(f"{namespace}:{entry.name}" if namespace else entry.name, pattern)
            else:
                yield Route(pattern, pattern)


def project_routes() -> list[Route]:
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver("ssrtracker.urls").url_patterns):
        seen.setdefault(route.key, route)
    return list(seen.values())


def schema_operations() -> dict[str, list[str]]:
    """API route name -> the methods of its operations in the committed schema."""
    schema = yaml.safe_load(SCHEMA.read_text())
    by_path: dict[str, list[str]] = {}
    for path, item in schema["paths"].items():
        methods = [m.upper() for m in item if m in {"get", "post", "put", "patch", "delete"}]
        by_path[path] = methods
    operations: dict[str, list[str]] = {}
    resolver = get_resolver("ssrtracker.urls")
    for path, methods in by_path.items():
        concrete = path.replace("{id}", "1").replace("{pk}", "1").replace("{acronym}", "X")
        match = resolver.resolve(concrete)
        operations.setdefault(match.view_name, [])
        operations[match.view_name] += [m for m in methods if m not in operations[match.view_name]]
    return operations


def admin_models() -> list[str]:
    return [model._meta.label_lower for model in admin.site._registry]


# --- the data ----------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[Role, Any]
    tokens: dict[Role, str]
    objects: dict[str, Any]  # "label" or "label:target" -> object
    extra: dict[str, Any]


def _person(role_group: str | None, **fields: Any) -> Any:
    user = UserFactory.create(**fields)
    if role_group:
        user.groups.add(Group.objects.get(name=role_group))
    return user


def build_world() -> World:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    from mandates.choices import OutboxKind
    from mandates.integration.services import calendar_feed_create
    from mandates.models import AddresseeRoute, CoverageItem, OutboxMessage, WebhookEndpoint
    from mandates.sg_reports.services import report_register
    from reports.choices import SummaryKind
    from reports.drafts.services import draft_generate
    from reports.models import Reminder, ReminderDigest, ReminderPreference
    from reports.periods import Period
    from reports.summaries import summary_compile

    unit_a = UnitFactory.create(acronym="UNIT-A")
    unit_b = UnitFactory.create(acronym="UNIT-B")
    mission = MissionFactory.create(acronym="MSN-M")
    section = UnitFactory.create(
        acronym="MSN-M-SSR", kind=UnitKind.MISSION_SECTION, mission=mission
    )
    archived_unit = UnitFactory.create(acronym="OLD-UNIT", archived_at=timezone.now())

    administrator = _person(roles.ADMINISTRATORS, is_staff=True, is_superuser=True)
    manager = _person(roles.MANAGERS, is_staff=True)
    staff = _person(roles.SSR_STAFF, is_staff=True)
    unit_a.memberships.create(user=staff, role=MembershipRole.FOCAL_POINT)
    focal = _person(roles.SSR_STAFF, is_staff=True)
    section.memberships.create(user=focal, role=MembershipRole.FOCAL_POINT)
    client_user = _person(roles.API_CLIENTS, is_staff=False)
    unit_a.memberships.create(user=client_user, role=MembershipRole.MEMBER)
    no_role = _person(None, is_staff=True)
    users = {
        Role.ADMINISTRATOR: administrator,
        Role.MANAGER: manager,
        Role.STAFF: staff,
        Role.FOCAL_POINT: focal,
        Role.NO_ROLE: no_role,
        Role.READ_TOKEN: client_user,
        Role.WRITE_TOKEN: client_user,
    }
    tokens: dict[Role, str] = {}
    for role, user in users.items():
        if role in (Role.NO_ROLE,):
            continue
        scope = TokenScope.READ if role is Role.READ_TOKEN else TokenScope.READ_WRITE
        _token, tokens[role] = ApiToken.issue(name=f"matrix {role}", user=user, scope=scope)

    document = DocumentFactory.create(
        symbol="S/RES/9999 (2030)",
        source_text=(
            "Resolution 9999 (2030)\n\nThe Security Council,\n\n"
            "1. Requests the Secretary-General to report on security sector reform;\n"
        ),
    )
    paragraph = ParagraphFactory.create(document=document, number=1, order=1000)
    theme = ThemeFactory.create(slug="matrix-theme")
    req_a = RequestFactory.create(reference="matrix-a", lead_unit=unit_a, missions=[mission])
    req_b = RequestFactory.create(reference="matrix-b", lead_unit=unit_b)
    req_m = RequestFactory.create(reference="matrix-m", lead_unit=section, missions=[mission])
    req_archived = RequestFactory.create(reference="matrix-old", lead_unit=unit_a)
    services.request_archive(request=req_archived, by=administrator)
    update = StatusUpdateFactory.create(
        request=req_a, author=staff, evidence_file=ContentFile(b"evidence", name="evidence.txt")
    )
    # Unit A answers for another mission's benchmark, so not for mission M's reporting.
    other_mission = MissionFactory.create(acronym="MSN-X")
    # Unit B's request on missions M and X: mission M's focal point updates its line for M.
    req_lines = RequestFactory.create(
        reference="matrix-lines", lead_unit=unit_b, missions=[mission, other_mission]
    )
    benchmark_a = BenchmarkFactory.create(mission=other_mission, responsible_unit=unit_a)
    benchmark_m = BenchmarkFactory.create(mission=mission, responsible_unit=section)
    # A fixed period: the factory's sequence of periods depends on the tests run before.
    assessment = BenchmarkAssessmentFactory.create(
        benchmark=benchmark_a,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
    )
    report = report_register(
        mission=mission, symbol="S/2030/1", date=datetime.date(2030, 1, 15), by=administrator
    )
    if not CoverageItem.objects.filter(report=report).exists():  # pragma: no cover
        raise AssertionError("a registered report has its checklist")
    support = PartnerSupportFactory.create(mission=mission)
    activity = ActivityFactory.create(missions=[mission], units=[section])
    activity_x = ActivityFactory.create(missions=[other_mission])
    fulfilment = Fulfilment.objects.create(
        request=req_b, outcome=FulfilmentOutcome.MISSED, due_date=datetime.date(2030, 1, 15)
    )
    feed = CalendarFeed(owner=staff, scope=CalendarScope.USER)
    secret = calendar_feed_create(feed=feed, by=staff)
    endpoint = WebhookEndpoint.objects.create(
        name="matrix", url="https://hooks.example.org/in", created_by=administrator
    )
    message = OutboxMessage.objects.create(
        kind=OutboxKind.WEBHOOK,
        dedup_key="matrix",
        endpoint=endpoint,
        recipient=endpoint.url,
        payload={"event": "request.created"},
    )
    route = AddresseeRoute.objects.create(addressee="matrix", lead_unit=unit_a)
    preference = ReminderPreference.objects.create(user=staff)
    digest = ReminderDigest.objects.create(recipient=staff, run_date=datetime.date(2030, 1, 1))
    due = req_a.due_date
    assert due is not None
    reminder = Reminder.objects.create(
        request=req_a,
        recipient=staff,
        due_date=due,
        days_before=7,
        point_date=due - datetime.timedelta(days=7),
        digest=digest,
    )
    summary, _new = summary_compile(
        period=Period.containing(SummaryKind.WEEKLY, timezone.localdate())
    )
    interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    draft = draft_generate(
        mission=mission,
        period_start=datetime.date(2029, 10, 1),
        period_end=datetime.date(2029, 12, 31),
        by=None,
    )
    objects: dict[str, Any] = {
        "auth.group": Group.objects.get(name=roles.MANAGERS),
        "auth.user": manager,
        "django_celery_beat.periodictask": PeriodicTask.objects.create(
            name="matrix", task="matrix", interval=interval
        ),
        "django_celery_beat.clockedschedule": ClockedSchedule.objects.create(
            clocked_time=timezone.now()
        ),
        "django_celery_beat.crontabschedule": CrontabSchedule.objects.create(),
        "django_celery_beat.solarschedule": SolarSchedule.objects.create(
            event="sunrise", latitude=0, longitude=0
        ),
        "django_celery_beat.intervalschedule": interval,
        "axes.accessattempt": AccessAttempt.objects.create(
            username="someone", ip_address="10.0.0.1", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(username="someone", ip_address="10.0.0.1"),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            username="someone", ip_address="10.0.0.1"
        ),
        "mandates.theme": theme,
        "mandates.document": document,
        "mandates.paragraph": paragraph,
        "mandates.mission": mission,
        "mandates.unit": unit_a,
        "mandates.unitmembership": unit_a.memberships.get(user=staff),
        "mandates.addresseeroute": route,
        "mandates.apitoken": ApiToken.objects.filter(user=client_user).first(),
        "mandates.calendarfeed": feed,
        "mandates.webhookendpoint": endpoint,
        "mandates.outboxmessage": message,
        "mandates.request": req_a,
        "mandates.request:other_unit": req_b,
        "mandates.request:mission": req_m,
        "mandates.request:archived": req_archived,
        "mandates.request:lead_move": req_a,
        "mandates.request:archived_unit": req_a,
        "mandates.statusupdate": update,
        "mandates.requestmission": req_a.mission_lines.get(mission=mission),
        "mandates.requestmission:focal_line": req_lines.mission_lines.get(mission=mission),
        "mandates.requestmission:other_line": req_lines.mission_lines.get(mission=other_mission),
        "mandates.benchmark": benchmark_a,
        "mandates.benchmark:mission": benchmark_m,
        "mandates.benchmarkassessment": assessment,
        "mandates.secretarygeneralreport": report,
        "mandates.coverageitem": report.coverage_items.first(),
        "mandates.partnersupport": support,
        "mandates.activity": activity,
        "mandates.activity:other_mission": activity_x,
        "mandates.fulfilment": fulfilment,
        "reports.reminderpreference": preference,
        "reports.reminderdigest": digest,
        "reports.reminder": reminder,
        "reports.summary": summary,
        "reports.reportdraft": draft,
    }
    extra = {
        "secret": secret,
        "unit_b": unit_b,
        "archived_unit": archived_unit,
        "mission": mission,
        "unit_a": unit_a,
        "other_mission": other_mission,
    }
    return World(users, tokens, objects, extra)


def clients(world: World) -> dict[Role, Client]:
    made = {}
    for role in Role:
        token = world.tokens.get(role)
        headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        client = Client(raise_request_exception=False, **headers)
        if role not in (Role.ANONYMOUS, Role.READ_TOKEN, Role.WRITE_TOKEN):
            client.force_login(world.users[role])
        made[role] = client
    return made


# --- the cases ---------------------------------------------------------------------------------

MODEL_OF_API = {
    "request": "mandates.request",
    "statusupdate": "mandates.statusupdate",
    "mission": "mandates.mission",
    "unit": "mandates.unit",
    "theme": "mandates.theme",
    "document": "mandates.document",
    "paragraph": "mandates.paragraph",
    "benchmark": "mandates.benchmark",
    "assessment": "mandates.benchmarkassessment",
    "sgreport": "mandates.secretarygeneralreport",
    "partnersupport": "mandates.partnersupport",
    "activity": "mandates.activity",
    "calendarfeed": "mandates.calendarfeed",
    "summary": "reports.summary",
}


#: The API's routes of one mission line: /requests/{id}/lines/{acronym}/...
LINE_ROUTES = ("api:request-line", "api:request-line-updates")


def _object(world: World, label: str, target: str) -> Any:
    return world.objects.get(f"{label}:{target}") or world.objects[label]


def url_for(world: World, route: Route, target: str) -> str:
    key = route.key
    if key in LINE_ROUTES:
        line = _object(world, "mandates.requestmission", target)
        return reverse(key, args=[line.request_id, line.mission.acronym])
    if key.startswith("api:"):
        basename, _, action = key[4:].rpartition("-")
        if action in ("list", "export", "matrix", "import") or basename == "":
            return reverse(key)
        obj = _object(world, MODEL_OF_API[basename], target)
        return reverse(key, args=[obj.pk])
    if key.startswith("admin:") and key.count("_") >= 2 and key not in _ADMIN_SITE_PAGES:
        for label in admin_models():
            prefix = "admin:" + label.replace(".", "_") + "_"
            if key.startswith(prefix):
                view = key[len(prefix) :]
                obj = _object(world, label, target)
                if view in ("changelist", "add", "import"):
                    return reverse(key)
                if view in ("download", "preview"):
                    args = [obj.pk, "txt"] if view == "download" else [obj.pk]
                    return reverse(key, args=args)
                if view == "simple_history":
                    record = obj.history.first()
                    base = reverse(prefix + "history", args=[obj.pk])
                    return f"{base}{record.history_id}/"
                return reverse(key, args=[obj.pk])
    return _other_url(world, route, target)


_ADMIN_SITE_PAGES = {
    "admin:password_change",
    "admin:password_change_done",
    "admin:view_on_site",
    "admin:app_list",
    "admin:auth_user_password_change",
}


def _other_url(world: World, route: Route, target: str) -> str:
    key = route.key
    summary = world.objects["reports.summary"]
    if key == "admin:view_on_site":
        ct = ContentType.objects.get_for_model(Unit)
        return reverse(key, args=[ct.pk, world.objects["mandates.unit"].pk])
    if key == "admin:app_list":
        return reverse(key, args=["mandates"])
    if key == "admin:auth_user_password_change":
        return reverse(key, args=[world.users[Role.MANAGER].pk])
    if key.startswith("admin/") and key.endswith("<path:object_id>/"):
        app, model = key.split("/")[1:3]
        return f"/admin/{app}/{model}/{_object(world, f'{app}.{model}', target).pk}/"
    if key == "admin/(?P<url>.*)$":
        return "/admin/nowhere/"
    if key == "calendar-feed":
        secret = "ssrtcal_unknown" if target == "unknown" else world.extra["secret"]
        return reverse(key, kwargs={"secret": secret})
    if key == "mandates:evidence":
        return reverse(key, args=[world.objects["mandates.statusupdate"].pk])
    by_name = {
        "dashboard:mission": ["MSN-M"],
        "dashboard:unit": ["UNIT-A"],
        "dashboard:resolution": [world.objects["mandates.document"].pk],
        "dashboard:summary": [summary.pk],
        "dashboard:summary-download": [summary.pk, "txt"],
        "dashboard:scorecard": ["MSN-M"],
        "dashboard:scorecard-xlsx": ["MSN-M"],
        "dashboard:mission-drafts": ["MSN-M"],
        "dashboard:draft": [world.objects["reports.reportdraft"].pk],
        "dashboard:draft-docx": [world.objects["reports.reportdraft"].pk],
        "dashboard:menu-options": ["unit"],
    }
    if key in by_name:
        return reverse(key, args=by_name[key])
    if route.pattern == key and not key.startswith(("admin:", "api:", "dashboard:")):
        return "/" + key
    return reverse(key)


def admin_request_form(world: World, target: str) -> dict[str, Any]:
    """The request change form as an administrator sees it, with a new due date and the
    target's change (an archived request's page is read-only: its data is the default's)."""
    from tests.mandates.test_admin import change_form_data

    source = _object(world, "mandates.request", target)
    if source.archived_at is not None:
        source = world.objects["mandates.request"]
    client = Client()
    client.force_login(world.users[Role.ADMINISTRATOR])
    changes: dict[str, Any] = {"due_date": "2031-06-30"}
    if target == "lead_move":
        changes["lead_unit"] = str(world.extra["unit_b"].pk)
    if target == "archived_unit":
        changes["supporting_units"] = [str(world.extra["archived_unit"].pk)]
    return change_form_data(client, source, **changes)


def body_for(world: World, route: Route, method: str, target: str, url: str) -> dict[str, Any]:
    """A valid body for a write, so the answer shows the rules and not the validation."""
    key = route.key
    if key == "admin:mandates_request_change" and method == "POST":
        cached = world.extra.setdefault("forms", {})
        if target not in cached:
            cached[target] = admin_request_form(world, target)
        return dict(cached[target])
    if key == "api:request-detail":
        req = _object(world, "mandates.request", target)
        if target == "lead_move":
            return {"lead_unit": world.extra["unit_b"].pk}
        if target == "archived_unit":
            return {"supporting_units": [world.extra["archived_unit"].pk]}
        if method == "PUT":
            return {
                "status": req.status,
                "priority": "high",
                "due_date": str(req.due_date),
                "lead_unit": req.lead_unit_id,
                "supporting_units": [],
                "missions": [],
            }
        return {"priority": "high", "due_date": "2031-06-30"}
    if key == "api:request-line":
        return {"due_date": "2031-06-30"}
    if key == "api:request-line-updates":
        line = _object(world, "mandates.requestmission", target)
        return {"status": line.current_status, "note": "matrix note"}
    if key == "admin:mandates_requestmission_change" and method == "POST":
        cached = world.extra.setdefault("line_forms", {})
        if target not in cached:
            from tests.mandates.test_admin import form_data

            client = Client()
            client.force_login(world.users[Role.ADMINISTRATOR])
            cached[target] = form_data(client, url)
            cached[target]["update_note"] = "matrix note"
        return dict(cached[target])
    if key == "api:statusupdate-list":
        req = _object(world, "mandates.request", target)
        return {"request": req.pk, "status_to": req.status, "note": "matrix note"}
    if key == "api:assessment-list":
        benchmark = _object(world, "mandates.benchmark", target)
        return {
            "benchmark": benchmark.pk,
            "period_start": "2031-01-01",
            "period_end": "2031-03-31",
            "rating": "on_track",
            "value": "matrix",
        }
    if key == "api:assessment-detail":
        a = world.objects["mandates.benchmarkassessment"]
        return {
            "benchmark": a.benchmark_id,
            "period_start": str(a.period_start),
            "period_end": str(a.period_end),
            "rating": a.rating,
            "value": "changed",
        }
    if key in ("api:activity-list", "api:activity-detail") and method != "DELETE":
        mission = world.extra["other_mission" if target == "other_mission" else "mission"]
        return {
            "kind": "workshop",
            "title": "Matrix workshop",
            "start_date": "2031-03-02",
            "end_date": "2031-03-03",
            "missions": [mission.pk],
        }
    if key == "api:calendarfeed-list":
        return {"scope": "user"}
    if key == "api:request-fulfilments":
        return {"document": world.objects["mandates.document"].pk, "paragraphs": "1"}
    if key in IMPORT_ROUTES:
        return {"file": import_sheet(world, key)}
    if key == "dashboard:mission-drafts":
        return {"period_start": "2030-01-01", "period_end": "2030-03-31", "language": "en"}
    if key == "dashboard:draft":
        return {"action": "save", "progress": "Matrix text."}
    return {}


#: The API's sheet imports: sent as multipart forms with a one-row CSV file.
IMPORT_ROUTES = ("api:request-import", "api:statusupdate-import", "api:assessment-import")


def import_sheet(world: World, key: str) -> Any:
    """One row on unit A's request (or benchmark): a change, a new update, a new assessment."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    if key == "api:request-import":
        text = "Reference,Title\nmatrix-a,Matrix renamed\n"
    elif key == "api:statusupdate-import":
        req = world.objects["mandates.request"]
        # Now: after the request was created, and not in the future.
        text = (
            "Reference,Status,Note,Date\n"
            f"{req.reference},{req.status},matrix note,{timezone.now().isoformat()}\n"
        )
    else:
        benchmark = world.objects["mandates.benchmark"]
        text = (
            "Benchmark,Period start,Period end,Rating,Value\n"
            f"{benchmark.reference},2031-01-01,2031-03-31,on_track,matrix\n"
        )
    return SimpleUploadedFile("sheet.csv", text.encode(), content_type="text/csv")


def classify(route: Route, response: Any, *, form_sent: bool = False) -> str:
    code = response.status_code
    if form_sent and code == 200 and b'class="errornote"' in response.content:
        return Outcome.INVALID  # the admin's form refused it; nothing was saved
    if code in (301, 302, 303, 307, 308):
        location = urlsplit(response["Location"]).path
        login_pages = {reverse("admin:login"), urlsplit(str(settings.LOGIN_URL)).path}
        if location in login_pages:
            return Outcome.LOGIN
        if "object_id" in route.pattern and location == reverse("admin:index"):
            # The admin's answer to an object that is not in the user's list: "does not exist".
            return Outcome.NOT_FOUND
        return Outcome.ALLOW
    if 200 <= code < 300:
        return Outcome.ALLOW
    try:
        return Outcome(str(code))
    except ValueError:
        return str(code)


def send(client: Client, method: str, url: str, route: Route, body: dict[str, Any]) -> Any:
    if route.key in IMPORT_ROUTES and method == "POST":
        return client.post(url, body)  # a multipart form with the file
    if route.key.startswith("api:"):
        headers: dict[str, Any] = {"HTTP_IF_MATCH": "*"} if method in ("PUT", "PATCH") else {}
        if method == "GET":
            return client.get(url, **headers)
        return client.generic(
            method,
            url,
            data=json.dumps(body),
            content_type="application/json",
            **headers,
        )
    if method == "GET":
        return client.get(url)
    return client.post(url, body)


@dataclass
class Case:
    route: Route
    method: str
    target: str
    role: Role


def all_cases(
    routes: list[Route], operations: dict[str, list[str]]
) -> tuple[list[Case], list[str]]:
    cases: list[Case] = []
    missing: list[str] = []
    for route in routes:
        methods = operations[route.key] if route.key in operations else declared_methods(route.key)
        if not methods:
            missing.append(f"no policy for route {route.key}")
            continue
        for method in methods:
            targets = ["default", *declared_targets(route.key, method)]
            for target in targets:
                try:
                    expected(route.key, method, Role.ANONYMOUS, target)
                except NoPolicy as exc:
                    missing.append(str(exc))
                    continue
                cases += [Case(route, method, target, role) for role in Role]
    return cases, missing


# --- the tests ---------------------------------------------------------------------------------


def test_every_route_and_api_operation_has_a_policy():
    routes = project_routes()
    operations = schema_operations()
    assert set(operations) <= {r.key for r in routes}, "the schema names a route the URL conf lacks"
    _cases, missing = all_cases(routes, operations)
    assert missing == []


def test_every_admin_model_has_a_line_in_the_policy():
    from ssrtracker.access import ADMIN_MODELS

    assert sorted(admin_models()) == sorted(ADMIN_MODELS)


def test_a_route_without_a_rule_is_reported():
    _cases, missing = all_cases([Route("api:new-thing", "api/v1/new/")], {"api:new-thing": ["GET"]})
    assert missing == ["no policy for route api:new-thing GET (target default)"]


def test_authorization_matrix(robustness, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    by_role = clients(world)
    cases, missing = all_cases(project_routes(), schema_operations())
    assert missing == []
    mismatches: list[str] = []
    for case in cases:
        url = url_for(world, case.route, case.target)
        body = body_for(world, case.route, case.method, case.target, url)
        client = by_role[case.role]
        if case.route.key == "admin:logout":  # would end the shared session
            client = clients(world)[case.role]
        want = expected(case.route.key, case.method, case.role, case.target)
        with transaction.atomic():
            response = send(client, case.method, url, case.route, body)
            transaction.set_rollback(True)
        got = classify(case.route, response, form_sent=bool(body))
        if got != want:
            mismatches.append(
                f"{case.method} {url} ({case.route.key}, {case.target}) as {case.role}: "
                f"expected {want}, got {got} "
                f"({response.status_code} {response.get('Location', '')}"
                f"{response.content[:200] if response.status_code == 400 else ''})"
            )
    robustness.record(
        "authorization matrix: route × method × role",
        cases=len(cases),
        failures=len(mismatches),
    )
    assert mismatches == [], "\n".join(mismatches)
