"""Services for reporting cycles (resolution 2553 OP20(e)/(f)).

- :func:`report_register` records a regular report of the Secretary-General on a mission and
  opens its coverage checklist (one item per element of OP20(e) and (f)); :func:`report_change`
  saves later changes to it.
- :func:`coverage_propose` reads the report's own text and fills, on the items not yet
  reviewed, the paragraph numbers that seem to cover each element, for staff to confirm
  (:mod:`mandates.sg_reports.coverage_text`).
- :func:`coverage_record` ticks an item: covered (with the report's paragraph numbers) or
  missing. A missing element becomes a request to cover it in the next report, once
  (:func:`coverage_follow_up`).
- :func:`partner_support_save` records support by another actor, or changes it.
- :func:`daily` runs the renewal sweep (:mod:`mandates.organisation.renewals`) and the coverage
  follow-ups a failure left behind.

"Once" is kept the way recurring requests keep it: the row that owns the side effect is locked,
the created request is linked to it, and its reference is a function of what it answers, under
the unique constraint on references. The admin, the API, the seed loader and the jobs call these.

Staff change only the records of the missions their units report for
(:mod:`mandates.organisation.permissions`); jobs and the seed loader pass ``by=None``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mandates.choices import CoverageElement, CoverageState
from mandates.models import (
    CoverageItem,
    Mission,
    Paragraph,
    PartnerSupport,
    Request,
    SecretaryGeneralReport,
)
from mandates.organisation import permissions
from mandates.organisation.renewals import lead_unit_for, renewal_requests_create
from mandates.requests.services import WorkflowError, request_create
from mandates.sg_reports import calendar, coverage_text, fulfilment
from ssrtracker.jobs import ROW_ERRORS, Skipped, isolated
from ssrtracker.writes import service

#: What one mission or coverage item can raise in a daily run without stopping it: a bad date,
#: or a mission with no unit to lead its request.
_ROW_ERRORS = (*ROW_ERRORS, WorkflowError)

RESOLUTION_2553 = "S/RES/2553 (2020)"
SYSTEM = "ssrtracker"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def _op20(label: str) -> list[Paragraph]:
    return list(Paragraph.objects.filter(document__symbol=RESOLUTION_2553, ref=f"20({label})")[:1])


def _check_perm(by: User | None, perm: str, message: str) -> None:
    if by is not None and not by.has_perm(perm):
        raise PermissionDenied(message)


def _check_units(
    by: User | None, allowed: Callable[[User], bool], *, no_mission: bool = False
) -> None:
    """Refuse staff the records of a mission their units do not report for (``no_mission``:
    the record has no mission)."""
    if by is None or allowed(by):
        return
    if no_mission:
        raise PermissionDenied(
            _("Records with no mission are kept by %(unit)s and administrators.")
            % {"unit": settings.REPORTING_DEFAULT_LEAD_UNIT}
        )
    raise PermissionDenied(
        _("You can change only the records of the missions your units report for.")
    )


@service
@transaction.atomic
def report_register(
    *,
    mission: Mission,
    symbol: str,
    date: datetime.date,
    link: str = "",
    title: str = "",
    by: User | None,
) -> SecretaryGeneralReport:
    """Register a regular report on ``mission`` and open its coverage checklist: one item, not
    yet reviewed, for each element of 2553 OP20(e) and (f)."""
    _check_perm(
        by,
        "mandates.add_secretarygeneralreport",
        _("Your role does not allow registering reports."),
    )
    _check_units(by, lambda user: permissions.can_register_report(user, mission))
    report = SecretaryGeneralReport(
        mission=mission, symbol=symbol.strip(), date=date, link=link, title=title
    )
    report.full_clean()
    report._history_user = by  # type: ignore[attr-defined]
    report.save()
    checklist_open(report=report)
    # Requests "with each regular report" on this mission: the report answers their lines.
    fulfilment.mission_report_lines_answer(report=report)
    return report


@service
@transaction.atomic
def report_change(*, report: SecretaryGeneralReport, by: User | None) -> SecretaryGeneralReport:
    """Save the changes made to ``report`` (mission, symbol, date, link, title). Staff must report
    for the mission it was on and for the one it is moved to."""
    _check_perm(
        by,
        "mandates.change_secretarygeneralreport",
        _("Your role does not allow changing reports."),
    )
    stored = SecretaryGeneralReport.objects.select_for_update().get(pk=report.pk)
    _check_units(
        by,
        lambda user: (
            permissions.can_change_report(user, stored)
            and permissions.can_change_report(user, report)
        ),
    )
    report.symbol = report.symbol.strip()
    report.full_clean()
    report._history_user = by  # type: ignore[attr-defined]
    report.save()
    return report


@service
def checklist_open(*, report: SecretaryGeneralReport) -> list[CoverageItem]:
    """Create the report's missing checklist items (all of them for a new report)."""
    present = set(report.coverage_items.values_list("element", flat=True))
    items = [
        CoverageItem(report=report, element=element)
        for element in CoverageElement.values
        if element not in present
    ]
    for item in items:
        item.save()
    return items


