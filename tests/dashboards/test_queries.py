"""Each dashboard page issues the same number of queries with the demo data and with 50 times
as many requests, updates, benchmarks and assessments."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mandates.models import Benchmark, BenchmarkAssessment, Request, StatusUpdate
from tests.dashboards.conftest import page_urls

pytestmark = pytest.mark.django_db

TIMES = 50


def multiply_portfolio(times: int, tag: str = "x") -> None:
    """Copy every request (with its links and updates) and every benchmark (with its
    assessments) ``times - 1`` times, in bulk. Copies are named after their original and
    ``tag``: a second multiplication takes another tag."""
    requests = list(Request.objects.prefetch_related("supporting_units", "missions", "paragraphs"))
    updates: dict[int, list[StatusUpdate]] = {}
    for update in StatusUpdate.objects.all():
        updates.setdefault(update.request_id, []).append(update)
    links = (Request.supporting_units.through, Request.missions.through, Request.paragraphs.through)
    for copy in range(1, times):
        clones = Request.objects.bulk_create(
            [
                Request(
                    reference=f"{r.reference[:50]}-{tag}{copy}",
                    title=r.title,
                    lead_unit_id=r.lead_unit_id,
                    status=r.status,
                    priority=r.priority,
                    due_date=r.due_date,
                    recurrence=r.recurrence,
                    recurrence_months=r.recurrence_months,
                    recurrence_anchor=r.recurrence_anchor,
                    created_at=r.created_at,
                    closed_at=r.closed_at,
                )
                for r in requests
            ]
        )
        if any(c.pk is None for c in clones):
            by_ref = dict(Request.objects.values_list("reference", "pk"))
            for clone in clones:
                clone.pk = by_ref[clone.reference]
        links[0].objects.bulk_create(
            links[0](request_id=c.pk, unit_id=u.pk)
            for r, c in zip(requests, clones, strict=True)
            for u in r.supporting_units.all()
        )
        links[1].objects.bulk_create(
            links[1](request_id=c.pk, mission_id=m.pk)
            for r, c in zip(requests, clones, strict=True)
            for m in r.missions.all()
        )
        links[2].objects.bulk_create(
            links[2](request_id=c.pk, paragraph_id=p.pk)
            for r, c in zip(requests, clones, strict=True)
            for p in r.paragraphs.all()
        )
        StatusUpdate.objects.bulk_create(
            StatusUpdate(
                request_id=c.pk,
                author_name=u.author_name,
                created_at=u.created_at,
                status_from=u.status_from,
                status_to=u.status_to,
                note=u.note,
            )
            for r, c in zip(requests, clones, strict=True)
            for u in updates.get(r.pk, [])
        )
    benchmarks = list(Benchmark.objects.prefetch_related("assessments"))
    for copy in range(1, times):
        copies = Benchmark.objects.bulk_create(
            Benchmark(
                reference=f"{b.reference[:50]}-{tag}{copy}",
                mission_id=b.mission_id,
                paragraph_id=b.paragraph_id,
                ownership_element=b.ownership_element,
                component_id=b.component_id,
                indicator=b.indicator,
                baseline=b.baseline,
                target=b.target,
                target_date=b.target_date,
                responsible_unit_id=b.responsible_unit_id,
            )
            for b in benchmarks
        )
        if any(c.pk is None for c in copies):
            by_ref = dict(Benchmark.objects.values_list("reference", "pk"))
            for copied in copies:
                copied.pk = by_ref[copied.reference]
        BenchmarkAssessment.objects.bulk_create(
            BenchmarkAssessment(
                benchmark_id=c.pk,
                period_start=a.period_start,
                period_end=a.period_end,
                rating=a.rating,
                value=a.value,
                narrative=a.narrative,
            )
            for b, c in zip(benchmarks, copies, strict=True)
            for a in b.assessments.all()
        )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_page_query_counts_do_not_depend_on_the_data_size(client, seeded, manager):
    client.force_login(manager)
    urls = [*page_urls(), "/dashboard/?mission=MINUSCA&theme=national-ownership&period=365"]
    before = {url: count_queries(client, url) for url in urls}
    requests_before = Request.objects.count()
    multiply_portfolio(TIMES)
    assert Request.objects.count() == requests_before * TIMES
    after = {url: count_queries(client, url) for url in urls}
    assert after == before
    assert max(before.values()) <= 20, before
    # The overview: session, user, the user's and the group's permissions (4, Django's auth);
    # figures; activity by month (one UNION); the three due lists (one windowed query); counts
    # by mission, unit and resolution (one UNION); latest updates; the filter form's missions,
    # units and themes (one UNION). Counted on every view here (the test settings' maximum age of
    # its snapshot is 0); read from a snapshot it costs 6 (test_overview_snapshot.py).
    assert before["/dashboard/"] <= 10, before


def test_no_page_reads_the_source_text_of_documents(client, seeded, manager):
    """The pages show citations and titles; a resolution's source text (hundreds of kilobytes)
    is never read, not even grouped by."""
    client.force_login(manager)
    for url in page_urls():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        reading = [q["sql"] for q in queries.captured_queries if "source_text" in q["sql"]]
        assert not reading, (url, reading)
