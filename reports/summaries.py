"""Periodic summaries for managers: compiled once per (kind, period), stored, e-mailed.

:func:`compile_data` gathers the figures (a fixed number of queries, however many requests).
The figures count everything; the lists name at most ``SUMMARY_LIST_LIMIT`` requests or
benchmarks each, the spotlight the ``SUMMARY_SPOTLIGHT_LIMIT`` most active missions and at most
:data:`MISSION_EXAMPLES` requests per section of each, so a summary stays readable, and its
compiling takes the same memory, however large the portfolio;
:mod:`reports.prose` turns them into the paragraphs a manager reads; :func:`summary_compile`
stores them exactly once per period, even with two schedulers running at the same moment (the
unique constraint on kind and period start, then a row lock); :func:`summary_send` puts the
managers' e-mail in the outbox (:mod:`mandates.integration.outbox`) once and sends it, the
outbox retrying it if the mail server is away.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from email.utils import format_datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from mandates.activities import selectors as activity_selectors
from mandates.choices import DeliveryStatus, OutboxKind, Rating, RequestStatus
from mandates.integration import outbox
from mandates.models import (
    Activity,
    BenchmarkAssessment,
    Mission,
    OutboxMessage,
    Request,
    StatusUpdate,
)
from mandates.organisation import roles
from mandates.requests import selectors as request_selectors
from mandates.sg_reports.calendar import expected_reports
from reports import selectors as trend_selectors
from reports.models import Summary
from reports.periods import Period
from reports.prose import narrative
from reports.reminders import check_address, mail_domain
from ssrtracker.jobs import BadRow, Skipped
from ssrtracker.writes import service

logger = logging.getLogger(__name__)

#: Ratings from worst to best, to tell an improvement from a setback.
RATING_ORDER = {Rating.OFF_TRACK: 0, Rating.AT_RISK: 1, Rating.ON_TRACK: 2}

#: The order in which a capped benchmark list names movements: setbacks first.
MOVEMENTS = ("worsened", "improved", "first", "reassessed", "unchanged")

#: Requests a mission's spotlight names in each of its sections.
MISSION_EXAMPLES = 3


def _bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as [start, end) aware datetimes in the site's time zone."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return start, end


class _Lists:
    """The querysets behind one period's figures."""

    def __init__(self, period: Period) -> None:
        start, end = _bounds(period)
        base = Request.objects.active()
        following = period.next()
        completed_in_period = Q(
            updates__status_to=RequestStatus.COMPLETED,
            updates__created_at__gte=start,
            updates__created_at__lt=end,
        )
        self.completed = (
            base.filter(status=RequestStatus.COMPLETED)
            .annotate(completed_at=Max("updates__created_at", filter=completed_in_period))
            .filter(completed_at__isnull=False)
        )
        self.new = base.filter(created_at__gte=start, created_at__lt=end)
        # The figures describe the start of the day after the period (the morning the scheduler
        # compiles it), with the definitions the dashboards use: that day's overview shows the
        # same open and overdue counts.
        self.as_of = period.end + datetime.timedelta(days=1)
        open_at_end = request_selectors.open_at(base, moment=end)
        self.slipped = open_at_end.filter(due_date__gte=period.start, due_date__lte=period.end)
        self.earlier = open_at_end.filter(due_date__lt=period.start)
        self.overdue = request_selectors.overdue_at(base, day=self.as_of)
        self.coming = open_at_end.filter(due_date__gte=following.start, due_date__lte=following.end)
        self.open = open_at_end

    def counts(self) -> dict[str, int]:
        return {
            "completed": self.completed.count(),
            "new": self.new.count(),
            "slipped": self.slipped.count(),
            "overdue": self.overdue.count(),
            "due_next": self.coming.count(),
            "open": self.open.count(),
        }


def _item(request: Request, **extra: Any) -> dict[str, Any]:
    return {
        "id": request.pk,
        "reference": request.reference,
        "title": request.title,
        "lead_unit": request.lead_unit.acronym,
        "due_date": request.due_date.isoformat() if request.due_date else None,
        "status": request.status,
        "missions": [m.acronym for m in request.missions.all()],
        "url": settings.SITE_URL + reverse("admin:mandates_request_change", args=[request.pk]),
        **extra,
    }