#: The start of the note of a proposed item: a re-proposal replaces what follows it.
PROPOSED_NOTE = "Proposed from the report's text"


@dataclass
class CoverageProposal:
    """What :func:`coverage_propose` did with one element of the checklist."""

    element: str
    paragraphs: str  # as proposed ("12-14, 20"); "" when the text does not seem to cover it
    words: list[str]
    action: str  # "proposed" | "kept" (staff already reviewed it) | "none" (nothing found)


@service
@transaction.atomic
def coverage_propose(
    *, report: SecretaryGeneralReport, text: str, by: User | None
) -> list[CoverageProposal]:
    """Propose from the report's own ``text`` which elements of 2553 OP20(e)/(f) it covers.

    Steps:
    1. Open the report's checklist items that are missing (an old report may lack some).
    2. Read the text (:func:`mandates.sg_reports.coverage_text.propose`): for each element, the
       report's SSR paragraphs that name it.
    3. On each item still *not reviewed*, write those paragraph numbers and a note naming the
       words found; the state stays *not reviewed*: staff confirm it (covered) or not. An item
       staff already marked covered or missing is kept as it is.
    """
    _check_perm(
        by, "mandates.change_coverageitem", _("Your role does not allow changing coverage.")
    )
    _check_units(by, lambda user: permissions.can_change_coverage(user, report))
    checklist_open(report=report)
    found = {f.element: f for f in coverage_text.propose(text)}
    results = []
    items = CoverageItem.objects.select_for_update().filter(report=report).order_by("pk")
    for item in items:
        finding = found.get(item.element)
        paragraphs = _fit(finding.paragraphs, 200) if finding else ""
        words = finding.words if finding else []
        if item.state != CoverageState.NOT_REVIEWED:
            results.append(CoverageProposal(item.element, paragraphs, words, "kept"))
            continue
        if item.note and not item.note.startswith(PROPOSED_NOTE):
            note = item.note  # staff's own note stands
        elif finding:
            note = f"{PROPOSED_NOTE} ({', '.join(words[:8])}): to confirm."
        else:
            note = ""
        if (item.paragraphs, item.note) != (paragraphs, note):
            item.paragraphs = paragraphs
            item.note = note
            item.full_clean()
            item._history_user = by  # type: ignore[attr-defined]
            item.save()
        results.append(
            CoverageProposal(item.element, paragraphs, words, "proposed" if finding else "none")
        )
    order = list(CoverageElement.values)
    return sorted(results, key=lambda r: order.index(r.element))


def _fit(ranges: str, limit: int) -> str:
    """``ranges`` ("12-14, 20, ...") cut after the last range that fits in ``limit``
    characters, ending with "…" when cut."""
    if len(ranges) <= limit:
        return ranges
    return ranges[: limit - 1].rsplit(",", 1)[0] + "…"


@service
@transaction.atomic
def coverage_record(
    *,
    item: CoverageItem,
    state: str,
    paragraphs: str = "",
    note: str = "",
    by: User | None,
    now: datetime.datetime | None = None,
) -> CoverageItem:
    """Record whether the report covered ``item``'s element. Covered needs the report's
    paragraph numbers, and completes the open follow-ups that earlier reports of the mission
    opened for the element (with this report as evidence); missing opens a request to cover it
    in the next report (once)."""
    _check_perm(
        by, "mandates.change_coverageitem", _("Your role does not allow changing coverage.")
    )
    locked = CoverageItem.objects.select_for_update().select_related("report").get(pk=item.pk)
    # Checked on the stored row, before anything changes: a refused "missing" opens no request.
    _check_units(by, lambda user: permissions.can_change_coverage(user, locked.report))
    locked.state = state
    locked.paragraphs = paragraphs.strip()
    locked.note = note.strip()
    locked.full_clean()
    locked._history_user = by  # type: ignore[attr-defined]
    locked.save()
    if state == CoverageState.MISSING:
        coverage_follow_up(item_id=locked.pk, now=now)
        locked.refresh_from_db()
    elif state == CoverageState.COVERED:
        # Covered now: the follow-ups earlier reports opened for this element are fulfilled.
        fulfilment.coverage_follow_ups_close(item=locked, now=now)
    for name in ("state", "paragraphs", "note", "follow_up_id", "updated_at"):
        setattr(item, name, getattr(locked, name))
    return locked


