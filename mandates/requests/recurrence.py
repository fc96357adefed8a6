"""Recurring obligations: the next occurrence of a request that recurs.

A request recurs every N months from an anchor date (``interval``). When it is completed, or
when its due date arrives while it is still open, its next occurrence is created, once: a new
request with the same work, due on the next date of the series, linked to the old one as its
``predecessor``.

A request "with each regular report" of its missions (``mission_reports``) gets no new
occurrences: it is a standing obligation whose mission lines each fall due with their own
mission's next report and move on as the reports are registered or missed
(:mod:`mandates.sg_reports.fulfilment`), so it never has two open occurrences.

Once: the old request's row is locked while the next occurrence is created, a request that
already has a successor gets none, and the new reference is a function of the old reference and
the new due date, under the database's unique constraint on references.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mandates.benchmarks.progress import next_report_date
from mandates.choices import Recurrence, RequestStatus
from mandates.models import Request
from mandates.requests.services import request_create
from ssrtracker.jobs import Skipped, check_date, isolated
from ssrtracker.writes import service

logger = logging.getLogger(__name__)


def next_due_date(
    *,
    start: datetime.date,
    months: int,
    after: datetime.date,
) -> datetime.date:
    """The first date ``start + k * months`` (k >= 0) strictly after ``after``: worked out from
    the months between them, not walked step by step, so an old start costs nothing."""
    if months < 1:
        raise ValueError("a series needs a step of at least one month")
    if start > after:
        return start
    return next_report_date(anchor=start, months=months, after=after)


def occurrence_reference(reference: str, due_date: datetime.date) -> str:
    """``2553-OP20e`` due 2021-12-31 → ``2553-OP20e--2021-12-31`` (an earlier suffix replaced)."""
    root = reference.split("--", 1)[0]
    suffix = f"--{due_date:%Y-%m-%d}"
    return root[: 60 - len(suffix)] + suffix


def series_of(request: Request) -> tuple[datetime.date, int] | None:
    """(start, step in months) of the request's series, or None if it has none."""
    if request.recurrence == Recurrence.INTERVAL:
        if request.recurrence_anchor and request.recurrence_months:
            return request.recurrence_anchor, request.recurrence_months
        return None
    # "With each regular report": the missions' calendars carry it (mandates.sg_reports).
    return None


def _by_report_lines() -> Q:
    """Requests that recur with their missions' reports through their lines, not here."""
    return Q(recurrence=Recurrence.MISSION_REPORTS, missions__isnull=False)


def pending_occurrences(*, today: datetime.date | None = None) -> list[int]:
    """Ids of recurring requests that need their next occurrence: completed, or open and due by
    ``today``, and without a successor yet."""
    today = today or timezone.localdate()
    return list(
        Request.objects.active()
        .exclude(recurrence=Recurrence.NONE)
        .exclude(_by_report_lines())
        .filter(successors__isnull=True)
        .filter(
            Q(status=RequestStatus.COMPLETED)
            | Q(status__in=RequestStatus.open(), due_date__lte=today)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@service
@transaction.atomic
def request_create_next_occurrence(
    *, request_id: int, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> Request | None:
    """Create the next occurrence of a recurring request, once; None when there is nothing to
    create (not recurring, cancelled or superseded, not yet due, or already done).

    Steps:
    1. Lock the request's row: a second call (another worker, a retried message) waits here.
    2. Stop if it does not recur, recurs with its missions' reports (its lines carry that), is
       archived, is closed otherwise than completed, is still open before its due date, or
       already has a successor (its next occurrence, or the request it was carried forward
       to, which carries the recurrence on).
    3. The new due date is the first date of the series after both the old due date and today,
       so a long-overdue request gets one next occurrence, not a backlog.
    4. Create it with the same work, not started, linked by ``predecessor``, with a note.

    A due date, anchor or new due date outside the dates the app accepts raises
    :class:`~ssrtracker.jobs.BadRow` (a ValueError) and creates nothing.
    """
    now = now or timezone.now()
    today = today or timezone.localdate()
    locked = Request.objects.select_for_update().get(pk=request_id)
    if locked.recurrence == Recurrence.NONE or locked.archived_at is not None:
        return None
    if locked.recurrence == Recurrence.MISSION_REPORTS and locked.missions.exists():
        # A standing obligation: its lines move with the reports (mandates.sg_reports).
        return None
    if locked.status in RequestStatus.open():
        if locked.due_date is None or locked.due_date > today:
            return None
    elif locked.status != RequestStatus.COMPLETED:
        return None
    if locked.successors.exists():
        return None
    check_date(locked.due_date, "due date")
    check_date(locked.recurrence_anchor, "recurrence anchor")
    series = series_of(locked)
    if series is None:
        logger.warning("Recurring request %s has no series to follow.", locked.reference)
        return None
    start, months = series
    due = next_due_date(start=start, months=months, after=max(locked.due_date or today, today))
    check_date(due, "next due date")
    reference = occurrence_reference(locked.reference, due)
    if Request.objects.filter(reference=reference).exists():
        return None
    return request_create(
        fields={
            "reference": reference,
            "title": locked.title,
            "description": locked.description,
            "lead_unit": locked.lead_unit,
            "priority": locked.priority,
            "due_date": due,
            "recurrence": locked.recurrence,
            "recurrence_months": locked.recurrence_months,
            "recurrence_anchor": locked.recurrence_anchor,
            "predecessor": locked,
            "source_document": locked.source_document,
        },
        paragraphs=locked.paragraphs.all(),
        supporting_units=locked.supporting_units.all(),
        missions=locked.missions.all(),
        by=None,
        reason=f"Next occurrence of {locked.reference}",
        note=_("Next occurrence of %(old)s, due %(due)s.")
        % {"old": locked.reference, "due": due.isoformat()},
        now=now,
    )


def create_due_occurrences(
    *, today: datetime.date | None = None, skipped: Skipped | None = None
) -> list[Request]:
    """The daily job: the next occurrence of every recurring request that was completed or fell
    due by ``today`` and has none yet (each one locked and checked on its own, in its own
    savepoint: a request with a bad date is added to ``skipped`` and the others go on)."""
    skipped = skipped if skipped is not None else Skipped("recurrences")
    ids = pending_occurrences(today=today)
    references = dict(Request.objects.filter(pk__in=ids).values_list("pk", "reference"))
    created = []
    for request_id in ids:
        with isolated(skipped, f"request {references.get(request_id, request_id)}"):
            successor = request_create_next_occurrence(request_id=request_id, today=today)
            if successor is not None:
                created.append(successor)
    return created
