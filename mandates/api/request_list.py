"""The request list, read as plain rows.

A page of the list is what :class:`~mandates.api.serializers.RequestSerializer` shows of each
request, byte for byte; but building model instances and running DRF's fields one by one cost
several times what the database does (a page of 500 requests holds some 5,000 related
objects). So the list reads tuples and builds each representation in one plain function:

- on PostgreSQL, one query returns the page with each request's related rows aggregated into
  JSON arrays (the page's ids are a subquery, so a deep page costs no more than the first);
- elsewhere, one query for the page and one per kind of related row, keyed by the page's ids.

The serializer stays what the detail, the writes and the schema use; tests compare the two on
every kind of row, on both paths.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Aggregate, Func, JSONField, Model, OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone
from rest_framework import serializers
from rest_framework.reverse import reverse

from mandates.api.fields import detail_url, detail_url_template
from mandates.choices import RequestStatus
from mandates.models import Fulfilment, Request, RequestMission

#: The columns of a page row, in the order :func:`representations` reads them; the related rows
#: (:data:`RELATED`) follow.
REQUEST_COLUMNS = (
    "id",
    "reference",
    "title",
    "description",
    "status",
    "priority",
    "due_date",
    "recurrence",
    "recurrence_months",
    "recurrence_anchor",
    "lead_unit_id",
    "lead_unit__acronym",
    "predecessor_id",
    "predecessor__reference",
    "created_at",
    "updated_at",
    "closed_at",
    "archived_at",
    "version",
)

_SUPPORTING = Request.supporting_units.through
_PARAGRAPHS = Request.paragraphs.through
_OPEN = frozenset(RequestStatus.open())


def _ordering(model: type[Model], names: Iterable[Any], prefix: str = "") -> list[str]:
    """``names`` (an ordering of ``model``) with each relation replaced by its model's own
    ordering, as Django orders by a relation: the order the serializer's prefetches give."""
    expanded = []
    for name in names:
        descending = name.startswith("-")
        bare = name.lstrip("-")
        field = model._meta.pk if bare == "pk" else model._meta.get_field(bare)
        related = field.related_model if field.is_relation else None
        attname = getattr(field, "attname", None)
        if isinstance(related, type) and related._meta.ordering and bare != attname:
            for inner in _ordering(related, related._meta.ordering, f"{prefix}{bare}__"):
                flip = inner.startswith("-") != descending
                expanded.append(("-" if flip else "") + inner.lstrip("-"))
        else:
            expanded.append(("-" if descending else "") + prefix + bare)
    return expanded


def _fulfilment_ordering() -> list[str]:
    """A request's fulfilments in the model's order (which starts with the request)."""
    names = _ordering(Fulfilment, Fulfilment._meta.ordering or ())
    return [name for name in names if not name.lstrip("-").startswith("request__")]


#: Each kind of related row: the model (its ``request`` is the request), the columns and their
#: order within a request.
RELATED: dict[str, tuple[type[Model], tuple[str, ...], list[str]]] = {
    "supporting_units": (
        _SUPPORTING,
        ("unit_id", "unit__acronym"),
        _ordering(_SUPPORTING, ["unit"]),
    ),
    "paragraphs": (
        _PARAGRAPHS,
        ("paragraph_id", "paragraph__citation"),
        _ordering(_PARAGRAPHS, ["paragraph"]),
    ),
    # A request's missions are those of its lines (one line per mission), in the same order.
    "mission_lines": (
        RequestMission,
        (
            "mission_id",
            "mission__acronym",
            "status",
            "due_date",
            "focal_point__username",
            "updated_at",
        ),
        _ordering(RequestMission, ["mission"]),
    ),
    "fulfilments": (
        Fulfilment,
        (
            "id",
            "mission_id",
            "mission__acronym",
            "due_date",
            "outcome",
            "report_id",
            "report__symbol",
            "paragraphs",
            "document_id",
            "document__symbol",
            "note",
            "created_at",
        ),
        _fulfilment_ordering(),
    ),
}

