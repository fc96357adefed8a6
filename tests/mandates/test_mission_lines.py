"""Per-mission lines of work: the roll-up rule, who may update a line, and how a request-level
update moves its lines."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from mandates.choices import MembershipRole
from mandates.choices import RequestStatus as S
from mandates.models import RequestMission, StatusUpdate
from mandates.organisation import roles
from mandates.requests.lines import line_follows, rolled_up_due, rolled_up_status
from mandates.requests.services import (
    TransitionNotAllowed,
    WorkflowError,
    line_edit,
    line_update_status,
    request_edit,
    request_update_status,
)
from tests.factories import MissionFactory, RequestFactory, UnitFactory, UserFactory

D = datetime.date


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], None),
        ([S.NOT_STARTED, S.NOT_STARTED], S.NOT_STARTED),
        ([S.IN_PROGRESS, S.NOT_STARTED], S.IN_PROGRESS),
        ([S.COMPLETED, S.NOT_STARTED], S.IN_PROGRESS),
        ([S.ON_HOLD, S.ON_HOLD, S.COMPLETED], S.ON_HOLD),
        ([S.ON_HOLD, S.NOT_STARTED], S.NOT_STARTED),
        ([S.COMPLETED, S.CANCELLED], S.COMPLETED),
        ([S.CANCELLED, S.SUPERSEDED], S.CANCELLED),
        ([S.SUPERSEDED, S.SUPERSEDED], S.SUPERSEDED),
    ],
)
def test_roll_up_rule(statuses, expected):
    assert rolled_up_status(statuses) == expected


def test_roll_up_due_is_the_earliest_open_line():
    assert rolled_up_due([(S.COMPLETED, D(2026, 1, 1)), (S.IN_PROGRESS, D(2026, 3, 1))]) == D(
        2026, 3, 1
    )
    assert rolled_up_due([(S.IN_PROGRESS, D(2026, 5, 1)), (S.ON_HOLD, D(2026, 4, 1))]) == D(
        2026, 4, 1
    )
    assert rolled_up_due([(S.COMPLETED, D(2026, 1, 1)), (S.CANCELLED, D(2026, 2, 1))]) == D(
        2026, 2, 1
    )


@pytest.mark.parametrize("request_status", [S.IN_PROGRESS, S.ON_HOLD, S.COMPLETED, S.CANCELLED])
def test_a_request_level_move_leaves_the_roll_up_equal_to_it(request_status):
    # Whatever mix of lines, moving the request with its lines leaves a roll-up that agrees on
    # whether the request is open.
    mixes = [
        [S.NOT_STARTED, S.IN_PROGRESS],
        [S.COMPLETED, S.IN_PROGRESS],
        [S.ON_HOLD, S.COMPLETED],
        [S.COMPLETED, S.CANCELLED],
    ]
    for mix in mixes:
        if request_status == S.ON_HOLD and not set(mix) & set(S.open()):
            continue  # a closed request cannot be put on hold
        moved = [line_follows(s, request_status) for s in mix]
        rolled = rolled_up_status(moved)
        assert (rolled in S.open()) == (request_status in S.open()), (mix, moved, rolled)


@pytest.fixture
def three_missions(db):
    missions = [MissionFactory.create(acronym=a) for a in ("MINUSCA", "MONUSCO", "UNMISS")]
    request = RequestFactory.create(
        status=S.IN_PROGRESS, due_date=D(2027, 2, 15), missions=missions
    )
    return request, missions


def _focal_point_of(mission):
    user = UserFactory.create(is_staff=True)
    user.groups.add(Group.objects.get(name=roles.SSR_STAFF))
    unit = UnitFactory.create(
        acronym=f"{mission.acronym}-SSR", kind="mission_section", mission=mission
    )
    unit.memberships.create(user=user, role=MembershipRole.FOCAL_POINT)
    return user


def _line(request, mission) -> RequestMission:
    return RequestMission.objects.get(request=request, mission=mission)


def test_lines_follow_the_request_until_one_moves(three_missions):
    request, missions = three_missions
    line = _line(request, missions[0])
    assert line.status is None
    assert line.current_status == S.IN_PROGRESS
    assert line.current_due_date == D(2027, 2, 15)


def test_a_focal_point_completes_their_mission_and_the_request_stays_in_progress(three_missions):
    request, (minusca, _monusco, _unmiss) = three_missions
    focal = _focal_point_of(minusca)
    update = line_update_status(
        request=request, mission=minusca, status=S.COMPLETED, note="Reported in S/2027/1", by=focal
    )
    assert update.mission == minusca
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS
    states = {line.mission.acronym: line.status for line in request.mission_lines.all()}
    assert states == {"MINUSCA": S.COMPLETED, "MONUSCO": S.IN_PROGRESS, "UNMISS": S.IN_PROGRESS}
    assert _line(request, minusca).closed_at is not None


def test_the_last_line_done_completes_the_request_with_a_timeline_entry(three_missions):
    request, missions = three_missions
    for mission in missions:
        line_update_status(request=request, mission=mission, status=S.COMPLETED, by=None)
    request.refresh_from_db()
    assert request.status == S.COMPLETED
    assert request.closed_at is not None
    rolled = StatusUpdate.objects.filter(request=request, mission__isnull=True).last()
    assert rolled is not None
    assert rolled.status_to == S.COMPLETED
    assert "UNMISS" in rolled.note


def test_a_focal_point_cannot_update_another_missions_line(three_missions):
    request, (minusca, monusco, _) = three_missions
    focal = _focal_point_of(minusca)
    with pytest.raises(PermissionDenied):
        line_update_status(request=request, mission=monusco, status=S.COMPLETED, by=focal)
    with pytest.raises(PermissionDenied):
        line_edit(request=request, mission=monusco, changes={"due_date": D(2027, 3, 1)}, by=focal)
    assert _line(request, monusco).status is None
    # Nor the request itself: the line is theirs, the request is its lead unit's.
    with pytest.raises(PermissionDenied):
        request_update_status(request=request, status=S.COMPLETED, by=focal)


def test_a_manager_cannot_update_a_line(three_missions, manager):
    request, (minusca, *_) = three_missions
    with pytest.raises(PermissionDenied):
        line_update_status(request=request, mission=minusca, status=S.COMPLETED, by=manager)


def test_a_line_follows_the_workflow(three_missions):
    request, (minusca, *_) = three_missions
    line_update_status(request=request, mission=minusca, status=S.COMPLETED, by=None)
    with pytest.raises(TransitionNotAllowed):
        line_update_status(request=request, mission=minusca, status=S.ON_HOLD, by=None)
    with pytest.raises(WorkflowError):
        line_update_status(request=request, mission=minusca, status=S.COMPLETED, by=None)


def test_a_mission_the_request_does_not_concern_has_no_line(three_missions):
    request, _ = three_missions
    other = MissionFactory.create(acronym="UNFICYP")
    with pytest.raises(WorkflowError):
        line_update_status(request=request, mission=other, status=S.COMPLETED, by=None)


def test_an_archived_request_refuses_line_updates(three_missions, administrator):
    from mandates.requests.services import request_archive

    request, (minusca, *_) = three_missions
    request_archive(request=request, by=None)
    with pytest.raises(WorkflowError):
        line_update_status(request=request, mission=minusca, status=S.COMPLETED, by=administrator)


def test_a_line_due_date_rolls_up_to_the_earliest_open_line(three_missions):
    request, (minusca, monusco, _unmiss) = three_missions
    line_edit(request=request, mission=monusco, changes={"due_date": D(2026, 12, 20)}, by=None)
    request.refresh_from_db()
    assert request.due_date == D(2026, 12, 20)
    assert _line(request, minusca).due_date == D(2027, 2, 15)
    line_update_status(request=request, mission=monusco, status=S.COMPLETED, by=None)
    request.refresh_from_db()
    assert request.due_date == D(2027, 2, 15)


def test_overdue_is_per_line_and_the_request_is_overdue_when_one_line_is(three_missions):
    request, (_minusca, monusco, _unmiss) = three_missions
    line_edit(request=request, mission=monusco, changes={"due_date": D(2026, 12, 1)}, by=None)
    today = D(2026, 12, 7)
    overdue = set(
        RequestMission.objects.overdue(today=today).values_list("mission__acronym", flat=True)
    )
    assert overdue == {"MONUSCO"}
    request.refresh_from_db()
    assert request.is_overdue(today=today)


def test_a_request_level_completion_closes_every_open_line(three_missions):
    request, (minusca, _monusco, _unmiss) = three_missions
    line_update_status(request=request, mission=minusca, status=S.ON_HOLD, by=None)
    request_update_status(request=request, status=S.COMPLETED, note="All reported", by=None)
    statuses = set(request.mission_lines.values_list("status", flat=True))
    assert statuses == {S.COMPLETED}
    request_update_status(request=request, status=S.IN_PROGRESS, note="Reopened", by=None)
    assert set(request.mission_lines.values_list("status", flat=True)) == {S.IN_PROGRESS}


def test_moving_the_request_due_date_moves_open_lines(three_missions):
    request, (_minusca, monusco, unmiss) = three_missions
    line_edit(request=request, mission=monusco, changes={"due_date": D(2026, 12, 20)}, by=None)
    line_update_status(request=request, mission=unmiss, status=S.COMPLETED, by=None)
    request.refresh_from_db()
    request_edit(request=request, by=None, changes={"due_date": D(2027, 6, 30)})
    dues = {line.mission.acronym: line.due_date for line in request.mission_lines.all()}
    assert dues["MINUSCA"] == dues["MONUSCO"] == D(2027, 6, 30)
    assert dues["UNMISS"] == D(2027, 2, 15)


def test_the_named_focal_point_may_update_the_line(three_missions):
    request, (minusca, *_) = three_missions
    person = UserFactory.create(is_staff=True)
    person.groups.add(Group.objects.get(name=roles.SSR_STAFF))
    with pytest.raises(PermissionDenied):
        line_update_status(request=request, mission=minusca, status=S.COMPLETED, by=person)
    line_edit(request=request, mission=minusca, changes={"focal_point": person}, by=None)
    line_update_status(request=request, mission=minusca, status=S.COMPLETED, by=person)
    assert _line(request, minusca).status == S.COMPLETED


def test_a_focal_point_must_be_active(three_missions):
    request, (minusca, *_) = three_missions
    gone = UserFactory.create(is_active=False)
    with pytest.raises(WorkflowError):
        line_edit(request=request, mission=minusca, changes={"focal_point": gone}, by=None)
