"""Reads for the dashboards, one function per page. Each runs a fixed number of queries whatever
the size of the portfolio (aggregates in the database, lists cut to a page), which
tests/reports/test_dashboard_queries.py checks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear, RowNumber, TruncMonth
from django.utils import timezone

from mandates.base_models import in_language
from mandates.benchmarks import selectors as benchmark_selectors
from mandates.choices import DocumentKind, ProgressStatus, RequestStatus
from mandates.models import (
    Benchmark,
    BenchmarkAssessment,
    Document,
    Mission,
    Paragraph,
    Request,
    RequestMission,
    StatusUpdate,
    Unit,
)
from mandates.requests import selectors as request_selectors
from mandates.requests.querysets import without_document_text
from mandates.requests.selectors import OPEN, due_soon_on, overdue_on
from mandates.sg_reports import selectors as sg_report_selectors

S = RequestStatus
LIST_LIMIT = 12
#: Paragraphs a mission's page quotes.
PARAGRAPH_LIMIT = 30
#: Benchmarks a mission's page shows; its scorecard has them all.
BENCHMARK_LIMIT = 25


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
        overdue=Count("pk", filter=overdue_on(today)),
        due_30=Count("pk", filter=due_soon_on(today)),
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
    requests: QuerySet[Request], *, today: datetime.date, limit: int = LIST_LIMIT
) -> list[Request]:
    queryset = requests.filter(overdue_on(today)).select_related("lead_unit")
    return list(queryset.order_by("due_date", "reference")[:limit])


def due_between(
    requests: QuerySet[Request],
    *,
    start: datetime.date,
    end: datetime.date,
    limit: int = LIST_LIMIT,
) -> list[Request]:
    queryset = requests.filter(OPEN, due_date__gte=start, due_date__lte=end)
    return list(queryset.select_related("lead_unit").order_by("due_date", "reference")[:limit])


def deadlines(requests: QuerySet[Request], *, end: datetime.date) -> QuerySet[Request]:
    """Open requests due by ``end``, overdue ones first, soonest due first: to page through."""
    return (
        requests.filter(OPEN, due_date__lte=end)
        .select_related("lead_unit")
        .order_by("due_date", "reference", "pk")
    )


def deadline_counts(
    requests: QuerySet[Request], *, today: datetime.date, end: datetime.date
) -> tuple[int, dict[datetime.date, int]]:
    """How many open requests are overdue, and how many fall due in each month from today to
    ``end`` (1 query)."""
    month = Case(
        When(due_date__lt=today, then=Value(None)),
        default=TruncMonth("due_date"),
        output_field=DateField(),
    )
    overdue = 0
    months: dict[datetime.date, int] = {}
    for first_day, n in (
        requests.filter(OPEN, due_date__lte=end)
        .values(month=month)
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("month", "n")
    ):
        if first_day is None:
            overdue = n
        else:  # PostgreSQL gives the month's first moment, SQLite its first day
            day = first_day.date() if isinstance(first_day, datetime.datetime) else first_day
            months[day] = n
    return overdue, months


def due_lists(
    requests: QuerySet[Request], *, today: datetime.date, limit: int = LIST_LIMIT
) -> tuple[list[Request], list[Request], list[Request]]:
    """The overview's three lists of open requests, soonest due first: overdue, due in the next
    30 days, due in 31 to 90 days; at most ``limit`` each (1 query: a row number per list)."""
    bucket = Case(
        When(due_date__lt=today, then=Value(0)),
        When(due_date__lte=today + _days(30), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    rows = (
        requests.filter(OPEN, due_date__lte=today + _days(90))
        .annotate(
            bucket=bucket,
            rank=Window(
                RowNumber(), partition_by=[bucket], order_by=[F("due_date"), F("reference")]
            ),
        )
        .filter(rank__lte=limit)
        .select_related("lead_unit")
        .order_by("due_date", "reference")
    )
    lists: tuple[list[Request], list[Request], list[Request]] = ([], [], [])
    for row in rows:
        lists[row.bucket].append(row)
    return lists


def _month_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the current time zone: comparing the stored time with
    it (not its date) lets the database use the index on the column."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def activity_by_month(
    requests: QuerySet[Request], *, today: datetime.date, months: int = 12
) -> tuple[list[datetime.date], list[int], list[int], list[int]]:
    """Per month over the last ``months`` months: requests completed, requests created and
    updates recorded (1 query: the three counts joined with UNION ALL)."""
    starts = _month_starts(today, months)
    since = _month_start(starts[0])

    def per_month(queryset: QuerySet[Any], series: int, column: str) -> QuerySet[Any]:
        return (
            queryset.filter(**{f"{column}__gte": since})
            .annotate(series=Value(series), month=TruncMonth(column))
            .values("series", "month")
            .annotate(n=Count("pk"))
            .order_by()
        )

    completed = per_month(requests.filter(status=S.COMPLETED), 0, "closed_at")
    created = per_month(requests, 1, "created_at")
    updates = per_month(
        StatusUpdate.objects.filter(request__in=requests.values("pk")), 2, "created_at"
    )
    series: list[dict[datetime.date, int]] = [{}, {}, {}]
    for row in completed.union(created, updates, all=True):
        series[row["series"]][_as_date(row["month"])] = row["n"]
    return starts, *([counts.get(m, 0) for m in starts] for counts in series)  # type: ignore[return-value]


COUNT_NAMES = ("open_count", "overdue_count", "completed_count")


def _count_expressions(*, today: datetime.date, distinct: bool) -> dict[str, Count]:
    """Open, overdue and completed requests, as aggregates named by :data:`COUNT_NAMES`."""
    return {
        "open_count": Count("pk", filter=OPEN, distinct=distinct),
        "overdue_count": Count("pk", filter=overdue_on(today), distinct=distinct),
        "completed_count": Count("pk", filter=Q(status=S.COMPLETED), distinct=distinct),
    }


def _grouped_counts(
    requests: QuerySet[Request], *, today: datetime.date, key: str, distinct: bool = False
) -> dict[int, dict[str, int]]:
    """Open, overdue and completed requests per value of ``key`` (1 query).

    It groups the selected requests themselves, so its cost follows the selection; annotating
    every mission, unit or resolution with counts filtered by ``request IN (selection)`` took
    over a minute for the missions at 100,000 requests. ``distinct`` where a request can reach
    the same key twice (several paragraphs of one resolution).
    """
    rows = (
        requests.values(group=F(key))
        .annotate(**_count_expressions(today=today, distinct=distinct))
        .order_by()
    )
    return {
        row["group"]: {name: row[name] for name in COUNT_NAMES}  # type: ignore[literal-required]
        for row in rows
        if row["group"] is not None
    }


def with_counts(objects: list[Any], counts: dict[int, dict[str, int]]) -> list[Any]:
    """Set the three counts on each object (zero where it has none)."""
    for obj in objects:
        found = counts.get(obj.pk, {})
        for name in COUNT_NAMES:
            setattr(obj, name, found.get(name, 0))
    return objects


def counts_by(
    requests: QuerySet[Request], *, today: datetime.date, include_closed: bool = False
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Open, overdue and completed requests by mission, by lead unit and by resolution, only
    where there is one open or completed (1 query: three GROUP BYs joined with UNION ALL).
    Closed missions (an end date before ``today``) are left out unless ``include_closed``.

    Each part groups the selected requests themselves (not every mission with a subquery over
    the requests), so the cost follows the selection, not missions × requests. Rows are dicts
    with the keys the templates read (``acronym``, ``host_country``, ``name``, ``pk``,
    ``citation_label`` and the three counts).
    """

    def part(
        queryset: QuerySet[Any],
        kind: int,
        key: str,
        label: str,
        extra: str,
        extra_fr: Any,
        day: Any,
    ):
        # A request rests on one or more paragraphs of a resolution: only there count distinct.
        distinct = kind == 2
        counts = _count_expressions(today=today, distinct=distinct)
        return (
            queryset.annotate(
                kind=Value(kind),
                key=F(key),
                label=F(label),
                extra=F(extra),
                extra_fr=extra_fr,
                day=day,
            )
            .values("kind", "key", "label", "extra", "extra_fr", "day")
            .annotate(**counts)
            .filter(Q(open_count__gt=0) | Q(completed_count__gt=0))
            .order_by()
        )

    no_day = Cast(Value(None), DateField())  # typed NULL: PostgreSQL must match the UNION
    # By mission: each mission's lines (a request may be done for one mission, late for
    # another), by the rules of mandates.requests.selectors.line_counts_by_mission. Closed
    # missions only when asked for.
    lines = request_selectors.lines_of(requests)
    if not include_closed:
        lines = lines.exclude(mission__end_date__lt=today)
    missions: QuerySet[Any] = (
        lines.annotate(
            kind=Value(0),
            key=F("mission_id"),
            label=F("mission__acronym"),
            extra=F("mission__host_country"),
            extra_fr=F("mission__host_country_fr"),
            day=no_day,
        )
        .values("kind", "key", "label", "extra", "extra_fr", "day")
        .annotate(
            open_count=Count("pk", filter=request_selectors.LINE_OPEN),
            overdue_count=Count("pk", filter=request_selectors.line_overdue_on(today)),
            completed_count=Count("pk", filter=Q(line_status=S.COMPLETED)),
        )
        .filter(Q(open_count__gt=0) | Q(completed_count__gt=0))
        .order_by()
    )
    units = part(
        requests, 1, "lead_unit_id", "lead_unit__acronym", "lead_unit__name",
        F("lead_unit__name_fr"), no_day,
    )  # fmt: skip
    resolutions = part(
        requests.filter(paragraphs__document__kind=DocumentKind.RESOLUTION),
        2, "paragraphs__document_id", "paragraphs__document__citation_label",
        "paragraphs__document__symbol", Value("", output_field=CharField()),
        F("paragraphs__document__date"),
    )  # fmt: skip
    rows: tuple[list[dict[str, Any]], ...] = ([], [], [])
    row: dict[str, Any]
    for row in missions.union(units, resolutions, all=True):
        kind = row.pop("kind")
        if kind == 0:
            row.update(
                pk=row["key"],
                acronym=row["label"],
                host_country=in_language(row["extra"], row["extra_fr"]),
            )
        elif kind == 1:
            row.update(
                pk=row["key"], acronym=row["label"], name=in_language(row["extra"], row["extra_fr"])
            )
        else:
            row.update(pk=row["key"], citation_label=row["label"], symbol=row["extra"])
        rows[kind].append(row)
    for table in rows[:2]:
        table.sort(key=lambda r: (-r["overdue_count"], -r["open_count"], r["acronym"]))
    rows[2].sort(key=lambda r: r["symbol"])
    rows[2].sort(key=lambda r: str(r["day"] or ""), reverse=True)
    return rows[0], rows[1], rows[2]


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
    progress: str = ""
    progress_by_hand: bool = False

    @property
    def latest(self) -> BenchmarkAssessment | None:
        return self.assessments[-1] if self.assessments else None

    @property
    def progress_label(self) -> str:
        return str(ProgressStatus(self.progress).label) if self.progress else ""

    @property
    def rating_differs(self) -> bool:
        latest = self.latest
        return benchmark_selectors.rating_differs(latest.rating if latest else None, self.progress)


