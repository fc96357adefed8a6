"""The request list, read as plain rows.

A page of the list is what :class:`~mandates.api.serializers.RequestSerializer` shows of each
request, byte for byte; but building model instances and running DRF's fields one by one cost
several times what the database does (a page of 500 requests holds some 5,000 related
objects). So the list reads tuples (``values_list``): one query for the page, one per kind of
related row keyed by the page's ids, and builds each representation in one plain function. The
serializer stays what the detail, the writes and the schema use; tests compare the two on every
kind of row.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from mandates.api.fields import detail_url
from mandates.choices import RequestStatus
from mandates.models import Fulfilment, Request, RequestMission

#: The columns of a page row, in the order :func:`representations` reads them.
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


def base_queryset() -> QuerySet[Request]:
    """The requests the list filters and pages, in its default order."""
    return Request.objects.order_by("due_date", "reference", "pk")


class PageRows:
    """A filtered, ordered queryset for a paginator: counted as it is (without the joins of
    the page's columns), sliced into tuples of :data:`REQUEST_COLUMNS`."""

    def __init__(self, queryset: QuerySet[Request]) -> None:
        self.queryset = queryset
        self.ordered = queryset.ordered

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[tuple[Any, ...]]:
        return list(self.queryset.values_list(*REQUEST_COLUMNS)[index])

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.queryset.values_list(*REQUEST_COLUMNS))


def _ordering(model: Any, through_field: str) -> list[str]:
    """``model``'s default ordering, seen from a link table's ``through_field``: the order in
    which the serializer's prefetch lists a request's related objects."""
    names = []
    for name in model._meta.ordering:
        descending = name.startswith("-")
        names.append(("-" if descending else "") + f"{through_field}__{name.lstrip('-')}")
    return names


def _grouped(rows: Iterable[tuple[Any, ...]]) -> dict[int, list[tuple[Any, ...]]]:
    """Rows whose first value is a request id, by that id (order kept)."""
    groups: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        groups.setdefault(row[0], []).append(row)
    return groups


def _url_maker(context: dict[str, Any], view_name: str) -> Callable[[Any], str]:
    """A function giving an object's address from its id, as :func:`detail_url` does (the route
    reversed once, each id set into it)."""
    detail_url(context, view_name, 0)  # fills the context's template cache
    template = context["_detail_url_templates"][view_name]
    if not template:
        return lambda pk: detail_url(context, view_name, pk)
    head, tail = template
    return lambda pk: f"{head}{pk}{tail}"


def _datetime_text(tz: datetime.tzinfo) -> Callable[[datetime.datetime | None], str | None]:
    """A date and time as DRF's ``DateTimeField`` shows it: in the current time zone, ISO 8601,
    ``Z`` for UTC."""
    from rest_framework import serializers

    field = serializers.DateTimeField()

    def text(value: datetime.datetime | None) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:  # a naive value: DRF's own handling
            return field.to_representation(value)  # type: ignore[no-any-return]
        shown = value.astimezone(tz).isoformat()
        if shown.endswith("+00:00"):
            shown = shown[:-6] + "Z"
        return shown

    return text


