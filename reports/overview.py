"""The dashboards' overview, counted once and read many times.

:func:`compute` gathers what the page shows that costs a count or a scan (its figures, the
activity by month, the three due lists, the counts by mission, unit and resolution, the latest
updates) with the selectors of :mod:`reports.selectors`, as plain data: numbers, ISO dates and,
where reference data has an English and a French name, both. :func:`current` returns the stored
snapshot of a filter selection while it is for today and younger than ``OVERVIEW_MAX_AGE``
seconds, and otherwise counts it again and stores it; ``reports.tasks.refresh_overview`` keeps
the snapshots that people look at fresh, so a view reads one row whatever the size of the
portfolio. :func:`shown` turns the data back into what the template reads, in the reader's
language.

With ``OVERVIEW_MAX_AGE`` at 0 every view counts afresh and nothing is stored.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import Truncator

from mandates.base_models import in_language
from mandates.choices import RequestStatus
from mandates.models import Request, StatusUpdate
from mandates.requests.models import author_label
from reports import selectors
from reports.forms import PERIODS, DashboardFilters
from reports.models import OverviewSnapshot
from ssrtracker.writes import service

S = RequestStatus
#: A page marks a snapshot as viewed at most this often (it is what keeps it refreshed).
VIEWED_EVERY = datetime.timedelta(minutes=1)
#: The job drops a snapshot nobody viewed for this long.
UNVIEWED_FOR = datetime.timedelta(days=1)
#: The overview's tables, in the order :func:`reports.selectors.counts_by` returns them.
TABLES = ("missions", "units", "resolutions")
DEFAULT_PERIOD = "90"
#: Words of an update's note the page shows.
NOTE_WORDS = 30
#: The shape of :func:`compute`'s data: a snapshot of another shape (stored by an earlier
#: version of the app) is counted again. Bump it when the shape changes.
DATA_VERSION = 1


# --- The selection ---------------------------------------------------------------------------


def key_of(filters: DashboardFilters) -> str:
    """The filter selection as a normalised query string: only what changes the figures, in a
    fixed order, defaults left out ("" for the unfiltered overview). An invalid value counts as
    empty, as it does for the figures."""
    query: dict[str, str] = dict(filters.api_query())
    if filters.shows_closed():
        query["include_closed"] = "1"
    period = str(filters.values.get("period") or DEFAULT_PERIOD)
    if period in PERIODS and period != DEFAULT_PERIOD:
        query["period"] = period
    return urlencode(sorted(query.items()))


def filters_of(key: str) -> DashboardFilters:
    """The filters a key was made from (what the job recounts a snapshot with)."""
    return DashboardFilters(QueryDict(key) if key else None)


# --- Counting --------------------------------------------------------------------------------


def _request(r: Request) -> dict[str, Any]:
    return {
        "pk": r.pk,
        "reference": r.reference,
        "title": r.title,
        "status": r.status,
        "is_open": r.is_open,
        "due_date": r.due_date.isoformat() if r.due_date else None,
        "lead_unit": r.lead_unit.acronym,
    }


def _update(u: StatusUpdate) -> dict[str, Any]:
    return {
        "pk": u.pk,
        "created_at": u.created_at.isoformat(),
        "request_id": u.request_id,
        "reference": u.request.reference,
        "status_from": u.status_from,
        "status_to": u.status_to,
        "note": Truncator(u.note).words(NOTE_WORDS),
        "author_name": u.author_name,
        "author": str(u.author) if u.author_id else "",
    }


def _row(row: dict[str, Any]) -> dict[str, Any]:
    """A row of :func:`reports.selectors.counts_by` as stored: its names in both languages
    (``extra``, ``extra_fr``), resolved when shown."""
    kept = {k: v for k, v in row.items() if k not in ("key", "label", "host_country", "name")}
    if isinstance(kept.get("day"), datetime.date):
        kept["day"] = kept["day"].isoformat()
    return kept


def compute(
    filters: DashboardFilters, *, today: datetime.date, limit: int | None = None
) -> dict[str, Any]:
    """Everything the overview counts, for ``filters`` on ``today`` (the selectors' queries:
    figures, activity by month, due lists, counts by mission, unit and resolution, latest
    updates). The tables keep their first ``limit`` rows (``OVERVIEW_TABLE_ROWS``) and their
    number of rows."""
    limit = limit or settings.OVERVIEW_TABLE_ROWS
    requests: QuerySet[Request] = filters.requests()
    since = filters.since(today)
    figures = selectors.figures(requests, today=today, since=since)
    months, completed, created, updated = selectors.activity_by_month(requests, today=today)
    due = selectors.due_lists(requests, today=today)
    tables = selectors.counts_by(requests, today=today, include_closed=filters.shows_closed())
    updates = selectors.latest_updates(requests, since=since)
    return {
        "version": DATA_VERSION,
        "today": today.isoformat(),
        "since": since.isoformat(),
        "figures": figures,
        "activity": {
            "months": [m.isoformat() for m in months],
            "completed": completed,
            "created": created,
            "updated": updated,
        },
        "due": {
            name: [_request(r) for r in rows]
            for name, rows in zip(("overdue", "due_30", "due_90"), due, strict=True)
        },
        "tables": {
            name: {"rows": [_row(row) for row in rows[:limit]], "total": len(rows)}
            for name, rows in zip(TABLES, tables, strict=True)
        },
        "updates": [_update(u) for u in updates],
    }


# --- The stored snapshots (writes) -----------------------------------------------------------


@service
def overview_snapshot_save(
    *, key: str, data: dict[str, Any], today: datetime.date, viewed: bool = True
) -> OverviewSnapshot:
    """Store the snapshot of ``key`` (one row per selection). ``viewed``: a page asked for it
    (the job's recounts leave ``viewed_at`` as it was)."""
    now = timezone.now()
    values: dict[str, Any] = {"data": data, "computed_at": now, "computed_on": today}
    if viewed:
        values["viewed_at"] = now
    snapshot, _created = OverviewSnapshot.objects.update_or_create(
        key=key, defaults=values, create_defaults={**values, "viewed_at": now}
    )
    return snapshot


@service
def overview_snapshot_mark_viewed(*, pk: int, now: datetime.datetime) -> None:
    OverviewSnapshot.objects.filter(pk=pk, viewed_at__lt=now).update(viewed_at=now)


@service
def overview_snapshots_delete_unviewed(*, now: datetime.datetime | None = None) -> int:
    """Drop the snapshots nobody viewed for a day; return how many."""
    now = now or timezone.now()
    deleted, _by_model = OverviewSnapshot.objects.filter(viewed_at__lt=now - UNVIEWED_FOR).delete()
    return deleted


# --- Reading ---------------------------------------------------------------------------------


def current(
    filters: DashboardFilters, *, today: datetime.date | None = None
) -> tuple[dict[str, Any], datetime.datetime]:
    """The overview's data for ``filters`` and when it was counted: the stored snapshot when it
    is for ``today`` and younger than ``OVERVIEW_MAX_AGE`` seconds (1 query, and at most once a
    minute a second one marking it viewed), otherwise counted now and stored (as is a snapshot
    of another :data:`DATA_VERSION`)."""
    today = today or timezone.localdate()
    now = timezone.now()
    max_age = settings.OVERVIEW_MAX_AGE
    if max_age <= 0:
        return compute(filters, today=today), now
    key = key_of(filters)
    snapshot = OverviewSnapshot.objects.filter(key=key).first()
    if (
        snapshot is not None
        and snapshot.computed_on == today
        and snapshot.data.get("version") == DATA_VERSION
        and snapshot.computed_at > now - datetime.timedelta(seconds=max_age)
    ):
        if snapshot.viewed_at < now - VIEWED_EVERY:
            overview_snapshot_mark_viewed(pk=snapshot.pk, now=now)
        return snapshot.data, snapshot.computed_at
    data = compute(filters, today=today)
    snapshot = overview_snapshot_save(key=key, data=data, today=today)
    return data, snapshot.computed_at


def refresh(*, today: datetime.date | None = None) -> dict[str, int]:
    """The job: drop the snapshots nobody viewed for a day, then recount the unfiltered one and
    every other one viewed since. Returns how many it recounted and dropped."""
    today = today or timezone.localdate()
    dropped = overview_snapshots_delete_unviewed()
    keys = {"", *OverviewSnapshot.objects.values_list("key", flat=True)}
    for key in sorted(keys):
        data = compute(filters_of(key), today=today)
        overview_snapshot_save(key=key, data=data, today=today, viewed=False)
    return {"recounted": len(keys), "dropped": dropped}


def refresh_every_minutes() -> int:
    """How often the page says its figures are recounted: its maximum age, in minutes."""
    return max(1, math.ceil(settings.OVERVIEW_MAX_AGE / 60))


# --- Showing ---------------------------------------------------------------------------------


def _date(iso: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(iso) if iso else None


def _status_label(value: str) -> str:
    return str(S(value).label) if value in S.values else value


@dataclass(frozen=True)
class ListedUnit:
    acronym: str


@dataclass(frozen=True)
class ListedReference:
    reference: str


@dataclass(frozen=True)
class ListedRequest:
    """A request of a due list, with what ``request_table.html`` and the ``due`` tag read."""

    pk: int
    reference: str
    title: str
    status: str
    is_open: bool
    due_date: datetime.date | None
    lead_unit: ListedUnit

    def get_status_display(self) -> str:
        return _status_label(self.status)


@dataclass(frozen=True)
class ListedUpdate:
    """A latest update, with what ``updates.html`` reads."""

    created_at: datetime.datetime
    request_id: int
    request: ListedReference
    status_from: str
    status_to: str
    note: str
    display_author: str

    def get_status_from_display(self) -> str:
        return _status_label(self.status_from)

    def get_status_to_display(self) -> str:
        return _status_label(self.status_to)


def _listed_request(item: dict[str, Any]) -> ListedRequest:
    return ListedRequest(
        pk=item["pk"],
        reference=item["reference"],
        title=item["title"],
        status=item["status"],
        is_open=item["is_open"],
        due_date=_date(item["due_date"]),
        lead_unit=ListedUnit(item["lead_unit"]),
    )


def _listed_update(item: dict[str, Any]) -> ListedUpdate:
    return ListedUpdate(
        created_at=datetime.datetime.fromisoformat(item["created_at"]),
        request_id=item["request_id"],
        request=ListedReference(item["reference"]),
        status_from=item["status_from"],
        status_to=item["status_to"],
        note=item["note"],
        display_author=author_label(item["author_name"]) or item["author"],
    )


def _shown_row(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    shown = dict(row)
    if kind == "missions":
        shown["host_country"] = in_language(row["extra"], row["extra_fr"])
    elif kind == "units":
        shown["name"] = in_language(row["extra"], row["extra_fr"])
    else:
        shown["day"] = _date(row.get("day"))
    return shown


def shown(data: dict[str, Any]) -> dict[str, Any]:
    """The snapshot's data as the template reads it, in the active language."""
    figures = data["figures"]
    activity = data["activity"]
    tables = data["tables"]
    return {
        "figures": figures,
        "status_counts": selectors.status_counts(figures),
        "since": _date(data["since"]),
        "months": [_date(m) for m in activity["months"]],
        "completed": activity["completed"],
        "created": activity["created"],
        "updated": activity["updated"],
        **{name: [_listed_request(r) for r in rows] for name, rows in data["due"].items()},
        **{name: [_shown_row(name, row) for row in tables[name]["rows"]] for name in TABLES},
        "totals": {name: tables[name]["total"] for name in TABLES},
        "updates": [_listed_update(u) for u in data["updates"]],
    }
