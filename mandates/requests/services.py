"""Writes that carry a rule. The admin, the API, imports and jobs all call these.

The request workflow:

    not started ──► in progress ──► completed
        │   ▲           │  ▲            │
        ▼   │           ▼  │            ▼ (reopen)
      on hold ◄─────────┘  └──────── in progress
    any open status ──► cancelled ──► in progress (reopen)
    any open status ──► superseded   (only by carrying a request forward: final)

A status update that keeps the status is a progress note. Every update is an append-only
:class:`StatusUpdate`; a change of status also moves the request, keeps ``closed_at`` in step,
records history (who, when, why) and emits ``request_status_changed`` after commit.

A request that concerns several missions has one line of work per mission
(:class:`RequestMission`): :func:`line_update_status` and :func:`line_edit` change one line and
roll the request up from its lines; a request-level update moves its lines with it. The rule is
in :mod:`mandates.requests.lines`.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.utils import bulk_create_with_history

from mandates.choices import RequestStatus
from mandates.documents.references import request_reference
from mandates.models import (
    Mission,
    Paragraph,
    Request,
    RequestMission,
    StatusUpdate,
    Unit,
)
from mandates.organisation import permissions
from mandates.requests.events import emit_request_status_changed, emit_requests_created
from mandates.requests.lines import line_follows, rolled_up_due, rolled_up_status
from mandates.requests.models import SYSTEM_AUTHOR
from ssrtracker.writes import save_with_history, service

S = RequestStatus
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NOT_STARTED: frozenset({S.IN_PROGRESS, S.ON_HOLD, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.COMPLETED, S.ON_HOLD, S.CANCELLED}),
    S.ON_HOLD: frozenset({S.IN_PROGRESS, S.CANCELLED}),
    S.COMPLETED: frozenset({S.IN_PROGRESS}),
    S.CANCELLED: frozenset({S.IN_PROGRESS}),
    S.SUPERSEDED: frozenset(),
}


class WorkflowError(Exception):
    """A write refused by a workflow rule; the message is written for the person who tried."""


class TransitionNotAllowed(WorkflowError):
    pass


class StaleVersion(WorkflowError):
    """The request changed since the caller read it; ``changes`` says what changed meanwhile."""

    def __init__(self, message: str, *, current_version: int, changes: list[str]) -> None:
        super().__init__(message)
        self.current_version = current_version
        self.changes = changes


def allowed_next_statuses(status: str) -> list[str]:
    """Statuses a person may move a request to from ``status`` (itself first: a progress note)."""
    return [status, *sorted(ALLOWED_TRANSITIONS.get(status, frozenset()), key=S.values.index)]


def check_transition(current: str, new: str) -> None:
    if new not in S.values:
        raise TransitionNotAllowed(_("“%(status)s” is not a status.") % {"status": new})
    if new == current or new in ALLOWED_TRANSITIONS[current]:
        return
    if new == S.SUPERSEDED:
        raise TransitionNotAllowed(
            _("A request becomes superseded only when it is carried forward to a successor.")
        )
    allowed = ", ".join(str(S(s).label) for s in allowed_next_statuses(current)[1:])
    raise TransitionNotAllowed(
        _(
            "A request cannot go from %(current)s to %(new)s. "
            "From %(current)s it can go to: %(allowed)s."
        )
        % {
            "current": S(current).label,
            "new": S(new).label,
            "allowed": allowed or _("nothing (final)"),
        }
    )


def changes_since(request_id: int, version: int) -> list[str]:
    """What changed on a request after ``version``: one line per changed field, with who and when.

    Read from the request's history, so it covers every path that saved it:

    1. The state the client read is the *last* history record of ``version`` (or of the newest
       version before it): a version can have several records, its save followed by the links
       set with it (a new request's paragraphs and missions), all made before the client read.
    2. Each record of a later version is compared with the one before it; only those
       differences are listed, so nothing made before the client's version appears.
    """
    history = Request.history.filter(id=request_id).select_related("history_user")
    base = history.filter(version__lte=version).order_by("-version", "-history_date").first()
    newer = list(history.filter(version__gt=version).order_by("version", "history_date"))
    records = [base, *newer] if base is not None else newer
    lines: list[str] = []
    for previous, record in itertools.pairwise(records):
        who = record.history_user.get_username() if record.history_user else _("the system")
        when = timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M")
        delta = record.diff_against(previous, excluded_fields=["version", "updated_at"])
        for change in delta.changes:
            model_field = Request._meta.get_field(change.field)
            shown = dict(getattr(model_field, "choices", None) or [])
            old, new = (_shown_value(v, shown) for v in (change.old, change.new))
            label = getattr(model_field, "verbose_name", change.field)
            lines.append(f"{label}: {old} → {new} ({who}, {when})")
    return lines


def _shown_value(value: Any, choices: dict[Any, Any]) -> Any:
    if value in (None, "", []):
        return "–"
    if isinstance(value, list):
        # A many-to-many change: the history holds the link rows; name how many there are.
        return _("%d linked") % len(value)
    return choices.get(value, value)


def _lock(request: Request, expected_version: int | None) -> Request:
    locked = Request.objects.select_for_update().get(pk=request.pk)
    if expected_version is not None and locked.version != expected_version:
        changes = changes_since(locked.pk, expected_version)
        raise StaleVersion(
            _("This request was changed by someone else since you opened it."),
            current_version=locked.version,
            changes=changes,
        )
    return locked


def request_check_version(*, request: Request, expected_version: int) -> None:
    """Lock ``request`` for the rest of the transaction and refuse if it moved past the version
    the caller read (optimistic locking for edits that are saved elsewhere, e.g. the admin)."""
    _lock(request, expected_version)


def _author_name(user: User | None) -> str:
    if user is None or not user.is_authenticated:
        return ""
    return user.get_full_name() or user.get_username()


@service
@transaction.atomic
def request_update_status(
    *,
    request: Request,
    status: str,
    note: str = "",
    evidence_url: str = "",
    evidence_file: File | None = None,
    by: User | None = None,
    author_name: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> StatusUpdate:
    """Record a status update on ``request`` (a progress note when ``status`` is unchanged).

    ``by`` is the person acting: their unit rights are checked. Jobs and imports pass ``by=None``
    and an ``author_name``. ``expected_version`` refuses the update if the request changed since
    the caller read it. The caller's ``request`` object is refreshed.
    """
    now = now or timezone.now()
    locked = _lock(request, expected_version)
    if by is not None and not permissions.can_add_status_update(by, locked):
        raise PermissionDenied(_("You can update only requests your units lead or support."))
    if locked.archived_at is not None:
        raise WorkflowError(_("This request is archived; restore it before updating it."))
    check_transition(locked.status, status)
    if status == locked.status and not (note.strip() or evidence_url or evidence_file):
        raise WorkflowError(_("Choose a new status or write a note."))

    update = StatusUpdate(
        request=locked,
        author=by,
        author_name=author_name or _author_name(by),
        created_at=now,
        status_from=locked.status,
        status_to=status,
        note=note.strip(),
        evidence_url=evidence_url,
    )
    if evidence_file is not None:
        update.evidence_file = evidence_file
    update.full_clean()
    update.save()

    if status != locked.status:
        _move_status(locked, update, by=by, reason=note or str(S(status).label), now=now)
    _copy_state(locked, request)
    return update


def _move_status(
    locked: Request, update: StatusUpdate, *, by: User | None, reason: str, now: datetime.datetime
) -> None:
    """Move ``locked`` to ``update.status_to``: ``closed_at`` in step, history with who and why,
    ``request_status_changed`` after commit. The one place a request's status changes."""
    locked.status = update.status_to
    locked.closed_at = now if update.status_to in S.closed() else None
    save_with_history(locked, by=by, reason=reason)
    if update.mission_id is None and not getattr(update, "_rolled_up", False):
        _lines_follow(locked, now=now)
    emit_request_status_changed(
        request_id=locked.pk,
        update_id=update.pk,
        status_from=update.status_from,
        status_to=update.status_to,
        author_id=by.pk if by is not None else None,
    )


def _lines_follow(locked: Request, *, now: datetime.datetime) -> None:
    """After a request-level status change: each line with a status of its own moves with the
    request (:func:`mandates.requests.lines.line_follows`); lines that follow it need nothing."""
    for line in RequestMission.objects.select_for_update().filter(
        request=locked, status__isnull=False
    ):
        new = line_follows(line.status or locked.status, locked.status)
        if new != line.status:
            _set_line_status(line, new, now=now)
            line.save(update_fields=["status", "closed_at", "updated_at"])


def _set_line_status(line: RequestMission, status: str, *, now: datetime.datetime) -> None:
    if status in S.closed():
        line.closed_at = line.closed_at if line.status in S.closed() else now
    else:
        line.closed_at = None
    line.status = status


def _own_lines(locked: Request, *, now: datetime.datetime) -> list[RequestMission]:
    """The request's lines, locked, each given its own status and due date: once one line
    differs from the request, every line stands on its own and the request is their roll-up."""
    lines = list(
        RequestMission.objects.select_for_update()
        .filter(request=locked)
        .select_related("mission")
        .order_by("mission__acronym")
    )
    for line in lines:
        fields = []
        if line.status is None:
            line.status = locked.status
            line.closed_at = now if locked.status in S.closed() else None
            fields += ["status", "closed_at"]
        if line.due_date is None and locked.due_date is not None:
            line.due_date = locked.due_date
            fields.append("due_date")
        if fields:
            line.save(update_fields=[*fields, "updated_at"])
    return lines


def _roll_up(
    locked: Request,
    lines: list[RequestMission],
    *,
    by: User | None,
    reason: str,
    now: datetime.datetime,
) -> None:
    """Bring the request's status and due date in line with its lines: the status change is a
    timeline entry of its own, written by the person whose line change caused it."""
    status = rolled_up_status(line.status or locked.status for line in lines)
    if status is not None and status != locked.status:
        update = StatusUpdate(
            request=locked,
            author=by,
            author_name=_author_name(by) or SYSTEM_AUTHOR,
            created_at=now,
            status_from=locked.status,
            status_to=status,
            note=reason,
        )
        update.save()
        update._rolled_up = True  # type: ignore[attr-defined]
        _move_status(locked, update, by=by, reason=reason, now=now)
    due = rolled_up_due((line.status or locked.status, line.due_date) for line in lines)
    if due is not None and due != locked.due_date:
        locked.due_date = due
        save_with_history(locked, by=by, reason=reason)


def _line(locked: Request, mission: Mission | int) -> RequestMission:
    mission_id = mission.pk if isinstance(mission, Mission) else mission
    line = (
        RequestMission.objects.select_for_update()
        .select_related("mission")
        .filter(request=locked, mission_id=mission_id)
        .first()
    )
    if line is None:
        raise WorkflowError(_("This request does not concern that mission."))
    return line


def _check_line_rights(by: User | None, locked: Request, line: RequestMission) -> None:
    if by is not None and not permissions.can_update_line(
        by, locked, line.mission_id, focal_point_id=line.focal_point_id
    ):
        raise PermissionDenied(
            _(
                "You can update only the lines of requests your units lead or support, or of "
                "your own mission."
            )
        )
    if locked.archived_at is not None:
        raise WorkflowError(_("This request is archived; restore it before updating it."))


@service
@transaction.atomic
def line_update_status(
    *,
    request: Request,
    mission: Mission | int,
    status: str,
    note: str = "",
    evidence_url: str = "",
    evidence_file: File | None = None,
    by: User | None = None,
    author_name: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> StatusUpdate:
    """Record a status update on one mission's line of ``request`` (a progress note when the
    status is unchanged), then roll the request up from its lines.

    Allowed to whoever may update the request, to the members of the mission's units and to
    the line's focal point. The line moves by the request workflow's rules.
    """
    now = now or timezone.now()
    locked = _lock(request, expected_version)
    line = _line(locked, mission)
    _check_line_rights(by, locked, line)
    current = line.status or locked.status
    check_transition(current, status)
    if status == current and not (note.strip() or evidence_url or evidence_file):
        raise WorkflowError(_("Choose a new status or write a note."))
    update = StatusUpdate(
        request=locked,
        mission=line.mission,
        author=by,
        author_name=author_name or _author_name(by),
        created_at=now,
        status_from=current,
        status_to=status,
        note=note.strip(),
        evidence_url=evidence_url,
    )
    if evidence_file is not None:
        update.evidence_file = evidence_file
    update.full_clean()
    update.save()
    if status != current:
        lines = _own_lines(locked, now=now)
        changed = next(other for other in lines if other.pk == line.pk)
        _set_line_status(changed, status, now=now)
        changed.save(update_fields=["status", "closed_at", "updated_at"])
        reason = _("%(mission)s: %(status)s") % {
            "mission": line.mission.acronym,
            "status": S(status).label,
        }
        _roll_up(locked, lines, by=by, reason=reason, now=now)
    _copy_state(locked, request)
    return update


#: Fields of a mission line that :func:`line_edit` changes.
LINE_FIELDS = ("due_date", "focal_point")


@service
@transaction.atomic
def line_edit(
    *,
    request: Request,
    mission: Mission | int,
    changes: dict[str, Any],
    by: User | None,
    expected_version: int | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> RequestMission:
    """Change one line's due date or focal point. A due date of its own makes every line stand
    on its own and moves the request's due date to the earliest open line's."""
    unknown = set(changes) - set(LINE_FIELDS)
    if unknown:
        raise WorkflowError(_("These fields cannot be changed: %s.") % ", ".join(sorted(unknown)))
    now = now or timezone.now()
    locked = _lock(request, expected_version)
    line = _line(locked, mission)
    _check_line_rights(by, locked, line)
    if "focal_point" in changes:
        person = changes["focal_point"]
        person_id = getattr(person, "pk", person)
        if person_id is not None and not User.objects.filter(pk=person_id, is_active=True).exists():
            raise WorkflowError(_("The focal point must be an active user."))
        line.focal_point_id = person_id
        line.save(update_fields=["focal_point", "updated_at"])
    if "due_date" in changes and changes["due_date"] != (line.due_date or locked.due_date):
        lines = _own_lines(locked, now=now)
        changed = next(other for other in lines if other.pk == line.pk)
        changed.due_date = changes["due_date"]
        changed.full_clean(exclude=["request", "mission", "focal_point"])
        changed.save(update_fields=["due_date", "updated_at"])
        line = changed
        reason = note or _("%(mission)s: due %(date)s") % {
            "mission": line.mission.acronym,
            "date": changes["due_date"].isoformat() if changes["due_date"] else "–",
        }
        _roll_up(locked, lines, by=by, reason=reason, now=now)
    _copy_state(locked, request)
    return line


@dataclass
class BulkResult:
    updated: list[Request] = field(default_factory=list)
    refused: list[tuple[Request, str]] = field(default_factory=list)


@service
def request_bulk_update(
    *,
    requests: Iterable[Request],
    status: str,
    note: str,
    evidence_url: str = "",
    by: User | None,
    now: datetime.datetime | None = None,
) -> BulkResult:
    """The same update on several requests. Each one stands alone: a request the person may not
    change, or whose status cannot move that way, is refused with its reason and the others
    go through."""
    result = BulkResult()
    for request in requests:
        try:
            request_update_status(
                request=request,
                status=status,
                note=note,
                evidence_url=evidence_url,
                by=by,
                now=now,
            )
        except (WorkflowError, PermissionDenied) as exc:
            result.refused.append((request, str(exc)))
        else:
            result.updated.append(request)
    return result


@service
@transaction.atomic
def request_supersede(
    *,
    request: Request,
    successor: Request | None,
    by: User | None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> StatusUpdate:
    """Close an open request as superseded because ``successor`` carries its work forward."""
    now = now or timezone.now()
    locked = _lock(request, None)
    if by is not None and not permissions.can_add_status_update(by, locked):
        raise PermissionDenied(_("You can update only requests your units lead or support."))
    if locked.status not in S.open():
        raise TransitionNotAllowed(_("Only an open request can be carried forward."))
    text = note or (
        _("Carried forward to %(successor)s.") % {"successor": successor} if successor else ""
    )
    update = StatusUpdate.objects.create(
        request=locked,
        author=by,
        author_name=_author_name(by),
        created_at=now,
        status_from=locked.status,
        status_to=S.SUPERSEDED,
        note=text,
    )
    _move_status(locked, update, by=by, reason=text, now=now)
    _copy_state(locked, request)
    return update


@service
@transaction.atomic
def request_archive(
    *, request: Request, by: User | None, now: datetime.datetime | None = None
) -> None:
    """Archive a request instead of deleting it: it leaves lists and counts, its history stays."""
    locked = _lock(request, None)
    if by is not None and not permissions.can_change_request(by, locked):
        raise PermissionDenied(_("You can archive only requests your units lead or support."))
    if locked.archived_at is None:
        locked.archived_at = now or timezone.now()
        save_with_history(locked, by=by, reason=_("Archived"))
    _copy_state(locked, request)


@service
@transaction.atomic
def request_restore(*, request: Request, by: User | None) -> None:
    locked = _lock(request, None)
    if by is not None and not permissions.can_change_request(by, locked):
        raise PermissionDenied(_("You can restore only requests your units lead or support."))
    if locked.archived_at is not None:
        locked.archived_at = None
        save_with_history(locked, by=by, reason=_("Restored"))
    _copy_state(locked, request)


#: Why a lead-unit change is refused (the admin form says the same).
LEAD_UNIT_REFUSED = _lazy("You can make only your own units lead a request.")

#: Why naming an archived unit on a request is refused (the admin form says the same).
ARCHIVED_UNIT_REFUSED = _lazy("%(units)s is archived: choose a current unit.")


def archived_units_named(
    request: Request, *, lead_unit: Any = None, supporting_units: Iterable[Any] | None = None
) -> list[str]:
    """The acronyms of the archived units that would be newly named on ``request``: its lead
    unit when it changes, its supporting units that it does not have yet. Archived units leave
    the choices for new work; those a request already names stay on it.

    Units are given as objects or ids. ``request_edit`` refuses such a change, and the admin's
    form asks the same, so no path names an archived unit."""
    wanted: set[int] = set()
    lead_id = getattr(lead_unit, "pk", lead_unit)
    if lead_id is not None and lead_id != request.lead_unit_id:
        wanted.add(lead_id)
    if supporting_units is not None:
        ids = {getattr(unit, "pk", unit) for unit in supporting_units}
        if request.pk is not None:
            ids -= set(request.supporting_units.values_list("pk", flat=True))
        wanted |= ids
    if not wanted:
        return []
    archived = Unit.objects.filter(pk__in=wanted, archived_at__isnull=False)
    return sorted(archived.values_list("acronym", flat=True))


def _refuse_archived_units(request: Request, changes: dict[str, Any]) -> None:
    if "lead_unit" not in changes and "supporting_units" not in changes:
        return
    named = archived_units_named(
        request,
        lead_unit=changes.get("lead_unit"),
        supporting_units=changes.get("supporting_units"),
    )
    if named:
        raise WorkflowError(ARCHIVED_UNIT_REFUSED % {"units": ", ".join(named)})


#: Fields of a request that ``request_edit`` changes (status goes through its own rule). The API
#: lets people change the planning fields only (its serializer makes the others read-only); the
#: admin form changes them all.
EDITABLE_FIELDS = (
    "due_date",
    "priority",
    "lead_unit",
    "reference",
    "title",
    "description",
    "recurrence",
    "recurrence_months",
    "recurrence_anchor",
)
EDITABLE_M2M = ("supporting_units", "missions", "paragraphs")


@service
@transaction.atomic
def request_edit(
    *,
    request: Request,
    by: User | None,
    changes: dict[str, Any],
    expected_version: int | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Request:
    """Change a request's planning fields and, with ``changes["status"]``, its status, in one
    transaction under one version check. ``note`` explains a status change (or the edit).

    Fields other than :data:`EDITABLE_FIELDS`, :data:`EDITABLE_M2M` and ``status`` are refused.
    Returns the locked, updated request (the caller's object is refreshed too).
    """
    unknown = set(changes) - {*EDITABLE_FIELDS, *EDITABLE_M2M, "status"}
    if unknown:
        raise WorkflowError(_("These fields cannot be changed: %s.") % ", ".join(sorted(unknown)))
    locked = _lock(request, expected_version)
    if by is not None and not permissions.can_change_request(by, locked):
        raise PermissionDenied(_("You can change only requests your units lead or support."))
    if locked.archived_at is not None:
        raise WorkflowError(_("This request is archived; restore it before changing it."))
    if "lead_unit" in changes:
        lead = changes["lead_unit"]
        if by is not None and not permissions.can_make_lead(by, locked, getattr(lead, "pk", lead)):
            raise PermissionDenied(LEAD_UNIT_REFUSED)
    _refuse_archived_units(locked, changes)

    status = changes.get("status")
    if status is not None and status != locked.status:
        request_update_status(request=locked, status=status, note=note, by=by, now=now)

    fields = {name: changes[name] for name in EDITABLE_FIELDS if name in changes}
    relations = {name: list(changes[name]) for name in EDITABLE_M2M if name in changes}
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, fields[name])
    links: dict[str, set[Any]] = {}
    for name, values in relations.items():
        current = set(getattr(locked, name).values_list("pk", flat=True))
        wanted = {getattr(value, "pk", value) for value in values}
        if current != wanted:
            links[name] = wanted
            changed.append(name)
    if changed:
        locked.full_clean(exclude=list(EDITABLE_M2M))
        save_with_history(locked, by=by, reason=note or _("Edited: %s") % ", ".join(changed))
        # The links after the save: their history rows then carry the new version, as every
        # record of a version follows its save (what :func:`changes_since` relies on).
        for name, wanted in links.items():
            getattr(locked, name).set(wanted)
    if "due_date" in changed:
        # The request's deadline moves every open line that has a deadline of its own.
        RequestMission.objects.filter(
            request=locked, due_date__isnull=False, status__in=S.open()
        ).update(due_date=locked.due_date, updated_at=now or timezone.now())
    _copy_state(locked, request)
    return locked


def _copy_state(source: Request, target: Any) -> None:
    if target is source:
        return
    for name in ("status", "closed_at", "archived_at", "version", "updated_at"):
        setattr(target, name, getattr(source, name))


@service
@transaction.atomic
def request_create(
    *,
    fields: dict[str, Any],
    paragraphs: Iterable[Paragraph] = (),
    supporting_units: Iterable[Unit] = (),
    missions: Iterable[Mission] = (),
    by: User | None,
    reason: str,
    note: str = "",
    now: datetime.datetime | None = None,
    check_lead: bool = True,
) -> Request:
    """Create a request and, with a ``note``, the first entry of its timeline. Every path that
    creates one request calls this: the admin, carrying forward, recurrences, the reporting jobs.

    ``by`` is the person acting (``None`` for jobs): they need the right to add requests and may
    make only their own units lead it (unless ``check_lead`` is off because the lead is carried
    over from a request they may change). ``reason`` goes into the history. The first timeline
    entry goes from "not started" to the new request's status.
    """
    now = now or timezone.now()
    request = Request(created_at=now, **fields)
    if by is not None:
        if not by.has_perm("mandates.add_request"):
            raise PermissionDenied(_("Your role does not allow adding requests."))
        if check_lead and not permissions.can_make_lead(by, request, request.lead_unit_id):
            raise PermissionDenied(LEAD_UNIT_REFUSED)
    request.full_clean(exclude=list(EDITABLE_M2M), validate_unique=False)
    save_with_history(request, by=by, reason=reason)
    links: dict[str, list[Any]] = {
        "paragraphs": list(paragraphs),
        "supporting_units": list(supporting_units),
        "missions": list(missions),
    }
    for name, values in links.items():
        if values:
            getattr(request, name).set(values)
    if note:
        StatusUpdate.objects.create(
            request=request,
            author=by,
            author_name=_author_name(by) or SYSTEM_AUTHOR,
            created_at=now,
            status_from=S.NOT_STARTED,
            status_to=request.status,
            note=note,
        )
    return request


#: One request for :func:`request_create_many`: the unsaved request and its links.
NewRequest = tuple[Request, list[Paragraph], list[Unit], list[Mission]]


@service
@transaction.atomic
def request_create_many(*, batch: list[NewRequest], by: User | None, reason: str) -> list[int]:
    """Insert many new requests and their links in a handful of queries, whatever their number
    (imports). Returns their ids.

    The creation is recorded in each request's history (who, when, ``reason``). The links are
    written straight to their tables, so they appear in the history from the request's next
    change on. Their lead units come from the routing table the administrators keep, not from
    the person importing; their timelines start with their first update.
    """
    created = bulk_create_with_history(
        [request for request, *_ in batch],
        Request,
        default_user=by,
        default_change_reason=reason,
    )
    ids = {r.reference: r.pk for r in created}
    if any(pk is None for pk in ids.values()):
        # A backend that cannot return new ids from a bulk insert: read them back.
        ids = dict(Request.objects.filter(reference__in=list(ids)).values_list("reference", "pk"))
    paragraph_links, unit_links, mission_links = [], [], []
    for request, paragraphs, supporting, missions in batch:
        request_id = ids[request.reference]
        paragraph_links += [
            Request.paragraphs.through(request_id=request_id, paragraph_id=paragraph.pk)
            for paragraph in paragraphs
        ]
        unit_links += [
            Request.supporting_units.through(request_id=request_id, unit_id=unit.pk)
            for unit in supporting
        ]
        mission_links += [
            Request.missions.through(request_id=request_id, mission_id=mission.pk)
            for mission in missions
        ]
    Request.paragraphs.through.objects.bulk_create(paragraph_links)
    Request.supporting_units.through.objects.bulk_create(unit_links)
    Request.missions.through.objects.bulk_create(mission_links)
    emit_requests_created(list(ids.values()))
    return list(ids.values())


@service
@transaction.atomic
def request_carry_forward(
    *,
    request: Request,
    paragraph: Paragraph,
    by: User | None,
    reference: str | None = None,
    now: datetime.datetime | None = None,
) -> Request:
    """Carry an open request forward to ``paragraph`` of a successor document, in one step.

    A new request is created on the successor paragraph with the same work (title, units,
    missions, schedule) and status, linked to the old one as its predecessor; the old request is
    closed as superseded. Both timelines stay: the old one whole, the new one starting with a
    note pointing back.
    """
    now = now or timezone.now()
    locked = _lock(request, None)
    if by is not None and not permissions.can_change_request(by, locked):
        raise PermissionDenied(_("You can carry forward only requests your units lead or support."))
    if locked.status not in S.open() or locked.archived_at is not None:
        raise TransitionNotAllowed(_("Only an open request can be carried forward."))
    reference = reference or _successor_reference(locked, paragraph)
    successor = request_create(
        fields={
            "reference": reference,
            "title": locked.title,
            "description": locked.description,
            "lead_unit": locked.lead_unit,
            "status": locked.status,
            "priority": locked.priority,
            "due_date": locked.due_date,
            "recurrence": locked.recurrence,
            "recurrence_months": locked.recurrence_months,
            "recurrence_anchor": locked.recurrence_anchor,
            "predecessor": locked,
        },
        paragraphs=[paragraph],
        supporting_units=locked.supporting_units.all(),
        missions=locked.missions.all(),
        by=by,
        reason=f"Carried forward from {locked.reference}",
        note=_("Carried forward from %(old)s (%(citations)s).")
        % {
            "old": locked.reference,
            "citations": ", ".join(p.citation for p in locked.paragraphs.all()),
        },
        now=now,
        check_lead=False,
    )
    request_supersede(
        request=locked,
        successor=successor,
        by=by,
        note=_("Carried forward to %(new)s (%(citation)s).")
        % {"new": successor.reference, "citation": paragraph.citation},
        now=now,
    )
    _copy_state(locked, request)
    return successor


def _successor_reference(request: Request, paragraph: Paragraph) -> str:
    base = request_reference(paragraph.document.symbol, paragraph.ref)
    candidate, n = base, 1
    while Request.objects.filter(reference=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate
