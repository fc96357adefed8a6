"""Rules the database keeps, citations, and computed request state."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mandates.choices import DocumentKind, ParagraphKind, RequestStatus
from mandates.models import Document, Request, StatusUpdate
from tests.factories import (
    BenchmarkAssessmentFactory,
    BenchmarkFactory,
    DocumentFactory,
    MissionFactory,
    ParagraphFactory,
    RequestFactory,
    StatusUpdateFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 22)


def test_citations_for_operative_preambular_nested_and_report_paragraphs():
    res = DocumentFactory.create(symbol="S/RES/2553 (2020)", citation_label="2553 (2020)")
    op20 = ParagraphFactory.create(document=res, number=20, order=20)
    op20e = ParagraphFactory.create(document=res, number=20, label="e", parent=op20, order=21)
    nested = ParagraphFactory.create(document=res, number=20, label="i", parent=op20e, order=22)
    pp3 = ParagraphFactory.create(document=res, kind=ParagraphKind.PREAMBULAR, number=3, order=3)
    report = DocumentFactory.create(
        symbol="A/62/659-S/2008/39", citation_label="A/62/659", kind=DocumentKind.SG_REPORT
    )
    para45a = ParagraphFactory.create(
        document=report,
        number=45,
        label="a",
        parent=ParagraphFactory.create(document=report, number=45, order=1),
        order=2,
    )
    assert str(op20e) == "2553 (2020) OP20(e)"
    assert nested.citation == "2553 (2020) OP20(e)(i)"
    assert str(pp3) == "2553 (2020) PP3"
    assert str(para45a) == "A/62/659 para. 45(a)"


@pytest.mark.parametrize(
    ("symbol", "url"),
    [
        ("S/RES/2553 (2020)", "https://undocs.org/en/S/RES/2553(2020)"),
        ("S/PRST/2007/3", "https://undocs.org/en/S/PRST/2007/3"),
        ("A/62/659-S/2008/39", "https://undocs.org/en/A/62/659"),
        ("S/RES/2553 (2020) draft", ""),
    ],
)
def test_document_link_is_built_from_the_symbol(symbol, url):
    assert Document(symbol=symbol).url == url


def test_symbol_is_unique():
    DocumentFactory.create(symbol="S/RES/1 (1946)")
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(symbol="S/RES/1 (1946)", citation_label="1", kind="resolution")


def test_only_a_draft_can_be_the_draft_of_another():
    adopted = DocumentFactory.create()
    document = Document(
        symbol="S/2025/1", citation_label="S/2025/1", kind=DocumentKind.RESOLUTION, draft_of=adopted
    )
    with pytest.raises(ValidationError, match="Only a draft resolution"):
        document.full_clean()


def test_subparagraph_needs_parent_and_label():
    document = DocumentFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        ParagraphFactory.create(document=document, label="a", parent=None)


def test_preambular_paragraphs_have_no_subparagraphs():
    document = DocumentFactory.create()
    pp1 = ParagraphFactory.create(
        document=document, kind=ParagraphKind.PREAMBULAR, number=1, order=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ParagraphFactory.create(
            document=document, kind=ParagraphKind.PREAMBULAR, number=1, label="a", parent=pp1
        )


def test_two_paragraphs_cannot_share_a_number():
    document = DocumentFactory.create()
    ParagraphFactory.create(document=document, number=4, order=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParagraphFactory.create(document=document, number=4, order=5)


def test_closed_request_needs_closing_time_and_open_one_has_none():
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestFactory.create(status=RequestStatus.COMPLETED, closed_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestFactory.create(status=RequestStatus.IN_PROGRESS, closed_at=timezone.now())


def test_constraint_messages_are_readable():
    request = RequestFactory.build(
        lead_unit=UnitFactory.create(), status=RequestStatus.COMPLETED, closed_at=None
    )
    with pytest.raises(ValidationError) as excinfo:
        request.full_clean()
    assert "closing time exactly when it is completed" in str(excinfo.value)


def test_interval_recurrence_needs_months_and_anchor():
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestFactory.create(recurrence="interval", recurrence_months=None)


def test_unknown_status_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestFactory.create(status="finished")


def test_mission_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        MissionFactory.create(
            start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2019, 1, 1)
        )


def test_mission_section_must_belong_to_a_mission():
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory.create(kind="mission_section", mission=None)


def test_benchmark_needs_an_ownership_element_or_a_component():
    with pytest.raises(IntegrityError), transaction.atomic():
        BenchmarkFactory.create(ownership_element="", component=None)


def test_one_assessment_per_benchmark_and_period():
    first = BenchmarkAssessmentFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        BenchmarkAssessmentFactory.create(
            benchmark=first.benchmark, period_start=first.period_start
        )


def test_assessment_period_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        BenchmarkAssessmentFactory.create(
            period_start=datetime.date(2024, 5, 1), period_end=datetime.date(2024, 4, 1)
        )


def test_status_updates_are_append_only():
    update = StatusUpdateFactory.create()
    update.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        update.save()
    with pytest.raises(ValueError, match="append-only"):
        update.delete()
    assert StatusUpdate.objects.get(pk=update.pk).note == "Progress note."


def test_every_save_bumps_the_request_version():
    request = RequestFactory.create()
    assert request.version == 1
    request.title = "Changed"
    request.save()
    request.save()
    assert Request.objects.get(pk=request.pk).version == 3


def test_overdue_and_due_soon_are_computed_from_the_due_date():
    overdue = RequestFactory.create(due_date=TODAY - datetime.timedelta(days=1))
    due_today = RequestFactory.create(due_date=TODAY)
    soon = RequestFactory.create(due_date=TODAY + datetime.timedelta(days=30))
    later = RequestFactory.create(due_date=TODAY + datetime.timedelta(days=31))
    done_late = RequestFactory.create(
        due_date=TODAY - datetime.timedelta(days=10),
        status=RequestStatus.COMPLETED,
        created_at=timezone.now() - datetime.timedelta(days=20),
        closed_at=timezone.now(),
    )
    assert list(Request.objects.overdue(today=TODAY)) == [overdue]
    assert set(Request.objects.due_within(30, today=TODAY)) == {due_today, soon}
    assert later not in Request.objects.due_within(30, today=TODAY)
    assert overdue.is_overdue(today=TODAY)
    assert not done_late.is_overdue(today=TODAY)
    assert soon.days_until_due(today=TODAY) == 30


def test_requests_for_a_unit_include_supported_ones_once():
    unit = UnitFactory.create()
    led = RequestFactory.create(lead_unit=unit)
    supported = RequestFactory.create(supporting_units=[unit, UnitFactory.create()])
    RequestFactory.create()
    assert set(Request.objects.for_unit(unit.pk)) == {led, supported}
    assert Request.objects.for_unit(unit.pk).count() == 2


def test_str_is_readable():
    mission = MissionFactory.create(acronym="MINUSCA", host_country="Central African Republic")
    request = RequestFactory.create(reference="2553-OP20e", title="Include SSR benchmarks")
    update = StatusUpdateFactory.create(
        request=request, status_to=RequestStatus.IN_PROGRESS, created_at=timezone.now()
    )
    assert str(mission) == "MINUSCA (Central African Republic)"
    assert str(request) == "2553-OP20e: Include SSR benchmarks"
    assert str(update).startswith("2553-OP20e: Not started → In progress (")
