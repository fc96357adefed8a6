"""Performance at scale: the app against its limits, side by side in one run.

    .venv/bin/python bench/run.py [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
        [--scale 1] [--job-scales 0.1,1] [--page-scales 0.1,1,10]
        [--skip load,import | --only api,pages] [--duration 10]

Builds (or reuses) one scratch database per scale, ``ssrtracker_perf_s<scale>``, migrated and
filled with ``generate_portfolio``, and prints, for the largest scale:

1. the API request list (pages of 50 and 500, two filters): the app, the limit (the same rows
   selected with psycopg and JSON-encoded) and a naive DRF ModelViewSet (defined here, not in the
   app) at the same page size, the three run in turn;
2. the dashboard overview against the raw SQL aggregates behind it, with its query count;
3. the reminders and summary jobs at each of ``--job-scales``: time and peak memory;
4. parse throughput and corpus import (the two older scripts);
5. a load run with wrk against gunicorn on 127.0.0.1: list, detail and PATCH;
6. every page (dashboards, every admin changelist and change view, the API list and detail) at
   each of ``--page-scales``, each scale in a fresh process: time, size, queries and growth.

Times are medians of ``--repeat`` runs after a warm-up, the things compared run in turn;
compare ratios, not absolute times.
"""

# Measurement code: the commands it runs and the SQL it sends are its own constants, and a failed
# assert should stop the run.
# ruff: noqa: S101, S603, S608

from __future__ import annotations

import argparse
import atexit
import json
import os
import re
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
ENV = {
    "DJANGO_SETTINGS_MODULE": "ssrtracker.settings",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "STATIC_MANIFEST": "0",
    # Sent mail is dropped: the jobs build and send every message, and nothing piles up.
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "CELERY_BROKER_URL": "memory://",
    "API_THROTTLE_RATE": "100000000/min",
}
TODAY = "2026-11-22"  # generated data and jobs run around a fixed day: reproducible numbers
# The second quarter: half-yearly benchmark assessments end in it, so the summary has them too.
SUMMARY_PERIOD = "2026-Q2"


def db_name(scale: float) -> str:
    return "ssrtracker_perf_s" + f"{scale:g}".replace(".", "_")


def db_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def child_env(database_url: str) -> dict[str, str]:
    return {**os.environ, **ENV, "DATABASE_URL": database_url}


