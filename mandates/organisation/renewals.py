"""The mandate cycle of a mission: its renewals, the SSR input each one calls for, its closing.

- :func:`renewal_record` records that the Council extended a mission's mandate (by which
  resolution, adopted when, until when). The mission's ``mandate_expiry`` becomes the latest
  renewal's expiry; the "SSR input to the renewal" request of the previous expiry is closed
  (completed, with the renewal resolution as its fulfilment when it is known) and the one of
  the new expiry is opened (:func:`renewal_request_create`).
- :func:`renewal_request_create` makes the renewal-input request of a mission's mandate expiry,
  once; :func:`renewal_requests_create` is the daily sweep (called by the reporting job).
- :func:`mission_close` records that a mission closed: its end date is set and every open line
  of work of its requests is cancelled; a request that concerned only that mission is then
  cancelled by the roll-up (:mod:`mandates.requests.lines`). Its history stays.

Rights: administrators, and the units that answer for the mission's reporting
(:func:`mandates.organisation.permissions.can_record_renewal`), record renewals; only
administrators close a mission. Jobs, imports run by the system and the seed loader pass
``by=None``.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mandates.choices import FulfilmentOutcome, RequestStatus
from mandates.models import (
    Document,
    Fulfilment,
    MandateRenewal,
    Mission,
    Request,
    RequestMission,
    Unit,
)
from mandates.organisation import permissions
from mandates.requests.models import SYSTEM_AUTHOR
from mandates.requests.querysets import ssr_sections
from mandates.requests.services import (
    WorkflowError,
    line_update_status,
    request_create,
    request_update_status,
)
from ssrtracker.jobs import ROW_ERRORS, Skipped, check_date, isolated
from ssrtracker.writes import service

#: What one mission can raise in a daily run without stopping it: a bad date, or a mission
#: with no unit to lead its request.
_ROW_ERRORS = (*ROW_ERRORS, WorkflowError)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def lead_unit_for(mission: Mission) -> Unit:
    """The mission's SSR section, else the unit named by ``REPORTING_DEFAULT_LEAD_UNIT``."""
    section = Unit.objects.filter(ssr_sections(), mission=mission).order_by("acronym").first()
    if section is None:
        section = Unit.objects.filter(acronym=settings.REPORTING_DEFAULT_LEAD_UNIT).first()
    if section is None:
        raise WorkflowError(
            _("%(mission)s has no SSR section and the default unit %(unit)s does not exist.")
            % {"mission": mission.acronym, "unit": settings.REPORTING_DEFAULT_LEAD_UNIT}
        )
    return section


def renewal_due_date(expiry: datetime.date, *, today: datetime.date) -> datetime.date:
    """``RENEWAL_INPUT_WEEKS_BEFORE`` weeks before the expiry, but not before ``today`` (an
    expiry entered late gets a request due now rather than one born overdue)."""
    due = expiry - datetime.timedelta(weeks=settings.RENEWAL_INPUT_WEEKS_BEFORE)
    return max(due, min(today, expiry))


def renewal_reference(mission: Mission, expiry: datetime.date) -> str:
    return f"renewal-{_slug(mission.acronym)}-{expiry:%Y-%m-%d}"[:60]


