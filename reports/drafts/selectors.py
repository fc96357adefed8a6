"""The generated sections of a mission's draft, read from the registry for one period.

Every sentence carries the keys of the records it rests on; each key ("U12" a status update,
"AC3" an activity, "AS7" a benchmark assessment, "BM2" a benchmark, "PS4" support by another
actor) is listed in ``sources`` with a label and the address of its admin page. The prose is
written in the active language (the caller sets it); staff notes and stories are quoted as
written.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mandates.choices import Rating, RequestStatus
from mandates.models import (
    Activity,
    Benchmark,
    BenchmarkAssessment,
    Mission,
    PartnerSupport,
    Request,
    RequestMission,
    StatusUpdate,
)
from mandates.requests.models import SYSTEM_AUTHOR
from mandates.sg_reports.fulfilment import SYSTEM

#: The narrative sections, in the order of the report.
NARRATIVE_SECTIONS = ("progress", "obstacles", "commitments", "support")

#: Source key prefix -> the admin page of its record.
SOURCE_ADMIN = {
    "U": "admin:mandates_statusupdate_change",
    "AC": "admin:mandates_activity_change",
    "AS": "admin:mandates_benchmarkassessment_change",
    "BM": "admin:mandates_benchmark_change",
    "PS": "admin:mandates_partnersupport_change",
}

#: Ratings that name an obstacle.
_WORRYING = (Rating.AT_RISK, Rating.OFF_TRACK)


def _date(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def _sentence(text: str, *sources: str) -> dict[str, Any]:
    text = text.strip()
    if text and text[-1] not in ".!?…":
        text += "."
    return {"text": text, "sources": list(sources)}


def _detail(text: str, detail: str) -> str:
    """``text`` followed by ``detail`` after a colon, as the active language punctuates it."""
    return _("%(text)s: %(detail)s") % {"text": text, "detail": detail.strip()}


class _Sources:
    """The sources cited so far, in the order first cited."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, str]] = {}

    def cite(self, prefix: str, pk: int, label: str) -> str:
        key = f"{prefix}{pk}"
        if key not in self.items:
            self.items[key] = {"label": label, "url": reverse(SOURCE_ADMIN[prefix], args=[pk])}
        return key


def _updates(mission: Mission, start: datetime.date, end: datetime.date) -> list[StatusUpdate]:
    """Staff's notes of the period on the mission's lines, and on the requests concerning only
    this mission (one query; the line's due date annotated as ``line_due``)."""
    # A note on a request of several missions counts only on the mission's own line: a note
    # on the whole request is about all of them (or none in particular).
    only_this_mission = (
        Request.objects.annotate(lines=Count("mission_lines"))
        .filter(lines=1, pk__in=RequestMission.objects.filter(mission=mission).values("request_id"))
        .values("pk")
    )
    on_mission = Q(mission=mission) | Q(mission__isnull=True, request__in=only_this_mission)
    line_due = (
        RequestMission.objects.filter(request=OuterRef("request"), mission=mission)
        .annotate(due=Coalesce("due_date", "request__due_date"))
        .values("due")[:1]
    )
    return list(
        StatusUpdate.objects.filter(
            on_mission,
            created_at__date__gte=start,
            created_at__date__lte=end,
            request__archived_at__isnull=True,
        )
        .exclude(note="")
        .exclude(author_name__in=[SYSTEM, SYSTEM_AUTHOR])
        .select_related("request")
        .annotate(line_due=Subquery(line_due))
        .order_by("created_at", "pk")
    )


def _activities(mission: Mission, start: datetime.date, end: datetime.date) -> list[Activity]:
    """The mission's activities overlapping the period (one query)."""
    return list(
        Activity.objects.filter(missions=mission, start_date__lte=end)
        .annotate(last=Coalesce("end_date", "start_date"))
        .filter(last__gte=start)
        .order_by("start_date", "pk")
    )


def _benchmarks(mission: Mission, start: datetime.date, end: datetime.date) -> list[Benchmark]:
    """The mission's benchmarks with ``in_period``: their assessments of periods overlapping
    the period, latest first (two queries)."""
    assessments = BenchmarkAssessment.objects.filter(
        period_start__lte=end, period_end__gte=start
    ).order_by("-period_start", "-pk")
    return list(
        Benchmark.objects.filter(mission=mission)
        .select_related("component")
        .prefetch_related(Prefetch("assessments", queryset=assessments, to_attr="in_period"))
        .order_by("reference")
    )


