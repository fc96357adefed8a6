"""The managers' dashboards: server-rendered pages, login required, filters in the URL."""

from __future__ import annotations

import datetime
import json
from collections import OrderedDict
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from mandates.activities import calendar as activity_calendar
from mandates.activities import selectors as activity_selectors
from mandates.choices import DocumentKind, ParagraphKind, Rating, RequestStatus
from mandates.models import Document, Mission, Unit
from mandates.requests import selectors as request_selectors
from mandates.requests.querysets import without_document_text
from reports import charts, selectors
from reports import overview as overview_data
from reports.forms import DashboardFilters
from reports.forms import menu_options as menu_suggestions
from reports.models import Summary
from reports.months import short_month
from reports.pdf import masthead as pdf_masthead
from reports.pdf import summary_pdf
from reports.prose import narrative
from reports.summaries import render as render_summary

S = RequestStatus
#: Rows per page of long lists: missions, units, deadlines, the matrix, resolutions, a mission's
#: requests.
PAGE_SIZE = 100
#: Rows per page of the matrix: each row has a cell for each mission of the page.
MATRIX_PAGE_SIZE = 50
NAV = [
    ("overview", "dashboard:overview", gettext_lazy("Overview")),
    ("missions", "dashboard:missions", gettext_lazy("Missions")),
    ("units", "dashboard:units", gettext_lazy("Units")),
    ("resolutions", "dashboard:resolutions", gettext_lazy("Resolutions")),
    ("deadlines", "dashboard:deadlines", gettext_lazy("Deadlines")),
    ("matrix", "dashboard:matrix", gettext_lazy("Matrix")),
    ("benchmarks", "dashboard:scorecards", gettext_lazy("Benchmarks")),
    ("coverage", "dashboard:coverage", gettext_lazy("Report coverage")),
    ("activities", "dashboard:activities", gettext_lazy("Activities")),
    ("summaries", "dashboard:summaries", gettext_lazy("Summaries")),
]

dashboard_view = permission_required("mandates.view_request", raise_exception=True)


def _page(
    request: HttpRequest, template: str, section: str, context: dict[str, Any]
) -> HttpResponse:
    nav = [{"section": key, "url": reverse(name), "label": label} for key, name, label in NAV]
    context = {"nav": nav, "section": section, "today": timezone.localdate(), **context}
    return render(request, template, context)


def _exports(filters: DashboardFilters, **extra: Any) -> dict[str, str]:
    base = reverse("api:request-export")
    query = {**filters.api_query(), **extra}
    return {fmt: f"{base}?{urlencode({**query, 'file_format': fmt})}" for fmt in ("csv", "xlsx")}


def _status_segments(counts: list[tuple[str, str, int]]) -> list[charts.Segment]:
    return [charts.Segment(key, label, n) for key, label, n in counts]


@login_required
@dashboard_view
def overview(request: HttpRequest) -> HttpResponse:
    filters = DashboardFilters(request.GET or None)
    # Counted once for everyone (a stored snapshot, recounted every few minutes), not per view.
    data, computed_at = overview_data.current(filters, today=timezone.localdate())
    shown = overview_data.shown(data)
    counts = shown["status_counts"]
    month_labels = [short_month(m) for m in shown["months"]]
    completed, created, updated = shown["completed"], shown["created"], shown["updated"]
    query = request.GET.urlencode()
    context = {
        "filters": filters,
        "figures": shown["figures"],
        "status_counts": counts,
        "status_chart": charts.stacked_bar(_status_segments(counts), title=_("Requests by status")),
        "completion_chart": charts.columns(
            month_labels,
            [
                charts.Series("completed", pgettext("number of requests", "Completed"), completed),
                charts.Series("accent", _("New"), created),
                charts.Series("updates", _("Updates recorded"), updated),
            ],
            title=_("Activity by month: requests completed, new requests, updates recorded"),
        ),
        "completion_table": list(zip(month_labels, completed, created, updated, strict=True)),
        "overdue": shown["overdue"],
        "due_30": shown["due_30"],
        "due_90": shown["due_90"],
        "missions": shown["missions"],
        "units": shown["units"],
        "resolutions": shown["resolutions"],
        "totals": shown["totals"],
        "all_links": {
            name: f"{reverse(f'dashboard:{name}')}{'?' + query if query else ''}"
            for name in overview_data.TABLES
        },
        "updates": shown["updates"],
        "since": shown["since"],
        "as_of": timezone.localtime(computed_at),
        "recount_minutes": (
            overview_data.refresh_every_minutes() if settings.OVERVIEW_MAX_AGE > 0 else None
        ),
        "exports": _exports(filters),
        "export_overdue": _exports(filters, overdue="true"),
    }
    return _page(request, "reports/dashboard/overview.html", "overview", context)


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@login_required
@dashboard_view
def missions(request: HttpRequest) -> HttpResponse:
    filters = DashboardFilters(request.GET or None, fields=("unit", "theme", "include_closed"))
    today = timezone.localdate()
    listed = selectors.missions_listed(today=today, include_closed=filters.shows_closed())
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.mission_table(filters.requests(), today=today, missions=page.object_list)
    return _page(
        request,
        "reports/dashboard/missions.html",
        "missions",
        {"filters": filters, "missions": rows, "page": page},
    )


