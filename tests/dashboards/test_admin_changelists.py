"""The admin's lists at scale: the same queries and about the same page whatever the number of
units, missions, documents, requests and updates; filters on related objects as search boxes
rather than sidebar lists; no count of a whole append-only table."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mandates.admin.filters import ESTIMATE_ABOVE, AutocompleteFilter, EstimatedCountPaginator
from mandates.models import Document, Mission, Request, StatusUpdate, Unit
from tests.dashboards.test_queries import multiply_portfolio
from tests.factories import DocumentFactory, MissionFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

#: Every changelist whose sidebar used to list a table that grows.
LISTS = [
    "admin:mandates_request_changelist",
    "admin:mandates_statusupdate_changelist",
    "admin:mandates_requestmission_changelist",
    "admin:mandates_paragraph_changelist",
    "admin:mandates_benchmark_changelist",
    "admin:mandates_benchmarkassessment_changelist",
    "admin:mandates_fulfilment_changelist",
    "admin:mandates_unit_changelist",
    "admin:mandates_unitmembership_changelist",
    "admin:mandates_activity_changelist",
    "admin:mandates_secretarygeneralreport_changelist",
    "admin:mandates_coverageitem_changelist",
    "admin:mandates_partnersupport_changelist",
    "admin:reports_reportdraft_changelist",
]
GROWN = 60


@pytest.fixture
def root(client):
    user = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def measure(client, url: str) -> tuple[int, int]:
    """The page's queries and the size of its filter sidebar."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    sidebar = re.search(r'<nav id="changelist-filter".*?</nav>', response.content.decode(), re.S)
    return len(queries), len(sidebar[0]) if sidebar else 0


def grow_reference_data() -> None:
    for n in range(GROWN):
        UnitFactory.create(acronym=f"GROWN-U{n:03d}")
        MissionFactory.create(acronym=f"GROWN-M{n:03d}")
        DocumentFactory.create(symbol=f"S/RES/{5000 + n} (2030)")


def grow_requests(count: int) -> None:
    """``count`` more requests like the first, each with its missions and an update."""
    model = Request.objects.prefetch_related("missions").order_by("pk").first()
    assert model is not None
    made = Request.objects.bulk_create(
        Request(
            reference=f"GROWN-R{n:04d}",
            title=model.title,
            lead_unit_id=model.lead_unit_id,
            status="in_progress",
            due_date=model.due_date,
        )
        for n in range(count)
    )
    made = list(Request.objects.filter(reference__startswith="GROWN-R"))
    links = Request.missions.through
    links.objects.bulk_create(
        links(request_id=r.pk, mission_id=m.pk) for r in made for m in model.missions.all()
    )
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            request_id=r.pk,
            author_name="x",
            status_from="not_started",
            status_to="in_progress",
            note="grown",
        )
        for r in made
    )


def test_changelists_query_counts_and_sizes_do_not_grow_with_the_data(client, seeded, root):
    urls = [reverse(name) for name in LISTS]
    multiply_portfolio(5)  # full pages of the long lists from the start
    assert all(size for _queries, size in (measure(client, url) for url in urls))
    before = {url: measure(client, url) for url in urls}
    grow_reference_data()
    grow_requests(300)
    after = {url: measure(client, url) for url in urls}
    assert {url: q for url, (q, _size) in after.items()} == {
        url: q for url, (q, _size) in before.items()
    }
    for url, (_queries, size) in after.items():
        # The sidebars do not name the 60 new units, missions and documents.
        assert size == before[url][1], (url, before[url][1], size)


def test_sidebar_offers_a_search_box_not_every_unit(client, seeded, root):
    grow_reference_data()
    page = client.get(reverse("admin:mandates_request_changelist")).content.decode()
    assert 'data-filter-param="lead_unit__id__exact"' in page
    assert 'data-filter-param="missions__id__exact"' in page
    assert 'data-filter-param="paragraphs__document__id__exact"' in page
    assert "GROWN-U000" not in page
    assert "GROWN-M000" not in page
    assert "S/RES/5000 (2030)" not in page
    # The scripts of the boxes: Django's own autocomplete and the filter's.
    assert "admin/js/autocomplete.js" in page
    assert "mandates/admin/autocomplete_filter.js" in page