def _support(mission: Mission, start: datetime.date, end: datetime.date) -> list[PartnerSupport]:
    """Support by other actors in the mission's country during the period (one query)."""
    return list(
        PartnerSupport.objects.filter(mission=mission, period_start__lte=end)
        .filter(Q(period_end__isnull=True) | Q(period_end__gte=start))
        .select_related("area")
        .order_by("period_start", "partner", "pk")
    )


def _element(benchmark: Benchmark) -> str:
    if benchmark.ownership_element:
        return str(benchmark.get_ownership_element_display())
    return benchmark.component.localized_name if benchmark.component else ""


def _is_obstacle(update: Any) -> bool:
    """A note is an obstacle when it puts the work on hold, or when the work was late when it
    was written."""
    if update.status_to == RequestStatus.ON_HOLD:
        return True
    due = getattr(update, "line_due", None) or update.request.due_date
    return (
        due is not None
        and update.status_to in RequestStatus.open()
        and due < update.created_at.date()
    )


def draft_sections(*, mission: Mission, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The draft's sections for ``mission`` and the period ``start``-``end`` (inclusive), as
    JSON-ready data. Five queries, whatever the amount of data.

    Steps:
    1. The benchmark table (OP20(e)): each benchmark of the mission with its baseline, target and
       the latest assessment of a period overlapping this one (rating, value, evidence).
    2. Progress: staff notes of the period on the mission's lines (and on the requests that
       concern it alone) that are not obstacles, then the mission's activities of the period.
    3. Obstacles: notes that put work on hold or were written after its due date, and
       benchmarks rated at risk or off track in the period.
    4. Host-country commitments: what each benchmark records of the host country's commitments
       (``host_country_context``), with its latest rating.
    5. Support by other actors (OP20(f)): support recorded for the mission's country in the
       period, and the partners named by its activities.
    """
    sources = _Sources()
    benchmarks = _benchmarks(mission, start, end)
    rows: list[dict[str, Any]] = []
    obstacles: list[dict[str, Any]] = []
    commitments: list[dict[str, Any]] = []
    for benchmark in benchmarks:
        bm_key = sources.cite("BM", benchmark.pk, benchmark.reference)
        latest = benchmark.in_period[0] if benchmark.in_period else None  # type: ignore[attr-defined]
        row: dict[str, Any] = {
            "reference": benchmark.reference,
            "indicator": benchmark.indicator,
            "element": _element(benchmark),
            "baseline": benchmark.baseline,
            "target": benchmark.target,
            "rating": "",
            "rating_label": _("Not assessed in the period"),
            "value": "",
            "evidence": "",
            "sources": [bm_key],
        }
        if latest is not None:
            as_key = sources.cite(
                "AS",
                latest.pk,
                _("Assessment of %(benchmark)s, %(start)s–%(end)s")
                % {
                    "benchmark": benchmark.reference,
                    "start": _date(latest.period_start),
                    "end": _date(latest.period_end),
                },
            )
            row.update(
                rating=latest.rating,
                rating_label=str(latest.get_rating_display()),
                value=latest.value,
                evidence=latest.evidence or latest.narrative,
                sources=[as_key],
            )
            if latest.rating in _WORRYING:
                text = _("The benchmark “%(indicator)s” was rated %(rating)s") % {
                    "indicator": benchmark.indicator,
                    "rating": str(latest.get_rating_display()).lower(),
                }
                if latest.narrative:
                    text = _detail(text, latest.narrative)
                obstacles.append(_sentence(text, as_key))
        rows.append(row)
        if benchmark.host_country_context.strip():
            element = _element(benchmark)
            text = (
                _("%(element)s: %(context)s")
                % {"element": element, "context": benchmark.host_country_context.strip()}
                if element
                else benchmark.host_country_context.strip()
            )
            cited = [bm_key, *(row["sources"] if latest is not None else [])]
            if latest is not None and latest.rating != Rating.NOT_ASSESSED:
                text = (
                    text.rstrip(".")
                    + ". "
                    + _("Rated %(rating)s for the period")
                    % {"rating": str(latest.get_rating_display()).lower()}
                )
            commitments.append(_sentence(text, *cited))

    progress: list[dict[str, Any]] = []
    for update in _updates(mission, start, end):
        key = sources.cite(
            "U",
            update.pk,
            _("Note on %(reference)s of %(date)s")
            % {"reference": update.request.reference, "date": _date(update.created_at.date())},
        )
        text = _("On “%(request)s” (%(date)s): %(note)s") % {
            "request": update.request.title,
            "date": _date(update.created_at.date()),
            "note": update.note.strip(),
        }
        (obstacles if _is_obstacle(update) else progress).append(_sentence(text, key))

    with_partners: list[dict[str, Any]] = []
    for activity in _activities(mission, start, end):
        key = sources.cite("AC", activity.pk, str(activity))
        when = _date(activity.start_date)
        if activity.end_date and activity.end_date != activity.start_date:
            when = _("%(start)s to %(end)s") % {"start": when, "end": _date(activity.end_date)}
        text = _("%(kind)s “%(title)s” (%(when)s)") % {
            "kind": activity.get_kind_display(),
            "title": activity.title,
            "when": when,
        }
        if activity.story.strip():
            text = _detail(text, activity.story)
        progress.append(_sentence(text, key))
        if activity.partners.strip():
            with_partners.append(
                _sentence(
                    _("%(partners)s took part in “%(title)s”")
                    % {"partners": activity.partners.strip(), "title": activity.title},
                    key,
                )
            )
    support: list[dict[str, Any]] = []
    for item in _support(mission, start, end):
        key = sources.cite(
            "PS",
            item.pk,
            f"{item.partner} ({item.country or mission.host_country}, {item.period_start:%Y-%m})",
        )
        area = item.area.localized_name if item.area else _("security sector reform")
        text = _("%(partner)s (%(kind)s) supports %(area)s since %(start)s") % {
            "partner": item.partner,
            "kind": item.get_partner_kind_display(),
            "area": area,
            "start": _date(item.period_start),
        }
        if item.period_end:
            text += " " + _("until %(end)s") % {"end": _date(item.period_end)}
        if item.note.strip():
            text = _detail(text, item.note)
        support.append(_sentence(text, key))
    support += with_partners

    titles = section_titles()
    empty = {
        "progress": _("No progress was recorded for this period."),
        "obstacles": _("No obstacle was recorded for this period."),
        "commitments": _("No commitment of the host country is recorded on the benchmarks."),
        "support": _("No support by other actors was recorded for this period."),
    }
    found = {
        "progress": progress,
        "obstacles": obstacles,
        "commitments": commitments,
        "support": support,
    }
    return {
        "mission": mission.acronym,
        "period": [start.isoformat(), end.isoformat()],
        "title": _("Security sector reform: %(mission)s, %(start)s to %(end)s")
        % {"mission": mission.acronym, "start": _date(start), "end": _date(end)},
        "benchmarks": {
            "title": _("Benchmarks (resolution 2553 (2020), para. 20 (e))"),
            "rows": rows,
        },
        "sections": [
            {
                "key": key,
                "title": titles[key],
                "sentences": found[key] or [_sentence(empty[key])],
            }
            for key in NARRATIVE_SECTIONS
        ],
        "sources": sources.items,
    }


def section_titles() -> dict[str, str]:
    """The narrative sections' headings in the active language."""
    return {
        "progress": _("Progress"),
        "obstacles": _("Obstacles"),
        "commitments": _("Commitments of the host country"),
        "support": _("Support by other actors (resolution 2553 (2020), para. 20 (f))"),
    }


def cite(sentence: dict[str, Any]) -> str:
    """A sentence with its citations: "... [U12] [AC3]"."""
    marks = " ".join(f"[{key}]" for key in sentence["sources"])
    return f"{sentence['text']} {marks}".strip()


def section_texts(data: dict[str, Any]) -> dict[str, str]:
    """The editable text of each narrative section, as generated: one paragraph a sentence."""
    return {
        section["key"]: "\n\n".join(cite(s) for s in section["sentences"])
        for section in data.get("sections", [])
    }
