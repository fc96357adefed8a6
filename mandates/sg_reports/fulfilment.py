"""What answered a request: fulfilments, and the requests that fall due with each report.

- :func:`fulfilment_record`: staff record the report paragraphs (or other document) that
  fulfilled a one-off request or one mission's line of it; the line (or request) is completed
  with a timeline entry citing them.
- A request "with each regular report" (``Recurrence.MISSION_REPORTS``) is a standing
  obligation, one line per mission, each due with *its* mission's next report
  (:mod:`mandates.sg_reports.calendar`). Registering a report on a mission answers the open
  lines on that mission (:func:`mission_report_lines_answer`: a fulfilment, on time or late, and
  the line moves to the next report); :func:`mission_report_lines_sweep` marks occurrences
  missed once the next report date arrives with none; :func:`mission_report_lines_schedule`
  puts lines that have no date of their own on their mission's calendar. The line stays open,
  so one obligation never has two open occurrences.
- Coverage follow-ups close themselves: a later report of the same mission that covers the
  element fulfils the follow-up the earlier gap opened (:func:`coverage_follow_ups_close`).

Automatic steps act as the system (``by=None``); :func:`fulfilment_record` checks the rights
of whoever records it, as a status update on the line or request would.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mandates.choices import CoverageState, FulfilmentOutcome, Recurrence, RequestStatus
from mandates.models import (
    CoverageItem,
    Document,
    Fulfilment,
    Mission,
    Request,
    RequestMission,
    SecretaryGeneralReport,
)
from mandates.organisation import permissions
from mandates.requests.services import (
    WorkflowError,
    line_edit,
    line_update_status,
    request_update_status,
)
from mandates.sg_reports import calendar
from ssrtracker.jobs import Skipped, isolated
from ssrtracker.writes import service

S = RequestStatus
SYSTEM = "ssrtracker"


def _outcome(done: datetime.date | None, due: datetime.date | None) -> str:
    if done is None or due is None or done <= due:
        return FulfilmentOutcome.ON_TIME
    return FulfilmentOutcome.LATE


def citation(
    report: SecretaryGeneralReport | None, document: Document | None, paragraphs: str
) -> str:
    """ "S/2026/123, paras. 34-38" (what a status update cites)."""
    symbol = report.symbol if report is not None else (document.symbol if document else "")
    paragraphs = paragraphs.strip()
    if paragraphs:
        return _("%(symbol)s, paras. %(paragraphs)s") % {
            "symbol": symbol,
            "paragraphs": paragraphs,
        }
    return symbol


def _complete(
    *,
    request: Request,
    mission: Mission | None,
    note: str,
    by: User | None,
    now: datetime.datetime,
) -> None:
    """Complete the line (or the request) through the workflow: a line or request not yet
    started (or on hold) goes through "in progress" first."""
    if mission is not None:
        line = RequestMission.objects.select_related("request").get(
            request=request, mission=mission
        )
        current = line.current_status
    else:
        current = request.status
    author = "" if by is not None else SYSTEM
    steps = [S.IN_PROGRESS, S.COMPLETED] if current in (S.NOT_STARTED, S.ON_HOLD) else [S.COMPLETED]
    for status in steps:
        text = note if status == S.COMPLETED else ""
        if mission is not None:
            line_update_status(
                request=request,
                mission=mission,
                status=status,
                note=text,
                by=by,
                author_name=author,
                now=now,
            )
        else:
            request_update_status(
                request=request, status=status, note=text, by=by, author_name=author, now=now
            )


@service
@transaction.atomic
def fulfilment_record(
    *,
    request: Request,
    mission: Mission | None = None,
    report: SecretaryGeneralReport | None = None,
    document: Document | None = None,
    paragraphs: str = "",
    note: str = "",
    by: User | None,
    now: datetime.datetime | None = None,
) -> Fulfilment:
    """Record what fulfilled a one-off request (or one mission's line of it) and complete it.

    Rules: a report or a document as evidence; a report on the line's mission; a request with
    mission lines names the line (its only line is taken when it has one); the line or request
    must be open; a request "with each regular report" is answered by registering the reports,
    not here. Rights are those of a status update on the line (or request).
    """
    now = now or timezone.now()
    locked = Request.objects.select_for_update().get(pk=request.pk)
    if locked.recurrence == Recurrence.MISSION_REPORTS:
        raise WorkflowError(
            _(
                "This request falls due with each regular report: register the report and it "
                "is answered for its mission."
            )
        )
    if report is None and document is None:
        raise WorkflowError(_("Name the report or document that fulfilled the request."))
    lines = list(RequestMission.objects.filter(request=locked).select_related("mission"))
    if mission is None and len(lines) == 1:
        mission = lines[0].mission
    if mission is None and lines:
        raise WorkflowError(_("Name the mission whose line of the request this fulfils."))
    line = next((line for line in lines if line.mission_id == getattr(mission, "pk", None)), None)
    if mission is not None and line is None:
        raise WorkflowError(_("This request does not concern that mission."))
    if by is not None:
        allowed = (
            permissions.can_update_line(
                by, locked, line.mission_id, focal_point_id=line.focal_point_id
            )
            if line is not None
            else permissions.can_add_status_update(by, locked)
        )
        if not allowed:
            raise PermissionDenied(
                _("You can record what fulfilled only the requests (or lines) you may update.")
            )
    if report is not None and mission is not None and report.mission_id != mission.pk:
        raise WorkflowError(
            _("The report %(symbol)s is on %(other)s, not on %(mission)s.")
            % {
                "symbol": report.symbol,
                "other": report.mission.acronym,
                "mission": mission.acronym,
            }
        )
    status = line.current_status if line is not None else locked.status
    if status not in S.open() or locked.archived_at is not None:
        raise WorkflowError(_("Only an open request (or mission line) can be fulfilled."))
    due = line.current_due_date if line is not None else locked.due_date
    done = report.date if report is not None else (document.date if document else None)
    fulfilment = Fulfilment(
        request=locked,
        mission=mission,
        report=report,
        document=document,
        paragraphs=paragraphs.strip(),
        due_date=due,
        outcome=_outcome(done, due),
        note=note.strip(),
        recorded_by=by,
    )
    fulfilment.full_clean()
    fulfilment.save()
    text = _("Fulfilled by %(citation)s.") % {"citation": citation(report, document, paragraphs)}
    if note.strip():
        text += " " + note.strip()
    _complete(request=locked, mission=mission, note=text, by=by, now=now)
    request.refresh_from_db()
    return fulfilment


# --- Requests "with each regular report" -------------------------------------------------------


def _mission_report_lines(**filters: Any):
    return (
        RequestMission.objects.open()
        .filter(request__recurrence=Recurrence.MISSION_REPORTS, **filters)
        .select_related("request", "mission")
        .order_by("request_id", "mission__acronym")
    )


def _move_line(
    line: RequestMission, due: datetime.date, *, note: str, now: datetime.datetime
) -> None:
    line = RequestMission.objects.select_related("request").get(pk=line.pk)
    if due != line.current_due_date:
        line_edit(
            request=line.request,
            mission=line.mission_id,
            changes={"due_date": due},
            by=None,
            note=note,
            now=now,
        )


def _missed(line: RequestMission, days: list[datetime.date]) -> list[Fulfilment]:
    rows = [
        Fulfilment(
            request_id=line.request_id,
            mission_id=line.mission_id,
            due_date=day,
            outcome=FulfilmentOutcome.MISSED,
            note=_("No report on %(mission)s answered the report due %(date)s.")
            % {"mission": line.mission.acronym, "date": day.isoformat()},
        )
        for day in days
    ]
    for row in rows:
        row.save()
    return rows


@service
@transaction.atomic
def mission_report_lines_answer(
    *, report: SecretaryGeneralReport, now: datetime.datetime | None = None
) -> list[Fulfilment]:
    """A report registered on a mission answers the open lines, on that mission, of the
    requests "with each regular report": each line records the occurrences the report shows
    missed and the one it answers (on time if the report is dated by it, else late), then
    falls due with the mission's next report. A report older than the line's occurrence
    (registered late) answers nothing of it."""
    now = now or timezone.now()
    mission = report.mission
    recorded: list[Fulfilment] = []
    request_ids = list(_mission_report_lines(mission=mission).values_list("request_id", flat=True))
    for request_id in request_ids:
        Request.objects.select_for_update().get(pk=request_id)
        line = _mission_report_lines(mission=mission, request_id=request_id).first()
        if line is None:
            continue
        due = line.current_due_date
        if due is None:
            nxt = calendar.next_after_report(mission, report.date)
            if nxt is not None:
                _move_line(line, nxt, note=_("Due with the next report."), now=now)
            continue
        missed, answered, nxt = calendar.occurrence_after_report(
            mission, due=due, report_date=report.date
        )
        recorded += _missed(line, missed)
        if answered is not None:
            fulfilment = Fulfilment(
                request_id=line.request_id,
                mission=mission,
                report=report,
                due_date=answered,
                outcome=_outcome(report.date, answered),
            )
            fulfilment.save()
            recorded.append(fulfilment)
            line_update_status(
                request=line.request,
                mission=mission,
                status=line.current_status,
                note=_("Report due %(due)s answered by %(symbol)s (%(outcome)s).")
                % {
                    "due": answered.isoformat(),
                    "symbol": report.symbol,
                    "outcome": FulfilmentOutcome(fulfilment.outcome).label,
                },
                by=None,
                author_name=SYSTEM,
                now=now,
            )
        # The next occurrence (or, with none answered, the one now due after those missed).
        if nxt is not None:
            _move_line(
                line,
                nxt,
                note=_("%(mission)s: next report due %(date)s.")
                % {"mission": mission.acronym, "date": nxt.isoformat()},
                now=now,
            )
    return recorded


@service
@transaction.atomic
def mission_report_line_sweep(
    *, line_id: int, today: datetime.date, now: datetime.datetime | None = None
) -> list[Fulfilment]:
    """Mark the missed occurrences of one line (the mission's next report date after its due
    date has arrived with no report answering it) and move it to the occurrence now due."""
    now = now or timezone.now()
    line = RequestMission.objects.select_related("request", "mission").get(pk=line_id)
    Request.objects.select_for_update().get(pk=line.request_id)
    line = _mission_report_lines(pk=line_id).first()
    if line is None or line.current_due_date is None:
        return []
    missed, current = calendar.missed_occurrences(
        line.mission, due=line.current_due_date, today=today
    )
    if not missed:
        return []
    rows = _missed(line, missed)
    _move_line(
        line,
        current,
        note=_("%(mission)s: report due %(missed)s missed; next due %(date)s.")
        % {
            "mission": line.mission.acronym,
            "missed": ", ".join(day.isoformat() for day in missed),
            "date": current.isoformat(),
        },
        now=now,
    )
    return rows


def mission_report_lines_sweep(
    *, today: datetime.date | None = None, skipped: Skipped | None = None
) -> list[Fulfilment]:
    """The daily sweep of :func:`mission_report_line_sweep` over every open line (each in its
    own savepoint: one that fails is added to ``skipped``)."""
    today = today or timezone.localdate()
    skipped = skipped if skipped is not None else Skipped("mission report lines")
    rows: list[Fulfilment] = []
    for pk, reference, acronym in list(
        _mission_report_lines().values_list("pk", "request__reference", "mission__acronym")
    ):
        with isolated(skipped, f"line {reference} · {acronym}", errors=(WorkflowError, ValueError)):
            rows += mission_report_line_sweep(line_id=pk, today=today)
    return rows


@service
@transaction.atomic
def mission_report_lines_schedule(
    *,
    today: datetime.date | None = None,
    realign: bool = False,
    mission: Mission | None = None,
) -> list[RequestMission]:
    """Put the open lines of requests "with each regular report" on their missions' calendars:
    a line with no due date of its own falls due with its mission's next report due on
    ``today``. With ``realign`` (data migrations, the demo data), a line whose own date is not
    one of its mission's expected report dates is moved too. Lines of missions without a
    calendar keep their dates. Returns the lines moved. Safe to run again."""
    today = today or timezone.localdate()
    now = timezone.now()
    lines = list(_mission_report_lines().filter(request__archived_at__isnull=True))
    targets: list[tuple[RequestMission, datetime.date]] = []
    # One calendar reading per mission, not per line: a mission has many lines.
    dues: dict[int, datetime.date | None] = {}
    for line in lines:
        if line.mission_id not in dues:
            dues[line.mission_id] = calendar.next_report_due(line.mission, today=today)
        due = dues[line.mission_id]
        if due is None:
            continue
        if line.due_date is None:
            targets.append((line, due))
        elif realign and line.due_date != due:
            around = calendar.expected_reports(
                line.mission,
                start=line.due_date - datetime.timedelta(days=1),
                end=line.due_date + datetime.timedelta(days=1),
            )
            if line.due_date not in around:
                targets.append((line, due))
    # The targets are worked out first: a line's first own date gives its siblings the
    # request's date, which the loop then replaces.
    moved = []
    for line, due in targets:
        fresh = RequestMission.objects.select_related("request", "mission").get(pk=line.pk)
        if fresh.current_due_date != due or fresh.due_date is None:
            line_edit(
                request=fresh.request,
                mission=fresh.mission_id,
                changes={"due_date": due},
                by=None,
                note=_("%(mission)s: due with the mission's next report, %(date)s.")
                % {"mission": fresh.mission.acronym, "date": due.isoformat()},
                now=now,
            )
            moved.append(fresh)
    return moved


# --- Coverage follow-ups ------------------------------------------------------------------------


def _open_follow_ups(item: CoverageItem):
    """The open coverage follow-ups of ``item``'s element that an earlier report of the same
    mission opened."""
    return (
        CoverageItem.objects.filter(
            report__mission_id=item.report.mission_id,
            report__date__lt=item.report.date,
            element=item.element,
            follow_up__isnull=False,
            follow_up__status__in=S.open(),
            follow_up__archived_at__isnull=True,
        )
        .select_related("follow_up", "report")
        .order_by("report__date")
    )


@service
@transaction.atomic
def coverage_follow_ups_close(
    *, item: CoverageItem, now: datetime.datetime | None = None
) -> list[Fulfilment]:
    """``item`` is covered: complete every open follow-up that an earlier report of the same
    mission opened for the same element, each with a fulfilment citing this report and its
    paragraphs (the system acts: the follow-up is the reporting's own)."""
    now = now or timezone.now()
    if item.state != CoverageState.COVERED:
        return []
    report = item.report
    closed = []
    for gap in _open_follow_ups(item):
        request = gap.follow_up
        if request is None:
            continue
        line = RequestMission.objects.filter(request=request, mission_id=report.mission_id).first()
        due = line.current_due_date if line is not None else request.due_date
        fulfilment = Fulfilment(
            request=request,
            mission_id=report.mission_id if line is not None else None,
            report=report,
            paragraphs=item.paragraphs,
            due_date=due,
            outcome=_outcome(report.date, due),
            note=_("Covered by the next report."),
        )
        fulfilment.full_clean()
        fulfilment.save()
        text = _("Fulfilled by %(citation)s (the element was covered).") % {
            "citation": citation(report, None, item.paragraphs)
        }
        _complete(
            request=request,
            mission=report.mission if line is not None else None,
            note=text,
            by=None,
            now=now,
        )
        closed.append(fulfilment)
    return closed


def coverage_follow_ups_close_covered(
    *, skipped: Skipped | None = None, now: datetime.datetime | None = None
) -> list[Fulfilment]:
    """The daily sweep: every covered item closes the open follow-ups earlier reports of its
    mission opened for its element (each item in its own savepoint)."""
    skipped = skipped if skipped is not None else Skipped("coverage follow-ups closed")
    open_gaps = CoverageItem.objects.filter(
        follow_up__isnull=False,
        follow_up__status__in=S.open(),
        follow_up__archived_at__isnull=True,
    )
    covered = (
        CoverageItem.objects.filter(state=CoverageState.COVERED)
        .filter(
            Q(
                report__mission_id__in=open_gaps.values("report__mission_id"),
                element__in=open_gaps.values("element"),
            )
        )
        .select_related("report")
        .order_by("report__date", "pk")
    )
    rows: list[Fulfilment] = []
    for item in list(covered):
        with isolated(skipped, f"coverage item {item.pk} ({item.report.symbol}, {item.element})"):
            rows += coverage_follow_ups_close(item=item, now=now)
    return rows