def mission_benchmarks(
    mission: Mission, *, today: datetime.date, limit: int | None = None
) -> tuple[list[BenchmarkRow], int]:
    """Benchmarks with their assessments oldest first, and each one's progress to target as
    the scorecard computes it: the first ``limit`` by reference (all without one), and how many
    the mission has (2 queries: the total is a window over the same rows)."""
    benchmarks = (
        Benchmark.objects.filter(mission=mission)
        .select_related("paragraph", "component", "responsible_unit")
        .annotate(total=Window(Count("pk")))
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=BenchmarkAssessment.objects.order_by("period_start"),
            )
        )
        .order_by("reference")
    )
    if limit is not None:
        benchmarks = benchmarks[:limit]
    rows = []
    total = 0
    for benchmark in benchmarks:
        total = benchmark.total
        assessments = list(benchmark.assessments.all())
        latest = assessments[-1] if assessments else None
        progress, by_hand = benchmark_selectors.progress_of(benchmark, latest, today=today)
        rows.append(BenchmarkRow(benchmark, assessments, progress, by_hand))
    return rows, total


def mission_paragraphs(
    requests: QuerySet[Request], *, limit: int | None = None
) -> tuple[list[Paragraph], int]:
    """The mandate paragraphs the mission's requests rest on, the latest documents first: at
    most ``limit`` (``PARAGRAPH_LIMIT``) of them, and how many there are (2 queries)."""
    limit = limit or PARAGRAPH_LIMIT
    through = Request.paragraphs.through.objects.filter(request__in=requests.values("pk"))
    paragraphs = Paragraph.objects.filter(pk__in=through.values("paragraph_id"))
    shown = list(
        without_document_text(paragraphs.select_related("document"), "document").order_by(
            "-document__date", "document_id", "order"
        )[:limit]
    )
    return shown, (paragraphs.count() if len(shown) == limit else len(shown))


