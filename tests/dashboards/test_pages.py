"""The dashboard pages: who may see them, the numbers they show, filters, exports, markup."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from mandates.choices import DocumentKind
from mandates.models import Document, Mission, Request, Unit
from reports.periods import Period
from reports.summaries import summary_compile
from tests.dashboards.conftest import page_urls
from tests.factories import RequestFactory, UserFactory

pytestmark = pytest.mark.django_db


def figure(html: str, name: str) -> int:
    match = re.search(rf'data-figure="{name}">(\d+)<', html)
    assert match, f"no figure {name}"
    return int(match[1])


def test_anonymous_people_are_sent_to_log_in(client, seeded):
    for url in page_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")


def test_an_account_without_a_role_is_refused(client, seeded):
    client.force_login(UserFactory.create())
    assert client.get("/dashboard/").status_code == 403


@pytest.mark.parametrize("role", ["manager", "staff_a", "administrator"])
def test_every_page_renders_for_each_reading_role(client, seeded, role, request):
    client.force_login(request.getfixturevalue(role))
    for url in page_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<h1>" in response.content


def test_overview_figures_match_the_database(client, seeded, manager):
    client.force_login(manager)
    html = client.get("/dashboard/").content.decode()
    today = timezone.localdate()
    active = Request.objects.active()
    assert figure(html, "overdue") == active.overdue(today=today).count() > 0
    assert figure(html, "open") == active.open().count()
    assert figure(html, "due_30") == active.due_within(30, today=today).count()


def test_the_mission_filter_narrows_every_figure(client, seeded, manager):
    client.force_login(manager)
    mission = Mission.objects.get(acronym="MINUSCA")
    html = client.get("/dashboard/", {"mission": "MINUSCA"}).content.decode()
    mine = Request.objects.active().for_mission(mission.pk)
    assert figure(html, "open") == mine.open().count()
    assert figure(html, "open") < Request.objects.open().count()
    assert figure(html, "overdue") == mine.overdue().count()
    # The export links carry the same selection, named as the dashboard names it.
    assert f"requests/export/?mission={mission.acronym}&" in html.replace("&amp;", "&")
    assert "selected>MINUSCA<" in html or 'value="MINUSCA" selected' in html


def test_an_unknown_filter_value_is_explained_not_an_error(client, seeded, manager):
    client.force_login(manager)
    response = client.get("/dashboard/", {"mission": "NOPE", "period": "7"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errorlist"' in html
    assert figure(html, "open") == Request.objects.open().count()


def test_unit_page_shows_its_workload(client, seeded, manager):
    client.force_login(manager)
    html = client.get("/dashboard/units/SSRU/").content.decode()
    ssru = Request.objects.active().for_units([Unit.objects.get(acronym="SSRU").pk])
    assert figure(html, "open") == ssru.open().count()


def test_resolution_page_puts_requests_beside_their_paragraph(client, seeded, manager):
    from mandates.models import Document

    client.force_login(manager)
    document = Document.objects.get(symbol="S/RES/2553 (2020)")
    html = client.get(f"/dashboard/resolutions/{document.pk}/").content.decode()
    request = Request.objects.get(reference="2553-OP20e")
    paragraph = request.paragraphs.get()
    article = html.split(f'id="p-{paragraph.pk}"', 1)[1].split("</article>", 1)[0]
    assert request.title in article
    assert "ssr-status--" in article


def test_matrix_marks_overdue_cells(client, seeded, manager):
    client.force_login(manager)
    html = client.get("/dashboard/matrix/").content.decode()
    overdue = Request.objects.overdue().filter(missions__isnull=False).distinct().count()
    rows_with_overdue = sum(1 for row in html.split("<tr>") if 'class="cell fill-overdue"' in row)
    assert rows_with_overdue == overdue > 0


def test_deadlines_and_matrix_are_paged_and_keep_their_filters(
    client, seeded, manager, monkeypatch
):
    """Long lists come a page at a time; the headings still count everything."""
    from reports import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    monkeypatch.setattr(views, "MATRIX_PAGE_SIZE", 3)
    client.force_login(manager)
    today = timezone.localdate()
    in_four_months = (today + datetime.timedelta(days=120)).replace(day=10)
    for n in range(5):  # a month that spans pages, whatever day the tests run
        RequestFactory.create(reference=f"paged-{n}", due_date=in_four_months)
    due = (
        Request.objects.active()
        .open()
        .filter(due_date__lte=today + datetime.timedelta(days=180))
        .order_by("due_date", "reference", "pk")
    )
    overdue = due.filter(due_date__lt=today).count()
    assert due.count() > 3

    first = client.get("/dashboard/deadlines/").content.decode()
    refs = list(due.values_list("reference", flat=True))
    assert all(ref in first for ref in refs[:3])
    assert refs[3] not in first
    assert f"Overdue: {overdue} request" in first
    assert f"1–3 of {len(refs)}" in first
    assert 'href="?page=2" rel="next"' in first

    # A month split across pages is headed with its whole count on each.
    months = [
        d.replace(day=1) for d in due.filter(due_date__gte=today).values_list("due_date", flat=True)
    ]
    busiest = max(set(months), key=months.count)
    assert months.count(busiest) > 3
    start = overdue + months.index(busiest)
    deep = client.get(f"/dashboard/deadlines/?page={start // 3 + 1}").content.decode()
    assert f"· {months.count(busiest)}</span>" in deep

    second = client.get("/dashboard/deadlines/?page=2").content.decode()
    assert refs[3] in second
    assert refs[0] not in second
    assert 'href="?page=1" rel="prev"' in second

    matrix = client.get("/dashboard/matrix/?unit=").content.decode()
    assert matrix.count('<th scope="row">') == 3
    assert 'href="?unit=&amp;page=2" rel="next"' in matrix
    assert client.get("/dashboard/matrix/?page=999").status_code == 200

    resolutions = Document.objects.filter(kind=DocumentKind.RESOLUTION).count()
    html = client.get("/dashboard/resolutions/").content.decode()
    assert html.split("<table")[1].count("<tr>") == min(resolutions, 3) + 1


def test_a_mission_page_pages_its_requests_and_quotes_its_latest_paragraphs(
    client, seeded, manager, monkeypatch
):
    from reports import selectors, views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(selectors, "PARAGRAPH_LIMIT", 1)
    client.force_login(manager)
    mission = Mission.objects.get(acronym="MINUSCA")
    requests = Request.objects.active().for_mission(mission.pk)
    paragraphs = (
        Request.paragraphs.through.objects.filter(request__in=requests.values("pk"))
        .values("paragraph_id")
        .distinct()
        .count()
    )
    assert requests.count() > 2
    assert paragraphs > 1

    html = client.get("/dashboard/missions/MINUSCA/").content.decode()
    table = html.split('id="h-requests"')[1].split("</section>")[0]
    assert table.count("<tr>") == 3  # the head and two rows
    assert f"1–2 of {requests.count()}" in html
    assert f"The latest 1 of {paragraphs} paragraphs" in html


def test_missing_objects_are_404(client, seeded, manager):
    client.force_login(manager)
    assert client.get("/dashboard/missions/NOPE/").status_code == 404
    assert client.get("/dashboard/units/NOPE/").status_code == 404
    assert client.get("/dashboard/resolutions/999999/").status_code == 404
    assert client.get("/dashboard/summaries/999999/").status_code == 404


def test_summaries_are_listed_read_and_downloaded(client, seeded, manager):
    summary, _compiled = summary_compile(period=Period.parse("2026-Q3"))
    client.force_login(manager)
    assert summary.title in client.get("/dashboard/summaries/").content.decode()
    page = client.get(f"/dashboard/summaries/{summary.pk}/").content.decode()
    assert "<h2>" in page
    text = client.get(f"/dashboard/summaries/{summary.pk}/txt/")
    assert text.content.decode() == summary.text
    assert "attachment" in text["Content-Disposition"]
    pdf = client.get(f"/dashboard/summaries/{summary.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert client.get(f"/dashboard/summaries/{summary.pk}/docx/").status_code == 404


class Outline(HTMLParser):
    """Collects headings, form controls and their labels."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.controls: list[str] = []
        self.labels: set[str] = set()
        self.labelled: set[str] = set()
        self.images_without_name = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in ("select", "input", "textarea") and found.get("type") not in (
            "hidden",
            "submit",
        ):
            self.controls.append(found.get("id") or "")
            if found.get("aria-label"):
                self.labelled.add(found.get("id") or "")
        if tag == "label" and found.get("for"):
            self.labels.add(found["for"] or "")
        if tag == "svg" and found.get("role") == "img" and not found.get("aria-label"):
            self.images_without_name += 1


def test_pages_are_accessible_in_their_structure(client, seeded, manager):
    client.force_login(manager)
    for url in page_urls():
        outline = Outline()
        outline.feed(client.get(url).content.decode())
        assert outline.headings[0] == 1, url
        assert outline.headings.count(1) == 1, url
        for before, after in zip(outline.headings, outline.headings[1:], strict=False):
            assert after <= before + 1, f"{url}: h{before} followed by h{after}"
        for control in outline.controls:
            assert control, f"{url}: a control without an id"
            labelled = control in outline.labels or control in outline.labelled
            assert labelled, f"{url}: control {control!r} has no label"
        assert outline.images_without_name == 0, url