def _rows(
    queryset: QuerySet[Any],
    order: str = "due_date",
    *,
    limit: int,
    notes_until: datetime.datetime | None = None,
) -> list[Request]:
    """The first ``limit`` requests of ``queryset`` with their lead unit and missions; with
    ``notes_until``, each with the latest note staff wrote on it before then (``note``,
    ``note_at``, ``note_by``: subqueries, no query per row)."""
    missions = Prefetch("missions", queryset=Mission.objects.order_by("acronym"))
    queryset = queryset.select_related("lead_unit").prefetch_related(missions)
    if notes_until is not None:
        latest = (
            StatusUpdate.objects.filter(request_id=OuterRef("pk"), created_at__lt=notes_until)
            .exclude(note="")
            .order_by("-created_at", "-pk")
        )
        queryset = queryset.annotate(
            note=Subquery(latest.values("note")[:1]),
            note_at=Subquery(latest.values("created_at")[:1]),
            note_by=Subquery(latest.values("author_name")[:1]),
        )
    return list(queryset.order_by(order, "reference")[:limit])


def _note(request: Request) -> dict[str, Any]:
    """The staff note a list item quotes (none when nobody wrote one)."""
    note = getattr(request, "note", None)
    if not note:
        return {}
    at: datetime.datetime = request.note_at  # type: ignore[attr-defined]  # annotated
    return {
        "note": note,
        "note_on": timezone.localtime(at).date().isoformat(),
        "note_by": request.note_by or "",  # type: ignore[attr-defined]  # annotated
    }


def _movement(rating: str, previous: str | None) -> str:
    if previous is None:
        return "first"
    if rating not in RATING_ORDER or previous not in RATING_ORDER:
        return "unchanged" if rating == previous else "reassessed"
    delta = RATING_ORDER[rating] - RATING_ORDER[previous]  # type: ignore[index]
    return "improved" if delta > 0 else "worsened" if delta < 0 else "unchanged"


def _rating_label(rating: str | None) -> str | None:
    return str(dict(Rating.choices).get(rating, rating)) if rating else None


def _benchmarks(
    period: Period, *, limit: int
) -> tuple[list[dict[str, Any]], dict[str, int], dict[int, int]]:
    """Assessments whose reporting period ended in ``period``, each against the benchmark's
    assessment before it, read as a stream (one query): at most ``limit`` of them, setbacks
    first; how many moved which way; and how many per mission (by id)."""
    previous = (
        BenchmarkAssessment.objects.filter(
            benchmark_id=OuterRef("benchmark_id"), period_start__lt=OuterRef("period_start")
        )
        .order_by("-period_start")
        .values("rating")[:1]
    )
    rows = (
        BenchmarkAssessment.objects.filter(period_end__gte=period.start, period_end__lte=period.end)
        .annotate(previous_rating=Subquery(previous))
        .order_by("benchmark__mission__acronym", "benchmark__reference", "period_start")
        .values(
            "rating",
            "previous_rating",
            "value",
            "period_end",
            "benchmark__reference",
            "benchmark__indicator",
            "benchmark__mission__acronym",
            "benchmark__mission_id",
        )
    )
    kept: dict[str, list[dict[str, Any]]] = {movement: [] for movement in MOVEMENTS}
    moves: Counter[str] = Counter()
    by_mission: Counter[int] = Counter()
    for row in rows.iterator(chunk_size=500):
        movement = _movement(row["rating"], row["previous_rating"])
        moves[movement] += 1
        by_mission[row["benchmark__mission_id"]] += 1
        if len(kept[movement]) < limit:
            kept[movement].append(
                {
                    "reference": row["benchmark__reference"],
                    "indicator": row["benchmark__indicator"],
                    "mission": row["benchmark__mission__acronym"],
                    "rating": row["rating"],
                    "rating_label": _rating_label(row["rating"]),
                    "previous_rating": row["previous_rating"],
                    "previous_label": _rating_label(row["previous_rating"]),
                    "movement": movement,
                    "value": row["value"],
                    "period_end": row["period_end"].isoformat(),
                }
            )
    listed = [row for movement in MOVEMENTS for row in kept[movement]][:limit]
    figures = {
        "assessed": sum(moves.values()),
        "improved": moves["improved"],
        "worsened": moves["worsened"],
        "first": moves["first"],
        "steady": moves["unchanged"] + moves["reassessed"],
    }
    return listed, figures, dict(by_mission)


