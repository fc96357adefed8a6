"""Recurring requests: the next occurrence is created once, when completed or when due."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection

from mandates.choices import Recurrence, RequestStatus
from mandates.models import Request
from mandates.requests import recurrence
from mandates.requests.services import request_update_status
from reports import tasks
from tests.factories import MissionFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def created_on(day: str) -> list[int]:
    """The daily task on ``day``: the ids it created (it skipped nothing)."""
    result = tasks.create_due_occurrences(today=day)
    assert result["skipped"] == []
    return result["created"]


def at(day: D) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)


@pytest.fixture
def quarterly(make_request):
    """Every three months from 31 March 2021; this one due 30 September 2021."""
    return make_request(
        reference="2553-OP25",
        title="Report on SSR",
        due_date=D(2021, 9, 30),
        recurrence=Recurrence.INTERVAL,
        recurrence_months=3,
        recurrence_anchor=D(2021, 3, 31),
    )


def complete(request, day: D) -> None:
    for status in (RequestStatus.IN_PROGRESS, RequestStatus.COMPLETED):
        request_update_status(request=request, status=status, now=at(day), by=None)


def test_completing_creates_exactly_one_next_occurrence(quarterly):
    complete(quarterly, D(2021, 9, 20))
    successor = recurrence.request_create_next_occurrence(
        request_id=quarterly.pk, today=D(2021, 9, 20)
    )
    assert successor is not None
    assert successor.due_date == D(2021, 12, 31)
    assert successor.predecessor_id == quarterly.pk
    assert successor.reference == "2553-OP25--2021-12-31"
    assert successor.status == RequestStatus.NOT_STARTED
    assert (successor.title, successor.lead_unit_id) == (quarterly.title, quarterly.lead_unit_id)
    assert "Next occurrence of 2553-OP25" in successor.updates.get().note

    again = recurrence.request_create_next_occurrence(request_id=quarterly.pk, today=D(2021, 9, 21))
    assert again is None
    assert recurrence.pending_occurrences(today=D(2021, 10, 1)) == []
    assert Request.objects.filter(predecessor=quarterly).count() == 1


def test_falling_due_creates_the_next_occurrence_once(quarterly):
    assert created_on("2021-09-29") == []
    (created,) = created_on("2021-09-30")
    assert created_on("2021-09-30") == []
    assert created_on("2021-10-30") == []
    successor = Request.objects.get(pk=created)
    assert successor.due_date == D(2021, 12, 31)
    # The overdue one stays open; its successor carries the series on.
    quarterly.refresh_from_db()
    assert quarterly.status == RequestStatus.NOT_STARTED
    (next_one,) = created_on("2021-12-31")
    assert Request.objects.get(pk=next_one).reference == "2553-OP25--2022-03-31"


def test_a_long_overdue_request_gets_one_next_occurrence_not_a_backlog(quarterly):
    (created,) = created_on("2022-05-10")
    assert Request.objects.get(pk=created).due_date == D(2022, 6, 30)
    assert Request.objects.count() == 2


def test_mission_reports_requests_with_missions_get_no_new_occurrence(make_request):
    # A standing obligation: each mission's line falls due with its own mission's reports
    # (mandates.sg_reports.fulfilment); a second open occurrence would duplicate it.
    request = make_request(
        due_date=D(2021, 8, 31),
        recurrence=Recurrence.MISSION_REPORTS,
        missions=[
            MissionFactory.create(reporting_cycle_months=6),
            MissionFactory.create(reporting_cycle_months=4),
        ],
    )
    assert request.pk not in recurrence.pending_occurrences(today=D(2021, 9, 30))
    assert (
        recurrence.request_create_next_occurrence(request_id=request.pk, today=D(2021, 9, 30))
        is None
    )
    complete(request, D(2021, 8, 30))
    assert request.pk not in recurrence.pending_occurrences(today=D(2021, 9, 30))
    assert (
        recurrence.request_create_next_occurrence(request_id=request.pk, today=D(2021, 9, 30))
        is None
    )
    assert Request.objects.count() == 1


@pytest.mark.parametrize(
    "status", [RequestStatus.CANCELLED, RequestStatus.IN_PROGRESS, RequestStatus.NOT_STARTED]
)
def test_nothing_for_cancelled_or_not_yet_due(quarterly, status):
    quarterly.status = status
    quarterly.closed_at = at(D(2021, 9, 1)) if status == RequestStatus.CANCELLED else None
    quarterly.save()
    assert (
        recurrence.request_create_next_occurrence(request_id=quarterly.pk, today=D(2021, 9, 20))
        is None
    )


def test_one_off_requests_do_not_recur(make_request):
    request = make_request(due_date=D(2021, 9, 1))
    complete(request, D(2021, 8, 1))
    assert recurrence.request_create_next_occurrence(request_id=request.pk) is None


def test_completion_enqueues_the_job_after_commit(
    quarterly, monkeypatch, django_capture_on_commit_callbacks
):
    enqueued: list[int] = []
    monkeypatch.setattr(tasks.create_next_occurrence, "delay", enqueued.append)
    with django_capture_on_commit_callbacks(execute=True):
        request_update_status(request=quarterly, status=RequestStatus.IN_PROGRESS, by=None)
    assert enqueued == []
    with django_capture_on_commit_callbacks(execute=True):
        request_update_status(request=quarterly, status=RequestStatus.COMPLETED, by=None)
    assert enqueued == [quarterly.pk]
    assert tasks.create_next_occurrence(quarterly.pk) is not None
    assert tasks.create_next_occurrence(quarterly.pk) is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_create_one_next_occurrence(quarterly):
    complete(quarterly, D(2021, 9, 20))
    barrier = threading.Barrier(3)
    results: list[int | None] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            successor = recurrence.request_create_next_occurrence(
                request_id=quarterly.pk, today=D(2021, 9, 20)
            )
            results.append(successor.pk if successor else None)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 3
    assert sum(pk is not None for pk in results) == 1
    assert Request.objects.filter(predecessor=quarterly).count() == 1