def test_filtering_through_the_box_keeps_the_choice_shown(client, seeded, root):
    unit = Unit.objects.filter(led_requests__isnull=False).order_by("acronym").first()
    assert unit is not None
    url = reverse("admin:mandates_request_changelist") + f"?lead_unit__id__exact={unit.pk}"
    page = client.get(url).content.decode()
    box = r'<select[^>]*data-filter-param="lead_unit__id__exact".*?</select>'
    shown = re.search(box, page, re.S)
    assert shown is not None
    assert f'<option value="{unit.pk}" selected>{unit}</option>' in shown[0]
    listed = int(re.search(r"(\d+) requests?", page)[1])  # type: ignore[index]
    assert listed == Request.objects.filter(lead_unit=unit, archived_at__isnull=True).count()


def test_the_box_is_fed_by_the_related_admin_with_its_permissions(client, seeded, root):
    field = ("app_label=mandates&model_name=request&field_name=lead_unit",)
    answer = client.get(f"/admin/autocomplete/?term=&{field[0]}")
    assert answer.status_code == 200
    assert answer.json()["results"]
    client.force_login(UserFactory.create(username="nobody", is_staff=True))
    assert client.get(f"/admin/autocomplete/?term=&{field[0]}").status_code == 403


@pytest.mark.parametrize("bad", ["abc", "10" * 20, "-1"])
def test_a_bad_value_in_the_filter_is_no_server_error(client, seeded, root, bad):
    url = reverse("admin:mandates_request_changelist") + f"?lead_unit__id__exact={bad}"
    assert client.get(url).status_code in (200, 302)


def test_every_related_filter_on_a_growing_table_is_a_search_box():
    growing = {Unit, Mission, Document, Request}
    for model, model_admin in admin.site._registry.items():
        for item in model_admin.list_filter:
            if not isinstance(item, str):
                continue
            field = get_fields_from_path(model, item)[-1]
            target = field.related_model if field.is_relation else None
            assert target not in growing, f"{model.__name__}.list_filter names {item!r}"
    assert issubclass(AutocompleteFilter, admin.RelatedFieldListFilter)


def test_paginator_counts_exactly_what_is_filtered():
    UnitFactory.create(acronym="ONE")
    paginator = EstimatedCountPaginator(Unit.objects.filter(acronym="ONE"), 10)
    assert paginator.count == 1
    assert EstimatedCountPaginator(Unit.objects.all(), 10).count == Unit.objects.count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statistics are PostgreSQL's")
def test_paginator_takes_the_statistics_of_a_large_table(seeded, monkeypatch):
    multiply_portfolio(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE mandates_statusupdate")
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = 'mandates_statusupdate'::regclass"
        )
        estimate = cursor.fetchone()[0]
    monkeypatch.setattr("mandates.admin.filters.ESTIMATE_ABOVE", 0)
    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(StatusUpdate.objects.all(), 100).count
    assert count == estimate
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert ESTIMATE_ABOVE == 10_000


def _updates_in(years: list[int]) -> None:
    import datetime

    from django.utils import timezone

    from tests.factories import RequestFactory

    request = RequestFactory.create()
    for year in years:
        StatusUpdate.objects.create(
            request=request,
            author_name="someone",
            created_at=timezone.make_aware(datetime.datetime(year, 3, 5, 10)),
            status_from="not_started",
            status_to="in_progress",
        )


def test_date_drill_down_reads_the_range_not_every_row(client, root):
    """The years (then months) offered above the list run from the first update to the last,
    read with MIN and MAX: no SELECT DISTINCT over the table."""
    StatusUpdate.objects.all().delete()
    _updates_in([2019, 2022])
    url = reverse("admin:mandates_statusupdate_changelist")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert not [q["sql"] for q in queries.captured_queries if "DISTINCT" in q["sql"].upper()]
    years = re.findall(r"created_at__year=(\d{4})", html)
    assert sorted(set(years)) == ["2019", "2020", "2021", "2022"]  # 2020 and 2021 have none
    months = client.get(url + "?created_at__year=2022").content.decode()
    assert "created_at__month=3" in months
    assert "created_at__month=4" not in months  # only March 2022 holds updates


def test_status_updates_are_listed_newest_first(client, root):
    StatusUpdate.objects.all().delete()
    _updates_in([2021, 2023, 2022])
    listed = client.get(reverse("admin:mandates_statusupdate_changelist")).context["cl"].result_list
    assert [u.created_at.year for u in listed] == [2023, 2022, 2021]
