"""Dashboard pages for resolution 2553 OP20(e)/(f): each mission's benchmark scorecard and the
coverage of the Secretary-General's reports. Both print cleanly and export to Excel."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from mandates.benchmarks import selectors as selectors
from mandates.choices import CoverageElement, ProgressStatus, Rating
from mandates.models import Mission
from mandates.sg_reports import selectors as sg_report_selectors
from reports.views import _page

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Fills for the spreadsheet cells; the text in each cell names the state as well.
FILLS = {
    "on_track": "C6EFCE",
    "achieved": "C6EFCE",
    "covered": "C6EFCE",
    "at_risk": "FFEB9C",
    "off_track": "FFC7CE",
    "missing": "FFC7CE",
    "not_assessed": "EDEDED",
    "not_reviewed": "EDEDED",
    "no_data": "EDEDED",
}

benchmarks_view = permission_required("mandates.view_benchmark", raise_exception=True)
coverage_view = permission_required("mandates.view_secretarygeneralreport", raise_exception=True)


def _period_label(period: tuple[Any, Any]) -> str:
    start, end = period
    return f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"


@login_required
@benchmarks_view
def scorecards(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "reports/dashboard/scorecards.html",
        "benchmarks",
        {"missions": list(selectors.scorecard_missions())},
    )


@login_required
@benchmarks_view
def scorecard(request: HttpRequest, acronym: str) -> HttpResponse:
    mission = get_object_or_404(Mission, acronym=acronym)
    card = selectors.scorecard(mission, today=timezone.localdate())
    context = {
        "mission": mission,
        "card": card,
        "periods": [(p, _period_label(p)) for p in card.periods],
        "ratings": Rating.choices,
        "progress_choices": ProgressStatus.choices,
        "next_report": sg_report_selectors.next_report_due(mission, today=timezone.localdate()),
    }
    return _page(request, "reports/dashboard/scorecard.html", "benchmarks", context)


@login_required
@benchmarks_view
def scorecard_xlsx(request: HttpRequest, acronym: str) -> HttpResponse:
    mission = get_object_or_404(Mission, acronym=acronym)
    card = selectors.scorecard(mission, today=timezone.localdate())
    header = [
        _("Reference"),
        _("Indicator"),
        _("National-ownership element"),
        _("Sector component"),
        _("Baseline"),
        _("Target"),
        _("Target date"),
        *[_period_label(p) for p in card.periods],
        _("Progress to target (computed from the figures)"),
    ]
    rows: list[list[Any]] = [[(h, None) for h in header]]
    for row in card.rows:
        b = row.benchmark
        cells: list[Any] = [
            (b.reference, None),
            (b.indicator, None),
            (str(b.get_ownership_element_display()), None),
            (b.component.name if b.component else "", None),
            (b.baseline, None),
            (b.target, None),
            (b.target_date, None),
        ]
        for assessment in row.cells:
            if assessment is None:
                cells.append(("", None))
            else:
                text = str(assessment.get_rating_display())
                if assessment.value:
                    text += f": {assessment.value}"
                cells.append((text, assessment.rating))
        label = str(ProgressStatus(row.progress).label)
        if row.progress_by_hand:
            label += f" ({_('set by hand')}: {b.progress_override_reason})"
        cells.append((label, row.progress))
        rows.append(cells)
    return _xlsx([(_("Scorecard"), rows)], filename=f"scorecard-{slugify(mission.acronym)}.xlsx")


@login_required
@coverage_view
def coverage(request: HttpRequest) -> HttpResponse:
    mission = _mission_filter(request)
    today = timezone.localdate()
    context = {
        "missions": selectors.coverage_matrix(mission=mission, today=today),
        # Column heads without the "OP20(e):" prefix the column groups already give.
        "elements": [
            (value, re.split(r"\s*:\s+", str(label), maxsplit=1)[-1])
            for value, label in CoverageElement.choices
        ],
        "elements_e": [
            c for c in CoverageElement.choices if CoverageElement.subparagraph(c[0]) == "e"
        ],
        "elements_f": [
            c for c in CoverageElement.choices if CoverageElement.subparagraph(c[0]) == "f"
        ],
        "mission_choices": list(
            Mission.objects.filter(sg_reports__isnull=False).distinct().order_by("acronym")
        ),
        "selected": mission,
    }
    return _page(request, "reports/dashboard/coverage.html", "coverage", context)


def _mission_filter(request: HttpRequest) -> Mission | None:
    acronym = request.GET.get("mission") or ""
    return get_object_or_404(Mission, acronym=acronym) if acronym else None


@login_required
@coverage_view
def coverage_xlsx(request: HttpRequest) -> HttpResponse:
    mission = _mission_filter(request)
    matrix = selectors.coverage_matrix(mission=mission, today=timezone.localdate())
    header = [_("Mission"), _("Report"), _("Date")] + [
        str(label) for _value, label in CoverageElement.choices
    ]
    rows: list[list[Any]] = [[(h, None) for h in header]]
    for entry in matrix:
        for row in entry.rows:
            cells: list[Any] = [
                (entry.mission.acronym, None),
                (row.report.symbol, None),
                (row.report.date, None),
            ]
            for item in row.cells:
                if item is None:
                    cells.append(("", None))
                    continue
                text = str(item.get_state_display())
                if item.paragraphs:
                    text += f" ({_('paras.')} {item.paragraphs})"
                cells.append((text, item.state))
            rows.append(cells)
    name = f"coverage-{slugify(mission.acronym)}.xlsx" if mission else "coverage.xlsx"
    return _xlsx([(_("Report coverage"), rows)], filename=name)


def _xlsx(sheets: Iterable[tuple[str, list[list[Any]]]], *, filename: str) -> HttpResponse:
    """A workbook of (value, state) cells: the state colours the cell, the value names it."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.freeze_panes = "B2"
        for number, row in enumerate(rows):
            out = []
            for value, state in row:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
                    cell.data_type = "s"  # text, never a formula
                if number == 0:
                    cell.font = bold
                if state in FILLS:
                    cell.fill = PatternFill("solid", fgColor=FILLS[state])
                out.append(cell)
            sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