@login_required
@dashboard_view
def mission(request: HttpRequest, acronym: str) -> HttpResponse:
    mission = get_object_or_404(Mission, acronym=acronym)
    filters = DashboardFilters(request.GET or None, fields=("unit", "theme"))
    today = timezone.localdate()
    requests = filters.requests().for_mission(mission.pk)
    figures = selectors.figures(requests, today=today, since=today - _days(90))
    # The mission's own figures count its lines (a request may be done for one mission and
    # late for another): the one selector the API's and the export's line states agree with.
    lines = request_selectors.mission_line_counts(mission.pk, today=today, requests=requests)
    figures.update(lines, due_30=lines["due_soon"])
    counts = selectors.status_counts(figures)
    line_page = Paginator(selectors.mission_lines(mission, requests), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    paragraphs, paragraph_total = selectors.mission_paragraphs(requests)
    benchmarks, benchmark_total = selectors.mission_benchmarks(
        mission, today=today, limit=selectors.BENCHMARK_LIMIT
    )
    context = {
        "mission": mission,
        "filters": filters,
        "figures": figures,
        "status_chart": charts.stacked_bar(
            _status_segments(counts), title=_("Mission lines by status")
        ),
        "status_counts": counts,
        "page": line_page,
        "line_rows": selectors.line_rows(line_page, today=today),
        "paragraphs": paragraphs,
        "paragraph_total": paragraph_total,
        "benchmarks": benchmarks,
        "benchmark_total": benchmark_total,
        "ratings": Rating.choices,
        "next_report": selectors.next_report_due(mission, today=today),
        "expiry_days": (mission.mandate_expiry - today).days if mission.mandate_expiry else None,
        "exports": _exports(filters, mission=mission.pk),
        "activities": _recent_activities(request, mission=mission),
    }
    return _page(request, "reports/dashboard/mission.html", "missions", context)


@login_required
@dashboard_view
def units(request: HttpRequest) -> HttpResponse:
    filters = DashboardFilters(request.GET or None, fields=("mission", "theme"))
    today = timezone.localdate()
    page = Paginator(selectors.unit_table(filters.requests(), today=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return _page(
        request,
        "reports/dashboard/units.html",
        "units",
        {"filters": filters, "units": page.object_list, "page": page},
    )


@login_required
@dashboard_view
def unit(request: HttpRequest, acronym: str) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("mission", "parent"), acronym=acronym)
    filters = DashboardFilters(request.GET or None, fields=("period",))
    today = timezone.localdate()
    since = filters.since(today)
    requests = DashboardFilters().requests().for_units([unit.pk])
    workload = selectors.unit_workload(unit)
    context = {
        "unit": unit,
        "filters": filters,
        "since": since,
        "figures": selectors.figures(requests, today=today, since=since),
        "workload": [
            (value, label, workload["led"][value], workload["supported"][value])
            for value, label in S.choices
        ],
        "workload_chart": charts.stacked_bar(
            [charts.Segment(v, str(label), workload["led"][v]) for v, label in S.choices],
            title=_("Requests led, by status"),
        ),
        "overdue": selectors.overdue(requests, today=today, limit=50),
        "due_30": selectors.due_between(requests, start=today, end=today + _days(30)),
        "updates": selectors.latest_updates(requests, since=since, limit=15),
        "authors": selectors.update_authors(requests, since=since),
        "exports": _exports(DashboardFilters(), unit=unit.pk),
        "activities": _recent_activities(request, unit=unit),
    }
    return _page(request, "reports/dashboard/unit.html", "units", context)


def _recent_activities(request: HttpRequest, **where: Any) -> list[Any] | None:
    """The latest activities of a mission or unit page, or None for a role that may not read
    activities."""
    if not request.user.has_perm("mandates.view_activity"):
        return None
    return activity_selectors.recent(**where, limit=ACTIVITIES_SHOWN)


#: Activities listed on a mission's or a unit's page (the calendar has them all).
ACTIVITIES_SHOWN = 10


def _month(value: str | None, today: datetime.date) -> tuple[int, int]:
    """The month a ``?month=YYYY-MM`` names, this month when it names none or is not one."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        datetime.date(year, month, 1)
    except ValueError:
        return today.year, today.month
    if not 1900 <= year <= 2100:
        return today.year, today.month
    return year, month


@login_required
@permission_required("mandates.view_activity", raise_exception=True)
def activities(request: HttpRequest) -> HttpResponse:
    """The activities calendar: a month grid of what was done, filtered by mission, unit and
    theme, with links to the previous and next months."""
    filters = DashboardFilters(request.GET or None, fields=("mission", "unit", "theme"))
    today = timezone.localdate()
    year, month = _month(request.GET.get("month"), today)
    first, last = activity_calendar.month_bounds(year, month)
    values = filters.values
    chosen = activity_selectors.filtered(
        mission=values.get("mission"), unit=values.get("unit"), theme=values.get("theme")
    )
    month_items = list(
        activity_selectors.between(chosen, first=first, last=last).order_by(
            "start_date", "title", "pk"
        )
    )
    weeks = activity_calendar.month_grid(year, month, month_items)
    query = filters.api_query()

    def link(by: int) -> str:
        y, m = activity_calendar.shift_month(year, month, by)
        params = dict(query)
        params["month"] = f"{y:04d}-{m:02d}"
        return "?" + urlencode(params)

    context = {
        "filters": filters,
        "month_start": first,
        "month_value": f"{year:04d}-{month:02d}",
        "weeks": weeks,
        "weekdays": [week_day.date for week_day in weeks[0]],
        "month_items": month_items,
        "previous_link": link(-1),
        "next_link": link(1),
        "this_month_link": "?" + urlencode(query) if query else request.path,
    }
    return _page(request, "reports/dashboard/activities.html", "activities", context)


@login_required
@dashboard_view
def resolutions(request: HttpRequest) -> HttpResponse:
    filters = DashboardFilters(request.GET or None, fields=("mission", "unit", "theme"))
    page = Paginator(selectors.resolutions_listed(), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    counts = selectors.resolution_counts(
        filters.requests(), today=timezone.localdate(), documents=[d.pk for d in shown]
    )
    page.object_list = selectors.with_counts(shown, counts)
    return _page(
        request,
        "reports/dashboard/resolutions.html",
        "resolutions",
        {"filters": filters, "documents": page.object_list, "page": page},
    )


@login_required
@dashboard_view
def resolution(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(
        without_document_text(Document.objects.all()), pk=pk, kind=DocumentKind.RESOLUTION
    )
    filters = DashboardFilters(request.GET or None, fields=("mission", "unit", "theme"))
    today = timezone.localdate()
    requests = filters.requests()
    paragraphs = selectors.resolution_paragraphs(document, requests=requests)
    tracked = {r.pk: r for p in paragraphs for r in p.tracked}  # type: ignore[attr-defined]
    counts: dict[str, int] = {}
    for item in tracked.values():
        counts[item.status] = counts.get(item.status, 0) + 1
    segments = [charts.Segment(v, str(label), counts.get(v, 0)) for v, label in S.choices]
    context = {
        "document": document,
        "filters": filters,
        "preamble": [p for p in paragraphs if p.kind == ParagraphKind.PREAMBULAR],
        "operative": [p for p in paragraphs if p.kind != ParagraphKind.PREAMBULAR],
        "tracked_count": len(tracked),
        "overdue_count": sum(1 for r in tracked.values() if r.is_overdue(today=today)),
        "status_chart": charts.stacked_bar(segments, title=_("Requests by status")),
        "status_counts": [(v, str(label), counts.get(v, 0)) for v, label in S.choices],
        "exports": _exports(filters, document=document.pk),
    }
    return _page(request, "reports/dashboard/resolution.html", "resolutions", context)


@login_required
@dashboard_view
def deadlines(request: HttpRequest) -> HttpResponse:
    filters = DashboardFilters(request.GET or None, fields=("mission", "unit", "theme"))
    today = timezone.localdate()
    horizon = today + _days(180)
    requests = filters.requests()
    page = Paginator(selectors.deadlines(requests, end=horizon), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    overdue_total, month_totals = selectors.deadline_counts(requests, today=today, end=horizon)
    overdue: list[Any] = []
    by_month: OrderedDict[datetime.date, list[Any]] = OrderedDict()
    for item in page:
        due: datetime.date = item.due_date  # type: ignore[assignment]  # filtered: due by horizon
        if due < today:
            overdue.append(item)
        else:
            by_month.setdefault(due.replace(day=1), []).append(item)
    context = {
        "filters": filters,
        "page": page,
        "overdue": overdue,
        "overdue_total": overdue_total,
        "months": [
            (month, rows, month_totals.get(month, len(rows))) for month, rows in by_month.items()
        ],
        "horizon": horizon,
        "exports": _exports(filters, open="true"),
    }
    return _page(request, "reports/dashboard/deadlines.html", "deadlines", context)


@login_required
@dashboard_view
def matrix(request: HttpRequest) -> HttpResponse:
    filters = DashboardFilters(request.GET or None, fields=("unit", "theme"))
    today = timezone.localdate()
    page = Paginator(selectors.matrix(filters.requests()), MATRIX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    columns = selectors.matrix_columns(page)
    table = []
    for item in page:
        # Each cell is the mission's line: its own status (or the request's while it follows
        # it), "overdue" when the line is.
        lines = {line.mission_id: line for line in item.mission_lines.all()}
        cells: list[str | None] = []
        for m in columns:
            line = lines.get(m.pk)
            if line is None:
                cells.append(None)
                continue
            line.request = item
            overdue = request_selectors.line_is_overdue(line, today=today)
            cells.append("overdue" if overdue else line.current_status)
        table.append((item, cells))
    legend = [(value, label) for value, label in S.choices] + [("overdue", _("Overdue"))]
    return _page(
        request,
        "reports/dashboard/matrix.html",
        "matrix",
        {
            "filters": filters,
            "columns": columns,
            "table": table,
            "page": page,
            "legend": legend,
            "exports": _exports(filters),
        },
    )


@login_required
@dashboard_view
def menu_options(request: HttpRequest, menu: str) -> JsonResponse:
    """Suggestions for a mission or unit menu drawn as a search box: ``?q=`` in an acronym or a
    name, at most 20."""
    if menu not in ("mission", "unit"):
        raise Http404
    return JsonResponse({"results": menu_suggestions(menu, request.GET.get("q", ""))})


@login_required
@permission_required("reports.view_summary", raise_exception=True)
def summaries(request: HttpRequest) -> HttpResponse:
    items = Summary.objects.filter(compiled_at__isnull=False).defer("data", "html", "text")
    return _page(
        request,
        "reports/dashboard/summaries.html",
        "summaries",
        {"summaries": list(items.order_by("-period_start", "kind")[:200])},
    )


@login_required
@permission_required("reports.view_summary", raise_exception=True)
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Summary, pk=pk, compiled_at__isnull=False)
    downloads = [
        (label, reverse("dashboard:summary-download", args=[item.pk, fmt]))
        for fmt, (label, _type) in DOWNLOADS.items()
    ]
    context = {"summary": item, "story": narrative(item.data), "downloads": downloads}
    return _page(request, "reports/dashboard/summary.html", "summaries", context)


DOWNLOADS = {
    "pdf": (gettext_lazy("PDF"), "application/pdf"),
    "html": (gettext_lazy("HTML (for e-mail)"), "text/html; charset=utf-8"),
    "txt": (gettext_lazy("Plain text"), "text/plain; charset=utf-8"),
    "json": (gettext_lazy("Figures (JSON)"), "application/json"),
}


@login_required
@permission_required("reports.view_summary", raise_exception=True)
def summary_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in DOWNLOADS:
        raise Http404
    item = get_object_or_404(Summary, pk=pk, compiled_at__isnull=False)
    name = f"summary-{item.kind}-{item.period_start:%Y-%m-%d}.{fmt}"
    if fmt == "pdf":
        footer = _("Compiled by ssrtracker on %(date)s") % {
            "date": date_format(timezone.localtime(item.compiled_at), "DATE_FORMAT")
        }
        pdf = summary_pdf(narrative(item.data), masthead=pdf_masthead(), footer=footer)
        response = HttpResponse(pdf, content_type=DOWNLOADS[fmt][1])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    html, text = item.html, item.text
    if get_language() != settings.LANGUAGE_CODE:  # the stored copy is in the site's language
        _title, html, text = render_summary(item.data)
    body = {
        "html": html,
        "txt": text,
        "json": json.dumps(item.data, indent=2, ensure_ascii=False),
    }[fmt]
    response = HttpResponse(body, content_type=DOWNLOADS[fmt][1])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