#: Columns of related rows that are dates or times (positions in RELATED's columns): JSON
#: carries them as text.
_DATES = {"mission_lines": {3: "date", 5: "datetime"}, "fulfilments": {3: "date", 11: "datetime"}}


def base_queryset() -> QuerySet[Request]:
    """The requests the list filters and pages, in its default order."""
    return Request.objects.order_by("due_date", "reference", "pk")


class PageRows:
    """A filtered, ordered queryset for a paginator: counted as it is (without the joins of
    the page's columns), sliced into rows for :func:`representations`: the columns of
    :data:`REQUEST_COLUMNS`, then the lists of related rows of :data:`RELATED`."""

    def __init__(self, queryset: QuerySet[Request]) -> None:
        self.queryset = queryset
        self.ordered = queryset.ordered

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[tuple[Any, ...]]:
        return fetch(self.queryset, index)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(fetch(self.queryset, slice(None)))


def fetch(queryset: QuerySet[Request], index: slice) -> list[tuple[Any, ...]]:
    """The rows of ``queryset[index]``, each with its related rows."""
    ordering = queryset.query.order_by
    if (
        connections[queryset.db].vendor == "postgresql"
        and index.step is None
        and ordering
        and not queryset.query.annotations
        and all(isinstance(name, str) for name in ordering)
    ):
        return _fetch_aggregated(queryset, index)
    return _fetch_by_ids(queryset, index)


def _fetch_by_ids(queryset: QuerySet[Request], index: slice) -> list[tuple[Any, ...]]:
    rows = list(queryset.values_list(*REQUEST_COLUMNS)[index])
    ids = [row[0] for row in rows]
    related = []
    for model, columns, ordering in RELATED.values():
        groups: dict[int, list[tuple[Any, ...]]] = {}
        if ids:
            found = (
                model._default_manager.filter(request_id__in=ids)
                .order_by("request_id", *ordering)
                .values_list("request_id", *columns)
            )
            for request_id, *values in found:
                groups.setdefault(request_id, []).append(tuple(values))
        related.append(groups)
    return [(*row, *(groups.get(row[0], []) for groups in related)) for row in rows]


class _JSONAgg(OrderableAggMixin, Aggregate):
    """PostgreSQL's ``json_agg``: plain JSON is cheaper to build than ``jsonb``, and the
    driver decodes it."""

    function = "JSON_AGG"
    template = "%(function)s(%(expressions)s %(order_by)s)"
    output_field = JSONField()


class _JSONArray(Func):
    function = "JSON_BUILD_ARRAY"
    output_field = JSONField()


class _ToJSON(Func):
    """A value as JSON: a time as ISO 8601 text, which decodes faster than the driver's time
    values as Django sets them up."""

    function = "TO_JSON"
    output_field = JSONField()


def _aggregated(name: str) -> Subquery:
    """A request's related rows of kind ``name``, as one JSON array of arrays (NULL for none)."""
    model, columns, ordering = RELATED[name]
    return Subquery(
        model._default_manager.filter(request_id=OuterRef("pk"))
        .order_by()
        .values("request_id")
        .annotate(rows=_JSONAgg(_JSONArray(*columns), order_by=ordering))
        .values("rows"),
        output_field=JSONField(),
    )


#: The positions in :data:`REQUEST_COLUMNS` of times, which the one-query path reads as JSON.
_REQUEST_TIMES = tuple(
    position for position, name in enumerate(REQUEST_COLUMNS) if name.endswith("_at")
)


#: Where the page's ids go in :func:`_aggregated_sql`: a subquery no other SQL holds.
_PAGE_MARKER = "SELECT 987654321987"


