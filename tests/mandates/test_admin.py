"""The admin: every changelist works, costs the same number of queries for 1 row as for many,
and a status update saved from the request page is recorded with its author."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mandates.choices import MembershipRole, ParagraphKind, RequestStatus
from mandates.models import Document, Request, StatusUpdate, UnitMembership
from tests.factories import (
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
    UserFactory,
)

pytestmark = pytest.mark.django_db


def form_data(client, url: str) -> dict[str, object]:
    """The POST data of an admin form as the page at ``url`` renders it, with the management
    data of its inlines."""
    page = client.get(url)
    assert page.status_code == 200, url
    form = page.context["adminform"].form
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
    for inline in page.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def change_form_data(client, request: Request, **changes: object) -> dict[str, object]:
    """The POST data of the request's change form as the page renders it, with ``changes``."""
    data = form_data(client, reverse("admin:mandates_request_change", args=[request.pk]))
    data.update({"updates-TOTAL_FORMS": "0", "updates-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def make_requests(n: int) -> None:
    mission = MissionFactory.create()
    for _ in range(n):
        request = RequestFactory.create(missions=[mission, MissionFactory.create()])
        StatusUpdateFactory.create(request=request)


def make_paragraphs(n: int) -> None:
    document = DocumentFactory.create()
    theme = ThemeFactory.create()
    for i in range(n):
        paragraph = ParagraphFactory.create(document=document, number=i + 1, order=i + 1)
        paragraph.themes.add(theme)


def make_memberships(n: int) -> None:
    unit = UnitFactory.create()
    for _ in range(n):
        UnitMembership.objects.create(
            unit=unit, user=UserFactory.create(), role=MembershipRole.MEMBER
        )


def make_units(n: int) -> None:
    parent = UnitFactory.create()
    for _ in range(n):
        unit = UnitFactory.create(
            parent=parent, mission=MissionFactory.create(), kind="mission_section"
        )
        UnitMembership.objects.create(unit=unit, user=UserFactory.create())


def make_benchmarks(n: int) -> None:
    for _ in range(n):
        BenchmarkAssessmentFactory.create(
            benchmark=BenchmarkFactory.create(component=ThemeFactory.create())
        )


def make_missions(n: int) -> None:
    for _ in range(n):
        RequestFactory.create(missions=[MissionFactory.create()])


def make_documents(n: int) -> None:
    for _ in range(n):
        ParagraphFactory.create(document=DocumentFactory.create(), number=1, order=1)


def make_themes(n: int) -> None:
    for _ in range(n):
        ParagraphFactory.create(number=1, order=1).themes.add(ThemeFactory.create())


def make_reports(n: int) -> None:
    from mandates.choices import CoverageState
    from mandates.sg_reports import services as reporting

    mission = MissionFactory.create()
    UnitFactory.create(acronym=f"{mission.acronym}-SSR", kind="mission_section", mission=mission)
    for _ in range(n):
        report = SecretaryGeneralReportFactory.create(mission=mission)
        reporting.checklist_open(report=report)
        item = report.coverage_items.order_by("element")[0]
        reporting.coverage_record(item=item, state=CoverageState.MISSING, by=None)


def make_partner_support(n: int) -> None:
    PartnerSupportFactory.create_batch(n, area=ThemeFactory.create())


def make_fulfilments(n: int) -> None:
    from mandates.models import Fulfilment

    mission = MissionFactory.create()
    report = SecretaryGeneralReportFactory.create(mission=mission)
    for _ in range(n):
        request = RequestFactory.create(missions=[mission])
        Fulfilment.objects.create(
            request=request, mission=mission, report=report, outcome="on_time", paragraphs="1"
        )


CHANGELISTS: list[tuple[str, Callable[[int], None]]] = [
    ("secretarygeneralreport", make_reports),
    ("coverageitem", make_reports),
    ("partnersupport", make_partner_support),
    ("document", make_documents),
    ("paragraph", make_paragraphs),
    ("theme", make_themes),
    ("mission", make_missions),
    ("unit", make_units),
    ("unitmembership", make_memberships),
    ("request", make_requests),
    ("statusupdate", make_requests),
    ("requestmission", make_requests),
    ("benchmark", make_benchmarks),
    ("benchmarkassessment", make_benchmarks),
    ("fulfilment", make_fulfilments),
]


@pytest.mark.parametrize(("model", "make"), CHANGELISTS, ids=[m for m, _ in CHANGELISTS])
def test_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_num_queries, model, make
):
    """Session, user, count(s), the page of rows, and one query per prefetch or filter: the
    same for 1 row as for 60."""
    url = reverse(f"admin:mandates_{model}_changelist")
    make(1)
    with CaptureQueriesContext(connection) as one_row:
        assert admin_client.get(url).status_code == 200
    make(59)
    with django_assert_num_queries(len(one_row.captured_queries)):
        response = admin_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("model", [m for m, _ in CHANGELISTS])
def test_changelist_search_and_add_pages_render(admin_client, model):
    response = admin_client.get(reverse(f"admin:mandates_{model}_changelist"), {"q": "2553"})
    assert response.status_code == 200
    add = admin_client.get(reverse(f"admin:mandates_{model}_add"))
    # Status updates are added from their request, never on their own; coverage items come
    # with the report they belong to; mission lines with the request's missions.
    refused = ("statusupdate", "coverageitem", "requestmission")
    assert add.status_code == (403 if model in refused else 200)


def test_request_change_page_shows_paragraph_and_timeline(admin_client):
    paragraph = ParagraphFactory.create(
        text="Requests the Secretary-General to report in September;"
    )
    request = RequestFactory.create(paragraphs=[paragraph])
    StatusUpdateFactory.create(request=request, note="Concept note shared with IASSRTF.")
    response = admin_client.get(reverse("admin:mandates_request_change", args=[request.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Concept note shared with IASSRTF." in content
    assert paragraph.citation in content


def test_document_page_lists_its_paragraphs_inline(admin_client):
    document = DocumentFactory.create()
    ParagraphFactory.create(document=document, number=1, order=1, text="Decides to remain seized;")
    ParagraphFactory.create(
        document=document, kind=ParagraphKind.PREAMBULAR, number=1, order=0, text="Recalling;"
    )
    response = admin_client.get(reverse("admin:mandates_document_change", args=[document.pk]))
    assert response.status_code == 200
    assert "Decides to remain seized;" in response.content.decode()


def test_saving_a_new_status_records_an_update_with_author(admin_client, admin_user):
    request = RequestFactory.create(due_date=datetime.date(2027, 1, 31))
    url = reverse("admin:mandates_request_change", args=[request.pk])
    data = change_form_data(
        admin_client,
        request,
        priority="high",
        new_status=RequestStatus.IN_PROGRESS,
        update_note="Terms of reference drafted.",
        evidence_url="https://example.org/tor",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    request = Request.objects.get(pk=request.pk)
    update = StatusUpdate.objects.get(request=request)
    assert request.status == RequestStatus.IN_PROGRESS
    assert request.priority == "high"
    assert (update.status_from, update.status_to) == ("not_started", "in_progress")
    assert update.author == admin_user
    assert update.note == "Terms of reference drafted."
    assert request.history.count() >= 2


def test_completing_a_request_sets_its_closing_time(admin_client):
    request = RequestFactory.create(status=RequestStatus.IN_PROGRESS)
    url = reverse("admin:mandates_request_change", args=[request.pk])
    data = change_form_data(
        admin_client, request, new_status=RequestStatus.COMPLETED, update_note="Report issued."
    )
    assert admin_client.post(url, data).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    assert request.closed_at is not None


def test_status_updates_cannot_be_changed_or_deleted_in_the_admin(admin_client):
    update = StatusUpdateFactory.create()
    change = reverse("admin:mandates_statusupdate_change", args=[update.pk])
    delete = reverse("admin:mandates_statusupdate_delete", args=[update.pk])
    assert admin_client.post(change, {"note": "rewritten"}).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert StatusUpdate.objects.filter(pk=update.pk, note="Progress note.").exists()


def test_autocomplete_finds_paragraph_by_citation(admin_client):
    document = DocumentFactory.create(symbol="S/RES/2553 (2020)", citation_label="2553 (2020)")
    ParagraphFactory.create(document=document, number=25, order=25)
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "OP25",
            "app_label": "mandates",
            "model_name": "request",
            "field_name": "paragraphs",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["2553 (2020) OP25"]


@pytest.mark.parametrize(
    "page", ["paragraph_changelist", "document_changelist", "document_change", "document_compare"]
)
def test_admin_pages_do_not_load_document_texts_per_row(admin_client, page):
    """The text of a document is read only on its own change page, once."""
    make_paragraphs(3)
    document = Document.objects.get()
    make_documents(2)  # to compare with
    Document.objects.update(source_text="Recalling its resolutions " * 500)
    args = [document.pk] if page.endswith(("_change", "_compare")) else []

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse(f"admin:mandates_{page}", args=args))

    assert response.status_code == 200
    selected = sum(query["sql"].count("source_text") for query in queries.captured_queries)
    assert selected == (1 if page == "document_change" else 0)


@pytest.mark.parametrize("other", ["²", "١", "1" + "0" * 29, "9" * 5000])
def test_compare_page_ignores_ids_that_are_not_numbers_in_range(admin_client, other):
    make_paragraphs(1)
    document = Document.objects.get()
    url = reverse("admin:mandates_document_compare", args=[document.pk])

    shown = admin_client.get(url, {"with": other})
    posted = admin_client.post(url, {"with": other, "carry": [f"{other}:{other}"]})

    assert shown.status_code == 200
    assert posted.status_code == 200
