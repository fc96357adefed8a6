"""One number everywhere: one dataset at a fixed date, every figure each surface shows for it
(overview, missions and units lists, mission, unit, scorecard, coverage and deadlines pages, the
period's summary, the API, the CSV export), compared with a count made here in plain Python
from the dataset itself. Zero disagreements.

The fixed day is 1 December 2026, the morning the scheduler compiles the November summary
(``Period.last_complete``): a summary's figures describe the end of its period, which is the
start of that day, so its "overdue" and "open" must equal the dashboards' of that day.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from mandates.choices import CoverageElement, CoverageState, Rating, RequestStatus
from mandates.models import CoverageItem, Mission, Request, Unit
from reports.periods import MONTHLY, Period
from reports.summaries import compile_data
from tests.api.conftest import token_client
from tests.factories import (
    BenchmarkAssessmentFactory,
    BenchmarkFactory,
    MissionFactory,
    RequestFactory,
    SecretaryGeneralReportFactory,
    UnitFactory,
)

D = datetime.date
TODAY = D(2026, 12, 1)
NOW = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)
PERIOD = Period.last_complete(MONTHLY, TODAY)  # November 2026
CREATED = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)
S = RequestStatus
OPEN = {S.NOT_STARTED, S.IN_PROGRESS, S.ON_HOLD}


@dataclass
class Spec:
    """One request of the dataset as the test knows it (not as the app reads it)."""

    reference: str
    status: str
    due: datetime.date | None
    lead: str
    missions: tuple[str, ...] = ()
    supporting: tuple[str, ...] = ()
    recurrence: str = "none"
    closed: datetime.datetime | None = None
    archived: bool = False
    created: datetime.datetime = CREATED

    @property
    def open(self) -> bool:
        return self.status in OPEN and not self.archived

    @property
    def overdue(self) -> bool:
        return self.open and self.due is not None and self.due < TODAY

    @property
    def due_soon(self) -> bool:
        return self.open and self.due is not None and TODAY <= self.due <= TODAY + _days(30)


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _closed(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


SPECS = [
    Spec("r-over-1", S.IN_PROGRESS, D(2026, 10, 1), "SSRU", ("MINUSCA",)),
    # Due on the period's last day: overdue on the morning after, in the summary as everywhere.
    Spec("r-over-2", S.NOT_STARTED, D(2026, 11, 30), "OROLSI", ("MONUSCO", "MINUSCA"), ("SSRU",)),
    Spec("r-over-3", S.ON_HOLD, D(2026, 11, 15), "OROLSI", (), ("MINUSCA-SSR",)),
    Spec("r-today", S.IN_PROGRESS, TODAY, "SSRU", ("MONUSCO",)),  # due today: not overdue
    Spec("r-soon", S.ON_HOLD, D(2026, 12, 31), "MINUSCA-SSR", ("MINUSCA",)),
    Spec("r-later", S.NOT_STARTED, D(2027, 3, 1), "OROLSI"),
    Spec("r-nodate", S.IN_PROGRESS, None, "SSRU"),
    Spec(
        "r-done", S.COMPLETED, D(2026, 9, 1), "SSRU", ("MINUSCA",), closed=_closed(D(2026, 10, 10))
    ),
    Spec("r-cancel", S.CANCELLED, D(2026, 8, 1), "OROLSI", closed=_closed(D(2026, 8, 15))),
    Spec("r-archived", S.NOT_STARTED, D(2026, 9, 1), "SSRU", ("MINUSCA",), archived=True),
    # With each report: its due date is not the mission's next report (15 February 2027).
    Spec(
        "2553-OP20e",
        S.IN_PROGRESS,
        D(2026, 12, 15),
        "SSRU",
        ("MINUSCA", "MONUSCO", "MINUSMA"),
        recurrence="mission_reports",
    ),
    # A coverage follow-up recorded this morning for a report of October: overdue already.
    Spec(
        "cov-MINUSCA-2026-10-15-host_commitments",
        S.NOT_STARTED,
        D(2026, 10, 15),
        "MINUSCA-SSR",
        ("MINUSCA",),
        created=NOW,
    ),
    # A closed mission's request still open: counted like any other.
    Spec("r-minusma", S.NOT_STARTED, D(2023, 6, 30), "SSRU", ("MINUSMA",)),
]
MISSIONS = {
    # acronym: (anchor, cycle, end date, next report due on TODAY by the calendar)
    "MINUSCA": (D(2025, 2, 15), 4, None, D(2027, 2, 15)),
    "MONUSCO": (D(2025, 12, 20), 3, None, D(2026, 12, 20)),
    "MINUSMA": (D(2020, 1, 15), 3, D(2023, 12, 31), None),
}
UNITS = ("SSRU", "OROLSI", "MINUSCA-SSR")
# reference: (baseline, target, latest value, latest rating, expected progress, differ?)
BENCHMARKS = {
    "MINUSCA-B1": ("10", "50", "30", Rating.ON_TRACK, "on_track", False),
    "MINUSCA-B2": ("2", "5", "No data", Rating.AT_RISK, "no_data", False),
    "MINUSCA-B3": ("40%", "70%", "35%", Rating.ON_TRACK, "off_track", True),
}


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@dataclass
class World:
    missions: dict[str, Mission]
    units: dict[str, Unit]
    requests: dict[str, Request] = field(default_factory=dict)


@pytest.fixture
def world(db, frozen) -> World:
    missions = {}
    for acronym, (anchor, cycle, end, _next) in MISSIONS.items():
        missions[acronym] = MissionFactory.create(
            acronym=acronym,
            reporting_anchor=anchor,
            reporting_cycle_months=cycle,
            end_date=end,
            start_date=D(2013, 4, 25),
        )
    units = {acronym: UnitFactory.create(acronym=acronym) for acronym in UNITS}
    units["MINUSCA-SSR"].mission = missions["MINUSCA"]
    units["MINUSCA-SSR"].save()
    out = World(missions, units)
    for spec in SPECS:
        request = RequestFactory.create(
            reference=spec.reference,
            status=S.NOT_STARTED if spec.closed else spec.status,
            due_date=spec.due,
            lead_unit=units[spec.lead],
            recurrence=spec.recurrence,
            missions=[missions[m] for m in spec.missions],
            supporting_units=[units[u] for u in spec.supporting],
        )
        # Dated as the data would be: created in March, closed when it was closed.
        Request.objects.filter(pk=request.pk).update(
            created_at=spec.created,
            status=spec.status,
            closed_at=spec.closed,
            archived_at=_closed(D(2026, 11, 1)) if spec.archived else None,
        )
        out.requests[spec.reference] = request
    minusca = missions["MINUSCA"]
    for reference, (baseline, target, value, rating, _progress, _differ) in BENCHMARKS.items():
        benchmark = BenchmarkFactory.create(
            reference=reference, mission=minusca, baseline=baseline, target=target,
            responsible_unit=units["MINUSCA-SSR"],
        )  # fmt: skip
        BenchmarkAssessmentFactory.create(
            benchmark=benchmark, period_start=D(2026, 4, 1), period_end=D(2026, 6, 30),
            rating=Rating.OFF_TRACK, value=baseline,
        )  # fmt: skip
        BenchmarkAssessmentFactory.create(
            benchmark=benchmark, period_start=D(2026, 7, 1), period_end=D(2026, 9, 30),
            rating=rating, value=value, narrative=f"Narrative of {reference}.",
        )  # fmt: skip
    SecretaryGeneralReportFactory.create(mission=minusca, symbol="S/2026/460", date=D(2026, 6, 15))
    october = SecretaryGeneralReportFactory.create(
        mission=minusca, symbol="S/2026/900", date=D(2026, 10, 15)
    )
    CoverageItem.objects.create(
        report=october,
        element=CoverageElement.HOST_COMMITMENTS,
        state=CoverageState.MISSING,
        follow_up=out.requests["cov-MINUSCA-2026-10-15-host_commitments"],
    )
    SecretaryGeneralReportFactory.create(
        mission=missions["MONUSCO"], symbol="S/2026/800", date=D(2026, 9, 20)
    )
    return out


# --- The independent count -------------------------------------------------------------------


def expected(*, mission: str | None = None, unit: str | None = None, led: bool = False) -> dict:
    rows = [s for s in SPECS if not s.archived]
    if mission:
        rows = [s for s in rows if mission in s.missions]
    if unit:
        rows = [s for s in rows if s.lead == unit or (not led and unit in s.supporting)]
    return {
        "open": sum(s.open for s in rows),
        "overdue": sum(s.overdue for s in rows),
        "due_soon": sum(s.due_soon for s in rows),
    }


class Disagreements(list):
    def check(self, where: str, figure: str, shown: Any, truth: Any) -> None:
        if shown != truth:
            self.append(f"{where}: {figure} shows {shown!r}, the data says {truth!r}")

    def report(self) -> str:
        return "figures that disagree with the data:\n  " + "\n  ".join(self)


def _figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}"[^>]*>\s*([^<]*)<', html)
    return match.group(1).strip() if match else "(not displayed)"


# --- The surfaces ----------------------------------------------------------------------------


def test_every_surface_shows_the_same_figures(world, client, manager):
    client.force_login(manager)
    api = token_client(manager)
    bad = Disagreements()

    # Overview
    response = client.get(reverse("dashboard:overview"))
    figures, truth = response.context["figures"], expected()
    html = response.content.decode()
    for name, key in (("open", "open"), ("overdue", "overdue"), ("due_30", "due_soon")):
        bad.check("overview", name, figures[name], truth[key])
        bad.check("overview (HTML)", name, _figure(html, name), str(truth[key]))
    for row in response.context["missions"]:
        t = expected(mission=row["acronym"])
        bad.check(f"overview by mission {row['acronym']}", "open", row["open_count"], t["open"])
        bad.check(
            f"overview by mission {row['acronym']}", "overdue", row["overdue_count"], t["overdue"]
        )
    for row in response.context["units"]:
        t = expected(unit=row["acronym"], led=True)
        bad.check(f"overview by lead unit {row['acronym']}", "open", row["open_count"], t["open"])
        bad.check(
            f"overview by lead unit {row['acronym']}", "overdue", row["overdue_count"], t["overdue"]
        )

    # Missions list
    for m in client.get(reverse("dashboard:missions")).context["missions"]:
        t = expected(mission=m.acronym)
        bad.check(f"missions list {m.acronym}", "open", m.open_count, t["open"])
        bad.check(f"missions list {m.acronym}", "overdue", m.overdue_count, t["overdue"])

    # Mission pages
    for acronym, (_a, _c, _end, next_due) in MISSIONS.items():
        response = client.get(reverse("dashboard:mission", args=[acronym]))
        figures, truth = response.context["figures"], expected(mission=acronym)
        html = response.content.decode()
        where = f"mission page {acronym}"
        for name, key in (("open", "open"), ("overdue", "overdue"), ("due_30", "due_soon")):
            bad.check(where, name, figures[name], truth[key])
        bad.check(where + " (HTML)", "overdue", _figure(html, "overdue"), str(truth["overdue"]))
        bad.check(where, "next report due", response.context["next_report"], next_due)
        shown = _figure(html, "next_report")
        bad.check(where + " (HTML)", "next report due", shown, _short(next_due))

    # Unit pages (led or supported) and the units list (led)
    for acronym in UNITS:
        response = client.get(reverse("dashboard:unit", args=[acronym]))
        figures, truth = response.context["figures"], expected(unit=acronym)
        html = response.content.decode()
        for name, key in (("open", "open"), ("overdue", "overdue"), ("due_30", "due_soon")):
            bad.check(f"unit page {acronym}", name, figures[name], truth[key])
        bad.check(f"unit page {acronym} (HTML)", "open", _figure(html, "open"), str(truth["open"]))
    for u in client.get(reverse("dashboard:units")).context["units"]:
        t = expected(unit=u.acronym, led=True)
        bad.check(f"units list {u.acronym}", "open", u.open_count, t["open"])
        bad.check(f"units list {u.acronym}", "overdue", u.overdue_count, t["overdue"])

    # Deadlines page
    response = client.get(reverse("dashboard:deadlines"))
    bad.check("deadlines", "overdue", response.context["overdue_total"], expected()["overdue"])
    html = response.content.decode()
    bad.check(
        "deadlines (HTML)", "overdue", f"Overdue: {expected()['overdue']} requests" in html, True
    )
    listed = [r for _month, rows, _n in response.context["months"] for r in rows]
    soon = sum(1 for r in listed if r.due_date <= TODAY + _days(30))
    bad.check("deadlines", "due in the next 30 days", soon, expected()["due_soon"])

    # Scorecard and coverage pages: next report, latest rating, progress
    for acronym, (_a, _c, _end, next_due) in MISSIONS.items():
        response = client.get(reverse("dashboard:scorecard", args=[acronym]))
        bad.check(
            f"scorecard {acronym}", "next report due", response.context["next_report"], next_due
        )
        if next_due:
            said = f"Next regular report expected {_long(next_due)}." in response.content.decode()
            bad.check(f"scorecard {acronym} (HTML)", "next report due", said, True)
    response = client.get(reverse("dashboard:coverage"))
    for entry in response.context["missions"]:
        upcoming = [e.date for e in entry.expected if e.upcoming]
        next_due = MISSIONS[entry.mission.acronym][3]
        bad.check(
            f"coverage {entry.mission.acronym}",
            "next report due",
            upcoming[:1],
            [next_due] if next_due else [],
        )
    _benchmark_figures(client, bad)

    # The period's summary
    data = compile_data(PERIOD, now=NOW)
    bad.check("summary", "as of", data["as_of"], TODAY.isoformat())
    bad.check("summary", "open", data["figures"]["open"], expected()["open"])
    bad.check("summary", "overdue", data["figures"]["overdue"], expected()["overdue"])

    # API
    _api_figures(api, world, bad)

    # CSV export
    for query, truth in (
        ({}, expected()),
        ({"mission": world.missions["MINUSCA"].pk}, expected(mission="MINUSCA")),
    ):
        response = api.get(reverse("api:request-export"), {**query, "file_format": "csv"})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        open_labels = {str(label) for value, label in S.choices if value in OPEN}
        bad.check(
            f"CSV {query}", "open", sum(r["Status"] in open_labels for r in rows), truth["open"]
        )
        bad.check(
            f"CSV {query}", "overdue", sum(r["Overdue"] == "yes" for r in rows), truth["overdue"]
        )

    assert not bad, bad.report()


def _short(day: datetime.date | None) -> str:
    from django.utils.formats import date_format

    return date_format(day, "SHORT_DATE_FORMAT") if day else "–"


def _long(day: datetime.date) -> str:
    from django.utils.formats import date_format

    return date_format(day, "DATE_FORMAT")


def _benchmark_figures(client, bad: Disagreements) -> None:
    card = client.get(reverse("dashboard:scorecard", args=["MINUSCA"])).context["card"]
    page = client.get(reverse("dashboard:mission", args=["MINUSCA"])).context["benchmarks"]
    for source, rows in (("scorecard", card.rows), ("mission page", page)):
        for row in rows:
            ref = row.benchmark.reference
            _b, _t, _v, rating, progress, differ = BENCHMARKS[ref]
            bad.check(f"{source} {ref}", "latest rating", row.latest.rating, rating)
            bad.check(f"{source} {ref}", "progress to target", row.progress, progress)
            bad.check(f"{source} {ref}", "rating and progress differ", row.rating_differs, differ)


def _name(compact: Any) -> str:
    """The name a compact related object shows (``display``), or the value itself."""
    return compact["display"] if isinstance(compact, dict) else compact


def _api_figures(api, world: World, bad: Disagreements) -> None:
    url = reverse("api:request-list")
    soon = {
        "open": "true",
        "due_date_after": TODAY.isoformat(),
        "due_date_before": (TODAY + _days(30)).isoformat(),
    }
    scopes: list[tuple[str, dict, dict]] = [("all", {}, expected())]
    scopes += [(m, {"mission": world.missions[m].pk}, expected(mission=m)) for m in MISSIONS]
    scopes += [(u, {"unit": world.units[u].pk}, expected(unit=u)) for u in UNITS]
    for name, query, truth in scopes:
        for figure, extra in (
            ("open", {"open": "true"}),
            ("overdue", {"overdue": "true"}),
            ("due_soon", soon),
        ):
            count = api.get(url, {**query, **extra}).json()["count"]
            bad.check(f"API requests {name}", figure, count, truth[figure])
        rows = api.get(url, {**query, "page_size": 500}).json()["results"]
        bad.check(
            f"API requests {name}",
            "rows marked overdue",
            sum(r["overdue"] for r in rows),
            truth["overdue"],
        )
    minusca = world.missions["MINUSCA"]
    card = api.get(reverse("api:mission-scorecard", args=[minusca.pk])).json()
    for row in card["rows"]:
        ref = _name(row["benchmark"])
        _b, _t, _v, rating, progress, differ = BENCHMARKS[ref]
        bad.check(f"API scorecard {ref}", "latest rating", row["latest_rating"], rating)
        bad.check(f"API scorecard {ref}", "progress to target", row["progress"], progress)
        bad.check(
            f"API scorecard {ref}", "rating and progress differ", row["rating_differs"], differ
        )
    for row in api.get(reverse("api:benchmark-list"), {"page_size": 500}).json()["results"]:
        bad.check(
            f"API benchmark {row['reference']}",
            "progress to target",
            row["progress"],
            BENCHMARKS[row["reference"]][4],
        )
    for entry in api.get(reverse("api:sgreport-matrix")).json():
        acronym = _name(entry["mission"])
        upcoming = [e["date"] for e in entry["expected"] if e["upcoming"]]
        next_due = MISSIONS[acronym][3]
        bad.check(
            f"API coverage {acronym}",
            "next report due",
            upcoming[:1],
            [next_due.isoformat()] if next_due else [],
        )


# --- The three contradictions managers found, each pinned --------------------------------------


def test_the_month_summary_and_the_next_mornings_dashboard_agree(world, client, manager):
    """The November summary said 4 overdue of 19 open, the dashboard 10 of 25: follow-ups
    recorded after the month with due dates inside it were left out of the summary."""
    client.force_login(manager)
    figures = client.get(reverse("dashboard:overview")).context["figures"]
    data = compile_data(PERIOD, now=NOW)["figures"]
    assert (data["overdue"], data["open"]) == (figures["overdue"], figures["open"])
    assert data["overdue"] == expected()["overdue"] == 5


def test_the_mission_page_reads_the_reporting_calendar_not_a_due_date(world, client, manager):
    """MINUSCA's page said 15/12/2026 (2553-OP20e's due date); its scorecard and the coverage
    page said 15 February 2027."""
    client.force_login(manager)
    page = client.get(reverse("dashboard:mission", args=["MINUSCA"])).context["next_report"]
    card = client.get(reverse("dashboard:scorecard", args=["MINUSCA"])).context["next_report"]
    assert page == card == D(2027, 2, 15)
    # A closed mission expects no report, on any page.
    closed = client.get(reverse("dashboard:mission", args=["MINUSMA"])).context["next_report"]
    assert closed is None
    assert (
        client.get(reverse("dashboard:scorecard", args=["MINUSMA"])).context["next_report"] is None
    )


@pytest.mark.parametrize("page", ["dashboard:scorecard", "dashboard:mission"])
def test_rating_and_progress_are_labelled_and_a_contradiction_explained(
    world, client, manager, page
):
    """MINUSCA-B3's latest rating was "On track" and its Progress column "Off track", with
    nothing to say which is which or why."""
    client.force_login(manager)
    html = client.get(reverse(page, args=["MINUSCA"])).content.decode()
    assert "Latest rating (staff assessment, period)" in html
    assert "Progress to target (computed from the figures)" in html
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)
    b3 = next(r for r in rows if "MINUSCA-B3" in r)
    b1 = next(r for r in rows if "MINUSCA-B1" in r)
    note = "Rating and computed progress differ: see the latest assessment's note."
    assert note in b3
    assert "Narrative of MINUSCA-B3." in b3
    assert note not in b1
    assert "01/07/2026" in b3 or "07/01/2026" in b3  # the rating's period is shown


def test_the_api_describes_rating_and_progress_apart(world, manager):
    from mandates.api import serializers as s

    progress = str(s.BenchmarkSerializer().fields["progress"].help_text)
    assert progress.startswith("Progress to target (computed from the figures)")
    row = s.ScorecardRowSerializer().fields
    assert str(row["latest_rating"].help_text).startswith("Latest rating (staff assessment")
    assert str(row["progress"].help_text).startswith("Progress to target (computed")


# --- Per-mission figures: each mission's lines, the same on every surface -------------------

#: 2553-OP20e, done mission by mission: MINUSCA's part completed, MONUSCO's due earlier (and so
#: overdue), MINUSMA's as the request (in progress, due 15 December: due soon).
LINES = {
    ("2553-OP20e", "MINUSCA"): (S.COMPLETED, D(2026, 12, 15)),
    ("2553-OP20e", "MONUSCO"): (S.IN_PROGRESS, D(2026, 11, 20)),
    ("2553-OP20e", "MINUSMA"): (S.IN_PROGRESS, D(2026, 12, 15)),
}


def expected_lines(mission: str) -> dict:
    """The mission's open, overdue and due-soon lines, counted here from the specs and the
    lines above (a line not listed follows its request)."""
    counts = {"open": 0, "overdue": 0, "due_soon": 0}
    for spec in SPECS:
        if spec.archived or mission not in spec.missions:
            continue
        status, due = LINES.get((spec.reference, mission), (spec.status, spec.due))
        if status not in OPEN:
            continue
        counts["open"] += 1
        counts["overdue"] += due is not None and due < TODAY
        counts["due_soon"] += due is not None and TODAY <= due <= TODAY + _days(30)
    return counts


def test_every_surface_shows_the_same_per_mission_figures(world, client, manager):
    from mandates.requests.services import line_edit, line_update_status

    request = world.requests["2553-OP20e"]
    line_update_status(request=request, mission=world.missions["MINUSCA"], status=S.COMPLETED)
    line_edit(
        request=request,
        mission=world.missions["MONUSCO"],
        changes={"due_date": D(2026, 11, 20)},
        by=None,
    )
    client.force_login(manager)
    api = token_client(manager)
    bad = Disagreements()
    # Not all the same as the request-level count: the lines differ from their request.
    assert expected_lines("MINUSCA") != expected(mission="MINUSCA")

    overview = client.get(reverse("dashboard:overview")).context["missions"]
    by_mission = {row["acronym"]: row for row in overview}
    listed = {m.acronym: m for m in client.get(reverse("dashboard:missions")).context["missions"]}
    rows = api.get(reverse("api:request-list"), {"page_size": 500}).json()["results"]
    export = api.get(reverse("api:request-export"), {"per": "mission"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    csv_rows = list(csv.DictReader(io.StringIO(text)))
    open_labels = {str(label) for value, label in S.choices if value in OPEN}
    for acronym in MISSIONS:
        truth = expected_lines(acronym)
        page = client.get(reverse("dashboard:mission", args=[acronym]))
        figures, html = page.context["figures"], page.content.decode()
        where = f"mission page {acronym}"
        for name, key in (("open", "open"), ("overdue", "overdue"), ("due_30", "due_soon")):
            bad.check(where, name, figures[name], truth[key])
        bad.check(where + " (HTML)", "overdue", _figure(html, "overdue"), str(truth["overdue"]))
        if world.missions[acronym].is_closed(today=TODAY):
            # A closed mission leaves the lists (its page and history stay).
            bad.check(f"overview by mission {acronym}", "listed", acronym in by_mission, False)
            bad.check(f"missions list {acronym}", "listed", acronym in listed, False)
        else:
            row = by_mission.get(acronym, {"open_count": 0, "overdue_count": 0})
            bad.check(f"overview by mission {acronym}", "open", row["open_count"], truth["open"])
            bad.check(
                f"overview by mission {acronym}", "overdue", row["overdue_count"], truth["overdue"]
            )
            listed_row = listed[acronym]
            bad.check(f"missions list {acronym}", "open", listed_row.open_count, truth["open"])
            bad.check(
                f"missions list {acronym}", "overdue", listed_row.overdue_count, truth["overdue"]
            )
        lines = [line for r in rows for line in r["mission_lines"] if line["mission"] == acronym]
        bad.check(
            f"API mission_lines {acronym}",
            "open",
            sum(line["status"] in OPEN for line in lines),
            truth["open"],
        )
        bad.check(
            f"API mission_lines {acronym}",
            "overdue",
            sum(x["overdue"] for x in lines),
            truth["overdue"],
        )
        filtered = api.get(
            reverse("api:request-list"),
            {"mission": acronym, "line_status": sorted(OPEN)},
        ).json()["count"]
        bad.check(f"API ?mission={acronym}&line_status=open", "open", filtered, truth["open"])
        mine = [r for r in csv_rows if r["Mission"] == acronym]
        bad.check(
            f"CSV per mission {acronym}",
            "open",
            sum(r["Line status"] in open_labels for r in mine),
            truth["open"],
        )
        bad.check(
            f"CSV per mission {acronym}",
            "overdue",
            sum(r["Overdue"] == "yes" for r in mine),
            truth["overdue"],
        )
    assert not bad, bad.report()