@functools.lru_cache(maxsize=64)
def _aggregated_sql(ordering: tuple[str, ...], using: str) -> str:
    """The SQL of the page's rows with their related rows, for an ordering, with the page's
    ids as :data:`_PAGE_MARKER`. Building and compiling it costs more than the database takes
    to run it for a page of 50; it is the same for every page in that order, so it is built
    once."""
    rows = (
        # A constant, replaced below by the page's compiled (parametrised) SQL.
        Request.objects.filter(pk__in=RawSQL(_PAGE_MARKER, ()))  # noqa: S611  # nosec B611
        .order_by(*ordering)
        .values_list(
            *(
                _ToJSON(name) if position in _REQUEST_TIMES else name
                for position, name in enumerate(REQUEST_COLUMNS)
            ),
            *(_aggregated(name) for name in RELATED),
        )
    )
    sql, params = rows.query.get_compiler(using=using).as_sql()
    if params or sql.count(_PAGE_MARKER) != 1:  # pragma: no cover - a change of Django's SQL
        raise RuntimeError("Unexpected SQL for the request list.")
    return str(sql)


def _fetch_aggregated(queryset: QuerySet[Request], index: slice) -> list[tuple[Any, ...]]:
    try:
        page_sql, params = queryset.values("pk")[index].query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # an empty slice, or filters that select nothing
        return []
    # The page is a subquery; its table names are its own (SQL scopes shadow the outer ones).
    sql = _aggregated_sql(tuple(queryset.query.order_by), queryset.db).replace(
        _PAGE_MARKER, page_sql
    )
    width = len(REQUEST_COLUMNS)
    result = []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    parse_time = datetime.datetime.fromisoformat
    for row in rows:
        values = list(row[:width])
        for position in _REQUEST_TIMES:
            if values[position] is not None:
                values[position] = parse_time(values[position])
        related = []
        for name, found in zip(RELATED, row[width:], strict=True):
            if isinstance(found, str):  # JSON as text, as Django has the driver give it
                found = json.loads(found)
            items = [tuple(item) for item in found or ()]
            kinds = _DATES.get(name)
            if kinds:
                items = [_parsed(item, kinds) for item in items]
            related.append(items)
        result.append((*values, *related))
    return result


def _parsed(item: tuple[Any, ...], kinds: dict[int, str]) -> tuple[Any, ...]:
    values = list(item)
    for position, kind in kinds.items():
        text = values[position]
        if text is not None:
            parse = datetime.date if kind == "date" else datetime.datetime
            values[position] = parse.fromisoformat(text)
    return tuple(values)


def _url_maker(context: dict[str, Any], view_name: str) -> Callable[[Any], str]:
    """A function giving an object's address from its id, as :func:`detail_url` does."""
    template = detail_url_template(context, view_name)
    if not template:
        return lambda pk: detail_url(context, view_name, pk)
    head, tail = template
    return lambda pk: f"{head}{pk}{tail}"


def _datetime_text(tz: datetime.tzinfo) -> Callable[[datetime.datetime | None], str | None]:
    """A date and time as DRF's ``DateTimeField`` shows it: in the current time zone, ISO 8601,
    ``Z`` for UTC."""
    field = serializers.DateTimeField()

    def text(value: datetime.datetime | None) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:  # a naive value: DRF's own handling
            return field.to_representation(value)
        shown = value.astimezone(tz).isoformat()
        if shown.endswith("+00:00"):
            shown = shown[:-6] + "Z"
        return shown

    return text


