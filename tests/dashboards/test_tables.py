"""The missions, units and resolutions tables count what the requests say, for the selection."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from mandates.choices import DocumentKind, RequestStatus
from mandates.models import Request
from reports import selectors
from tests.factories import MissionFactory, RequestFactory

pytestmark = pytest.mark.django_db


def expected(requests, keys_of) -> dict[int, tuple[int, int, int]]:
    """(open, overdue, completed) per key, counted one request at a time."""
    today = timezone.localdate()
    counts: dict[int, Counter] = {}
    for request in requests:
        for key in set(keys_of(request)):
            c = counts.setdefault(key, Counter())
            if request.status in RequestStatus.open():
                c["open"] += 1
                c["overdue"] += bool(request.due_date and request.due_date < today)
            c["completed"] += request.status == RequestStatus.COMPLETED
    found = {k: (c["open"], c["overdue"], c["completed"]) for k, c in counts.items()}
    return {k: v for k, v in found.items() if any(v)}


def counted(rows) -> dict[int, tuple[int, int, int]]:
    return {
        row.pk: (row.open_count, row.overdue_count, row.completed_count)
        for row in rows
        if row.open_count or row.overdue_count or row.completed_count
    }


def test_tables_count_the_selected_requests(seeded):
    today = timezone.localdate()
    quiet = MissionFactory.create(acronym="QUIET")
    now = timezone.now()
    RequestFactory.create(
        status=RequestStatus.CANCELLED, created_at=now, closed_at=now, missions=[quiet]
    )
    every = Request.objects.active()
    requests = list(every.prefetch_related("missions", "paragraphs__document"))
    assert requests, "the seed data has requests"

    missions = selectors.mission_table(every, today=today, include_closed=True)
    assert counted(missions) == expected(requests, lambda r: [m.pk for m in r.missions.all()])
    assert getattr(next(m for m in missions if m.pk == quiet.pk), "open_count") == 0  # noqa: B009
    # By default, the closed missions (an end date in the past) are left out.
    shown = {m.pk for m in selectors.mission_table(every, today=today)}
    assert shown == {m.pk for m in missions if not m.is_closed(today=today)}
    assert shown != {m.pk for m in missions}, "the seed data has closed missions"

    units = selectors.unit_table(every, today=today)
    assert counted(units) == expected(requests, lambda r: [r.lead_unit_id])
    overdue = [getattr(u, "overdue_count") for u in units]  # noqa: B009 - set at run time
    assert overdue == sorted(overdue, reverse=True)

    documents, counts = selectors.resolutions(every, today=today)
    resolutions = selectors.with_counts(list(documents), counts)
    assert counted(resolutions) == expected(
        requests,
        lambda r: [
            p.document_id for p in r.paragraphs.all() if p.document.kind == DocumentKind.RESOLUTION
        ],
    )
    assert counted(selectors.mission_table(every.none(), today=today)) == {}


def test_missions_and_units_pages_are_paged_and_count_each_page(
    seeded, client, manager, monkeypatch
):
    """Each page of the missions list counts its own missions' lines, as the whole table does."""
    from reports import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client.force_login(manager)
    today = timezone.localdate()
    rows: list[Any] = selectors.mission_table(Request.objects.active(), today=today)
    whole = {m.acronym: (m.open_count, m.overdue_count, m.completed_count) for m in rows}
    assert len(whole) > 3, "the seed data has more than one page of missions"
    seen: dict[str, tuple[int, int, int]] = {}
    for number in range(1, len(whole) // 3 + 2):
        response = client.get(f"/dashboard/missions/?page={number}")
        shown = response.context["missions"]
        assert len(shown) <= 3
        for m in shown:
            seen[m.acronym] = (m.open_count, m.overdue_count, m.completed_count)
    assert seen == whole
    assert 'rel="next"' in client.get("/dashboard/missions/").content.decode()
    units = selectors.unit_table(Request.objects.active(), today=today)
    first = client.get("/dashboard/units/").context["units"]
    assert [u.acronym for u in first] == [u.acronym for u in units[:3]]
    if len(units) > 3:
        second = client.get("/dashboard/units/?page=2").context["units"]
        assert [u.acronym for u in second] == [u.acronym for u in units[3:6]]


def test_matrix_columns_are_the_missions_of_the_page(seeded, client, manager, monkeypatch):
    """Each page of the matrix has a column for each mission its rows concern, and only
    those; every line of each row is in a column."""
    from reports import views

    monkeypatch.setattr(views, "MATRIX_PAGE_SIZE", 2)
    client.force_login(manager)
    seen_columns: set[str] = set()
    for number in (1, 2, 3):
        context = client.get(f"/dashboard/matrix/?page={number}").context
        columns = [m.acronym for m in context["columns"]]
        assert columns == sorted(columns)
        concerned = {
            line.mission.acronym
            for r, _cells in context["table"]
            for line in r.mission_lines.select_related("mission")
        }
        assert set(columns) == concerned
        for _request, cells in context["table"]:
            assert len(cells) == len(columns)
        seen_columns |= set(columns)
    assert seen_columns


def test_resolutions_page_counts_its_own_resolutions_as_the_whole_table(
    seeded, client, manager, monkeypatch
):
    from reports import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(manager)
    today = timezone.localdate()
    listed, counts = selectors.resolutions(Request.objects.active(), today=today)
    every: list[Any] = selectors.with_counts(list(listed), counts)
    whole = {
        d.pk: (d.open_count, d.overdue_count, d.completed_count, d.paragraph_count) for d in every
    }
    assert any(v[0] for v in whole.values()), "the seed data has resolutions with open requests"
    seen = {}
    for number in range(1, len(every) // 2 + 2):
        for d in client.get(f"/dashboard/resolutions/?page={number}").context["documents"]:
            seen[d.pk] = (d.open_count, d.overdue_count, d.completed_count, d.paragraph_count)
    assert seen == whole
