"""Reads for the benchmark scorecards and the report coverage matrix (2553 OP20(e)/(f)).

Each function loads what its page shows in a fixed number of queries, whatever the number of
missions, benchmarks, assessments or reports.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from mandates.choices import CoverageElement, ProgressStatus, Rating
from mandates.dates import add_months
from mandates.models import (
    Benchmark,
    BenchmarkAssessment,
    CoverageItem,
    Mission,
    PartnerSupport,
    SecretaryGeneralReport,
)
from mandates.requests.querysets import without_document_text
from mandates.sg_reports import calendar
from mandates.sg_reports.selectors import next_report_due

#: A staff rating and a computed progress that say opposite things (the page explains it).
_CONTRADICTIONS = {
    (Rating.ON_TRACK, ProgressStatus.OFF_TRACK),
    (Rating.OFF_TRACK, ProgressStatus.ON_TRACK),
    (Rating.OFF_TRACK, ProgressStatus.ACHIEVED),
    (Rating.AT_RISK, ProgressStatus.ACHIEVED),
}


def progress_of(
    benchmark: Benchmark, latest: BenchmarkAssessment | None, *, today: datetime.date
) -> tuple[str, bool]:
    """Progress to target (computed from the figures, or set by hand) given the latest
    assessment: the one function the scorecard, the mission page and the API use."""
    return benchmark.progress_for(latest.value if latest else None, today=today)


def rating_differs(rating: str | None, progress: str) -> bool:
    """Whether the latest rating (a staff judgement) and the progress to target (computed)
    contradict each other: on track against off track, off track against on track or
    achieved, at risk against achieved. "No data" and "not assessed" contradict nothing."""
    return (rating, progress) in _CONTRADICTIONS


@dataclass
class ScorecardRow:
    benchmark: Benchmark
    cells: list[BenchmarkAssessment | None]
    latest: BenchmarkAssessment | None
    progress: str
    progress_by_hand: bool

    @property
    def progress_label(self) -> str:
        return str(ProgressStatus(self.progress).label)

    @property
    def latest_rating(self) -> str | None:
        return self.latest.rating if self.latest else None

    @property
    def rating_differs(self) -> bool:
        return rating_differs(self.latest_rating, self.progress)


@dataclass
class Scorecard:
    mission: Mission
    periods: list[tuple[datetime.date, datetime.date]]
    rows: list[ScorecardRow]
    reports: list[SecretaryGeneralReport]
    partner_support: list[PartnerSupport]


def scorecard_missions() -> QuerySet[Mission]:
    """Missions with benchmarks or registered reports, with their counts (1 query)."""
    return (
        Mission.objects.annotate(
            benchmark_count=Count("benchmarks", distinct=True),
            report_count=Count("sg_reports", distinct=True),
            last_report=Max("sg_reports__date"),
            last_period=Max("benchmarks__assessments__period_start"),
        )
        .filter(Q(benchmark_count__gt=0) | Q(report_count__gt=0))
        .order_by("acronym")
    )


def scorecard(mission: Mission, *, today: datetime.date) -> Scorecard:
    """The mission's benchmarks against its reporting periods (5 queries: benchmarks,
    assessments, reports, their checklists, partner support)."""
    benchmarks = list(
        Benchmark.objects.filter(mission=mission)
        .select_related("paragraph", "component", "responsible_unit")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=without_document_text(
                    BenchmarkAssessment.objects.select_related("source_report"), "source_report"
                ).order_by("period_start"),
            )
        )
        .order_by("reference")
    )
    ends: dict[datetime.date, datetime.date] = {}
    for benchmark in benchmarks:
        for assessment in benchmark.assessments.all():
            ends[assessment.period_start] = max(
                assessment.period_end, ends.get(assessment.period_start, assessment.period_end)
            )
    periods = sorted(ends.items())
    rows = []
    for benchmark in benchmarks:
        by_start = {a.period_start: a for a in benchmark.assessments.all()}
        latest = by_start[max(by_start)] if by_start else None
        status, by_hand = progress_of(benchmark, latest, today=today)
        rows.append(
            ScorecardRow(
                benchmark=benchmark,
                cells=[by_start.get(start) for start, _end in periods],
                latest=latest,
                progress=status,
                progress_by_hand=by_hand,
            )
        )
    reports = list(
        SecretaryGeneralReport.objects.filter(mission=mission)
        .prefetch_related(_ordered_items())
        .order_by("-date")
    )
    support = list(
        PartnerSupport.objects.filter(mission=mission)
        .select_related("area")
        .order_by("-period_start", "partner")
    )
    return Scorecard(mission, periods, rows, reports, support)


def _ordered_items() -> Prefetch:
    return Prefetch(
        "coverage_items",
        queryset=CoverageItem.objects.select_related("follow_up").order_by("element"),
    )


@dataclass
class ExpectedReport:
    date: datetime.date
    report: SecretaryGeneralReport | None
    upcoming: bool


@dataclass
class CoverageRow:
    report: SecretaryGeneralReport
    cells: list[CoverageItem | None]


@dataclass
class MissionCoverage:
    mission: Mission
    rows: list[CoverageRow] = field(default_factory=list)
    expected: list[ExpectedReport] = field(default_factory=list)

    @property
    def missing_reports(self) -> int:
        return sum(1 for e in self.expected if e.report is None and not e.upcoming)


def coverage_matrix(
    *, mission: Mission | None = None, today: datetime.date, months_back: int = 12
) -> list[MissionCoverage]:
    """Missions × reports × OP20(e)/(f) elements, newest report first, with each mission's
    expected report dates over the last ``months_back`` months and the next one (5 queries)."""
    reports = SecretaryGeneralReport.objects.select_related("mission").prefetch_related(
        _ordered_items()
    )
    if mission is not None:
        reports = reports.filter(mission=mission)
    by_mission: dict[int, MissionCoverage] = {}
    for report in reports.order_by("mission__acronym", "-date", "symbol"):
        entry = by_mission.setdefault(report.mission_id, MissionCoverage(report.mission))
        items = {i.element: i for i in report.coverage_items.all()}
        entry.rows.append(CoverageRow(report, [items.get(e) for e in CoverageElement.values]))
    # The missions again, with what their reporting calendars read (3 queries in all).
    calendars = Mission.objects.filter(pk__in=list(by_mission)).prefetch_related(
        "reporting_dates",
        Prefetch(
            "sg_reports", queryset=SecretaryGeneralReport.objects.only("pk", "mission_id", "date")
        ),
    )
    for prefetched in calendars:
        by_mission[prefetched.pk].mission = prefetched
    start = add_months(today, -months_back)
    # Each mission's calendar and report dates in two queries, whatever the number of missions.
    calendars = Mission.objects.filter(pk__in=list(by_mission)).prefetch_related(
        "reporting_dates",
        Prefetch("sg_reports", SecretaryGeneralReport.objects.only("id", "mission_id", "date")),
    )
    for mission_with_calendar in calendars:
        entry = by_mission[mission_with_calendar.pk]
        entry.mission = mission_with_calendar
        entry.expected = _expected(entry, start=start, today=today)
    return sorted(by_mission.values(), key=lambda e: e.mission.acronym)


def _expected(
    entry: MissionCoverage, *, start: datetime.date, today: datetime.date
) -> list[ExpectedReport]:
    mission = entry.mission
    # The next report is the one every page shows; a closed mission's list ends at its close.
    nxt = next_report_due(mission, today=today)
    end = nxt or mission.end_date
    if end is None:
        return []
    # Which report answers which date: the calendar's rule, over a window that starts early
    # enough for the first shown date to know its predecessor.
    window = calendar.expected_reports(mission, start=add_months(start, -24), end=end)
    by_date = {r.report.date: r.report for r in entry.rows}
    answered = calendar.answered_dates(window, [day for day in by_date if day <= today])
    return [
        ExpectedReport(
            day,
            by_date.get(answered[day]) if day in answered else None,
            upcoming=nxt is not None and day >= nxt,
        )
        for day in window
        if day >= start
    ]