def _date_text(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _link(url: Callable[[Any], str], pk: Any, display: Any) -> dict[str, Any] | None:
    """A related object as the compact field gives it: id, link and display (None for none)."""
    if pk is None:
        return None
    return {"id": pk, "url": url(pk), "display": str(display)}


def _overdue(
    archived_at: Any, status: str, due: datetime.date | None, today: datetime.date
) -> bool:
    """The serializer's ``overdue``: a live request (or line) open and past its due date."""
    return archived_at is None and status in _OPEN and due is not None and due < today


def representations(
    rows: Sequence[tuple[Any, ...]], *, context: dict[str, Any]
) -> list[dict[str, Any]]:
    """What ``RequestSerializer(many=True)`` gives for the requests of ``rows`` (as
    :class:`PageRows` gives them), in the same order."""
    today = context.get("today") or timezone.localdate()
    moment = _datetime_text(timezone.get_current_timezone())
    request_url = _url_maker(context, "api:request-detail")
    own_url = request_url
    suffix = context.get("format")
    if suffix:  # a list asked for with a format suffix links each request with it too
        own_url = lambda pk: reverse(  # noqa: E731
            "api:request-detail", kwargs={"pk": pk}, request=context.get("request"), format=suffix
        )
    unit_url = _url_maker(context, "api:unit-detail")
    mission_url = _url_maker(context, "api:mission-detail")
    paragraph_url = _url_maker(context, "api:paragraph-detail")
    report_url = _url_maker(context, "api:sgreport-detail")
    document_url = _url_maker(context, "api:document-detail")

    results = []
    for (
        pk,
        reference,
        title,
        description,
        status,
        priority,
        due_date,
        recurrence,
        recurrence_months,
        recurrence_anchor,
        lead_unit_id,
        lead_unit_acronym,
        predecessor_id,
        predecessor_reference,
        created_at,
        updated_at,
        closed_at,
        archived_at,
        version,
        supporting_units,
        paragraphs,
        lines,
        fulfilments,
    ) in rows:
        mission_lines = []
        for _mission_id, acronym, line_status, line_due, focal_point, line_updated in lines:
            current_status = line_status or status
            current_due = line_due or due_date
            mission_lines.append(
                {
                    "mission": str(acronym),
                    "status": current_status,
                    "own_status": line_status is not None,
                    "due_date": _date_text(current_due),
                    "overdue": _overdue(archived_at, current_status, current_due, today),
                    "focal_point": focal_point,
                    "updated_at": moment(line_updated),
                }
            )
        results.append(
            {
                "id": pk,
                "url": own_url(pk),
                "reference": reference,
                "title": title,
                "description": description,
                "status": status,
                "priority": priority,
                "due_date": _date_text(due_date),
                "overdue": _overdue(archived_at, status, due_date, today),
                "recurrence": recurrence,
                "recurrence_months": recurrence_months,
                "recurrence_anchor": _date_text(recurrence_anchor),
                "lead_unit": _link(unit_url, lead_unit_id, lead_unit_acronym),
                "supporting_units": [
                    _link(unit_url, unit_id, acronym) for unit_id, acronym in supporting_units
                ],
                "missions": [_link(mission_url, line[0], line[1]) for line in lines],
                "mission_lines": mission_lines,
                "paragraphs": [
                    _link(paragraph_url, paragraph_id, cite) for paragraph_id, cite in paragraphs
                ],
                "predecessor": None
                if predecessor_id is None
                else {
                    "id": predecessor_id,
                    "url": request_url(predecessor_id),
                    "display": str(predecessor_reference),
                },
                "created_at": moment(created_at),
                "updated_at": moment(updated_at),
                "closed_at": moment(closed_at),
                "archived_at": moment(archived_at),
                "version": version,
                "fulfilments": [
                    {
                        "id": fulfilment_id,
                        "mission": _link(mission_url, mission_id, mission_acronym),
                        "due_date": _date_text(answered),
                        "outcome": outcome,
                        "report": _link(report_url, report_id, report_symbol),
                        "paragraphs": cited,
                        "document": _link(document_url, document_id, document_symbol),
                        "note": note,
                        "created_at": moment(recorded),
                    }
                    for (
                        fulfilment_id,
                        mission_id,
                        mission_acronym,
                        answered,
                        outcome,
                        report_id,
                        report_symbol,
                        cited,
                        document_id,
                        document_symbol,
                        note,
                        recorded,
                    ) in fulfilments
                ],
            }
        )
    return results