@service
@transaction.atomic
def renewal_request_create(
    *,
    mission_id: int,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Request | None:
    """The "SSR input to the renewal" request of the mission's current mandate expiry, once;
    None when there is nothing to create (no expiry, expired, mission ended, or done already).

    Steps:
    1. Lock the mission's row: a second call waits here.
    2. Stop without a future expiry or for a mission that has ended.
    3. The reference names the mission and the expiry, so a new expiry (a renewal) gets a new
       request and the same one never gets a second: stop if it exists.
    4. Create it, due ``RENEWAL_INPUT_WEEKS_BEFORE`` weeks before the expiry.

    An expiry outside the dates the app accepts raises :class:`~ssrtracker.jobs.BadRow`.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    mission = Mission.objects.select_for_update().get(pk=mission_id)
    expiry = mission.mandate_expiry
    if expiry is None or expiry < today:
        return None
    if mission.end_date is not None and mission.end_date < today:
        return None
    check_date(expiry, "mandate expiry")
    reference = renewal_reference(mission, expiry)
    if Request.objects.filter(reference=reference).exists():
        return None
    return request_create(
        fields={
            "reference": reference,
            "title": (
                _("SSR input to the renewal of the %(mission)s mandate (expires %(expiry)s)")
                % {"mission": mission.acronym, "expiry": expiry.isoformat()}
            )[:200],
            "description": _(
                "The security sector reform input to the Secretary-General's report and "
                "recommendations before the Council renews the mandate."
            ),
            "lead_unit": lead_unit_for(mission),
            "due_date": renewal_due_date(expiry, today=today),
        },
        missions=[mission],
        by=None,
        reason=f"Mandate expiry {expiry.isoformat()}",
        note=_("Opened for the mandate expiring on %(expiry)s.") % {"expiry": expiry.isoformat()},
        now=now,
    )


@service
def renewal_requests_create(
    *,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
    skipped: Skipped | None = None,
) -> list[Request]:
    """The daily job: a renewal request for every mission with a future mandate expiry that has
    none yet (each mission locked and checked on its own, in its own savepoint: one that
    cannot get its request is added to ``skipped``)."""
    today = today or timezone.localdate()
    skipped = skipped if skipped is not None else Skipped("renewals")
    missions = (
        Mission.objects.filter(mandate_expiry__gte=today)
        .exclude(end_date__lt=today)
        .order_by("pk")
        .values_list("pk", "acronym")
    )
    created = []
    for pk, acronym in list(missions):
        with isolated(skipped, f"mission {acronym}", errors=_ROW_ERRORS):
            request = renewal_request_create(mission_id=pk, today=today, now=now)
            if request is not None:
                created.append(request)
    return created


def _close_renewal_request(
    *,
    mission: Mission,
    expiry: datetime.date,
    renewal: MandateRenewal,
    now: datetime.datetime,
) -> Request | None:
    """Complete the open renewal-input request of ``expiry``: its fulfilment is the renewal
    resolution when known, else the status update's note says what ended it."""
    request = Request.objects.filter(
        reference=renewal_reference(mission, expiry), status__in=RequestStatus.open()
    ).first()
    if request is None:
        return None
    resolution = renewal.resolution
    note = (
        _("The mandate was renewed by %(symbol)s until %(expiry)s.")
        % {"symbol": resolution.symbol, "expiry": renewal.expiry.isoformat()}
        if resolution is not None
        else _("The mandate was renewed on %(adopted)s until %(expiry)s (resolution not recorded).")
        % {"adopted": renewal.adopted.isoformat(), "expiry": renewal.expiry.isoformat()}
    )
    if request.status != RequestStatus.IN_PROGRESS:
        request_update_status(
            request=request, status=RequestStatus.IN_PROGRESS, by=None, note=note, now=now
        )
    request_update_status(
        request=request,
        status=RequestStatus.COMPLETED,
        by=None,
        author_name=SYSTEM_AUTHOR,
        note=note,
        now=now,
    )
    if resolution is not None:
        late = request.due_date is not None and renewal.adopted > request.due_date
        Fulfilment.objects.create(
            request=request,
            mission=mission,
            document=resolution,
            due_date=request.due_date,
            outcome=FulfilmentOutcome.LATE if late else FulfilmentOutcome.ON_TIME,
            note=note,
        )
    return request


@service
@transaction.atomic
def renewal_record(
    *,
    mission: Mission,
    resolution: Document | None = None,
    adopted: datetime.date,
    expiry: datetime.date,
    note: str = "",
    by: User | None,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> MandateRenewal:
    """Record that the Council extended ``mission``'s mandate until ``expiry``.

    Steps:
    1. Rights: administrators and the units answering for the mission's reporting.
    2. Validate: the expiry after the adoption, one renewal per expiry, not for a mission
       closed before the adoption; the resolution must be a resolution.
    3. Save it; the mission's ``mandate_expiry`` becomes the latest renewal's expiry.
    4. When this renewal is the latest, close the open renewal-input request of the previous
       expiry (completed, fulfilled by the resolution) and open the one of the new expiry.
    """
    if by is not None and not permissions.can_record_renewal(by, mission):
        raise PermissionDenied(
            _("Only administrators and the units reporting for the mission record renewals.")
        )
    now = now or timezone.now()
    today = today or timezone.localdate()
    locked = Mission.objects.select_for_update().get(pk=mission.pk)
    if locked.end_date is not None and locked.end_date < adopted:
        raise ValidationError(
            _("%(mission)s closed on %(date)s: its mandate cannot be renewed after that.")
            % {"mission": locked.acronym, "date": locked.end_date.isoformat()}
        )
    if resolution is not None and not resolution.symbol.startswith("S/RES/"):
        raise ValidationError(_("A mandate is renewed by a Security Council resolution."))
    renewal = MandateRenewal(
        mission=locked,
        resolution=resolution,
        adopted=adopted,
        expiry=expiry,
        note=note.strip(),
    )
    renewal.full_clean()
    renewal._history_user = by  # type: ignore[attr-defined]
    renewal.save()
    previous = locked.mandate_expiry
    latest = MandateRenewal.objects.filter(mission=locked).order_by("-expiry").first()
    new_expiry = latest.expiry if latest is not None else expiry
    if new_expiry != previous:
        locked.mandate_expiry = new_expiry
        locked.save(update_fields=["mandate_expiry", "updated_at"])
    mission.mandate_expiry = locked.mandate_expiry
    if new_expiry == expiry:
        if previous is not None and previous != expiry:
            _close_renewal_request(mission=locked, expiry=previous, renewal=renewal, now=now)
        renewal_request_create(mission_id=locked.pk, today=today, now=now)
    return renewal


@service
@transaction.atomic
def mission_close(
    *,
    mission: Mission,
    end_date: datetime.date,
    by: User | None,
    now: datetime.datetime | None = None,
) -> list[Request]:
    """Record that ``mission`` closed on ``end_date`` (administrators only) and cancel every
    open line of work of its requests; a request that concerned only this mission is then
    cancelled by the roll-up. Returns the requests whose line was cancelled."""
    if by is not None and not permissions.is_administrator(by):
        raise PermissionDenied(_("Only administrators close a mission."))
    now = now or timezone.now()
    locked = Mission.objects.select_for_update().get(pk=mission.pk)
    locked.end_date = end_date
    locked.full_clean()
    locked._history_user = by  # type: ignore[attr-defined]
    locked.save()
    mission.end_date = locked.end_date
    note = _("Mission closed on %(date)s.") % {"date": end_date.isoformat()}
    lines = (
        RequestMission.objects.filter(mission=locked, request__archived_at__isnull=True)
        .select_related("request")
        .order_by("request__reference")
    )
    cancelled = []
    for line in lines:
        status = line.status or line.request.status
        if status not in RequestStatus.open():
            continue
        line_update_status(
            request=line.request,
            mission=locked,
            status=RequestStatus.CANCELLED,
            note=note,
            by=None,
            author_name=SYSTEM_AUTHOR,
            now=now,
        )
        cancelled.append(line.request)
    return cancelled
