"""Writes of report drafts, with their rules.

- :func:`draft_generate` creates a mission's draft for a period, or generates it again while it
  is a draft (the edited texts are replaced by the new generation);
- :func:`draft_edit` saves the drafting officer's text of its sections;
- :func:`draft_issue` marks it issued with the report that carried it: the report is registered
  through :func:`mandates.sg_reports.services.report_register` when it is not registered yet,
  which answers the mission's lines of the requests "with each regular report" (the
  fulfilments); issuing again does nothing.

Who: administrators, and SSR staff whose units answer for the mission's reporting
(:func:`mandates.organisation.permissions.reporting_mission_ids`), with the roles' model
permissions on drafts. Managers and people without a role read only. Jobs and the demo pass
``by=None``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mandates.models import Mission, ReportingDate, SecretaryGeneralReport
from mandates.organisation.permissions import is_administrator, reporting_mission_ids
from mandates.sg_reports.services import report_register
from reports.choices import DraftStatus
from reports.drafts import selectors
from reports.models import ReportDraft
from ssrtracker.writes import service


def can_draft(user: Any, mission: Mission, *, perm: str = "change") -> bool:
    """May ``user`` generate, edit or issue the drafts of ``mission``?"""
    if not user.has_perm(f"reports.{perm}_reportdraft"):
        return False
    return is_administrator(user) or mission.pk in reporting_mission_ids(user)


def _check(by: User | None, mission: Mission, *, perm: str = "change") -> None:
    if by is None or can_draft(by, mission, perm=perm):
        return
    if not by.has_perm(f"reports.{perm}_reportdraft"):
        raise PermissionDenied(_("Your role does not allow drafting reports."))
    raise PermissionDenied(_("You can draft only for the missions your units report for."))


def _refuse_issued(draft: ReportDraft) -> None:
    if draft.is_issued:
        raise ValidationError(_("This draft is issued: it is no longer changed."))


@service
@transaction.atomic
def draft_generate(
    *,
    mission: Mission,
    period_start: datetime.date,
    period_end: datetime.date,
    reporting_date: ReportingDate | None = None,
    language: str | None = None,
    by: User | None,
    now: datetime.datetime | None = None,
) -> ReportDraft:
    """Generate the draft of ``mission`` for the period, in ``language`` (default: the active
    one), creating it or replacing the generated sections and texts of the one that exists.
    An issued draft is not generated again."""
    now = now or timezone.now()
    if period_end < period_start:
        raise ValidationError(_("A period cannot end before it starts."))
    if reporting_date is not None and reporting_date.mission_id != mission.pk:
        raise ValidationError(_("This report date is on another mission's calendar."))
    draft = (
        ReportDraft.objects.select_for_update()
        .filter(mission=mission, period_start=period_start, period_end=period_end)
        .first()
    )
    _check(by, mission, perm="add" if draft is None else "change")
    if draft is None:
        draft = ReportDraft(
            mission=mission,
            period_start=period_start,
            period_end=period_end,
            created_by=by,
            created_at=now,
        )
    _refuse_issued(draft)
    draft.language = language or translation.get_language() or "en"
    if reporting_date is not None:
        draft.reporting_date = reporting_date
    with translation.override(draft.language):
        draft.data = selectors.draft_sections(mission=mission, start=period_start, end=period_end)
    draft.texts = selectors.section_texts(draft.data)
    draft.generated_at = now
    draft.updated_by = by
    draft.full_clean()
    draft.save()
    return draft


@service
@transaction.atomic
def draft_edit(*, draft: ReportDraft, texts: dict[str, str], by: User | None) -> ReportDraft:
    """Save the edited text of the draft's narrative sections (the sections not named keep
    theirs)."""
    locked = ReportDraft.objects.select_for_update().select_related("mission").get(pk=draft.pk)
    _check(by, locked.mission)
    _refuse_issued(locked)
    unknown = set(texts) - set(selectors.NARRATIVE_SECTIONS)
    if unknown:
        raise ValidationError(_("Unknown section: %(key)s.") % {"key": ", ".join(sorted(unknown))})
    locked.texts = {**locked.texts, **{key: value.strip() for key, value in texts.items()}}
    locked.updated_by = by
    locked.save()
    draft.texts, draft.updated_by, draft.updated_at = locked.texts, by, locked.updated_at
    return locked


@service
@transaction.atomic
def draft_issue(
    *,
    draft: ReportDraft,
    by: User | None,
    report: SecretaryGeneralReport | None = None,
    symbol: str = "",
    date: datetime.date | None = None,
    link: str = "",
    now: datetime.datetime | None = None,
) -> ReportDraft:
    """Mark the draft issued in the report ``report``, or the one with ``symbol`` (registered
    on the draft's mission with ``date`` and ``link`` when it is not registered yet, which
    records it as fulfilling the mission's reporting requests). A draft already issued is
    returned as it is: nothing is registered twice."""
    now = now or timezone.now()
    locked = ReportDraft.objects.select_for_update().select_related("mission").get(pk=draft.pk)
    if locked.is_issued:
        return locked
    mission = locked.mission
    _check(by, mission)
    if report is None:
        symbol = symbol.strip()
        if not symbol:
            raise ValidationError(_("Give the symbol of the report that carries the draft."))
        report = SecretaryGeneralReport.objects.filter(symbol=symbol).first()
        if report is None:
            if date is None:
                raise ValidationError(_("Give the date of the report."))
            report = report_register(
                mission=mission, symbol=symbol, date=date, link=link, title="", by=by
            )
    if report.mission_id != mission.pk:
        raise ValidationError(
            _("The report %(symbol)s is not on %(mission)s.")
            % {"symbol": report.symbol, "mission": mission.acronym}
        )
    locked.report = report
    locked.status = DraftStatus.ISSUED
    locked.issued_at = now
    locked.updated_by = by
    locked.full_clean()
    locked.save()
    draft.report, draft.status, draft.issued_at = report, locked.status, now
    return locked
