"""The request workflow service: transitions, rights, archive, versions, history and events."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from mandates.choices import RequestStatus as S
from mandates.models import Request, StatusUpdate
from mandates.requests.events import request_status_changed
from mandates.requests.services import (
    StaleVersion,
    TransitionNotAllowed,
    WorkflowError,
    request_archive,
    request_bulk_update,
    request_restore,
    request_supersede,
    request_update_status,
)
from tests.factories import RequestFactory, UnitFactory

pytestmark = pytest.mark.django_db

# Written out here, independently of the service's table: what a person may do.
ALLOWED = {
    (S.NOT_STARTED, S.IN_PROGRESS),
    (S.NOT_STARTED, S.ON_HOLD),
    (S.NOT_STARTED, S.CANCELLED),
    (S.IN_PROGRESS, S.COMPLETED),
    (S.IN_PROGRESS, S.ON_HOLD),
    (S.IN_PROGRESS, S.CANCELLED),
    (S.ON_HOLD, S.IN_PROGRESS),
    (S.ON_HOLD, S.CANCELLED),
    (S.COMPLETED, S.IN_PROGRESS),
    (S.CANCELLED, S.IN_PROGRESS),
}


def make(status: str, **kwargs) -> Request:
    closed = status in S.closed()
    return RequestFactory.create(
        status=status,
        created_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
        closed_at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC) if closed else None,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("current", "new"),
    [(a, b) for a, b in itertools.product(S.values, S.values) if a != b],
)
def test_transition_rules(current, new):
    request = make(current)
    if (current, new) in ALLOWED:
        update = request_update_status(request=request, status=new, note="moved")
        assert (update.status_from, update.status_to) == (current, new)
        assert Request.objects.get(pk=request.pk).status == new
    else:
        with pytest.raises(TransitionNotAllowed):
            request_update_status(request=request, status=new, note="moved")
        assert Request.objects.get(pk=request.pk).status == current
        assert not StatusUpdate.objects.filter(request=request).exists()


def test_refusal_names_the_allowed_moves():
    request = make(S.NOT_STARTED)
    with pytest.raises(TransitionNotAllowed, match="From Not started it can go to: In progress"):
        request_update_status(request=request, status=S.COMPLETED, note="done?")


def test_progress_note_keeps_status_and_needs_text():
    request = make(S.IN_PROGRESS)
    update = request_update_status(request=request, status=S.IN_PROGRESS, note="Workshop held")
    assert (update.status_from, update.status_to) == (S.IN_PROGRESS, S.IN_PROGRESS)
    with pytest.raises(WorkflowError, match="Choose a new status or write a note"):
        request_update_status(request=request, status=S.IN_PROGRESS, note="  ")


def test_closing_sets_and_reopening_clears_closed_at():
    request = make(S.IN_PROGRESS)
    request_update_status(request=request, status=S.COMPLETED, note="Report issued")
    assert request.closed_at is not None
    request_update_status(request=request, status=S.IN_PROGRESS, note="Council asked for more")
    request.refresh_from_db()
    assert request.closed_at is None


def test_superseded_only_by_carrying_forward():
    old, successor = make(S.IN_PROGRESS), make(S.NOT_STARTED)
    with pytest.raises(TransitionNotAllowed, match="carried forward"):
        request_update_status(request=old, status=S.SUPERSEDED, note="x")
    update = request_supersede(request=old, successor=successor, by=None)
    assert update.status_to == S.SUPERSEDED
    assert successor.reference in update.note
    with pytest.raises(TransitionNotAllowed):
        request_supersede(request=make(S.COMPLETED), successor=successor, by=None)


def test_staff_cannot_update_another_units_request(staff_a, staff_b):
    request = make(S.NOT_STARTED, lead_unit=UnitFactory.create(acronym="UNIT-A"))
    with pytest.raises(PermissionDenied):
        request_update_status(request=request, status=S.IN_PROGRESS, note="x", by=staff_b)
    assert not StatusUpdate.objects.filter(request=request).exists()
    request_update_status(request=request, status=S.IN_PROGRESS, note="x", by=staff_a)


def test_supporting_unit_staff_can_update(staff_b):
    request = make(S.NOT_STARTED, supporting_units=[UnitFactory.create(acronym="UNIT-B")])
    update = request_update_status(request=request, status=S.IN_PROGRESS, note="x", by=staff_b)
    assert update.author == staff_b


def test_manager_cannot_update(manager):
    with pytest.raises(PermissionDenied):
        request_update_status(request=make(S.NOT_STARTED), status=S.ON_HOLD, note="x", by=manager)


def test_stale_version_is_refused_with_what_changed(staff_a):
    request = make(S.NOT_STARTED, lead_unit=UnitFactory.create(acronym="UNIT-A"))
    seen = request.version
    request_update_status(request=request, status=S.IN_PROGRESS, note="first", by=staff_a)
    with pytest.raises(StaleVersion) as excinfo:
        request_update_status(
            request=Request.objects.get(pk=request.pk),
            status=S.ON_HOLD,
            note="second",
            by=staff_a,
            expected_version=seen,
        )
    assert any("status: Not started → In progress" in line for line in excinfo.value.changes)
    assert Request.objects.get(pk=request.pk).status == S.IN_PROGRESS


def test_every_service_write_is_in_the_history_with_author_and_reason(staff_a):
    request = make(S.NOT_STARTED, lead_unit=UnitFactory.create(acronym="UNIT-A"))
    request_update_status(request=request, status=S.IN_PROGRESS, note="Kick-off", by=staff_a)
    request_archive(request=request, by=staff_a)
    request_restore(request=request, by=staff_a)
    records = list(request.history.order_by("history_date", "history_id"))
    assert [r.history_change_reason for r in records[-3:]] == ["Kick-off", "Archived", "Restored"]
    assert {r.history_user for r in records[-3:]} == {staff_a}


def test_archived_requests_leave_lists_and_cannot_be_updated(staff_a):
    today = datetime.date(2026, 11, 22)
    request = make(
        S.IN_PROGRESS,
        lead_unit=UnitFactory.create(acronym="UNIT-A"),
        due_date=today - datetime.timedelta(days=3),
    )
    assert request in Request.objects.overdue(today=today)
    request_archive(request=request, by=staff_a)
    assert request not in Request.objects.overdue(today=today)
    assert request not in Request.objects.open()
    assert Request.objects.filter(pk=request.pk).exists()  # archived, not deleted
    with pytest.raises(WorkflowError, match="archived"):
        request_update_status(request=request, status=S.COMPLETED, note="x", by=staff_a)


def test_staff_cannot_archive_another_units_request(staff_b):
    request = make(S.IN_PROGRESS)
    with pytest.raises(PermissionDenied):
        request_archive(request=request, by=staff_b)
    assert Request.objects.get(pk=request.pk).archived_at is None


def test_bulk_update_applies_where_allowed_and_explains_the_rest(staff_a):
    unit_a = UnitFactory.create(acronym="UNIT-A")
    mine = [make(S.NOT_STARTED, lead_unit=unit_a), make(S.NOT_STARTED, lead_unit=unit_a)]
    finished = make(S.COMPLETED, lead_unit=unit_a)
    other = make(S.NOT_STARTED)
    result = request_bulk_update(
        requests=[*mine, finished, other], status=S.ON_HOLD, note="Funding freeze", by=staff_a
    )
    assert {r.pk for r in result.updated} == {r.pk for r in mine}
    reasons = dict((r.pk, reason) for r, reason in result.refused)
    assert "cannot go from Completed to On hold" in reasons[finished.pk]
    assert "your units" in reasons[other.pk]
    assert Request.objects.filter(status=S.ON_HOLD).count() == 2
    for request in mine:
        assert request.history.latest().history_user == staff_a


@pytest.fixture
def received():
    """The ``request_status_changed`` events sent during the test."""
    events: list[dict] = []

    def receiver(sender, **kwargs):
        events.append(kwargs)

    request_status_changed.connect(receiver)
    yield events
    request_status_changed.disconnect(receiver)


def test_status_change_emits_one_event_after_commit(received, django_capture_on_commit_callbacks):
    request = make(S.NOT_STARTED)
    with django_capture_on_commit_callbacks(execute=True):
        update = request_update_status(request=request, status=S.IN_PROGRESS, note="go")
        request_update_status(request=request, status=S.IN_PROGRESS, note="note only")
    assert received == [
        {
            "signal": request_status_changed,
            "request_id": request.pk,
            "update_id": update.pk,
            "status_from": S.NOT_STARTED,
            "status_to": S.IN_PROGRESS,
            "author_id": None,
        }
    ]


def test_no_event_when_the_change_rolls_back(received, django_capture_on_commit_callbacks):
    request = make(S.NOT_STARTED)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                request_update_status(request=request, status=S.IN_PROGRESS, note="go")
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert received == []
    assert Request.objects.get(pk=request.pk).status == S.NOT_STARTED


def test_editable_querysets_follow_the_same_rules(staff_a, staff_b, manager, administrator):
    """What the API will list as changeable, per role."""
    from mandates.organisation.permissions import editable_benchmarks, editable_requests
    from tests.factories import BenchmarkFactory

    unit_a = UnitFactory.create(acronym="UNIT-A")
    led = make(S.NOT_STARTED, lead_unit=unit_a)
    supported = make(S.NOT_STARTED, supporting_units=[unit_a])
    other = make(S.NOT_STARTED)
    benchmark = BenchmarkFactory.create(responsible_unit=unit_a)
    BenchmarkFactory.create()
    assert set(editable_requests(staff_a)) == {led, supported}
    assert set(editable_requests(staff_b)) == set()
    assert set(editable_requests(manager)) == set()
    assert set(editable_requests(administrator)) == {led, supported, other}
    assert list(editable_benchmarks(staff_a)) == [benchmark]
    assert list(editable_benchmarks(manager)) == []