def mission_requests(requests: QuerySet[Request]) -> QuerySet[Request]:
    """Open requests first, soonest due first; then the closed ones: to page through."""
    closed = Case(When(OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return requests.select_related("lead_unit").order_by(
        closed, F("due_date").asc(nulls_last=True), "reference", "pk"
    )


@dataclass
class LineRow:
    """One mission's line of a request, as a mission page lists it: the line's current status
    and due date (its own, or the request's while it follows it)."""

    line: RequestMission
    request: Request
    status: str
    status_label: str
    due_date: datetime.date | None
    is_open: bool
    overdue: bool
    own_status: bool


def mission_lines(mission: Mission, requests: QuerySet[Request]) -> QuerySet[RequestMission]:
    """The mission's lines of ``requests``: open ones first, soonest due first (to page
    through; the counts come from :func:`mandates.requests.selectors.mission_line_counts`)."""
    closed = Case(
        When(request_selectors.LINE_OPEN, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        request_selectors.lines_of(requests)
        .filter(mission=mission)
        .select_related("request", "request__lead_unit", "mission", "focal_point")
        .order_by(closed, F("line_due").asc(nulls_last=True), "request__reference", "pk")
    )


def line_rows(lines: Any, *, today: datetime.date) -> list[LineRow]:
    rows = []
    for line in lines:
        status = line.current_status
        rows.append(
            LineRow(
                line=line,
                request=line.request,
                status=status,
                status_label=str(S(status).label),
                due_date=line.current_due_date,
                is_open=line.is_open,
                overdue=request_selectors.line_is_overdue(line, today=today),
                own_status=line.status is not None,
            )
        )
    return rows


def next_report_due(mission: Mission, *, today: datetime.date) -> datetime.date | None:
    """The mission's next regular report, from its reporting calendar (the one function the
    scorecard, the coverage page and the API use too), not from a request's due date."""
    return sg_report_selectors.next_report_due(mission, today=today)


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


def resolutions(
    requests: QuerySet[Request], *, today: datetime.date
) -> tuple[QuerySet[Document], dict[int, dict[str, int]]]:
    """Every resolution with its number of paragraphs, latest first, to page through; and the
    request counts of each (1 query), for :func:`with_counts`."""
    return resolutions_listed(), resolution_counts(requests, today=today)


def resolution_counts(
    requests: QuerySet[Request], *, today: datetime.date, documents: list[int] | None = None
) -> dict[int, dict[str, int]]:
    """Open, overdue and completed requests per resolution (1 query), of ``documents`` (a
    page's ids) or of every resolution: a page counts the requests of its own resolutions."""
    where: dict[str, Any] = {"paragraphs__document__kind": DocumentKind.RESOLUTION}
    if documents is not None:
        where["paragraphs__document_id__in"] = documents  # the same join as the grouping
    return _grouped_counts(
        requests.filter(**where), today=today, key="paragraphs__document_id", distinct=True
    )


def resolutions_listed() -> QuerySet[Document]:
    """Every resolution, latest first, with its number of paragraphs (a subquery: counted for
    the rows read, not for every resolution before the page is cut)."""
    paragraphs = (
        Paragraph.objects.filter(document=OuterRef("pk"))
        .order_by()
        .values("document")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        without_document_text(Document.objects.filter(kind=DocumentKind.RESOLUTION))
        .annotate(paragraph_count=Coalesce(Subquery(paragraphs), 0))
        .order_by("-date", "symbol", "pk")
    )


# --- Matrix ------------------------------------------------------------------------------------


def matrix(requests: QuerySet[Request]) -> QuerySet[Request]:
    """Requests concerning at least one mission (rows, a queryset to page through, each with
    its mission lines); :func:`matrix_columns` gives a page's columns."""
    requests = requests.exclude(status__in=[S.CANCELLED, S.SUPERSEDED])
    through = RequestMission.objects.filter(request__in=requests.values("pk"))
    return (
        requests.filter(pk__in=through.values("request_id"))
        .prefetch_related(
            Prefetch(
                "mission_lines",
                queryset=RequestMission.objects.only(
                    "id", "request_id", "mission_id", "status", "due_date"
                ),
            )
        )
        .order_by("reference", "pk")
    )


def matrix_columns(rows: Any) -> list[Mission]:
    """The missions the matrix's rows (a page of :func:`matrix`) concern, by acronym (1 query):
    a page of 100 requests has a column for each of their missions, not one for each of the
    hundreds of missions of the whole selection."""
    ids = {line.mission_id for row in rows for line in row.mission_lines.all()}
    return list(Mission.objects.filter(pk__in=ids).order_by("acronym"))


# --- Lists of missions and units ---------------------------------------------------------------


def missions_listed(*, today: datetime.date, include_closed: bool = False) -> QuerySet[Mission]:
    """The missions of the missions page, in its order (the open ones first, then the latest
    closed), each with its number of benchmarks; closed missions (an end date before
    ``today``) only with ``include_closed``."""
    benchmarks = Benchmark.objects.filter(mission=OuterRef("pk")).values("mission")
    listed = (
        Mission.objects.all() if include_closed else Mission.objects.exclude(end_date__lt=today)
    )
    return listed.annotate(
        benchmark_count=Coalesce(Subquery(benchmarks.annotate(n=Count("pk")).values("n")[:1]), 0)
    ).order_by(F("end_date").desc(nulls_first=True), "acronym", "pk")


def mission_table(
    requests: QuerySet[Request],
    *,
    today: datetime.date,
    include_closed: bool = False,
    missions: Any = None,
) -> list[Mission]:
    """Missions with their counts (of their lines of the requests) and number of benchmarks
    (2 queries): ``missions`` (a page of :func:`missions_listed`), else every mission listed.
    Only the lines of the missions shown are counted."""
    if missions is None:
        missions = missions_listed(today=today, include_closed=include_closed)
    missions = list(missions)
    lines = request_selectors.line_counts_by_mission(
        today=today, requests=requests, missions=[m.pk for m in missions]
    )
    counts = {
        pk: {
            "open_count": row["open"],
            "overdue_count": row["overdue"],
            "completed_count": row[f"status_{S.COMPLETED}"],
        }
        for pk, row in lines.items()
    }
    return with_counts(missions, counts)


def unit_table(requests: QuerySet[Request], *, today: datetime.date) -> list[Unit]:
    """Every unit that leads an open, overdue or completed request, with its counts (2 queries),
    most overdue first."""
    counts = _grouped_counts(requests, today=today, key="lead_unit_id")
    active = [pk for pk, row in counts.items() if any(row.values())]
    units = with_counts(list(Unit.objects.filter(pk__in=active).select_related("mission")), counts)
    units.sort(key=lambda u: (-u.overdue_count, -u.open_count, u.acronym))
    return units


# --- Trends (the newsletter's figures over time) -----------------------------------------------


def completed_between(start: datetime.datetime, end: datetime.datetime) -> Q:
    """A request completed from ``start`` to ``end`` (aware datetimes, end excluded): one of its
    updates moved it to "completed" then, and it is still completed. The periodic summary's
    "completed" figure and its trend both count this."""
    return Q(
        status=RequestStatus.COMPLETED,
        updates__status_to=RequestStatus.COMPLETED,
        updates__created_at__gte=start,
        updates__created_at__lt=end,
    )


#: What makes a resolution one "referencing SSR": a paragraph naming the security sector
#: (its reform or its governance), as the SSR Unit counts them in its newsletter.
SSR_REFERENCE = "security sector"


def resolutions_per_year(*, years: list[int]) -> dict[int, int]:
    """How many resolutions referencing SSR were adopted, by year, for each of ``years`` (1
    query): resolutions one of whose paragraphs names the security sector (:data:`SSR_REFERENCE`,
    in any case). The registry also holds resolutions imported whole, or for a mission's
    mandate, that never mention it: they are not counted."""
    referencing = Paragraph.objects.filter(document=OuterRef("pk"), text__icontains=SSR_REFERENCE)
    counts = dict(
        Document.objects.filter(
            Exists(referencing),
            kind=DocumentKind.RESOLUTION,
            date__year__gte=min(years),
            date__year__lte=max(years),
        )
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(total=Count("pk"))
        .order_by()
        .values_list("year", "total")
    )
    return {year: counts.get(year, 0) for year in years}


def missions_with_ssr_mandate(*, days: list[datetime.date]) -> list[int]:
    """For each of ``days``, how many missions had an SSR mandate that day (1 query): started by
    then (or with no start recorded), not closed before it, and concerned by a request of the
    registry recorded by then (a closed mission leaves the count; the summary's news by mission
    leaves it out by the same rule)."""
    counts = Mission.objects.aggregate(
        **{
            f"d{index}": Count(
                "pk",
                distinct=True,
                filter=(Q(start_date__isnull=True) | Q(start_date__lte=day))
                & (Q(end_date__isnull=True) | Q(end_date__gte=day))
                & Q(
                    requests__archived_at__isnull=True,
                    requests__created_at__lt=request_selectors.as_of_moment(
                        day + datetime.timedelta(days=1)
                    ),
                ),
            )
            for index, day in enumerate(days)
        }
    )
    return [counts[f"d{index}"] for index in range(len(days))]


def requests_opened_closed(
    bounds: list[tuple[datetime.datetime, datetime.datetime]],
) -> tuple[list[int], list[int]]:
    """How many requests were recorded, and how many completed (:func:`completed_between`), in
    each of the periods ``bounds`` ([start, end) aware datetimes), archived ones left out
    (1 query)."""
    aggregates: dict[str, Count] = {}
    for index, (start, end) in enumerate(bounds):
        aggregates[f"opened{index}"] = Count(
            "pk", distinct=True, filter=Q(created_at__gte=start, created_at__lt=end)
        )
        aggregates[f"closed{index}"] = Count(
            "pk", distinct=True, filter=completed_between(start, end)
        )
    counts = Request.objects.active().aggregate(**aggregates)
    return (
        [counts[f"opened{index}"] for index in range(len(bounds))],
        [counts[f"closed{index}"] for index in range(len(bounds))],
    )