def _date_text(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def representations(
    rows: Sequence[tuple[Any, ...]], *, context: dict[str, Any]
) -> list[dict[str, Any]]:
    """What ``RequestSerializer(many=True)`` gives for the requests of ``rows`` (tuples of
    :data:`REQUEST_COLUMNS`), in the same order, with four more queries whatever their number."""
    if not rows:
        return []
    ids = [row[0] for row in rows]
    today = context.get("today") or timezone.localdate()
    moment = _datetime_text(timezone.get_current_timezone())
    request_url = _url_maker(context, "api:request-detail")
    unit_url = _url_maker(context, "api:unit-detail")
    mission_url = _url_maker(context, "api:mission-detail")
    paragraph_url = _url_maker(context, "api:paragraph-detail")
    report_url = _url_maker(context, "api:sgreport-detail")
    document_url = _url_maker(context, "api:document-detail")

    supporting = _grouped(
        _SUPPORTING.objects.filter(request_id__in=ids)
        .order_by(*_ordering(_SUPPORTING._meta.get_field("unit").related_model, "unit"))
        .values_list("request_id", "unit_id", "unit__acronym")
    )
    paragraphs = _grouped(
        _PARAGRAPHS.objects.filter(request_id__in=ids)
        .order_by(
            *_ordering(_PARAGRAPHS._meta.get_field("paragraph").related_model, "paragraph")
        )
        .values_list("request_id", "paragraph_id", "paragraph__citation")
    )
    # A request's missions are those of its lines (one line per mission), in the same order.
    lines = _grouped(
        RequestMission.objects.filter(request_id__in=ids)
        .order_by("mission__acronym")
        .values_list(
            "request_id",
            "mission_id",
            "mission__acronym",
            "status",
            "due_date",
            "focal_point__username",
            "updated_at",
        )
    )
    # Within a request, the model's order: mission (by acronym), due date, id.
    fulfilments = _grouped(
        Fulfilment.objects.filter(request_id__in=ids)
        .order_by("request_id", "mission__acronym", "due_date", "pk")
        .values_list(
            "request_id",
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
        )
    )

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
    ) in rows:
        is_open = archived_at is None and status in _OPEN
        own_lines = lines.get(pk, ())
        mission_lines = []
        for _pk, _mission_id, acronym, line_status, line_due, focal_point, line_updated in own_lines:
            current_status = line_status or status
            current_due = line_due or due_date
            mission_lines.append(
                {
                    "mission": str(acronym),
                    "status": current_status,
                    "own_status": line_status is not None,
                    "due_date": _date_text(current_due),
                    "overdue": (
                        archived_at is None
                        and current_status in _OPEN
                        and current_due is not None
                        and current_due < today
                    ),
                    "focal_point": focal_point,
                    "updated_at": moment(line_updated),
                }
            )
        results.append(
            {
                "id": pk,
                "url": request_url(pk),
                "reference": reference,
                "title": title,
                "description": description,
                "status": status,
                "priority": priority,
                "due_date": _date_text(due_date),
                "overdue": is_open and due_date is not None and due_date < today,
                "recurrence": recurrence,
                "recurrence_months": recurrence_months,
                "recurrence_anchor": _date_text(recurrence_anchor),
                "lead_unit": {
                    "id": lead_unit_id,
                    "url": unit_url(lead_unit_id),
                    "display": str(lead_unit_acronym),
                },
                "supporting_units": [
                    {"id": unit_id, "url": unit_url(unit_id), "display": str(acronym)}
                    for _pk, unit_id, acronym in supporting.get(pk, ())
                ],
                "missions": [
                    {"id": line[1], "url": mission_url(line[1]), "display": str(line[2])}
                    for line in own_lines
                ],
                "mission_lines": mission_lines,
                "paragraphs": [
                    {"id": paragraph_id, "url": paragraph_url(paragraph_id), "display": str(cite)}
                    for _pk, paragraph_id, cite in paragraphs.get(pk, ())
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
                        "mission": None
                        if mission_id is None
                        else {
                            "id": mission_id,
                            "url": mission_url(mission_id),
                            "display": str(mission_acronym),
                        },
                        "due_date": _date_text(answered),
                        "outcome": outcome,
                        "report": None
                        if report_id is None
                        else {
                            "id": report_id,
                            "url": report_url(report_id),
                            "display": str(report_symbol),
                        },
                        "paragraphs": cited,
                        "document": None
                        if document_id is None
                        else {
                            "id": document_id,
                            "url": document_url(document_id),
                            "display": str(document_symbol),
                        },
                        "note": note,
                        "created_at": moment(recorded),
                    }
                    for (
                        _pk,
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
                    ) in fulfilments.get(pk, ())
                ],
            }
        )
    return results
