"""Reads for the dashboards, one function per page. Each runs a fixed number of queries whatever
the size of the portfolio (aggregates in the database, lists cut to a page), which
tests/reports/test_dashboard_queries.py checks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from mandates.choices import DocumentKind, RequestStatus
from mandates.models import (
    Benchmark,
    BenchmarkAssessment,
    Document,
    Mission,
    Paragraph,
    Request,
    StatusUpdate,
    Unit,
)

S = RequestStatus
OPEN = Q(status__in=S.open())
LIST_LIMIT = 12


def _month_starts(today: datetime.date, months: int) -> list[datetime.date]:
    first = today.replace(day=1)
    starts = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        starts.append(datetime.date(year, month + 1, 1))
    return starts


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def figures(requests: QuerySet[Request], *, today: datetime.date, since: datetime.date) -> dict:
    """Headline counts and the count of each status, in one query."""
    by_status = {f"status_{value}": Count("pk", filter=Q(status=value)) for value in S.values}
    return requests.aggregate(
        **by_status,
        open=Count("pk", filter=OPEN),
        overdue=Count("pk", filter=OPEN & Q(due_date__lt=today)),
        due_30=Count("pk", filter=OPEN & Q(due_date__gte=today, due_date__lte=today + _days(30))),
        due_90=Count("pk", filter=OPEN & Q(due_date__gte=today, due_date__lte=today + _days(90))),
        completed=Count("pk", filter=Q(status=S.COMPLETED, closed_at__date__gte=since)),
        total=Count("pk"),
    )


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def status_counts(figures: dict[str, int]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, from :func:`figures`."""
    return [(value, str(label), figures[f"status_{value}"]) for value, label in S.choices]


def overdue(
    requests: QuerySet[Request], *, today: datetime.date, limit: int | None = LIST_LIMIT
) -> list[Request]:
    queryset = (
        requests.filter(OPEN, due_date__lt=today)
        .select_related("lead_unit")
        .order_by("due_date", "reference")
    )
    return list(queryset[:limit] if limit else queryset)


def due_between(
    requests: QuerySet[Request],
    *,
    start: datetime.date,
    end: datetime.date,
    limit: int | None = LIST_LIMIT,
) -> list[Request]:
    queryset = (
        requests.filter(OPEN, due_date__gte=start, due_date__lte=end)
        .select_related("lead_unit")
        .order_by("due_date", "reference")
    )
    return list(queryset[:limit] if limit else queryset)


