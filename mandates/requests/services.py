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

from mandates.choices import RequestStatus
from mandates.documents.references import request_reference
from mandates.models import (
    Benchmark,
    BenchmarkAssessment,
    CalendarFeed,
    Paragraph,
    Request,
    StatusUpdate,
    Theme,
    Unit,
)
from mandates.organisation import permissions
from mandates.requests.events import emit_request_status_changed

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

    Read from the request's history, so it covers every path that saved it.
    """
    records = list(
        Request.history.filter(id=request_id, version__gte=version)
        .select_related("history_user")
        .order_by("version", "history_date")
    )
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
        locked.status = status
        locked.closed_at = now if status in S.closed() else None
        _save_with_history(locked, by=by, reason=note or str(S(status).label))
        emit_request_status_changed(
            request_id=locked.pk,
            update_id=update.pk,
            status_from=update.status_from,
            status_to=status,
            author_id=by.pk if by is not None else None,
        )
    _copy_state(locked, request)
    return update


@dataclass
class BulkResult:
    updated: list[Request] = field(default_factory=list)
    refused: list[tuple[Request, str]] = field(default_factory=list)


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
    locked.status = S.SUPERSEDED
    locked.closed_at = now
    _save_with_history(locked, by=by, reason=text)
    emit_request_status_changed(
        request_id=locked.pk,
        update_id=update.pk,
        status_from=update.status_from,
        status_to=S.SUPERSEDED,
        author_id=by.pk if by is not None else None,
    )
    _copy_state(locked, request)
    return update


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
        _save_with_history(locked, by=by, reason=_("Archived"))
    _copy_state(locked, request)


@transaction.atomic
def request_restore(*, request: Request, by: User | None) -> None:
    locked = _lock(request, None)
    if by is not None and not permissions.can_change_request(by, locked):
        raise PermissionDenied(_("You can restore only requests your units lead or support."))
    if locked.archived_at is not None:
        locked.archived_at = None
        _save_with_history(locked, by=by, reason=_("Restored"))
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


#: Fields of a request that ``request_edit`` changes (status goes through its own rule).
EDITABLE_FIELDS = ("due_date", "priority", "lead_unit")
EDITABLE_M2M = ("supporting_units", "missions")


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
    for name, values in relations.items():
        current = set(getattr(locked, name).values_list("pk", flat=True))
        wanted = {getattr(value, "pk", value) for value in values}
        if current != wanted:
            getattr(locked, name).set(wanted)
            changed.append(name)
    if changed:
        locked.full_clean(exclude=["paragraphs", "supporting_units", "missions"])
        _save_with_history(locked, by=by, reason=note or _("Edited: %s") % ", ".join(changed))
    _copy_state(locked, request)
    return locked


def _save_with_history(request: Request, *, by: User | None, reason: str) -> None:
    request._history_user = by  # type: ignore[attr-defined]
    request._change_reason = reason[:100]  # type: ignore[attr-defined]
    request.save()


def _copy_state(source: Request, target: Any) -> None:
    if target is source:
        return
    for name in ("status", "closed_at", "archived_at", "version", "updated_at"):
        setattr(target, name, getattr(source, name))


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
    successor = Request(
        reference=reference,
        title=locked.title,
        description=locked.description,
        lead_unit=locked.lead_unit,
        status=locked.status,
        priority=locked.priority,
        due_date=locked.due_date,
        recurrence=locked.recurrence,
        recurrence_months=locked.recurrence_months,
        recurrence_anchor=locked.recurrence_anchor,
        predecessor=locked,
        created_at=now,
    )
    successor._history_user = by  # type: ignore[attr-defined]
    successor._change_reason = f"Carried forward from {locked.reference}"  # type: ignore[attr-defined]
    successor.save()
    successor.paragraphs.set([paragraph])
    successor.supporting_units.set(locked.supporting_units.all())
    successor.missions.set(locked.missions.all())
    StatusUpdate.objects.create(
        request=successor,
        author=by,
        author_name=_author_name(by) or _("the system"),
        created_at=now,
        status_from=S.NOT_STARTED,
        status_to=locked.status,
        note=_("Carried forward from %(old)s (%(citations)s).")
        % {
            "old": locked.reference,
            "citations": ", ".join(p.citation for p in locked.paragraphs.all()),
        },
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


ASSESSMENT_FIELDS = (
    "period_start",
    "period_end",
    "rating",
    "value",
    "narrative",
    "source_report",
    "evidence",
    "evidence_url",
)


@transaction.atomic
def assessment_create(
    *, benchmark: Benchmark, by: User | None, fields: dict[str, Any]
) -> BenchmarkAssessment:
    """Record how ``benchmark`` stood in one reporting period (once per period)."""
    if by is not None and not permissions.can_assess_benchmark(by, benchmark):
        raise PermissionDenied(_("You can assess only the benchmarks of your units."))
    unknown = set(fields) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise WorkflowError(_("These fields cannot be set: %s.") % ", ".join(sorted(unknown)))
    assessment = BenchmarkAssessment(benchmark=benchmark, **fields)
    assessment.full_clean()
    assessment._history_user = by  # type: ignore[attr-defined]
    assessment.save()
    return assessment


@transaction.atomic
def assessment_update(
    *,
    assessment: BenchmarkAssessment,
    by: User | None,
    changes: dict[str, Any],
    expected_updated_at: datetime.datetime | None = None,
) -> BenchmarkAssessment:
    """Change an assessment. ``expected_updated_at`` refuses the change if someone saved it
    after the caller read it (raises :class:`StaleVersion`)."""
    locked = (
        BenchmarkAssessment.objects.select_for_update()
        .select_related("benchmark")
        .get(pk=assessment.pk)
    )
    if expected_updated_at is not None and locked.updated_at != expected_updated_at:
        raise StaleVersion(
            _("This assessment was changed by someone else since you opened it."),
            current_version=0,
            changes=[],
        )
    if by is not None and not permissions.can_change_assessment(by, locked):
        raise PermissionDenied(_("You can change only the assessments of your units' benchmarks."))
    unknown = set(changes) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise WorkflowError(_("These fields cannot be changed: %s.") % ", ".join(sorted(unknown)))
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked._history_user = by  # type: ignore[attr-defined]
    locked.save()
    return locked


@transaction.atomic
def calendar_feed_create(*, feed: CalendarFeed, by: User) -> str:
    """Save ``feed`` (scope, unit, mission set) as a new feed of ``by``'s; returns its secret.

    A feed lists deadlines, so only a person who may read requests subscribes; the address
    checks it again each time it is fetched (``mandates.api.calendar``).
    """
    if not permissions.can_read_requests(by):
        raise PermissionDenied(
            _("Your role does not include reading requests, so you cannot subscribe to deadlines.")
        )
    feed.owner = by
    secret = feed.set_secret()
    feed.full_clean()
    feed.save()
    return secret


def _set_archived(
    obj: Unit | Theme, by: User | None, when: datetime.datetime | None, refused: str
) -> None:
    if by is not None and not by.has_perm(f"mandates.change_{obj._meta.model_name}"):
        raise PermissionDenied(refused)
    if (obj.archived_at is None) != (when is None):
        obj.archived_at = when
        obj.save()


def reference_archive(
    *, obj: Unit | Theme, by: User | None, now: datetime.datetime | None = None
) -> None:
    """Archive a unit or theme instead of deleting it: it leaves the choices offered for new
    work, and stays on every request, benchmark and page that already names it."""
    when = obj.archived_at or now or timezone.now()
    _set_archived(obj, by, when, _("Only administrators archive reference data."))


def reference_restore(*, obj: Unit | Theme, by: User | None) -> None:
    _set_archived(obj, by, None, _("Only administrators restore reference data."))