def _mission_sections(lists: _Lists) -> dict[str, QuerySet[Request]]:
    return {
        "completed": lists.completed,
        "new": lists.new,
        "late": lists.overdue,
        "coming": lists.coming,
    }


def _single_mission() -> QuerySet[Any]:
    """The ids of the requests that concern exactly one mission (a subquery): only these are
    a mission's own news; the others are told once, across missions."""
    through: Any = Request.missions.through
    return (
        through.objects.values("request_id")
        .annotate(missions=Count("mission_id"))
        .filter(missions=1)
        .values("request_id")
    )


def _across(lists: _Lists, *, limit: int) -> dict[str, Any]:
    """The period's requests that concern several missions or none, told once instead of in
    every mission's news: how many in each section, and the first ``limit`` of each with their
    missions (per section: the count, the list and its missions, 3 queries)."""
    single = _single_mission()
    across: dict[str, Any] = {"counts": {}}
    for key, queryset in _mission_sections(lists).items():
        shared = queryset.exclude(pk__in=single)
        across["counts"][key] = shared.count()
        order = "completed_at" if key == "completed" else "due_date"
        across[key] = [_item(r) for r in _rows(shared, order, limit=limit)]
    return across


def _missions(
    lists: _Lists, assessed: dict[int, int], *, period_end: datetime.date
) -> tuple[list[dict[str, Any]], list[str]]:
    """The missions the period's requests or benchmarks concern, most active first: the first
    ``SUMMARY_SPOTLIGHT_LIMIT`` in the spotlight, with how many requests each has in each
    section and the first few of them; the acronyms of the others. A mission closed before the
    period ended is in neither: it has left open work (its history stays on its page). Only
    the requests that concern that one mission are its news: a request shared by several
    missions is told once, across missions (:func:`_across`), not in each of theirs.

    Queries, however many requests and missions: the counts per mission of each section (4),
    the missions (1), and the first requests of each section for the spotlight's missions (4).
    """
    # The auto-created through model: the type stubs do not follow annotations on it.
    through: Any = Request.missions.through
    sections = _mission_sections(lists)
    single = _single_mission()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for key, queryset in sections.items():
        for mission_id, total in (
            through.objects.filter(request_id__in=queryset.values("pk"))
            .filter(request_id__in=single)
            .values("mission_id")
            .annotate(total=Count("pk"))
            .order_by()
            .values_list("mission_id", "total")
        ):
            counts[mission_id][key] = total
    for mission_id, total in assessed.items():
        counts[mission_id]["benchmarks"] = total
    missions = {
        pk: (acronym, name, host_country, name_fr, host_country_fr)
        for pk, acronym, name, host_country, name_fr, host_country_fr in Mission.objects.filter(
            pk__in=list(counts)
        )
        .exclude(end_date__lt=period_end)
        .values_list("pk", "acronym", "name", "host_country", "name_fr", "host_country_fr")
    }
    ranked = sorted(missions, key=lambda pk: (-sum(counts[pk].values()), missions[pk][0]))
    chosen = ranked[: settings.SUMMARY_SPOTLIGHT_LIMIT]
    spotlight: dict[int, dict[str, Any]] = {
        pk: {
            "acronym": missions[pk][0],
            "name": missions[pk][1],
            "host_country": missions[pk][2],
            "name_fr": missions[pk][3],
            "host_country_fr": missions[pk][4],
            "counts": counts[pk],
            "titles": {},
            **{key: [] for key in sections},
            "benchmarks": [],
        }
        for pk in sorted(chosen, key=lambda pk: missions[pk][0])
    }
    for key, queryset in sections.items():
        for mission_id, reference, title in (
            through.objects.filter(request_id__in=queryset.values("pk"), mission_id__in=chosen)
            .filter(request_id__in=single)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("mission_id"),
                    order_by=[F("request__due_date").asc(nulls_last=True), F("request__reference")],
                )
            )
            .filter(rank__lte=MISSION_EXAMPLES)
            .order_by("mission_id", "rank")
            .values_list("mission_id", "request__reference", "request__title")
        ):
            spotlight[mission_id][key].append(reference)
            spotlight[mission_id]["titles"][reference] = title
    others = [missions[pk][0] for pk in ranked[len(chosen) :]]
    return list(spotlight.values()), others


