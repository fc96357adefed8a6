"""Spreadsheet exports of a filtered request list: CSV streamed row by row, XLSX in one file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from mandates.choices import RequestStatus
from mandates.models import Request, RequestMission
from mandates.requests import selectors as request_selectors

#: Where the API's request queryset prefetches each request's mission lines.
PREFETCHED_LINES = "prefetched_mission_lines"

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000


def _columns() -> list[tuple[str, Any]]:
    today = timezone.localdate()

    def units(r: Request) -> str:
        return ", ".join(u.acronym for u in r.supporting_units.all())

    return [
        (_("Reference"), lambda r: r.reference),
        (_("Title"), lambda r: r.title),
        (_("Status"), lambda r: str(r.get_status_display())),
        (_("Priority"), lambda r: str(r.get_priority_display())),
        (_("Due date"), lambda r: r.due_date),
        (_("Overdue"), lambda r: _("yes") if r.is_overdue(today=today) else ""),
        (_("Lead unit"), lambda r: r.lead_unit.acronym),
        (_("Supporting units"), units),
        (_("Missions"), lambda r: ", ".join(m.acronym for m in r.missions.all())),
        (_("Mission states"), lambda r: request_selectors.line_states(lines_of(r))),
        (_("Source paragraphs"), lambda r: "; ".join(p.citation for p in r.paragraphs.all())),
        (_("Created"), lambda r: timezone.localtime(r.created_at).replace(tzinfo=None)),
        (_("Updated"), lambda r: timezone.localtime(r.updated_at).replace(tzinfo=None)),
        (
            _("Closed"),
            lambda r: timezone.localtime(r.closed_at).replace(tzinfo=None) if r.closed_at else None,
        ),
        (_("Archived"), lambda r: _("yes") if r.archived_at else ""),
    ]


def lines_of(request: Request) -> list[RequestMission]:
    """The request's mission lines, from the prefetch when there is one (each pointing back at
    the request, whose status and due date a line that follows it shows)."""
    lines = getattr(request, PREFETCHED_LINES, None)
    if lines is None:
        lines = list(request.mission_lines.select_related("mission", "focal_point"))
    for line in lines:
        line.request = request
    return lines


def _line_columns() -> list[tuple[str, Any]]:
    today = timezone.localdate()
    return [
        (_("Reference"), lambda line: line.request.reference),
        (_("Title"), lambda line: line.request.title),
        (_("Mission"), lambda line: line.mission.acronym),
        (_("Line status"), lambda line: str(RequestStatus(line.current_status).label)),
        (_("Own status"), lambda line: _("yes") if line.status else _("as the request")),
        (_("Due date"), lambda line: line.current_due_date),
        (
            _("Overdue"),
            lambda line: _("yes") if request_selectors.line_is_overdue(line, today=today) else "",
        ),
        (
            _("Focal point"),
            lambda line: line.focal_point.get_username() if line.focal_point_id else "",
        ),
        (_("Request status"), lambda line: str(line.request.get_status_display())),
        (_("Lead unit"), lambda line: line.request.lead_unit.acronym),
    ]


def _rows(queryset: QuerySet[Request], *, per: str = "request") -> Iterator[list[Any]]:
    if per == "mission":
        line_columns = _line_columns()
        yield [str(title) for title, _value in line_columns]
        for request in queryset.iterator(chunk_size=CHUNK):
            for line in lines_of(request):
                yield [value(line) for _title, value in line_columns]
        return
    columns = _columns()
    yield [str(title) for title, _value in columns]
    for request in queryset.iterator(chunk_size=CHUNK):
        yield [value(request) for _title, value in columns]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any) -> Any:
    # A cell starting with = + - @ would be run as a formula by spreadsheet programs.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return value


def requests_csv(
    queryset: QuerySet[Request], *, filename: str, per: str = "request"
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"  # lets Excel read UTF-8
        for row in _rows(queryset, per=per):
            yield writer.writerow([_csv_cell(cell) for cell in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def requests_xlsx(
    queryset: QuerySet[Request], *, filename: str, per: str = "request"
) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Requests"))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value: Any, *, header: bool = False) -> Any:
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith("="):
            written.data_type = "s"  # text, never a formula
        if header:
            written.font = bold
        return written

    for number, row in enumerate(_rows(queryset, per=per)):
        sheet.append([cell(value, header=number == 0) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