def ensure_database(admin_url: str, scale: float) -> str:
    """Create, migrate and fill ``ssrtracker_perf_s<scale>`` unless it is already there."""
    import psycopg

    name = db_name(scale)
    assert name.startswith("ssrtracker_perf")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    url = db_url(admin_url, name)
    env = child_env(url)
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    started = time.monotonic()
    subprocess.run(
        [*manage, "generate_portfolio", "--scale", f"{scale:g}", "--today", TODAY, "--yes"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    with psycopg.connect(admin_url, autocommit=True) as conn:
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(%s))", [name]).fetchone()
    print(f"  {name}: ready ({time.monotonic() - started:.0f} s; {size[0] if size else '?'})")
    return url


def median(fn: Callable[[], Any], repeat: int) -> float:
    """Median time of ``repeat`` runs of ``fn`` after a warm-up."""
    return median_interleaved({"fn": fn}, repeat)["fn"]


def median_interleaved(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Median time of each function, run in turn ``repeat`` times after one warm-up each: on a
    busy machine each one meets the same moments of load, so their ratio holds better than with
    one after the other, and a median is not the one lucky run a minimum is."""
    for fn in fns.values():
        fn()  # warm-up: connection, caches, imports
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


# --- Django in this process ------------------------------------------------------------------


def setup_django(database_url: str) -> None:
    os.environ.update(ENV)
    os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def bench_users() -> tuple[Any, Any, str]:
    """A superuser with a read-write token (API) and a member of Managers (dashboards)."""
    from django.contrib.auth.models import Group, User

    from mandates.choices import TokenScope
    from mandates.models import ApiToken
    from mandates.organisation.roles import MANAGERS

    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    manager, created = User.objects.get_or_create(username="bench-manager")
    if created:
        manager.groups.add(Group.objects.get(name=MANAGERS))
    # A token of this run's own, removed at its end: several runs may share a database, and
    # one that deleted the others' tokens would fail them mid-way (401).
    token, secret = ApiToken.issue(name="bench", user=admin, scope=TokenScope.READ_WRITE)
    atexit.register(lambda: ApiToken.objects.filter(pk=token.pk).delete())
    return admin, manager, secret


def naive_urlconf() -> types.ModuleType:
    """The app's URLs plus a naive request list: default ModelSerializer, no select_related."""
    from django.urls import include, path
    from django_filters.rest_framework import DjangoFilterBackend
    from rest_framework import serializers, viewsets
    from rest_framework.pagination import PageNumberPagination

    from mandates.models import Request

    class NaiveSerializer(serializers.ModelSerializer):
        class Meta:
            model = Request
            fields = "__all__"

    class NaivePagination(PageNumberPagination):
        # The app's pagination: the same page sizes, so that both serialise the same rows.
        page_size = 50
        page_size_query_param = "page_size"
        max_page_size = 500

    class NaiveViewSet(viewsets.ModelViewSet):
        queryset = Request.objects.filter(archived_at__isnull=True).order_by(
            "due_date", "reference", "pk"
        )
        serializer_class = NaiveSerializer
        pagination_class = NaivePagination
        filter_backends = [DjangoFilterBackend]
        filterset_fields = ["status", "missions"]

    naive = NaiveViewSet.as_view({"get": "list"})
    urlconf = types.ModuleType("bench_urls")
    urlconf.urlpatterns = [  # type: ignore[attr-defined]
        path("naive/requests/", naive),
        path("", include("ssrtracker.urls")),
    ]
    return urlconf


# The same page the app's request list returns, field for field (links, each mission's line of
# work, the fulfilments), built by PostgreSQL in one query: the least any framework must spend.
_API = "http://testserver/api/v1/"
_OPEN_STATUSES = "('not_started', 'in_progress', 'on_hold')"
LIMIT_SQL = f"""
SELECT r.id, '{_API}requests/' || r.id || '/', r.reference, r.title, r.description, r.status,
       r.priority, r.due_date,
       r.status IN {_OPEN_STATUSES} AND r.due_date < CURRENT_DATE,
       r.recurrence, r.recurrence_months, r.recurrence_anchor,
       json_build_object('id', u.id, 'url', '{_API}units/' || u.id || '/', 'display', u.acronym),
       (SELECT coalesce(json_agg(json_build_object(
                   'id', su.id, 'url', '{_API}units/' || su.id || '/', 'display', su.acronym)
                 ORDER BY su.acronym), '[]')
          FROM mandates_request_supporting_units l JOIN mandates_unit su ON su.id = l.unit_id
         WHERE l.request_id = r.id),
       (SELECT coalesce(json_agg(json_build_object(
                   'id', m.id, 'url', '{_API}missions/' || m.id || '/', 'display', m.acronym)
                 ORDER BY m.acronym), '[]')
          FROM mandates_request_missions l JOIN mandates_mission m ON m.id = l.mission_id
         WHERE l.request_id = r.id),
       (SELECT coalesce(json_agg(json_build_object(
                   'mission', m.acronym,
                   'status', coalesce(l.status, r.status),
                   'own_status', l.status IS NOT NULL,
                   'due_date', coalesce(l.due_date, r.due_date),
                   'overdue', coalesce(l.status, r.status) IN {_OPEN_STATUSES}
                              AND coalesce(l.due_date, r.due_date) < CURRENT_DATE,
                   'focal_point', fp.username,
                   'updated_at', l.updated_at) ORDER BY m.acronym), '[]')
          FROM mandates_request_missions l JOIN mandates_mission m ON m.id = l.mission_id
          LEFT JOIN auth_user fp ON fp.id = l.focal_point_id
         WHERE l.request_id = r.id),
       (SELECT coalesce(json_agg(json_build_object(
                   'id', p.id, 'url', '{_API}paragraphs/' || p.id || '/', 'display', p.citation)
                 ORDER BY p.id), '[]')
          FROM mandates_request_paragraphs l JOIN mandates_paragraph p ON p.id = l.paragraph_id
         WHERE l.request_id = r.id),
       r.predecessor_id, r.created_at, r.updated_at, r.closed_at, r.archived_at, r.version,
       (SELECT coalesce(json_agg(json_build_object(
                   'id', f.id, 'mission', f.mission_id, 'due_date', f.due_date,
                   'outcome', f.outcome, 'report', f.report_id, 'paragraphs', f.paragraphs,
                   'document', f.document_id, 'note', f.note, 'created_at', f.created_at)
                 ORDER BY f.id), '[]')
          FROM mandates_fulfilment f WHERE f.request_id = r.id)
  FROM mandates_request r JOIN mandates_unit u ON u.id = r.lead_unit_id
 WHERE {{where}}
 ORDER BY r.due_date, r.reference, r.id
 LIMIT %(page_size)s
"""
LIMIT_WHERE = (
    "r.archived_at IS NULL AND r.status = 'in_progress' AND r.id IN "
    "(SELECT request_id FROM mandates_request_missions WHERE mission_id = %(mission)s)"
)
LIMIT_COLUMNS = [
    "id", "url", "reference", "title", "description", "status", "priority", "due_date",
    "overdue", "recurrence", "recurrence_months", "recurrence_anchor", "lead_unit",
    "supporting_units", "missions", "mission_lines", "paragraphs", "predecessor", "created_at",
    "updated_at", "closed_at", "archived_at", "version", "fulfilments",
]  # fmt: skip


#: The page sizes the API list is measured at: the API's default and its largest.
PAGE_SIZES = (50, 500)


def api_list(database_url: str, token: str, repeat: int) -> dict[int, dict[str, float]]:
    """For each of :data:`PAGE_SIZES`: median times of the app, the limit and the naive view,
    run in turn, for the same filters and the same page size."""
    import psycopg
    from django.test import Client
    from django.test.utils import override_settings

    from mandates.models import Mission

    mission = Mission.objects.order_by("pk").first()
    assert mission is not None
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    conn = psycopg.connect(database_url)
    results: dict[int, dict[str, float]] = {}
    for page_size in PAGE_SIZES:

        def app(page_size: int = page_size) -> list[dict[str, Any]]:
            query = f"status=in_progress&mission={mission.pk}&page_size={page_size}"
            response = client.get(f"/api/v1/requests/?{query}")
            assert response.status_code == 200, response.content[:300]
            results: list[dict[str, Any]] = response.json()["results"]
            return results

        def naive(page_size: int = page_size) -> None:
            query = f"status=in_progress&missions={mission.pk}&page_size={page_size}"
            response = client.get(f"/naive/requests/?{query}")
            assert response.status_code == 200, response.content[:300]
            assert len(response.json()["results"]) <= page_size

        def limit(page_size: int = page_size) -> list[dict[str, Any]]:
            with conn.cursor() as cursor:
                params = {"mission": mission.pk, "page_size": page_size}
                count = cursor.execute(
                    f"SELECT count(*) FROM mandates_request r WHERE {LIMIT_WHERE}", params
                ).fetchone()
                rows = cursor.execute(LIMIT_SQL.format(where=LIMIT_WHERE), params).fetchall()
            results = [dict(zip(LIMIT_COLUMNS, row, strict=True)) for row in rows]
            json.dumps({"count": count[0] if count else 0, "results": results}, default=str)
            return results

        # Like for like: the baselines return the app's page, row for row and key for key.
        page = app()
        assert [row["id"] for row in limit()] == [row["id"] for row in page]
        assert set(LIMIT_COLUMNS) == set(page[0]), set(LIMIT_COLUMNS) ^ set(page[0])

        with override_settings(ROOT_URLCONF=naive_urlconf()):
            results[page_size] = median_interleaved(
                {"app": app, "limit": limit, "naive": naive}, repeat
            )
    conn.close()
    return results


# Raw SQL aggregates behind the overview (no filters): what the page must at least do.
# OPEN is a request still open; LIVE one not archived.
_OPEN = "status IN ('not_started', 'in_progress', 'on_hold')"
_LIST = """SELECT r.id, r.reference, r.title, r.due_date, u.acronym
  FROM mandates_request r JOIN mandates_unit u ON u.id = r.lead_unit_id
 WHERE r.archived_at IS NULL AND r.OPEN AND {due} ORDER BY r.due_date, r.reference LIMIT 12"""
_COUNTS = """count({what}) FILTER (WHERE r.OPEN),
    count({what}) FILTER (WHERE r.OPEN AND r.due_date < %(today)s),
    count({what}) FILTER (WHERE r.status = 'completed')"""
OVERVIEW_SQL = [
    sql.replace("OPEN", _OPEN)
    for sql in [
        """SELECT count(*) FILTER (WHERE status = 'not_started'),
            count(*) FILTER (WHERE status = 'in_progress'),
            count(*) FILTER (WHERE status = 'on_hold'),
            count(*) FILTER (WHERE status = 'completed'),
            count(*) FILTER (WHERE status = 'cancelled'),
            count(*) FILTER (WHERE status = 'superseded'),
            count(*) FILTER (WHERE OPEN),
            count(*) FILTER (WHERE OPEN AND due_date < %(today)s),
            count(*) FILTER (WHERE OPEN AND due_date BETWEEN %(today)s AND %(d30)s),
            count(*) FILTER (WHERE OPEN AND due_date BETWEEN %(today)s AND %(d90)s),
            count(*) FILTER (WHERE status = 'completed' AND closed_at >= %(since)s), count(*)
          FROM mandates_request WHERE archived_at IS NULL""",
        """SELECT date_trunc('month', closed_at), count(*) FROM mandates_request
          WHERE archived_at IS NULL AND status = 'completed' AND closed_at >= %(year)s
          GROUP BY 1""",
        """SELECT date_trunc('month', created_at), count(*) FROM mandates_request
          WHERE archived_at IS NULL AND created_at >= %(year)s GROUP BY 1""",
        """SELECT date_trunc('month', s.created_at), count(*) FROM mandates_statusupdate s
          JOIN mandates_request r ON r.id = s.request_id
          WHERE r.archived_at IS NULL AND s.created_at >= %(year)s GROUP BY 1""",
        _LIST.format(due="r.due_date < %(today)s"),
        _LIST.format(due="r.due_date BETWEEN %(today)s AND %(d30)s"),
        _LIST.format(due="r.due_date BETWEEN %(d31)s AND %(d90)s"),
        f"""SELECT l.mission_id, {_COUNTS.format(what="*")}
          FROM mandates_request_missions l JOIN mandates_request r ON r.id = l.request_id
          WHERE r.archived_at IS NULL GROUP BY 1""",
        f"""SELECT r.lead_unit_id, {_COUNTS.format(what="*")}
          FROM mandates_request r WHERE r.archived_at IS NULL GROUP BY 1""",
        f"""SELECT p.document_id, {_COUNTS.format(what="DISTINCT r.id")}
          FROM mandates_request_paragraphs l JOIN mandates_request r ON r.id = l.request_id
          JOIN mandates_paragraph p ON p.id = l.paragraph_id
          WHERE r.archived_at IS NULL GROUP BY 1""",
        """SELECT s.id, s.created_at, s.status_to, r.reference FROM mandates_statusupdate s
          JOIN mandates_request r ON r.id = s.request_id
          WHERE r.archived_at IS NULL AND s.created_at >= %(since)s
          ORDER BY s.created_at DESC, s.id DESC LIMIT 10""",
    ]
]


def dashboard(database_url: str, manager: Any, repeat: int) -> dict[str, Any]:
    """Times of the page (from its snapshot, and counting on the view) and of
    :data:`OVERVIEW_SQL`, the queries of both and the page's size."""
    import datetime

    import psycopg
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from reports.models import OverviewSnapshot

    client = Client()
    client.force_login(manager)
    sizes: dict[str, int] = {}

    def page() -> None:
        response = client.get("/dashboard/")
        assert response.status_code == 200, response.status_code
        sizes["page"] = len(response.content)

    def counted() -> None:
        """The page counting its figures on the view: what the job spends per selection."""
        with override_settings(OVERVIEW_MAX_AGE=0):
            page()

    today = timezone.localdate()
    params = {
        "today": today,
        "since": today - datetime.timedelta(days=90),
        "year": today.replace(day=1) - datetime.timedelta(days=335),
        "d30": today + datetime.timedelta(days=30),
        "d31": today + datetime.timedelta(days=31),
        "d90": today + datetime.timedelta(days=90),
    }
    conn = psycopg.connect(database_url)

    def raw() -> None:
        with conn.cursor() as cursor:
            for sql in OVERVIEW_SQL:
                cursor.execute(sql, params).fetchall()

    OverviewSnapshot.objects.all().delete()
    with override_settings(OVERVIEW_MAX_AGE=3600):  # the snapshot stays fresh through the run
        result: dict[str, Any] = median_interleaved(
            {"page": page, "counted": counted, "raw": raw}, repeat
        )
        conn.close()
        with CaptureQueriesContext(connection) as queries:
            counted()
        result["counted_queries"] = len(queries.captured_queries)
        with CaptureQueriesContext(connection) as queries:
            page()
    result["queries"] = len(queries.captured_queries)
    result["sql"] = [q["sql"] for q in queries.captured_queries]
    result["kb"] = sizes["page"] / 1024
    OverviewSnapshot.objects.all().delete()
    return result


# --- Every page at scale ----------------------------------------------------------------------


def _busiest(model: Any) -> Any:
    """The object whose pages carry the most: the request with the most updates, the mission
    and the unit with the most requests, the document with the most paragraphs; else the
    latest row."""
    from django.db.models import Count

    from mandates.models import Document, Mission, Request, StatusUpdate, Unit

    if model is Request:
        row = StatusUpdate.objects.values("request").annotate(n=Count("pk")).order_by("-n").first()
        return Request.objects.get(pk=row["request"]) if row else None
    counted = {Mission: "requests", Unit: "led_requests", Document: "paragraphs"}
    if model in counted:
        return model.objects.annotate(n=Count(counted[model])).order_by("-n", "pk").first()
    return model._default_manager.order_by("-pk").first()


def admin_urls() -> list[str]:
    """Every admin changelist, and the change view of each model's busiest object."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    urls = ["/admin/"]
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        info = (model._meta.app_label, model._meta.model_name)
        try:
            urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        except NoReverseMatch:
            continue
        obj = _busiest(model)
        if obj is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    return urls


def page_urls() -> list[str]:
    """Every dashboard page (detail pages for the busiest mission and unit and the latest
    resolution, and a later page of each paged list), every admin changelist and change view,
    and the API request list and detail."""
    from mandates.models import Document, Mission, Request, Unit

    mission = _busiest(Mission)
    unit = _busiest(Unit)
    request = _busiest(Request)
    resolution = Document.objects.filter(kind="resolution").order_by("-date", "pk").first()
    assert mission is not None, "the portfolio has missions"
    assert unit is not None, "the portfolio has units"
    assert resolution is not None, "the portfolio has resolutions"
    assert request is not None, "the portfolio has requests"
    return [
        "/dashboard/",
        "/dashboard/missions/",
        f"/dashboard/missions/{mission.acronym}/",
        f"/dashboard/missions/{mission.acronym}/?page=10",
        "/dashboard/units/",
        f"/dashboard/units/{unit.acronym}/",
        "/dashboard/resolutions/",
        f"/dashboard/resolutions/{resolution.pk}/",
        "/dashboard/deadlines/",
        "/dashboard/deadlines/?page=50",
        "/dashboard/matrix/",
        "/dashboard/matrix/?page=500",
        "/dashboard/benchmarks/",
        f"/dashboard/benchmarks/{mission.acronym}/",
        "/dashboard/coverage/",
        "/dashboard/activities/",
        "/dashboard/summaries/",
        *admin_urls(),
        "/api/v1/requests/",
        "/api/v1/requests/?page_size=500",
        f"/api/v1/requests/{request.pk}/",
    ]


def child_json(database_url: str, *args: str) -> Any:
    """Run this script in a fresh process on ``database_url`` with ``args``; the JSON of its last
    line (a child mode prints its result last)."""
    out = subprocess.run(
        [PYTHON, __file__, *args],
        env=child_env(database_url),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_pages(repeat: int) -> None:
    """Child mode: every page of :func:`page_urls` as a superuser, in this database: (url,
    median time, bytes, queries) as JSON. Pages that answer anything but 200 are reported with
    their status, not timed."""
    setup_django(os.environ["DATABASE_URL"])
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    admin, _manager, _token = bench_users()
    client = Client()
    client.force_login(admin)
    rows = []
    for url in page_urls():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        count = len(queries.captured_queries)  # before the next request resets the log
        if response.status_code != 200:
            rows.append({"url": url, "status": response.status_code})
            continue

        def get(url: str = url) -> None:
            client.get(url)

        rows.append(
            {
                "url": url,
                "seconds": median(get, repeat),
                "bytes": len(response.content),
                "queries": count,
            }
        )
    print(json.dumps(rows))


def pages(urls: dict[float, str], repeat: int) -> dict[float, list[dict[str, Any]]]:
    """:func:`run_pages` at each scale, each in a fresh process."""
    return {
        scale: child_json(url, "--pages-child", "--repeat", str(repeat))
        for scale, url in sorted(urls.items())
    }


def _label(url: str) -> str:
    """The URL with ids and acronyms that differ between databases made generic."""
    url = re.sub(r"/\d+/", "/<id>/", url)
    return re.sub(r"/(missions|units|benchmarks)/(?!\?)[^/]+/", r"/\1/<busiest>/", url)


def print_pages(results: dict[float, list[dict[str, Any]]]) -> None:
    scales = sorted(results)
    by_label: dict[str, dict[float, dict[str, Any]]] = {}
    for scale in scales:
        for row in results[scale]:
            by_label.setdefault(_label(row["url"]), {})[scale] = row
    head = "".join(f"{f'scale {s:g}':>22}" for s in scales)
    print(f"   {'page':<52}{head}   growth  queries")
    for label, per_scale in by_label.items():
        cells = []
        for scale in scales:
            found = per_scale.get(scale)
            if found is None or "seconds" not in found:
                cells.append(f"{'status ' + str(found['status']) if found else '-':>22}")
            else:
                cells.append(f"{found['seconds'] * 1000:9.1f} ms {found['bytes'] / 1e3:7.1f} kB")
        timed = [per_scale[s] for s in scales if "seconds" in per_scale.get(s, {})]
        growth = f"x{timed[-1]['seconds'] / timed[0]['seconds']:.2f}" if len(timed) > 1 else "-"
        counts = sorted({str(t["queries"]) for t in timed}, key=int)
        print(f"   {label[:52]:<52}{''.join(cells)}  {growth:>7}  {'/'.join(counts)}")


# --- Jobs in a child process (their own peak memory) -----------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started, in MB.

    Not ``getrusage(RUSAGE_SELF).ru_maxrss``: on Linux that high-water mark survives ``exec``,
    so a child started by a large harness reports the harness's peak. ``VmHWM`` belongs to the
    process image, which ``exec`` replaces."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_job(name: str) -> None:
    """Child mode: run one job twice (timed, then under tracemalloc) and print JSON. Each run
    is the real job (it claims, stores and sends, through the dummy e-mail backend) inside a
    transaction that is rolled back, so both start from the same database."""
    setup_django(os.environ["DATABASE_URL"])
    from django.core.management import call_command
    from django.db import transaction

    def job() -> None:
        with open(os.devnull, "w") as out, transaction.atomic():
            if name == "reminders":
                call_command("send_reminders", "--today", TODAY, stdout=out, stderr=out)
            else:
                call_command("compile_summary", "--period", SUMMARY_PERIOD, stdout=out, stderr=out)
            transaction.set_rollback(True)

    from django.db import connection

    connection.ensure_connection()
    started = time.perf_counter()
    job()
    seconds = time.perf_counter() - started
    rss = peak_rss_mb()
    tracemalloc.start()
    job()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"seconds": seconds, "peak_mb": peak / 2**20, "max_rss_mb": rss}))


def jobs(urls: dict[float, str]) -> dict[str, dict[float, dict[str, float]]]:
    results: dict[str, dict[float, dict[str, float]]] = {"reminders": {}, "summary": {}}
    for scale, url in sorted(urls.items()):
        for name in results:
            results[name][scale] = child_json(url, "--job", name)
    return results


# --- Older scripts ---------------------------------------------------------------------------


def older_scripts(admin_url: str, skip: set[str]) -> list[str]:
    lines = []
    if "parse" not in skip:
        out = subprocess.run(
            [PYTHON, str(ROOT / "bench" / "parse_throughput.py"), "--repeat", "1"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        lines += [line for line in out.stdout.splitlines() if "MB/s" in line]
    if "import" not in skip:
        out = subprocess.run(
            [PYTHON, str(ROOT / "bench" / "import_corpus.py"), "--admin-url", admin_url],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **ENV},
        )
        lines += [line for line in out.stdout.splitlines() if re.search(r"\d+(\.\d+)? s\b", line)]
    return lines


# --- Load run --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def install_wrk() -> str | None:
    """Install Debian's wrk when the harness may (root, apt-get present); its path or None."""
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        return None
    print("  installing wrk (apt-get install wrk)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([apt, "install", "-y", "-q", "wrk"], env=env, check=False, capture_output=True)
    return shutil.which("wrk")


def load(database_url: str, token: str, duration: int, request_ids: list[int]) -> dict[str, Any]:
    wrk = shutil.which("wrk") or install_wrk()
    if wrk is None:
        return {"error": "wrk is not installed and could not be (Debian: apt-get install wrk)"}
    port = free_port()
    env = child_env(database_url)
    workers = str(os.cpu_count() or 2)
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "ssrtracker.wsgi", "-b", f"127.0.0.1:{port}", "-w", workers,
         "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    results: dict[str, Any] = {"workers": workers}
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        script = ROOT / "bench" / "wrk.lua"
        ids = ",".join(map(str, request_ids))
        for mode in ("list", "detail", "patch", "mix"):
            out = subprocess.run(
                [wrk, "-t2", "-c8", f"-d{duration}s", "-s", str(script),
                 f"http://127.0.0.1:{port}", "--", mode, token, ids],
                capture_output=True,
                text=True,
                check=False,
            ).stdout  # fmt: skip
            found = re.search(r"^RESULT (.*)$", out, re.MULTILINE)
            results[mode] = json.loads(found[1]) if found else {"error": out[-500:]}
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


# --- Main ------------------------------------------------------------------------------------

#: The parts of a run, as ``--skip`` and ``--only`` name them.
PARTS = {"api", "dashboard", "jobs", "parse", "import", "load", "pages"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--admin-url",
        "--database-url",
        default=os.environ.get("BENCH_ADMIN_URL", DEFAULT_ADMIN_URL),
        help="A PostgreSQL server and a user that may create databases (its database is unused).",
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--job-scales", default="0.1,1", help="Scales for the jobs (comma list).")
    parser.add_argument(
        "--skip", default="", help="Parts to skip: api,dashboard,jobs,parse,import,load,pages"
    )
    parser.add_argument(
        "--only", default="", help="Run only these parts (comma list of the --skip names)."
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--duration", type=int, default=10, help="Seconds per wrk run.")
    parser.add_argument(
        "--page-scales",
        default="",
        help="Scales for every page (comma list; default: the jobs' scales and --scale).",
    )
    parser.add_argument("--job", help=argparse.SUPPRESS)
    parser.add_argument("--pages-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        run_job(args.job)
        return
    if args.pages_child:
        run_pages(args.repeat)
        return
    skip = set(filter(None, args.skip.split(",")))
    if args.only:
        skip |= PARTS - set(filter(None, args.only.split(",")))
    job_scales = [float(s) for s in args.job_scales.split(",") if s] if "jobs" not in skip else []
    page_scales = (
        [float(s) for s in args.page_scales.split(",") if s] or sorted({*job_scales, args.scale})
        if "pages" not in skip
        else []
    )
    print(f"Databases (scale {args.scale:g}; jobs at {job_scales}; pages at {page_scales}):")
    urls = {
        scale: ensure_database(args.admin_url, scale)
        for scale in {args.scale, *job_scales, *page_scales}
    }
    url = urls[args.scale]
    setup_django(url)
    from mandates.models import Request, StatusUpdate

    _admin, manager, token = bench_users()
    print(
        f"\nscale {args.scale:g}: {Request.objects.count():,} requests, "
        f"{StatusUpdate.objects.count():,} status updates\n"
    )
    if "api" not in skip:
        print("1. API request list, status + mission filters (medians, run in turn)")
        for page_size, t in api_list(url, token, args.repeat).items():
            ratio = t["app"] / t["limit"]
            faster = t["naive"] / t["app"]
            print(
                f"   page of {page_size:<4} limit {ms(t['limit'])}  app {ms(t['app'])}"
                f" ({ratio:.2f}x the limit, target <= 1.5)  naive {ms(t['naive'])}"
                f" (app {faster:.1f}x faster)"
            )
    if "dashboard" not in skip:
        d = dashboard(url, manager, args.repeat)
        print("2. Dashboard overview")
        print(f"   raw SQL aggregates     {ms(d['raw'])}")
        ratio = d["counted"] / d["raw"]
        print(f"   counted on the view    {ms(d['counted'])}   {ratio:.2f}x raw (target <= 3)")
        print(f"   queries counting       {d['counted_queries']:8d}      (target <= 10)")
        print(f"   page, from its snapshot {ms(d['page'])}   {d['kb']:.0f} kB (target < 300)")
        print(f"   queries from snapshot  {d['queries']:8d}")
        if os.environ.get("BENCH_SHOW_SQL"):
            for sql in d["sql"]:
                print("     ", sql[:200])
    if job_scales:
        j = jobs({s: urls[s] for s in job_scales})
        print("3. Jobs (rolled back): time, Python peak (tracemalloc), process max RSS")
        for name, per_scale in j.items():
            for scale, r in per_scale.items():
                print(
                    f"   {name:<10} scale {scale:<4g} {r['seconds']:7.2f} s"
                    f"  {r['peak_mb']:7.1f} MB  {r['max_rss_mb']:7.1f} MB RSS"
                )
            if len(per_scale) >= 2:
                (s0, r0), *_, (s1, r1) = sorted(per_scale.items())
                print(
                    f"   {name:<10} x{s1 / s0:g} data: time x{r1['seconds'] / r0['seconds']:.1f}, "
                    f"peak x{r1['peak_mb'] / r0['peak_mb']:.2f} (target <= 1.2)"
                )
    if not {"parse", "import"} <= skip:
        print("4. Parser and corpus import (older scripts)")
        for line in older_scripts(args.admin_url, skip):
            print("   " + line.strip())
    if "load" not in skip:
        ids = list(
            Request.objects.filter(archived_at__isnull=True, status="in_progress")
            .order_by("pk")
            .values_list("pk", flat=True)[:200]
        )
        result = load(url, token, args.duration, ids)
        print("5. Load run", end="")
        if "error" in result:
            print(f"\n   {result['error']}")
        else:
            workers = result.get("workers")
            print(f": wrk -t2 -c8, {args.duration} s each, gunicorn with {workers} workers")
        for mode in ("list", "detail", "patch", "mix"):
            r = result.get(mode) or {}
            if not r:
                continue
            if "error" in r:
                print(f"   {mode:<7} failed: {r['error']}")
                continue
            print(
                f"   {mode:<7} {r['rps']:8.1f} req/s  p50 {r['p50']:7.1f} ms"
                f"  p95 {r['p95']:7.1f} ms  p99 {r['p99']:7.1f} ms  non-2xx {r['non2xx']}"
            )
    if page_scales:
        print("6. Every page as a superuser, at each scale: time (median), size; growth, queries")
        print_pages(pages({s: urls[s] for s in page_scales}, args.repeat))


if __name__ == "__main__":
    main()
