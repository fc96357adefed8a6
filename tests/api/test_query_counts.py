"""Every list endpoint costs the same number of queries for 1 row as for 100."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mandates.models import Document, Unit
from tests.factories import (
    ActivityFactory,
    BenchmarkAssessmentFactory,
    BenchmarkFactory,
    DocumentFactory,
    MissionFactory,
    ParagraphFactory,
    PartnerSupportFactory,
    RequestFactory,
    SecretaryGeneralReportFactory,
    StatusUpdateFactory,
    ThemeFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def _requests(n: int) -> None:
    units = UnitFactory.create_batch(2)
    missions = MissionFactory.create_batch(2)
    paragraphs = ParagraphFactory.create_batch(2)
    for request in RequestFactory.create_batch(n, lead_unit=units[0]):
        request.supporting_units.set(units)
        request.missions.set(missions)
        request.paragraphs.set(paragraphs)


def _paragraphs(n: int) -> None:
    themes = ThemeFactory.create_batch(2)
    document = DocumentFactory.create()
    parent = ParagraphFactory.create(document=document, number=1, order=1)
    start = document.paragraphs.count()
    for number in range(start, start + n):
        paragraph = ParagraphFactory.create(
            document=document,
            parent=parent,
            label=f"x{number}",
            number=parent.number,
            order=parent.order + 1 + number,
        )
        paragraph.themes.set(themes)


def _units(n: int) -> None:
    parent = UnitFactory.create()
    mission = MissionFactory.create()
    UnitFactory.create_batch(n, parent=parent, mission=mission)


def _documents(n: int) -> None:
    predecessor = DocumentFactory.create()
    DocumentFactory.create_batch(n, predecessor=predecessor)


def _benchmarks(n: int) -> None:
    mission, unit = MissionFactory.create(), UnitFactory.create()
    paragraph, theme = ParagraphFactory.create(), ThemeFactory.create(kind="component")
    BenchmarkFactory.create_batch(
        n, mission=mission, responsible_unit=unit, paragraph=paragraph, component=theme
    )


def _assessments(n: int) -> None:
    benchmark = BenchmarkFactory.create()
    report = DocumentFactory.create()
    BenchmarkAssessmentFactory.create_batch(n, benchmark=benchmark, source_report=report)


def _updates(n: int) -> None:
    request = RequestFactory.create()
    StatusUpdateFactory.create_batch(n, request=request)


def _feeds_for(user) -> Callable[[int], None]:
    def build(n: int) -> None:
        from mandates.models import CalendarFeed

        unit = Unit.objects.first() or UnitFactory.create()
        for _ in range(n):
            feed = CalendarFeed(owner=user, scope="unit", unit=unit)
            feed.set_secret()
            feed.save()

    return build


def _summaries(n: int) -> None:
    import datetime

    from django.utils import timezone

    from reports.models import Summary

    start = datetime.date(2000, 1, 3) + datetime.timedelta(weeks=Summary.objects.count())
    for week in range(n):
        day = start + datetime.timedelta(weeks=week)
        Summary.objects.create(
            kind="weekly",
            period_start=day,
            period_end=day + datetime.timedelta(days=6),
            compiled_at=timezone.now(),
        )


def _sg_reports(n: int) -> None:
    from mandates.choices import CoverageState
    from mandates.sg_reports import services as reporting

    mission = MissionFactory.create(reporting_anchor=datetime.date(2025, 1, 15))
    UnitFactory.create(acronym=f"{mission.acronym}-SSR", kind="mission_section", mission=mission)
    for report in SecretaryGeneralReportFactory.create_batch(n, mission=mission):
        reporting.checklist_open(report=report)
        item = report.coverage_items.order_by("element")[0]
        reporting.coverage_record(item=item, state=CoverageState.MISSING, by=None)


def _partner_support(n: int) -> None:
    mission, theme = MissionFactory.create(), ThemeFactory.create(kind="component")
    PartnerSupportFactory.create_batch(n, mission=mission, area=theme)


def _activities(n: int) -> None:
    missions, units = MissionFactory.create_batch(2), UnitFactory.create_batch(2)
    themes, requests = ThemeFactory.create_batch(2), RequestFactory.create_batch(2)
    for activity in ActivityFactory.create_batch(n, missions=missions, units=units, themes=themes):
        activity.requests.set(requests)


CASES: dict[str, Callable[[int], object]] = {
    "/api/v1/activities/": _activities,
    "/api/v1/sg-reports/": _sg_reports,
    "/api/v1/sg-reports/matrix/": _sg_reports,
    "/api/v1/partner-support/": _partner_support,
    "/api/v1/summaries/": _summaries,
    "/api/v1/requests/": _requests,
    "/api/v1/requests/export/": _requests,
    "/api/v1/requests/export/?file_format=xlsx": _requests,
    "/api/v1/paragraphs/": _paragraphs,
    "/api/v1/documents/": _documents,
    "/api/v1/units/": _units,
    "/api/v1/missions/": MissionFactory.create_batch,
    "/api/v1/themes/": ThemeFactory.create_batch,
    "/api/v1/benchmarks/": _benchmarks,
    "/api/v1/assessments/": _assessments,
    "/api/v1/status-updates/": _updates,
}


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 200} if "?" not in url else None)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", list(CASES))
def test_list_query_count_does_not_depend_on_rows(client_for, administrator, url):
    client = client_for(administrator)
    client.get("/api/v1/themes/")  # token's last_used_at is written once, on the first call
    CASES[url](1)
    one = _count(client, url)
    CASES[url](99)
    hundred = _count(client, url)
    assert one == hundred, f"{url}: {one} queries for 1 row, {hundred} for 100"


def test_calendar_feed_list_query_count(client_for, staff_a):
    client = client_for(staff_a)
    client.get("/api/v1/themes/")
    build = _feeds_for(staff_a)
    build(1)
    one = _count(client, "/api/v1/calendar-feeds/")
    build(99)
    assert _count(client, "/api/v1/calendar-feeds/") == one


def _text_columns(queries: CaptureQueriesContext) -> int:
    """How many times the queries select a document's source text."""
    return sum(query["sql"].count("source_text") for query in queries.captured_queries)