def _activities(first: datetime.date, last: datetime.date, *, limit: int) -> dict[str, Any]:
    """The activities under way from ``first`` to ``last`` (the activities' own selector): how
    many, and the first ``limit`` by start date with their story and missions (3 queries)."""
    queryset = activity_selectors.between(
        Activity.objects.all(), first=first, last=last
    ).prefetch_related(Prefetch("missions", queryset=Mission.objects.order_by("acronym")))
    return {
        "count": queryset.count(),
        "items": [
            {
                "id": activity.pk,
                "kind": activity.kind,
                "title": activity.title,
                "story": activity.story,
                "start": activity.start_date.isoformat(),
                "end": activity.end_date.isoformat() if activity.end_date else None,
                "missions": [m.acronym for m in activity.missions.all()],
                "partners": activity.partners,
            }
            for activity in queryset.order_by("start_date", "title", "pk")[:limit]
        ],
    }


def _reports_due(period: Period) -> list[dict[str, str]]:
    """The regular Secretary-General reports expected in ``period``, mission by mission, from
    each mission's reporting calendar (:func:`mandates.sg_reports.calendar.expected_reports`,
    the dashboards' source; 2 queries: the missions with a calendar and their dates)."""
    missions = (
        Mission.objects.exclude(end_date__lt=period.start)
        .filter(Q(reporting_cycle_months__isnull=False) | Q(reporting_dates__isnull=False))
        .distinct()
        .order_by("acronym")
        .prefetch_related("reporting_dates")
    )
    due = [
        {"mission": mission.acronym, "date": day.isoformat()}
        for mission in missions
        for day in expected_reports(mission, start=period.start, end=period.end)
    ]
    return sorted(due, key=lambda row: (row["date"], row["mission"]))


#: How many periods (and years) the trend figures go back, the period itself included.
TREND_PERIODS = 6


def _trends(period: Period) -> dict[str, Any]:
    """The newsletter's figures over time, from the selectors that define them
    (:mod:`reports.selectors`; 3 queries): resolutions per year, missions with an SSR mandate at
    the end of each of the last periods, requests recorded and completed in each."""
    periods = [period]
    while len(periods) < TREND_PERIODS:
        periods.insert(0, periods[0].previous())
    years = list(range(period.end.year - TREND_PERIODS + 1, period.end.year + 1))
    opened, closed = trend_selectors.requests_opened_closed([_bounds(p) for p in periods])
    return {
        "periods": [_period_data(p) for p in periods],
        "years": years,
        "resolutions": list(trend_selectors.resolutions_per_year(years=years).values()),
        "missions": trend_selectors.missions_with_ssr_mandate(days=[p.end for p in periods]),
        "opened": opened,
        "closed": closed,
    }


