"""The overview reads its figures from a stored snapshot (reports.overview): counted once, used by
every view while it is for today and younger than OVERVIEW_MAX_AGE, recounted by a job, dropped
once nobody views it; its long tables show their first rows and link to the rest.

The test settings count on every view (OVERVIEW_MAX_AGE = 0); these tests turn the snapshot on."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from mandates.models import Request
from reports import overview, selectors, tasks
from reports.forms import DashboardFilters
from reports.models import OverviewSnapshot
from tests.dashboards.test_queries import multiply_portfolio

pytestmark = pytest.mark.django_db

MAX_AGE = 300


@pytest.fixture
def snapshots_on(settings):
    settings.OVERVIEW_MAX_AGE = MAX_AGE
    settings.OVERVIEW_TABLE_ROWS = 15
    return settings


def _filters(**query: str) -> DashboardFilters:
    return overview.filters_of(overview.key_of(DashboardFilters(query or None)))


def _figure(html: str, name: str) -> int:
    match = re.search(rf'data-figure="{name}"[^>]*>\s*(\d+)\s*<', html)
    assert match, name
    return int(match.group(1))


def _queries(client, url: str, **extra) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(queries)


def _close_an_open_request() -> None:
    """Change the figures behind the snapshot's back (a bulk update, as a test shortcut)."""
    request = Request.objects.active().open().order_by("pk").first()
    assert request is not None
    Request.objects.filter(pk=request.pk).update(archived_at=timezone.now())


def test_the_key_is_the_selection_normalised(seeded):
    assert overview.key_of(DashboardFilters()) == ""
    assert overview.key_of(DashboardFilters({"period": "90"})) == ""  # the default
    assert overview.key_of(DashboardFilters({"mission": "NOPE"})) == ""  # invalid: unfiltered
    both = {"theme": "national-ownership", "mission": "MINUSCA", "period": "365"}
    key = overview.key_of(DashboardFilters(both))
    assert key == "mission=MINUSCA&period=365&theme=national-ownership"
    assert overview.key_of(DashboardFilters(dict(reversed(both.items())))) == key
    assert overview.key_of(DashboardFilters({"include_closed": "on"})) == "include_closed=1"
    # The key gives back the same selection.
    assert overview.key_of(overview.filters_of(key)) == key


def test_a_snapshot_once_counted_is_what_every_view_shows(client, seeded, manager, snapshots_on):
    client.force_login(manager)
    today = timezone.localdate()
    first = client.get("/dashboard/")
    snapshot = OverviewSnapshot.objects.get(key="")
    assert snapshot.computed_on == today
    fresh = overview.compute(DashboardFilters(), today=today)
    assert first.context["figures"] == fresh["figures"] == snapshot.data["figures"]
    open_before = fresh["figures"]["open"]
    assert _figure(first.content.decode(), "open") == open_before

    _close_an_open_request()
    second = client.get("/dashboard/")
    # Not recounted: the same figures, from the same snapshot.
    assert _figure(second.content.decode(), "open") == open_before
    assert OverviewSnapshot.objects.get(key="").computed_at == snapshot.computed_at
    assert overview.compute(DashboardFilters(), today=today)["figures"]["open"] == open_before - 1


def test_a_view_with_a_fresh_snapshot_costs_fewer_queries_at_any_size(
    client, seeded, manager, snapshots_on
):
    client.force_login(manager)
    urls = ["/dashboard/", "/dashboard/?mission=MINUSCA&theme=national-ownership&period=365"]
    counting = {url: _queries(client, url) for url in urls}  # no snapshot yet: counts, stores
    fresh = {url: _queries(client, url) for url in urls}
    snapshots_on.OVERVIEW_MAX_AGE = 0
    live = {url: _queries(client, url) for url in urls}
    snapshots_on.OVERVIEW_MAX_AGE = MAX_AGE
    for url in urls:
        assert fresh[url] < live[url] < counting[url], (url, fresh, live, counting)
    # Session, user and permissions (4), the snapshot (1), the filter menus (1); a filtered
    # view also reads the mission and theme it names (2).
    assert fresh["/dashboard/"] == 6, fresh

    multiply_portfolio(5)
    overview.refresh()  # the job recounts what was viewed
    assert {url: _queries(client, url) for url in urls} == fresh