@service
@transaction.atomic
def coverage_follow_up(*, item_id: int, now: datetime.datetime | None = None) -> Request | None:
    """The request to cover a missing element in the mission's next report; None when there is
    nothing to create (the element is not missing, or its request exists).

    Steps:
    1. Lock the item's row: a second call waits here, then finds ``follow_up`` set.
    2. The reference is ``cov-<mission>-<report date>-<element>``; if a request already has it
       (an earlier link was lost), link that one and create nothing.
    3. Otherwise create it: led by the mission's SSR section (or the default unit), due on the
       expected report date after the one this report answers (the mission's reporting
       calendar, :mod:`mandates.sg_reports.calendar`), resting on 2553 OP20(e) or (f).
    """
    now = now or timezone.now()
    item = (
        CoverageItem.objects.select_for_update().select_related("report__mission").get(pk=item_id)
    )
    if item.state != CoverageState.MISSING or item.follow_up_id is not None:
        return None
    report, mission = item.report, item.report.mission
    reference = f"cov-{_slug(mission.acronym)}-{report.date:%Y-%m-%d}-{item.element}"[:60]
    existing = Request.objects.filter(reference=reference).first()
    if existing is not None:
        item.follow_up = existing
        item.save(update_fields=["follow_up", "updated_at"])
        return None
    label = CoverageElement(item.element).label
    request = request_create(
        fields={
            "reference": reference,
            "title": (
                _("Cover in the next report on %(mission)s: %(element)s")
                % {"mission": mission.acronym, "element": label}
            )[:200],
            "description": _(
                "The report %(symbol)s of %(date)s did not cover this element of resolution 2553 "
                "(2020) OP20(%(sub)s). Make sure the next regular report does."
            )
            % {
                "symbol": report.symbol,
                "date": report.date.isoformat(),
                "sub": CoverageElement.subparagraph(item.element),
            },
            "lead_unit": lead_unit_for(mission),
            "due_date": calendar.next_after_report(mission, report.date),
        },
        paragraphs=_op20(CoverageElement.subparagraph(item.element)),
        missions=[mission],
        by=None,
        reason=f"Coverage gap in {report.symbol}",
        note=_("Opened because %(symbol)s did not cover: %(element)s.")
        % {"symbol": report.symbol, "element": label},
        now=now,
    )
    item.follow_up = request
    item.save(update_fields=["follow_up", "updated_at"])
    return request


def coverage_follow_ups(
    *, now: datetime.datetime | None = None, skipped: Skipped | None = None
) -> list[Request]:
    """The daily sweep: a request for every missing element that has none yet (each item in
    its own savepoint: one that cannot get its request is added to ``skipped``)."""
    skipped = skipped if skipped is not None else Skipped("coverage follow-ups")
    items = (
        CoverageItem.objects.filter(state=CoverageState.MISSING, follow_up__isnull=True)
        .order_by("pk")
        .values_list("pk", "report__symbol", "element")
    )
    created = []
    for pk, symbol, element in list(items):
        with isolated(skipped, f"coverage item {pk} ({symbol}, {element})", errors=_ROW_ERRORS):
            request = coverage_follow_up(item_id=pk, now=now)
            if request is not None:
                created.append(request)
    return created


@service
@transaction.atomic
def partner_support_save(*, support: PartnerSupport, by: User | None) -> PartnerSupport:
    """Record support by another actor (``support`` not yet saved) or save the changes made to
    it. Staff must report for its mission, the one it had and the one it gets; support with no
    mission (a country without one) is the default reporting unit's."""
    if support.pk is None:
        _check_perm(
            by,
            "mandates.add_partnersupport",
            _("Your role does not allow recording support by other actors."),
        )
        _check_units(
            by,
            lambda user: permissions.can_add_partner_support(user, support.mission),
            no_mission=support.mission_id is None,
        )
    else:
        _check_perm(
            by,
            "mandates.change_partnersupport",
            _("Your role does not allow changing support by other actors."),
        )
        stored = PartnerSupport.objects.select_for_update().get(pk=support.pk)
        _check_units(
            by,
            lambda user: (
                permissions.can_change_partner_support(user, stored)
                and permissions.can_change_partner_support(user, support)
            ),
            no_mission=None in (stored.mission_id, support.mission_id),
        )
    support.full_clean()
    support._history_user = by  # type: ignore[attr-defined]
    support.save()
    return support


def daily(*, today: datetime.date | None = None) -> dict[str, list[Any]]:
    """The daily job: renewal requests, then any coverage follow-up a failure left behind, the
    follow-ups a later report covered closed, the lines of requests "with each regular report"
    put on their missions' calendars and their missed occurrences marked. Returns the ids
    created or recorded and the rows skipped, with the reasons."""
    skipped = Skipped("reporting")
    renewals = renewal_requests_create(today=today, skipped=skipped)
    follow_ups = coverage_follow_ups(skipped=skipped)
    closed = fulfilment.coverage_follow_ups_close_covered(skipped=skipped)
    fulfilment.mission_report_lines_schedule(today=today)
    missed = fulfilment.mission_report_lines_sweep(today=today, skipped=skipped)
    return {
        "renewals": [r.pk for r in renewals],
        "coverage": [r.pk for r in follow_ups],
        "coverage_closed": [f.request_id for f in closed],
        "missed": [f.pk for f in missed],
        "skipped": skipped.lines(),
    }