def test_paragraph_list_does_not_load_the_document_text(client_for, administrator):
    _paragraphs(3)
    document = Document.objects.get()
    Document.objects.filter(pk=document.pk).update(source_text="Recalling its resolutions " * 500)
    client = client_for(administrator)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/paragraphs/", {"document": document.pk, "page_size": 500})

    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 4
    assert {row["document"]["display"] for row in rows} == {document.symbol}
    assert _text_columns(queries) == 0, [q["sql"] for q in queries.captured_queries]


def _document_links() -> dict[str, int]:
    """Addresses that read documents through a link, each with the number of source texts it
    may select: none, but a document's own detail."""
    document = DocumentFactory.create(predecessor=DocumentFactory.create())
    draft = DocumentFactory.create(kind="draft_resolution", symbol="S/2025/1", draft_of=document)
    paragraph = ParagraphFactory.create(document=document)
    assessment = BenchmarkAssessmentFactory.create(source_report=document)
    Document.objects.update(source_text="Recalling its resolutions " * 500)
    return {
        "/api/v1/paragraphs/": 0,
        f"/api/v1/paragraphs/{paragraph.pk}/": 0,
        "/api/v1/assessments/": 0,
        f"/api/v1/assessments/{assessment.pk}/": 0,
        f"/api/v1/missions/{assessment.benchmark.mission_id}/scorecard/": 0,
        "/api/v1/documents/": 0,
        f"/api/v1/requests/?document={document.pk}": 0,
        f"/api/v1/documents/{document.pk}/": 1,
        f"/api/v1/documents/{draft.pk}/": 1,
    }


def test_no_list_or_detail_loads_the_text_of_linked_documents(client_for, administrator):
    client = client_for(administrator)
    client.get("/api/v1/themes/")
    for url, own_texts in _document_links().items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        assert _text_columns(queries) == own_texts, url