def activity_by_month(
    requests: QuerySet[Request], *, today: datetime.date, months: int = 12
) -> tuple[list[datetime.date], list[int], list[int], list[int]]:
    """Per month over the last ``months`` months: requests completed, requests created and
    updates recorded (3 queries)."""
    starts = _month_starts(today, months)
    completed = dict(
        requests.filter(status=S.COMPLETED, closed_at__date__gte=starts[0])
        .annotate(month=TruncMonth("closed_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    created = dict(
        requests.filter(created_at__date__gte=starts[0])
        .annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    updates = dict(
        StatusUpdate.objects.filter(
            request__in=requests.values("pk"), created_at__date__gte=starts[0]
        )
        .annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    series = [
        {_as_date(k): v for k, v in counts.items()} for counts in (completed, created, updates)
    ]
    return starts, *([counts.get(m, 0) for m in starts] for counts in series)  # type: ignore[return-value]


def _counts(requests: QuerySet[Request], *, today: datetime.date, path: str) -> dict[str, Any]:
    scoped = Q(**{f"{path}__in": requests.values("pk")})
    prefix = f"{path}__"
    return {
        "open_count": Count(
            path, filter=scoped & Q(**{f"{prefix}status__in": S.open()}), distinct=True
        ),
        "overdue_count": Count(
            path,
            filter=scoped & Q(**{f"{prefix}status__in": S.open(), f"{prefix}due_date__lt": today}),
            distinct=True,
        ),
        "completed_count": Count(
            path, filter=scoped & Q(**{f"{prefix}status": S.COMPLETED}), distinct=True
        ),
    }


def by_mission(requests: QuerySet[Request], *, today: datetime.date) -> list[Mission]:
    missions: QuerySet[Any] = Mission.objects.all()
    return list(
        missions.annotate(**_counts(requests, today=today, path="requests"))
        .filter(Q(open_count__gt=0) | Q(completed_count__gt=0))
        .order_by("-overdue_count", "-open_count", "acronym")
    )


def by_unit(requests: QuerySet[Request], *, today: datetime.date) -> list[Unit]:
    units: QuerySet[Any] = Unit.objects.all()
    return list(
        units.annotate(**_counts(requests, today=today, path="led_requests"))
        .filter(Q(open_count__gt=0) | Q(completed_count__gt=0))
        .order_by("-overdue_count", "-open_count", "acronym")
    )


def by_resolution(requests: QuerySet[Request], *, today: datetime.date) -> list[Document]:
    documents: QuerySet[Any] = Document.objects.filter(kind=DocumentKind.RESOLUTION)
    return list(
        documents.annotate(**_counts(requests, today=today, path="paragraphs__requests"))
        .filter(Q(open_count__gt=0) | Q(completed_count__gt=0))
        .order_by("-date", "symbol")
    )


def latest_updates(
    requests: QuerySet[Request], *, limit: int = 10, since: datetime.date | None = None
) -> list[StatusUpdate]:
    queryset = StatusUpdate.objects.filter(request__in=requests.values("pk"))
    if since is not None:
        queryset = queryset.filter(created_at__date__gte=since)
    return list(queryset.select_related("request", "author").order_by("-created_at", "-pk")[:limit])


# --- Mission -----------------------------------------------------------------------------------


@dataclass
class BenchmarkRow:
    benchmark: Benchmark
    assessments: list[BenchmarkAssessment] = field(default_factory=list)

    @property
    def latest(self) -> BenchmarkAssessment | None:
        return self.assessments[-1] if self.assessments else None


def mission_benchmarks(mission: Mission) -> list[BenchmarkRow]:
    """Benchmarks with their assessments oldest first (2 queries)."""
    benchmarks = (
        Benchmark.objects.filter(mission=mission)
        .select_related("paragraph", "component", "responsible_unit")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=BenchmarkAssessment.objects.order_by("period_start"),
            )
        )
        .order_by("reference")
    )
    return [BenchmarkRow(b, list(b.assessments.all())) for b in benchmarks]


def mission_paragraphs(requests: QuerySet[Request]) -> list[Paragraph]:
    """The mandate paragraphs the mission's requests rest on, in document order."""
    through = Request.paragraphs.through.objects.filter(request__in=requests.values("pk"))
    return list(
        Paragraph.objects.filter(pk__in=through.values("paragraph_id"))
        .select_related("document")
        .order_by("-document__date", "document_id", "order")
    )


def mission_requests(requests: QuerySet[Request]) -> list[Request]:
    """Open requests first, soonest due first; then the closed ones."""
    rows = list(requests.select_related("lead_unit"))
    far = datetime.date.max
    return sorted(rows, key=lambda r: (not r.is_open, r.due_date or far, r.reference))


def next_report_due(requests: QuerySet[Request], *, today: datetime.date) -> datetime.date | None:
    """The next due date of an open request recurring with the mission's regular reports."""
    return requests.filter(OPEN, recurrence="mission_reports", due_date__gte=today).aggregate(
        next=Min("due_date")
    )["next"]


# --- Unit --------------------------------------------------------------------------------------


def unit_workload(unit: Unit) -> dict[str, dict[str, int]]:
    """Requests the unit leads and supports, by status (1 query)."""
    led = Q(lead_unit=unit)
    supported = Q(supporting_units=unit)
    aggregates: dict[str, Any] = {}
    for value in S.values:
        aggregates[f"led_{value}"] = Count("pk", filter=led & Q(status=value), distinct=True)
        aggregates[f"sup_{value}"] = Count("pk", filter=supported & Q(status=value), distinct=True)
    row = Request.objects.active().filter(led | supported).aggregate(**aggregates)
    return {
        "led": {value: row[f"led_{value}"] for value in S.values},
        "supported": {value: row[f"sup_{value}"] for value in S.values},
    }


def update_authors(requests: QuerySet[Request], *, since: datetime.date) -> list[dict[str, Any]]:
    """Who recorded updates on these requests since ``since``: name, count, last time."""
    rows: QuerySet[Any] = StatusUpdate.objects.filter(
        request__in=requests.values("pk"), created_at__date__gte=since
    )
    return list(
        rows.values("author_name")
        .annotate(n=Count("pk"), last=Max("created_at"))
        .order_by("-n", "author_name")[:LIST_LIMIT]
    )


# --- Resolution --------------------------------------------------------------------------------


def resolution_paragraphs(document: Document, *, requests: QuerySet[Request]) -> list[Paragraph]:
    """The document's paragraphs in order, each with its (active, filtered) requests."""
    return list(
        document.paragraphs.select_related("parent")
        .prefetch_related(
            Prefetch(
                "requests",
                queryset=requests.select_related("lead_unit").order_by("reference"),
                to_attr="tracked",
            )
        )
        .order_by("order")
    )


def resolutions(requests: QuerySet[Request], *, today: datetime.date) -> list[Document]:
    return list(
        Document.objects.filter(kind=DocumentKind.RESOLUTION)
        .annotate(
            paragraph_count=Count("paragraphs", distinct=True),
            **_counts(requests, today=today, path="paragraphs__requests"),
        )
        .order_by("-date", "symbol")
    )


# --- Matrix ------------------------------------------------------------------------------------


def matrix(requests: QuerySet[Request]) -> tuple[list[Request], list[Mission]]:
    """Requests concerning at least one mission (rows) and the missions they concern (columns)."""
    requests = requests.exclude(status__in=[S.CANCELLED, S.SUPERSEDED])
    rows = list(
        requests.filter(missions__isnull=False)
        .distinct()
        .prefetch_related(Prefetch("missions", queryset=Mission.objects.only("id", "acronym")))
        .order_by("reference")
    )
    through = Request.missions.through.objects.filter(request__in=requests.values("pk"))
    columns = list(Mission.objects.filter(pk__in=through.values("mission_id")).order_by("acronym"))
    return rows, columns


# --- Lists of missions and units ---------------------------------------------------------------


def mission_table(requests: QuerySet[Request], *, today: datetime.date) -> list[Mission]:
    """Every mission with its request counts and number of benchmarks (1 query)."""
    benchmarks = Benchmark.objects.filter(mission=OuterRef("pk")).values("mission")
    return list(
        Mission.objects.annotate(
            **_counts(requests, today=today, path="requests"),
            benchmark_count=Coalesce(
                Subquery(benchmarks.annotate(n=Count("pk")).values("n")[:1]), 0
            ),
        ).order_by(F("end_date").desc(nulls_first=True), "acronym")
    )


def unit_table(requests: QuerySet[Request], *, today: datetime.date) -> list[Unit]:
    """Every unit that leads a request, with its counts (1 query)."""
    units: QuerySet[Any] = Unit.objects.all()
    return list(
        units.annotate(**_counts(requests, today=today, path="led_requests"))
        .filter(Q(open_count__gt=0) | Q(completed_count__gt=0) | Q(overdue_count__gt=0))
        .select_related("mission")
        .order_by("-overdue_count", "-open_count", "acronym")
    )
