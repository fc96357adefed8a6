"""Periodic summaries for managers: compiled once per (kind, period), stored, e-mailed.

:func:`compile_data` gathers the figures (a fixed number of queries, however many requests);
:mod:`reports.prose` turns them into the paragraphs a manager reads; :func:`summary_compile`
stores them exactly once per period, even with two schedulers running at the same moment (the
unique constraint on kind and period start, then a row lock); :func:`summary_send` e-mails the
managers once.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import smtplib
from collections import defaultdict
from email.utils import format_datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mandates import roles
from mandates.choices import Rating, RequestStatus
from mandates.models import BenchmarkAssessment, Mission, Request
from reports.models import Summary
from reports.periods import Period
from reports.prose import narrative
from reports.reminders import mail_domain

logger = logging.getLogger(__name__)

#: Ratings from worst to best, to tell an improvement from a setback.
RATING_ORDER = {Rating.OFF_TRACK: 0, Rating.AT_RISK: 1, Rating.ON_TRACK: 2}


def _bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as [start, end) aware datetimes in the site's time zone."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return start, end


def _open_at(moment: datetime.datetime) -> Q:
    return Q(created_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))


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
        open_at_end = base.filter(_open_at(end))
        self.slipped = open_at_end.filter(due_date__gte=period.start, due_date__lte=period.end)
        self.overdue = open_at_end.filter(due_date__lte=period.end)
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


def _rows(queryset: QuerySet[Any], order: str = "due_date") -> list[Request]:
    missions = Prefetch("missions", queryset=Mission.objects.order_by("acronym"))
    return list(
        queryset.select_related("lead_unit").prefetch_related(missions).order_by(order, "reference")
    )


def _movement(rating: str, previous: str | None) -> str:
    if previous is None:
        return "first"
    if rating not in RATING_ORDER or previous not in RATING_ORDER:
        return "unchanged" if rating == previous else "reassessed"
    delta = RATING_ORDER[rating] - RATING_ORDER[previous]  # type: ignore[index]
    return "improved" if delta > 0 else "worsened" if delta < 0 else "unchanged"


def _benchmarks(period: Period) -> list[dict[str, Any]]:
    """Assessments whose reporting period ended in ``period``, each against the benchmark's
    assessment before it (two queries)."""
    assessments = list(
        BenchmarkAssessment.objects.filter(period_end__gte=period.start, period_end__lte=period.end)
        .select_related("benchmark", "benchmark__mission")
        .order_by("benchmark__mission__acronym", "benchmark__reference", "period_start")
    )
    if not assessments:
        return []
    earlier: dict[int, list[BenchmarkAssessment]] = defaultdict(list)
    for previous in BenchmarkAssessment.objects.filter(
        benchmark_id__in={a.benchmark_id for a in assessments},
        period_start__lt=max(a.period_start for a in assessments),
    ).order_by("period_start"):
        earlier[previous.benchmark_id].append(previous)
    rows = []
    for assessment in assessments:
        before = [
            p for p in earlier[assessment.benchmark_id] if p.period_start < assessment.period_start
        ]
        previous_rating = before[-1].rating if before else None
        benchmark = assessment.benchmark
        rows.append(
            {
                "reference": benchmark.reference,
                "indicator": benchmark.indicator,
                "mission": benchmark.mission.acronym,
                "rating": assessment.rating,
                "rating_label": str(assessment.get_rating_display()),
                "previous_rating": previous_rating,
                "previous_label": str(Rating(previous_rating).label) if previous_rating else None,
                "movement": _movement(assessment.rating, previous_rating),
                "value": assessment.value,
                "period_end": assessment.period_end.isoformat(),
            }
        )
    return rows


def compile_data(period: Period, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Everything a summary says about ``period``, as JSON-ready data.

    Queries (the same for 1 request or 500): for this period, five lists each with its missions
    prefetched (10) and the open count (1); for the previous period, six counts; benchmarks (2);
    the missions named (1).
    """
    now = now or timezone.now()
    current, previous = _Lists(period), _Lists(period.previous())
    end_day = period.end
    completed = [
        _item(r, completed_on=timezone.localtime(r.completed_at).date().isoformat())  # type: ignore[attr-defined]
        for r in _rows(current.completed, "completed_at")
    ]
    new = [_item(r) for r in _rows(current.new, "created_at")]
    overdue_rows = _rows(current.overdue)
    slipped_ids = set(current.slipped.values_list("pk", flat=True))
    slipped: list[dict[str, Any]] = []
    overdue: list[dict[str, Any]] = []
    for request in overdue_rows:
        due_date: datetime.date = request.due_date  # type: ignore[assignment]  # filtered
        late = (end_day - due_date).days
        (slipped if request.pk in slipped_ids else overdue).append(_item(request, days_late=late))
    coming = [_item(r) for r in _rows(current.coming)]
    benchmarks = _benchmarks(period)

    figures = {
        "completed": len(completed),
        "new": len(new),
        "slipped": len(slipped),
        "overdue": len(slipped) + len(overdue),
        "due_next": len(coming),
        "open": current.open.count(),
    }
    missions: dict[str, dict[str, Any]] = {}
    named = {
        a
        for rows in (completed, new, slipped, overdue, coming)
        for r in rows
        for a in r["missions"]
    }
    named |= {b["mission"] for b in benchmarks}
    for mission in Mission.objects.filter(acronym__in=named).order_by("acronym"):
        missions[mission.acronym] = {
            "acronym": mission.acronym,
            "name": mission.name,
            "host_country": mission.host_country,
            "completed": [],
            "new": [],
            "late": [],
            "coming": [],
            "benchmarks": [],
        }
    for key, rows in (
        ("completed", completed),
        ("new", new),
        ("late", slipped + overdue),
        ("coming", coming),
    ):
        for row in rows:
            for acronym in row["missions"]:
                missions[acronym][key].append(row["reference"])
    for bench in benchmarks:
        missions[bench["mission"]]["benchmarks"].append(bench["reference"])

    following = period.next()
    return {
        "kind": period.kind,
        "period": _period_data(period),
        "previous": _period_data(period.previous()),
        "next": _period_data(following),
        "figures": figures,
        "previous_figures": previous.counts(),
        "completed": completed,
        "new": new,
        "slipped": slipped,
        "overdue": overdue,
        "coming_soon": coming,
        "benchmarks": benchmarks,
        "missions": list(missions.values()),
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
    """(title, HTML, plain text) of a summary, from its data alone."""
    story = narrative(data)
    context = {"story": story, "site_url": settings.SITE_URL}
    html = render_to_string("reports/summary.html", context)
    text = render_to_string("reports/summary.txt", context)
    return story.title, html, text


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
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )


class SummaryDeliveryFailed(Exception):
    """The SMTP server refused or could not be reached; the task retries."""


def summary_send(
    *, summary_id: int, force: bool = False, now: datetime.datetime | None = None
) -> int:
    """E-mail a compiled summary to the managers once (``force`` sends it again); return the
    number of recipients. Locked and marked in one transaction, like reminder digests."""
    now = now or timezone.now()
    with transaction.atomic():
        summary = Summary.objects.select_for_update().get(pk=summary_id)
        if summary.compiled_at is None or (summary.emailed_at and not force):
            return 0
        recipients = managers()
        if not recipients:
            return 0
        message = EmailMultiAlternatives(
            subject=f"ssrtracker: {summary.title}",
            body=summary.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[settings.DEFAULT_FROM_EMAIL],
            bcc=[user.email for user in recipients],
            headers={
                "Message-ID": summary.message_id or _message_id(_period_of(summary)),
                "Date": format_datetime(summary.compiled_at),
            },
        )
        message.attach_alternative(summary.html, "text/html")
        summary.email_attempts += 1
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            # Recorded (and committed) for the admin; the caller's retry comes after.
            summary.email_error = f"{type(exc).__name__}: {exc}"[:2000]
            summary.save(update_fields=["email_attempts", "email_error"])
        else:
            summary.emailed_at = now
            summary.email_error = ""
            summary.save(update_fields=["email_attempts", "email_error", "emailed_at"])
    if summary.emailed_at is None:
        raise SummaryDeliveryFailed(summary.email_error)
    return len(recipients)


def _period_of(summary: Summary) -> Period:
    return Period.containing(summary.kind, summary.period_start)


def summary_publish(
    *, kind: str, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> Summary:
    """The scheduled job: compile the last complete period of ``kind`` and e-mail it once."""
    today = today or timezone.localdate()
    summary, _compiled = summary_compile(period=Period.last_complete(kind, today), now=now)
    summary_send(summary_id=summary.pk, now=now)
    return summary