def test_a_stale_snapshot_is_counted_again(client, seeded, manager, snapshots_on):
    client.force_login(manager)
    client.get("/dashboard/")
    _close_an_open_request()
    stale = timezone.now() - datetime.timedelta(seconds=MAX_AGE + 1)
    OverviewSnapshot.objects.filter(key="").update(computed_at=stale)
    html = client.get("/dashboard/").content.decode()
    assert _figure(html, "open") == Request.objects.active().open().count()
    assert OverviewSnapshot.objects.get(key="").computed_at > stale


def test_yesterdays_snapshot_is_counted_again(client, seeded, manager, snapshots_on):
    """Overdue and due soon depend on the day: a snapshot of yesterday is not today's."""
    client.force_login(manager)
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    data = overview.compute(DashboardFilters(), today=yesterday)
    data["figures"]["overdue"] = -1  # a figure that cannot be today's
    overview.overview_snapshot_save(key="", data=data, today=yesterday)
    response = client.get("/dashboard/")
    assert response.context["figures"]["overdue"] == Request.objects.active().overdue().count()
    assert OverviewSnapshot.objects.get(key="").computed_on == today


def test_a_snapshot_of_another_shape_is_counted_again(client, seeded, manager, snapshots_on):
    """After an upgrade that changed what a snapshot holds, the old ones are not read."""
    client.force_login(manager)
    today = timezone.localdate()
    data = overview.compute(DashboardFilters(), today=today)
    data["version"] = overview.DATA_VERSION - 1
    data["figures"]["open"] = -1
    overview.overview_snapshot_save(key="", data=data, today=today)
    response = client.get("/dashboard/")
    assert response.context["figures"]["open"] == Request.objects.active().open().count()
    assert OverviewSnapshot.objects.get(key="").data["version"] == overview.DATA_VERSION


def test_a_view_marks_the_snapshot_viewed_at_most_once_a_minute(
    client, seeded, manager, snapshots_on
):
    client.force_login(manager)
    client.get("/dashboard/")
    seen = OverviewSnapshot.objects.get(key="").viewed_at
    client.get("/dashboard/")
    assert OverviewSnapshot.objects.get(key="").viewed_at == seen  # no write: seen just now
    earlier = seen - datetime.timedelta(minutes=2)
    OverviewSnapshot.objects.filter(key="").update(viewed_at=earlier)
    client.get("/dashboard/")
    assert OverviewSnapshot.objects.get(key="").viewed_at > earlier


def test_a_filtered_overview_has_its_own_snapshot(client, seeded, manager, snapshots_on):
    client.force_login(manager)
    everything = client.get("/dashboard/").context["figures"]
    minusca = client.get("/dashboard/", {"mission": "MINUSCA", "period": "90"}).context["figures"]
    assert set(OverviewSnapshot.objects.values_list("key", flat=True)) == {"", "mission=MINUSCA"}
    assert minusca["open"] < everything["open"]
    today = timezone.localdate()
    assert minusca == overview.compute(_filters(mission="MINUSCA"), today=today)["figures"]


def test_the_job_recounts_the_viewed_snapshots_and_drops_the_others(seeded, snapshots_on):
    today = timezone.localdate()
    now = timezone.now()
    for key, viewed in (
        ("mission=MINUSCA", now - datetime.timedelta(hours=3)),
        ("theme=national-ownership", now - datetime.timedelta(days=2)),
    ):
        filters = overview.filters_of(key)
        overview.overview_snapshot_save(
            key=key, data=overview.compute(filters, today=today), today=today
        )
        OverviewSnapshot.objects.filter(key=key).update(viewed_at=viewed)
    old = timezone.now()
    _close_an_open_request()

    assert tasks.refresh_overview() == {"recounted": 2, "dropped": 1}
    kept = {s.key: s for s in OverviewSnapshot.objects.all()}
    # The unfiltered overview always; the one viewed three hours ago, recounted; the one nobody
    # viewed for two days, dropped.
    assert set(kept) == {"", "mission=MINUSCA"}
    for key, snapshot in kept.items():
        assert snapshot.computed_at >= old
        assert snapshot.data == overview.compute(overview.filters_of(key), today=today)
    # A recount is not a view.
    assert kept["mission=MINUSCA"].viewed_at < now - datetime.timedelta(hours=2)

    out = StringIO()
    call_command("refresh_overview", stdout=out)
    assert "Recounted 2 overview(s), dropped 0." in out.getvalue()


