"""The mandate cycle: recording renewals (rights, validation, the renewal-input requests that
follow) and closing a mission (its open lines cancelled, its history kept)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mandates.choices import FulfilmentOutcome, RequestStatus, UnitKind
from mandates.models import Fulfilment, MandateRenewal, Request, RequestMission
from mandates.organisation import renewals
from mandates.requests.services import request_update_status
from mandates.sg_reports import services as reporting
from tests.factories import DocumentFactory, MissionFactory, RequestFactory, UnitFactory

D = datetime.date
S = RequestStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    mission = MissionFactory.create(acronym="MINUSCA")
    UnitFactory.create(acronym="MINUSCA-SSR", kind=UnitKind.MISSION_SECTION, mission=mission)
    return mission


def _resolution(symbol: str = "S/RES/2759 (2024)"):
    return DocumentFactory.create(symbol=symbol, citation_label=symbol[6:])


def test_a_renewal_sets_the_expiry_and_opens_the_renewal_input_request(mission):
    renewal = renewals.renewal_record(
        mission=mission,
        resolution=_resolution(),
        adopted=D(2024, 11, 14),
        expiry=D(2025, 11, 15),
        by=None,
        today=D(2024, 11, 14),
    )
    mission.refresh_from_db()
    assert mission.mandate_expiry == D(2025, 11, 15)
    assert renewal.resolution is not None
    assert renewal.resolution.symbol == "S/RES/2759 (2024)"
    request = Request.objects.get(reference="renewal-MINUSCA-2025-11-15")
    assert request.status == S.NOT_STARTED
    assert request.due_date == D(2025, 10, 4)  # six weeks before the expiry


def test_the_next_renewal_closes_the_previous_input_with_the_resolution_as_evidence(mission):
    renewals.renewal_record(
        mission=mission, adopted=D(2024, 11, 14), expiry=D(2025, 11, 15), by=None,
        today=D(2024, 11, 14),
    )  # fmt: skip
    resolution = _resolution("S/RES/2800 (2025)")
    renewals.renewal_record(
        mission=mission,
        resolution=resolution,
        adopted=D(2025, 11, 13),
        expiry=D(2026, 11, 15),
        by=None,
        today=D(2025, 11, 13),
    )
    old = Request.objects.get(reference="renewal-MINUSCA-2025-11-15")
    new = Request.objects.get(reference="renewal-MINUSCA-2026-11-15")
    assert old.status == S.COMPLETED
    assert new.status == S.NOT_STARTED
    fulfilment = Fulfilment.objects.get(request=old)
    assert fulfilment.document == resolution
    assert fulfilment.outcome == FulfilmentOutcome.LATE  # adopted after the input was due
    mission.refresh_from_db()
    assert mission.mandate_expiry == D(2026, 11, 15)


def test_a_renewal_without_its_resolution_closes_the_input_with_a_note(mission):
    renewals.renewal_record(
        mission=mission, adopted=D(2024, 11, 14), expiry=D(2025, 11, 15), by=None,
        today=D(2024, 11, 14),
    )  # fmt: skip
    renewals.renewal_record(
        mission=mission, adopted=D(2025, 11, 13), expiry=D(2026, 11, 15), by=None,
        today=D(2025, 11, 13),
    )  # fmt: skip
    old = Request.objects.get(reference="renewal-MINUSCA-2025-11-15")
    assert old.status == S.COMPLETED
    assert not old.fulfilments.exists()
    last = old.updates.order_by("-pk").first()
    assert last is not None
    assert "resolution not recorded" in last.note


def test_an_older_renewal_recorded_late_leaves_the_expiry_and_requests_alone(mission):
    renewals.renewal_record(
        mission=mission, adopted=D(2025, 11, 13), expiry=D(2026, 11, 15), by=None,
        today=D(2025, 11, 13),
    )  # fmt: skip
    renewals.renewal_record(
        mission=mission, adopted=D(2024, 11, 14), expiry=D(2025, 11, 15), by=None,
        today=D(2025, 11, 14),
    )  # fmt: skip
    mission.refresh_from_db()
    assert mission.mandate_expiry == D(2026, 11, 15)
    assert list(Request.objects.values_list("reference", flat=True)) == [
        "renewal-MINUSCA-2026-11-15"
    ]


@pytest.mark.parametrize(
    ("adopted", "expiry"),
    [(D(2025, 11, 13), D(2025, 11, 13)), (D(2025, 11, 13), D(2024, 1, 1))],
)
def test_a_renewal_must_end_after_its_adoption(mission, adopted, expiry):
    with pytest.raises(ValidationError):
        renewals.renewal_record(mission=mission, adopted=adopted, expiry=expiry, by=None)
    assert not MandateRenewal.objects.exists()


def test_the_same_expiry_is_recorded_once(mission):
    renewals.renewal_record(mission=mission, adopted=D(2025, 1, 1), expiry=D(2026, 1, 1), by=None)
    with pytest.raises(ValidationError):
        renewals.renewal_record(
            mission=mission, adopted=D(2025, 1, 2), expiry=D(2026, 1, 1), by=None
        )


def test_a_renewal_needs_a_resolution_and_an_open_mission(mission):
    with pytest.raises(ValidationError):
        renewals.renewal_record(
            mission=mission,
            resolution=DocumentFactory.create(symbol="S/2025/100"),
            adopted=D(2025, 1, 1),
            expiry=D(2026, 1, 1),
            by=None,
        )
    closed = MissionFactory.create(acronym="UNIOGBIS", end_date=D(2020, 12, 31))
    with pytest.raises(ValidationError):
        renewals.renewal_record(
            mission=closed, adopted=D(2021, 1, 1), expiry=D(2022, 1, 1), by=None
        )


def test_staff_of_other_missions_and_managers_cannot_record_renewals(mission, staff_a, manager):
    for user in (staff_a, manager):
        with pytest.raises(PermissionDenied):
            renewals.renewal_record(
                mission=mission, adopted=D(2025, 1, 1), expiry=D(2026, 1, 1), by=user
            )
    assert not MandateRenewal.objects.exists()


def test_the_mission_reporting_units_and_administrators_record_renewals(
    mission, staff_a, administrator
):
    mission.units.first().memberships.create(user=staff_a)
    staff_a = type(staff_a).objects.get(pk=staff_a.pk)  # fresh rights cache
    renewals.renewal_record(
        mission=mission, adopted=D(2025, 1, 1), expiry=D(2026, 1, 1), by=staff_a
    )
    renewals.renewal_record(
        mission=mission, adopted=D(2026, 1, 1), expiry=D(2027, 1, 1), by=administrator
    )
    assert MandateRenewal.objects.count() == 2


def test_the_daily_job_still_runs_the_renewal_sweep(mission):
    mission.mandate_expiry = D(2026, 11, 15)
    mission.save()
    result = reporting.daily(today=D(2026, 6, 1))
    assert len(result["renewals"]) == 1


# --- closing a mission ---------------------------------------------------------------------


def test_closing_a_mission_cancels_its_open_lines(mission):
    other = MissionFactory.create(acronym="UNMISS")
    only = RequestFactory.create(reference="only", missions=[mission])
    shared = RequestFactory.create(reference="shared", missions=[mission, other])
    done = RequestFactory.create(reference="done", missions=[mission])
    for status in (S.IN_PROGRESS, S.COMPLETED):
        request_update_status(request=done, status=status, by=None)
    cancelled = renewals.mission_close(mission=mission, end_date=D(2026, 6, 30), by=None)
    assert {r.reference for r in cancelled} == {"only", "shared"}
    only.refresh_from_db()
    shared.refresh_from_db()
    done.refresh_from_db()
    assert only.status == S.CANCELLED
    assert shared.status == S.NOT_STARTED
    assert RequestMission.objects.get(request=shared, mission=mission).status == S.CANCELLED
    assert RequestMission.objects.get(request=shared, mission=other).status == S.NOT_STARTED
    assert done.status == S.COMPLETED
    note = only.updates.get(mission=mission).note
    assert note == "Mission closed on 2026-06-30."
    mission.refresh_from_db()
    assert mission.end_date == D(2026, 6, 30)
    assert mission.is_closed(today=D(2026, 7, 1))


def test_only_administrators_close_a_mission(mission, staff_a, manager):
    mission.units.first().memberships.create(user=staff_a)
    request = RequestFactory.create(missions=[mission])
    for user in (staff_a, manager):
        with pytest.raises(PermissionDenied):
            renewals.mission_close(mission=mission, end_date=D(2026, 6, 30), by=user)
    mission.refresh_from_db()
    request.refresh_from_db()
    assert mission.end_date is None
    assert request.status == S.NOT_STARTED


def test_a_mission_cannot_close_before_it_started(mission, administrator):
    with pytest.raises(ValidationError):
        renewals.mission_close(mission=mission, end_date=D(2000, 1, 1), by=administrator)