def compile_data(period: Period, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Everything a summary says about ``period``, as JSON-ready data.

    Queries (the same for 1 request or 100,000): for this period and the one before, six counts
    each; five lists of at most ``SUMMARY_LIST_LIMIT`` requests, each with its missions
    prefetched (10), three of them with the latest staff note as subqueries; the benchmarks (1);
    the missions (9, see :func:`_missions`); the requests across missions (12, see
    :func:`_across`); the activities of this period and the next (6); the reports due next
    period (2); the trends (3).
    """
    now = now or timezone.now()
    limit = settings.SUMMARY_LIST_LIMIT
    current, previous = _Lists(period), _Lists(period.previous())
    end_day = period.end

    def late(request: Request) -> dict[str, Any]:
        due_date: datetime.date = request.due_date  # type: ignore[assignment]  # filtered
        return _item(request, days_late=(end_day - due_date).days, **_note(request))

    _start, end = _bounds(period)
    completed = [
        _item(
            r,
            completed_on=timezone.localtime(r.completed_at).date().isoformat(),  # type: ignore[attr-defined]
            **_note(r),
        )
        for r in _rows(current.completed, "completed_at", limit=limit, notes_until=end)
    ]
    benchmarks, benchmark_figures, assessed = _benchmarks(period, limit=limit)
    spotlight, other_missions = _missions(current, assessed, period_end=end_day)
    return {
        "kind": period.kind,
        "period": _period_data(period),
        "previous": _period_data(period.previous()),
        "next": _period_data(period.next()),
        "as_of": current.as_of.isoformat(),
        "figures": current.counts(),
        "previous_figures": previous.counts(),
        "completed": completed,
        "new": [_item(r) for r in _rows(current.new, "created_at", limit=limit)],
        "slipped": [late(r) for r in _rows(current.slipped, limit=limit, notes_until=end)],
        "overdue": [late(r) for r in _rows(current.earlier, limit=limit, notes_until=end)],
        "coming_soon": [_item(r) for r in _rows(current.coming, limit=limit)],
        "benchmarks": benchmarks,
        "benchmark_figures": benchmark_figures,
        "missions": spotlight,
        "other_missions": other_missions,
        "across": _across(current, limit=limit),
        "activities": _activities(period.start, period.end, limit=limit),
        "activities_next": _activities(period.next().start, period.next().end, limit=limit),
        "reports_due": _reports_due(period.next()),
        "trends": _trends(period),
        "links": {"deadlines": settings.SITE_URL + reverse("dashboard:deadlines")},
        "compiled_at": now.isoformat(),
    }


def _period_data(period: Period) -> dict[str, str]:
    return {
        "code": period.code,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "label": period.label,
        "noun": period.noun,
    }


def render(data: dict[str, Any]) -> tuple[str, str, str]:
    """(title, HTML, plain text) of a summary, from its data alone, in the active language."""
    story = narrative(data)
    context = {"story": story, "site_url": settings.SITE_URL}
    html = render_to_string("reports/summary.html", context)
    text = render_to_string("reports/summary.txt", context)
    return story.title, html, text


@service
def summary_compile(
    *, period: Period, recompile: bool = False, now: datetime.datetime | None = None
) -> tuple[Summary, bool]:
    """Compile and store the summary of ``period`` unless it exists; return it and whether it
    was compiled now.

    Steps: 1. ``get_or_create`` on (kind, period start): of two schedulers inserting at once,
    the unique constraint lets one in and the other reads its row. 2. Lock that row: the second
    waits until the first has committed. 3. A compiled summary is returned as it is, unless
    ``recompile`` asks for it to be compiled again from today's data.
    """
    now = now or timezone.now()
    with transaction.atomic():
        row, _created = Summary.objects.get_or_create(
            kind=period.kind, period_start=period.start, defaults={"period_end": period.end}
        )
        summary = Summary.objects.select_for_update().get(pk=row.pk)
        if summary.compiled_at is not None and not recompile:
            return summary, False
        summary.period_end = period.end
        summary.data = compile_data(period, now=now)
        # The stored copy is in the site's language; each reader's e-mail is rendered in theirs.
        with translation.override(settings.LANGUAGE_CODE):
            summary.title, summary.html, summary.text = render(summary.data)
        summary.compiled_at = now
        if not summary.message_id:
            summary.message_id = _message_id(period)
        summary.save()
    return summary, True


def _message_id(period: Period) -> str:
    key = f"summary:{period.kind}:{period.start:%Y-%m-%d}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return f"<summary.{period.kind}.{period.code}.{digest}@{mail_domain()}>"


def managers() -> list[User]:
    return list(
        User.objects.filter(groups__name=roles.MANAGERS, is_active=True)
        .select_related("reminder_preference")
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )


def reachable(people: list[User], skipped: Skipped) -> list[User]:
    """The people whose address mail can go to; the others go to ``skipped`` (one spoiled
    address must not keep the summary from everyone else)."""
    kept = []
    for person in people:
        try:
            check_address(person)
        except BadRow as exc:
            skipped.add(f"manager {person.get_username()}", str(exc))
            continue
        kept.append(person)
    return kept


class SummaryDeliveryFailed(Exception):
    """The SMTP server refused or could not be reached; the outbox retries the e-mail."""


def reader_language(user: User) -> str:
    """The language a person reads summaries in: their preference, else the site's."""
    preference = getattr(user, "reminder_preference", None)
    return (preference.language if preference is not None else "") or settings.LANGUAGE_CODE


def summary_messages(summary: Summary) -> list[EmailMultiAlternatives]:
    """The managers' e-mails of a compiled summary, one per language they read (none when no
    manager can receive it): each copy is rendered in its readers' language."""
    recipients = reachable(managers(), Skipped("summaries", log=False))
    if not recipients or summary.compiled_at is None:
        return []
    by_language: dict[str, list[User]] = defaultdict(list)
    for user in recipients:
        by_language[reader_language(user)].append(user)
    messages = []
    base_id = summary.message_id or _message_id(_period_of(summary))
    for language, readers in sorted(by_language.items()):
        if language == settings.LANGUAGE_CODE and summary.text:
            title, html, text = summary.title, summary.html, summary.text
            message_id = base_id
        else:
            with translation.override(language):
                title, html, text = render(summary.data)
            # One Message-ID per copy: the same for every retry of that copy.
            message_id = base_id.replace("@", f".{language}@", 1)
        message = EmailMultiAlternatives(
            subject=f"ssrtracker: {title}",
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[settings.DEFAULT_FROM_EMAIL],
            bcc=[user.email for user in readers],
            headers={"Message-ID": message_id, "Date": format_datetime(summary.compiled_at)},
        )
        message.attach_alternative(html, "text/html")
        messages.append(message)
    return messages


def send_summary_message(message: OutboxMessage) -> None:
    """The outbox's sender for summary e-mails: the summary as stored now, to the managers who
    can receive it now, each in their language."""
    summary = Summary.objects.filter(pk=message.payload.get("summary")).first()
    emails = summary_messages(summary) if summary is not None else []
    if not emails:
        raise outbox.GiveUp("The summary is not compiled, or no manager can receive it.")
    for email in emails:
        email.send()


@service
def summary_send(
    *,
    summary_id: int,
    force: bool = False,
    now: datetime.datetime | None = None,
    skipped: Skipped | None = None,
) -> int:
    """E-mail a compiled summary to the managers once (``force`` sends it again); return the
    number of recipients. The e-mail is put in the outbox once (its row linked to the summary)
    and sent at once; if that fails, :class:`SummaryDeliveryFailed` says why and the outbox
    retries it. Managers without a valid address are left out and added to ``skipped``."""
    now = now or timezone.now()
    skipped = skipped if skipped is not None else Skipped("summaries")
    with transaction.atomic():
        summary = (
            Summary.objects.select_for_update(of=("self",))
            .select_related("delivery")
            .get(pk=summary_id)
        )
        if summary.compiled_at is None:
            return 0
        delivery = summary.delivery
        if delivery is not None and delivery.status == DeliveryStatus.SENT and not force:
            return 0
        recipients = reachable(managers(), skipped)
        if not recipients:
            return 0
        if delivery is None:
            delivery = outbox.enqueue(
                kind=OutboxKind.SUMMARY_EMAIL,
                dedup_key=summary.outbox_key,
                recipient=", ".join(user.email for user in recipients),
                payload={"summary": summary.pk, "message_id": summary.message_id},
                now=now,
            ) or outbox.message_for(summary.outbox_key)
            summary.delivery = delivery
            summary.save(update_fields=["delivery"])
        elif force:
            outbox.resend([delivery], now=now, kick=False)
    if delivery is None:  # stored above; only a concurrent delete of the message gets here
        raise SummaryDeliveryFailed("the e-mail could not be queued")
    outcome = outbox.send(delivery.pk, now=now, force=True)
    if outcome not in (outbox.Outcome.SENT, outbox.Outcome.ALREADY_SENT):
        delivery.refresh_from_db()
        raise SummaryDeliveryFailed(delivery.last_error or outcome.value)
    return len(recipients) if outcome == outbox.Outcome.SENT else 0


def _period_of(summary: Summary) -> Period:
    return Period.containing(summary.kind, summary.period_start)


@dataclass
class Publication:
    """What one scheduled run did: the summary, how many it e-mailed now, whom it skipped, and
    why the e-mail failed (the outbox retries it)."""

    summary: Summary
    emailed: int
    skipped: Skipped
    error: str = ""


@service
def summary_publish(
    *, kind: str, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> Publication:
    """The scheduled job: compile the last complete period of ``kind`` and e-mail it once."""
    today = today or timezone.localdate()
    summary, _compiled = summary_compile(period=Period.last_complete(kind, today), now=now)
    skipped = Skipped("summaries")
    try:
        emailed = summary_send(summary_id=summary.pk, now=now, skipped=skipped)
    except SummaryDeliveryFailed as exc:
        return Publication(summary=summary, emailed=0, skipped=skipped, error=str(exc))
    return Publication(summary=summary, emailed=emailed, skipped=skipped)
