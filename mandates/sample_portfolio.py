"""A large, realistic, made-up portfolio for benchmarks: rows only, no database access.

Everything comes from one ``random.Random(seed)`` and the ``today`` given, so the same seed,
scale and day give the same rows, byte for byte. At scale 1 a unit has tracked the Council for
about twenty years: 60 missions, 300 units, 3,000 documents, 60,000 paragraphs, 100,000
requests, 1,000,000 status updates, 5,000 benchmarks, 50,000 assessments and 2,000 users.

The command ``generate_portfolio`` writes the rows (COPY on PostgreSQL). Generated identifiers
start with ``gen-`` (requests, benchmarks, users) or ``GM``/``GU`` (missions, units), which is
how the command tells generated data from real data.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mandates.choices import (
    DocumentKind,
    MissionKind,
    OwnershipElement,
    ParagraphKind,
    Priority,
    Rating,
    RequestStatus,
    ThemeKind,
    UnitKind,
)

S = RequestStatus
BASE_SIZES = {
    "missions": 60,
    "units": 300,
    "documents": 3_000,
    "requests": 100_000,
    "benchmarks": 5_000,
    "users": 2_000,
}
PARAGRAPHS_PER_DOCUMENT = 20  # 5 preambular, 15 operative
PREAMBULAR = 5
ASSESSMENTS_PER_BENCHMARK = 10
MEAN_UPDATES = 10  # 2 to 18 per request
REQUEST_PREFIX = "gen-"
MISSION_PREFIX = "GM"
UNIT_PREFIX = "GU"
YEARS = 20

# Most of a long-running portfolio is closed; what is open is due around today.
STATUS_WEIGHTS = [
    (S.COMPLETED, 45),
    (S.IN_PROGRESS, 20),
    (S.NOT_STARTED, 15),
    (S.ON_HOLD, 5),
    (S.CANCELLED, 8),
    (S.SUPERSEDED, 7),
]
PRIORITY_WEIGHTS = [(Priority.NORMAL, 70), (Priority.HIGH, 15), (Priority.LOW, 15)]
RATING_WEIGHTS = [
    (Rating.ON_TRACK, 40),
    (Rating.AT_RISK, 30),
    (Rating.OFF_TRACK, 15),
    (Rating.NOT_ASSESSED, 15),
]
COUNTRIES = [
    "Central African Republic", "Democratic Republic of the Congo", "Haiti", "Iraq", "Lebanon",
    "Libya", "Mali", "Somalia", "South Sudan", "Sudan", "Afghanistan", "Cyprus", "Colombia",
    "Guinea-Bissau", "Liberia", "Côte d'Ivoire", "Sierra Leone", "Burundi", "Timor-Leste",
    "Western Sahara",
]  # fmt: skip
THEMES = [
    ("gen-police", "Police", ThemeKind.COMPONENT),
    ("gen-defence", "Defence", ThemeKind.COMPONENT),
    ("gen-justice", "Justice", ThemeKind.COMPONENT),
    ("gen-corrections", "Corrections", ThemeKind.COMPONENT),
    ("gen-border", "Border management", ThemeKind.COMPONENT),
    ("gen-oversight", "Parliamentary oversight", ThemeKind.GOVERNANCE),
    ("gen-finance", "Public financial management", ThemeKind.GOVERNANCE),
    ("gen-strategy", "National security strategy", ThemeKind.GOVERNANCE),
    ("gen-gender", "Gender", ThemeKind.CROSS_CUTTING),
    ("gen-human-rights", "Human rights", ThemeKind.CROSS_CUTTING),
    ("gen-ddr", "Disarmament, demobilization and reintegration", ThemeKind.CROSS_CUTTING),
    ("gen-youth", "Youth", ThemeKind.CROSS_CUTTING),
]
VERBS = ["Requests", "Calls upon", "Encourages", "Urges", "Decides", "Welcomes", "Stresses"]
TASKS = [
    "report on progress in {theme} in {country}",
    "support the national authorities of {country} on {theme}",
    "develop benchmarks for {theme} with the Government of {country}",
    "include an assessment of {theme} in its regular reports on {country}",
    "coordinate international support to {theme} in {country}",
    "provide technical advice on {theme} to {country}",
]
NOTES = [
    "Consultations held with the national authorities.",
    "Draft shared with the mission for comment.",
    "Waiting for the host government's reply.",
    "Workshop held; report being finalised.",
    "Included in the Secretary-General's report.",
    "Progress discussed at the task force meeting.",
    "Funding confirmed for the next phase.",
]


@dataclass
class Table:
    """Rows for one table: ``name`` is a model label ("mandates.Request") or a many-to-many
    field ("mandates.Request.missions"), ``columns`` the database columns in row order."""

    name: str
    columns: list[str]
    rows: Iterator[tuple[Any, ...]] | list[tuple[Any, ...]]
    expected: int = 0


def sizes(scale: float) -> dict[str, int]:
    """How many of each at ``scale`` (at least one of each)."""
    return {key: max(1, round(n * scale)) for key, n in BASE_SIZES.items()}


def _weighted(rng: random.Random, weights: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weights], [w for _, w in weights])[0]


@dataclass
class _Request:
    pk: int
    status: str
    created_at: datetime.datetime
    closed_at: datetime.datetime | None
    lead_unit_id: int


@dataclass
class Portfolio:
    """The generator. Call :meth:`tables` once; it yields each table in insertion order."""

    scale: float = 1.0
    seed: int = 1
    today: datetime.date = field(default_factory=datetime.date.today)
    start: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Reviewed (bandit B311): a seeded generator for made-up benchmark data, never secrets.
        self.rng = random.Random(self.seed)  # noqa: S311  # nosec B311
        self.n = sizes(self.scale)
        self.now = datetime.datetime.combine(self.today, datetime.time(12), datetime.UTC)
        self.first = datetime.date(self.today.year - YEARS, 1, 1)

    def _ids(self, key: str, count: int) -> range:
        first = self.start.get(key, 1)
        return range(first, first + count)

    def _moment(self, low: datetime.datetime, high: datetime.datetime) -> datetime.datetime:
        span = max(int((high - low).total_seconds()), 1)
        return low + datetime.timedelta(seconds=self.rng.randrange(span))

    def _recent_moment(self) -> datetime.datetime:
        """A time in the last ``YEARS`` years, more often recent (the portfolio grows)."""
        days = int((self.today - self.first).days * (1 - self.rng.random() ** 1.6))
        start = datetime.datetime.combine(self.first, datetime.time(), datetime.UTC)
        moment = start + datetime.timedelta(days=days, seconds=self.rng.randrange(86_400))
        return min(moment, self.now - datetime.timedelta(days=1))

    def tables(self) -> Iterator[Table]:
        rng, n, now = self.rng, self.n, self.now
        yield Table(
            "mandates.Theme",
            ["id", "slug", "name", "kind"],
            [
                (pk, *theme)
                for pk, theme in zip(self._ids("theme", len(THEMES)), THEMES, strict=True)
            ],
        )
        theme_ids = list(self._ids("theme", len(THEMES)))

        mission_ids = list(self._ids("mission", n["missions"]))
        missions = []
        for i, pk in enumerate(mission_ids):
            start = self.first + datetime.timedelta(days=rng.randrange(YEARS * 300))
            ended = rng.random() < 0.3
            end = start + datetime.timedelta(days=rng.randrange(400, 4000)) if ended else None
            if end is not None and end >= self.today:
                end = None
            kind = _weighted(
                rng,
                [
                    (MissionKind.PEACEKEEPING, 5),
                    (MissionKind.POLITICAL, 3),
                    (MissionKind.COUNTRY_TEAM, 2),
                ],
            )
            missions.append(
                (
                    pk, now, now, f"{MISSION_PREFIX}{i + 1:03d}", f"Generated mission {i + 1}",
                    kind, COUNTRIES[i % len(COUNTRIES)], start, end,
                    None if end else self.today + datetime.timedelta(days=rng.randrange(30, 365)),
                    rng.choice([3, 4, 6, 12]),
                )
            )  # fmt: skip
        yield Table(
            "mandates.Mission",
            ["id", "created_at", "updated_at", "acronym", "name", "kind", "host_country",
             "start_date", "end_date", "mandate_expiry", "reporting_cycle_months"],
            missions,
        )  # fmt: skip

        unit_ids = list(self._ids("unit", n["units"]))
        units = []
        section_of: dict[int, int] = {}  # mission id -> its SSR section
        for i, pk in enumerate(unit_ids):
            mission_id = None
            if i < min(10, n["units"]):
                kind = UnitKind.HQ
            elif i - 10 < len(mission_ids):
                kind, mission_id = UnitKind.MISSION_SECTION, mission_ids[i - 10]
                section_of[mission_id] = pk
            else:
                kind = _weighted(
                    rng, [(UnitKind.AGENCY, 5), (UnitKind.TASK_FORCE, 1), (UnitKind.PARTNER, 2)]
                )
            acronym = f"{UNIT_PREFIX}{i + 1:04d}"
            units.append(
                (pk, now, now, acronym, f"Generated unit {i + 1}", kind, None, mission_id,
                 f"{acronym.lower()}@example.org")
            )  # fmt: skip
        yield Table(
            "mandates.Unit",
            ["id", "created_at", "updated_at", "acronym", "name", "kind", "parent_id",
             "mission_id", "email"],
            units,
        )  # fmt: skip
        # Workload is uneven: Headquarters units and the first mission sections lead most.
        unit_weights = [1 / (1 + i) ** 0.8 for i in range(len(unit_ids))]

        user_ids = list(self._ids("user", n["users"]))
        joined = now - datetime.timedelta(days=365 * 3)
        yield Table(
            "auth.User",
            ["id", "password", "last_login", "is_superuser", "username", "first_name",
             "last_name", "email", "is_staff", "is_active", "date_joined"],
            [
                (pk, "!generated", None, False, f"{REQUEST_PREFIX}user{i + 1:05d}", "Gen",
                 f"User {i + 1}", f"user{i + 1}@example.org", i % 5 != 0, True, joined)
                for i, pk in enumerate(user_ids)
            ],
        )  # fmt: skip
        # Each user belongs to one unit; the first member of each unit is its focal point.
        memberships = []
        members_of: dict[int, list[int]] = {}
        for i, user_id in enumerate(user_ids):
            unit_id = unit_ids[i % len(unit_ids)]
            role = "focal_point" if i < len(unit_ids) else "member"
            memberships.append((self.start.get("membership", 1) + i, unit_id, user_id, role))
            members_of.setdefault(unit_id, []).append(user_id)
        yield Table("mandates.UnitMembership", ["id", "unit_id", "user_id", "role"], memberships)

        document_ids = list(self._ids("document", n["documents"]))
        documents, paragraphs, paragraph_themes = [], [], []
        operative_of: dict[int, list[int]] = {}
        document_dates: list[datetime.date] = []
        paragraph_pk = self.start.get("paragraph", 1)
        span_days = (self.today - self.first).days
        for i, pk in enumerate(document_ids):
            day = self.first + datetime.timedelta(days=int(span_days * i / len(document_ids)))
            document_dates.append(day)
            kind = _weighted(
                rng,
                [(DocumentKind.RESOLUTION, 7), (DocumentKind.SG_REPORT, 2),
                 (DocumentKind.PRESIDENTIAL_STATEMENT, 1)],
            )  # fmt: skip
            number = 3000 + i
            if kind == DocumentKind.RESOLUTION:
                symbol, label = f"S/RES/{number} ({day.year})", f"{number} ({day.year})"
            elif kind == DocumentKind.SG_REPORT:
                symbol = label = f"S/{day.year}/{number}"
            else:
                symbol = label = f"S/PRST/{day.year}/{number}"
            country = COUNTRIES[i % len(COUNTRIES)]
            documents.append(
                (pk, now, now, kind, symbol, label,
                 "secretariat" if kind == DocumentKind.SG_REPORT else "security_council", day,
                 f"The situation in {country}", f"Generated text of {symbol}.", None, None)
            )  # fmt: skip
            operative_of[pk] = []
            for order in range(1, PARAGRAPHS_PER_DOCUMENT + 1):
                preambular = order <= PREAMBULAR
                number = order if preambular else order - PREAMBULAR
                ref = f"PP{number}" if preambular else str(number)
                if preambular:
                    citation = f"{label} {ref}"
                elif kind == DocumentKind.SG_REPORT:
                    citation = f"{label} para. {ref}"
                else:
                    citation = f"{label} OP{ref}"
                verb = "" if preambular else rng.choice(VERBS)
                theme = THEMES[rng.randrange(len(THEMES))]
                text = f"{verb or 'Recalling'} the need to {rng.choice(TASKS)}".format(
                    theme=theme[1].lower(), country=country
                )
                paragraphs.append(
                    (paragraph_pk, now, now, pk,
                     ParagraphKind.PREAMBULAR if preambular else ParagraphKind.OPERATIVE,
                     number, "", None, ref, citation, order, text + ".", verb)
                )  # fmt: skip
                if not preambular:
                    operative_of[pk].append(paragraph_pk)
                    if rng.random() < 0.3:
                        paragraph_themes.append((paragraph_pk, rng.choice(theme_ids)))
                paragraph_pk += 1
        yield Table(
            "mandates.Document",
            ["id", "created_at", "updated_at", "kind", "symbol", "citation_label", "body", "date",
             "title", "source_text", "draft_of_id", "predecessor_id"],
            documents,
        )  # fmt: skip
        yield Table(
            "mandates.Paragraph",
            ["id", "created_at", "updated_at", "document_id", "kind", "number", "label",
             "parent_id", "ref", "citation", "order", "text", "lead_verb"],
            paragraphs,
        )  # fmt: skip
        yield Table("mandates.Paragraph.themes", ["paragraph_id", "theme_id"], paragraph_themes)
        del paragraphs

        requests: list[_Request] = []
        request_rows = []
        links_units, links_missions, links_paragraphs = [], [], []
        open_statuses = set(S.open())
        for i, pk in enumerate(self._ids("request", n["requests"])):
            created = self._recent_moment()
            status = _weighted(rng, STATUS_WEIGHTS)
            closed = None
            due: datetime.date | None
            if status in open_statuses:
                # Due around today: a fifth overdue, the rest within the next year.
                offset = rng.randrange(-180, 0) if rng.random() < 0.2 else rng.randrange(0, 365)
                due = self.today + datetime.timedelta(days=offset)
            else:
                due = (created + datetime.timedelta(days=rng.randrange(30, 720))).date()
                closed = self._moment(created, min(now, created + datetime.timedelta(days=900)))
            if rng.random() < 0.05:
                due = None
            lead = rng.choices(unit_ids, unit_weights)[0]
            document_index = min(
                int(len(document_ids) * (created.date() - self.first).days / max(span_days, 1)),
                len(document_ids) - 1,
            )
            document_id = document_ids[document_index]
            country = COUNTRIES[document_index % len(COUNTRIES)]
            theme_name = THEMES[rng.randrange(len(THEMES))][1].lower()
            title = rng.choice(TASKS).format(theme=theme_name, country=country)
            updated = closed or self._moment(created, now)
            archived = closed if closed is not None and rng.random() < 0.03 else None
            request_rows.append(
                (pk, f"{REQUEST_PREFIX}{self.seed}-{i + 1:07d}", title[:1].upper() + title[1:],
                 "", lead, status, _weighted(rng, PRIORITY_WEIGHTS), due, "none", None, None,
                 created, updated, closed, archived, 1, None, document_id, "{}")
            )  # fmt: skip
            requests.append(_Request(pk, status, created, closed, lead))
            for unit_id in set(rng.sample(unit_ids, min(len(unit_ids), rng.randrange(0, 4)))):
                if unit_id != lead:
                    links_units.append((pk, unit_id))
            if rng.random() < 0.9:
                for mission_id in set(
                    rng.sample(mission_ids, min(len(mission_ids), rng.randrange(1, 4)))
                ):
                    links_missions.append((pk, mission_id))
            operative = operative_of[document_id]
            for paragraph_id in set(rng.sample(operative, rng.choice([1, 1, 1, 2]))):
                links_paragraphs.append((pk, paragraph_id))
        yield Table(
            "mandates.Request",
            ["id", "reference", "title", "description", "lead_unit_id", "status", "priority",
             "due_date", "recurrence", "recurrence_months", "recurrence_anchor", "created_at",
             "updated_at", "closed_at", "archived_at", "version", "predecessor_id",
             "source_document_id", "imported_values"],
            request_rows,
        )  # fmt: skip
        del request_rows
        yield Table("mandates.Request.supporting_units", ["request_id", "unit_id"], links_units)
        yield Table("mandates.Request.missions", ["request_id", "mission_id"], links_missions)
        yield Table("mandates.Request.paragraphs", ["request_id", "paragraph_id"], links_paragraphs)
        del links_units, links_missions, links_paragraphs

        users = {pk: f"Gen User {i + 1}" for i, pk in enumerate(user_ids)}
        yield Table(
            "mandates.StatusUpdate",
            ["id", "request_id", "author_id", "author_name", "created_at", "status_from",
             "status_to", "note", "evidence_url", "evidence_file"],
            self._updates(requests, members_of, user_ids, users),
            expected=len(requests) * MEAN_UPDATES,
        )  # fmt: skip
        del requests

        benchmark_ids = list(self._ids("benchmark", n["benchmarks"]))
        benchmarks, assessments = [], []
        assessment_pk = self.start.get("assessment", 1)
        all_paragraphs = [p for ids in operative_of.values() for p in ids]
        components = [
            pk
            for pk, theme in zip(theme_ids, THEMES, strict=True)
            if theme[2] != ThemeKind.CROSS_CUTTING
        ]
        elements = list(OwnershipElement.values)
        for i, pk in enumerate(benchmark_ids):
            mission_id = mission_ids[i % len(mission_ids)]
            element = rng.choice(elements) if rng.random() < 0.5 else ""
            component = rng.choice(components) if not element or rng.random() < 0.5 else None
            benchmarks.append(
                (pk, now, now, f"{REQUEST_PREFIX}{self.seed}-b{i + 1:06d}", mission_id,
                 rng.choice(all_paragraphs), element, component,
                 f"Indicator {i + 1}: share of the plan implemented", "20%", "80%",
                 self.today + datetime.timedelta(days=rng.randrange(-365, 730)),
                 section_of.get(mission_id))
            )  # fmt: skip
            period_start = datetime.date(self.today.year - 5, 1 + 6 * (i % 2), 1)
            for _ in range(ASSESSMENTS_PER_BENCHMARK):
                year, month = divmod(period_start.month - 1 + 6, 12)
                period_end = datetime.date(
                    period_start.year + year, month + 1, 1
                ) - datetime.timedelta(days=1)
                assessments.append(
                    (assessment_pk, now, now, pk, period_start, period_end,
                     _weighted(rng, RATING_WEIGHTS), "", "", None)
                )  # fmt: skip
                assessment_pk += 1
                period_start = period_end + datetime.timedelta(days=1)
        yield Table(
            "mandates.Benchmark",
            ["id", "created_at", "updated_at", "reference", "mission_id", "paragraph_id",
             "ownership_element", "component_id", "indicator", "baseline", "target",
             "target_date", "responsible_unit_id"],
            benchmarks,
        )  # fmt: skip
        yield Table(
            "mandates.BenchmarkAssessment",
            ["id", "created_at", "updated_at", "benchmark_id", "period_start", "period_end",
             "rating", "value", "narrative", "source_report_id"],
            assessments,
        )  # fmt: skip

    def _updates(
        self,
        requests: list[_Request],
        members_of: dict[int, list[int]],
        user_ids: list[int],
        names: dict[int, str],
    ) -> Iterator[tuple[Any, ...]]:
        """Each request's timeline: started, notes, then its current status; spread between its
        creation and its closing (or now). A closed request's last update is at its closing."""
        rng, now = self.rng, self.now
        pk = self.start.get("update", 1)
        for request in requests:
            count = rng.randrange(2, 2 * MEAN_UPDATES - 1)
            end = request.closed_at or now
            moments = sorted(self._moment(request.created_at, end) for _ in range(count))
            if request.closed_at is not None:
                moments[-1] = request.closed_at  # the update that closed it, at that moment
            chain: list[tuple[str, str]]
            if request.status == S.NOT_STARTED:
                chain = [(S.NOT_STARTED, S.NOT_STARTED)] * count
            else:
                middle = S.IN_PROGRESS
                chain = [(S.NOT_STARTED, S.IN_PROGRESS)]
                chain += [(middle, middle)] * (count - 2)
                chain.append((middle, request.status))
            authors = members_of.get(request.lead_unit_id) or user_ids
            for moment, (before, after) in zip(moments, chain, strict=True):
                author = rng.choice(authors)
                yield (
                    pk, request.pk, author, names[author], moment, before, after,
                    rng.choice(NOTES), "", "",
                )  # fmt: skip
                pk += 1