def test_the_page_says_as_of_when(client, seeded, manager, snapshots_on):
    client.force_login(manager)
    client.get("/dashboard/")
    counted = timezone.now() - datetime.timedelta(minutes=2)  # still fresh
    OverviewSnapshot.objects.filter(key="").update(computed_at=counted)
    html = client.get("/dashboard/").content.decode()
    line = re.search(r'<p class="as-of muted"[^>]*>([^<]*)</p>', html)
    assert line
    with translation.override("en"):
        shown = formats.time_format(timezone.localtime(counted), "TIME_FORMAT")
    assert line.group(1) == f"Figures as of {shown} (recounted every 5 minutes)."


def test_counted_on_every_view_the_page_says_so(client, seeded, manager, settings):
    settings.OVERVIEW_MAX_AGE = 0
    client.force_login(manager)
    html = client.get("/dashboard/").content.decode()
    line = re.search(r'<p class="as-of muted"[^>]*>([^<]*)</p>', html)
    assert line
    assert re.fullmatch(r"Figures as of [^()]+\.", line.group(1))
    assert not OverviewSnapshot.objects.exists()


def test_the_tables_show_their_first_rows_and_link_to_all(client, seeded, manager, snapshots_on):
    snapshots_on.OVERVIEW_TABLE_ROWS = 1
    client.force_login(manager)
    today = timezone.localdate()
    query = {"period": "365", "include_closed": "on"}
    response = client.get("/dashboard/", query)
    html = response.content.decode()
    every = selectors.counts_by(
        DashboardFilters(query).requests(), today=today, include_closed=True
    )
    for name, rows in zip(overview.TABLES, every, strict=True):
        shown = response.context[name]
        assert len(rows) > 1, name  # the seed has more than the page shows
        assert [r["pk"] for r in shown] == [rows[0]["pk"]]
        assert response.context["totals"][name] == len(rows)
        link = re.search(
            rf'<a class="card__more" data-all="{name}" href="([^"]*)">([^<]*)</a>', html
        )
        assert link, name
        # The rest, on the page of that table, with the same filters.
        assert link.group(1) == f"/dashboard/{name}/?period=365&amp;include_closed=on"
        assert link.group(2) == f"All {len(rows)} {name}"


def test_short_tables_have_no_link(client, seeded, manager, snapshots_on):
    snapshots_on.OVERVIEW_TABLE_ROWS = 10_000
    client.force_login(manager)
    html = client.get("/dashboard/").content.decode()
    assert 'class="card__more" data-all=' not in html


def test_the_overview_in_french(client, seeded, manager, snapshots_on):
    """A snapshot counted in English (the job's language) reads in French on a French page."""
    snapshots_on.OVERVIEW_TABLE_ROWS = 1
    with translation.override("en"):
        overview.current(DashboardFilters())
    client.force_login(manager)
    client.cookies["django_language"] = "fr"
    response = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    line = re.search(r'<p class="as-of muted"[^>]*>([^<]*)</p>', html)
    assert line
    assert re.fullmatch(
        r"Chiffres arrêtés à \d\d:\d\d \(recomptés toutes les 5 minutes\)\.", line.group(1)
    )
    stored = OverviewSnapshot.objects.get(key="").data["tables"]
    assert f"Les {stored['resolutions']['total']} résolutions</a>" in html
    assert f"Les {stored['missions']['total']} missions</a>" in html
    for row, kept in zip(response.context["missions"], stored["missions"]["rows"], strict=True):
        assert row["host_country"] == (kept["extra_fr"] or kept["extra"])
    assert any(kept["extra_fr"] != kept["extra"] for kept in stored["missions"]["rows"])
    for row, kept in zip(response.context["units"], stored["units"]["rows"], strict=True):
        assert row["name"] == (kept["extra_fr"] or kept["extra"])
