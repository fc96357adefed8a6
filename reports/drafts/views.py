"""The draft pages: a mission's drafts (generate one), a draft (read, edit, generate again,
issue) and its Word download. Everyone with a role reads them; the writes are the services'
(:mod:`reports.drafts.services`), which refuse those who may not draft for the mission."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mandates.models import Mission
from reports.drafts import services
from reports.drafts.docx import CITATION, draft_docx, table_headings
from reports.drafts.forms import GenerateForm, IssueForm, TextsForm
from reports.models import ReportDraft
from reports.views import NAV, dashboard_view

draft_view = permission_required("reports.view_reportdraft", raise_exception=True)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    nav = [{"section": key, "url": reverse(name), "label": label} for key, name, label in NAV]
    context = {"nav": nav, "section": "missions", "today": timezone.localdate(), **context}
    return render(request, template, context)


def _default_period(mission: Mission, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """From the day after the mission's latest registered report (else 90 days back) to today."""
    latest = mission.sg_reports.filter(date__lt=today).order_by("-date").first()
    start = latest.date + datetime.timedelta(days=1) if latest else today - datetime.timedelta(90)
    return start, today


def _linked(text: str, sources: dict[str, dict[str, str]]) -> SafeString:
    """A paragraph with its citations as links to their sources (the rest escaped)."""
    parts: list[str] = []
    position = 0
    for match in CITATION.finditer(text):
        parts.append(escape(text[position : match.start()]))
        source = sources.get(match.group(1))
        if source is None:
            parts.append(escape(match.group(0)))
        else:
            parts.append(
                format_html(
                    '<a class="cite" href="{}" title="{}">[{}]</a>',
                    source["url"],
                    source["label"],
                    match.group(1),
                )
            )
        position = match.end()
    parts.append(escape(text[position:]))
    return format_html_join("", "{}", ((part,) for part in parts))


@login_required
@dashboard_view
@draft_view
def mission_drafts(request: HttpRequest, acronym: str) -> HttpResponse:
    """A mission's drafts, and the form that generates one."""
    mission = get_object_or_404(Mission, acronym=acronym)
    may_draft = services.can_draft(request.user, mission, perm="add")
    start, end = _default_period(mission, timezone.localdate())
    initial = {"period_start": start, "period_end": end, "language": get_language()}
    form = GenerateForm(request.POST or None, mission=mission, initial=initial)
    if request.method == "POST":
        if not may_draft:
            raise PermissionDenied(_("You can draft only for the missions your units report for."))
        if form.is_valid():
            try:
                draft = services.draft_generate(
                    mission=mission,
                    period_start=form.cleaned_data["period_start"],
                    period_end=form.cleaned_data["period_end"],
                    reporting_date=form.cleaned_data["reporting_date"],
                    language=form.cleaned_data["language"],
                    by=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The draft was generated."))
                return redirect(draft.get_absolute_url())
    drafts = mission.report_drafts.select_related("report", "updated_by").order_by("-period_start")
    context = {"mission": mission, "form": form, "drafts": drafts, "may_draft": may_draft}
    return _page(request, "reports/dashboard/drafts.html", context)


@login_required
@dashboard_view
@draft_view
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft: its benchmark table, its sections with their citations and sources; for those
    who may draft for its mission, the forms to edit, generate again and issue it."""
    draft = get_object_or_404(
        ReportDraft.objects.select_related("mission", "report", "reporting_date", "updated_by"),
        pk=pk,
    )
    may_edit = services.can_draft(request.user, draft.mission) and not draft.is_issued
    action = request.POST.get("action") if request.method == "POST" else None
    texts_form = TextsForm(request.POST if action == "save" else None, draft=draft)
    issue_form = IssueForm(request.POST if action == "issue" else None, mission=draft.mission)
    if request.method == "POST":
        if not services.can_draft(request.user, draft.mission):
            raise PermissionDenied(_("You can draft only for the missions your units report for."))
        by: Any = request.user
        form: Any = None
        try:
            if action == "save":
                form = texts_form
                if form.is_valid():
                    services.draft_edit(draft=draft, texts=form.cleaned_data, by=by)
                    messages.success(request, _("The sections were saved."))
                    return redirect(draft.get_absolute_url())
            elif action == "regenerate":
                form = texts_form
                services.draft_generate(
                    mission=draft.mission,
                    period_start=draft.period_start,
                    period_end=draft.period_end,
                    language=draft.language,
                    by=by,
                )
                messages.success(request, _("The draft was generated again from the registry."))
                return redirect(draft.get_absolute_url())
            elif action == "issue":
                form = issue_form
                if form.is_valid():
                    services.draft_issue(
                        draft=draft,
                        report=form.cleaned_data["report"],
                        symbol=form.cleaned_data["symbol"],
                        date=form.cleaned_data["date"],
                        link=form.cleaned_data["link"],
                        by=by,
                    )
                    messages.success(request, _("The draft is issued."))
                    return redirect(draft.get_absolute_url())
            else:
                return HttpResponseBadRequest(_("Unknown action."))
        except ValidationError as error:
            form.add_error(None, error)
    sources = draft.data.get("sources", {})
    sections = [
        {
            "key": section["key"],
            "title": section["title"],
            "paragraphs": [
                _linked(paragraph.strip(), sources)
                for paragraph in (draft.texts.get(section["key"]) or "").split("\n\n")
                if paragraph.strip()
            ],
        }
        for section in draft.data.get("sections", [])
    ]
    rows = [
        {**row, "citations": _linked(" ".join(f"[{key}]" for key in row["sources"]), sources)}
        for row in draft.data.get("benchmarks", {}).get("rows", [])
    ]
    context = {
        "draft": draft,
        "mission": draft.mission,
        "benchmarks_title": draft.data.get("benchmarks", {}).get("title", ""),
        "rows": rows,
        "headings": table_headings(),
        "sections": sections,
        "sources": sources,
        "may_edit": may_edit,
        "texts_form": texts_form,
        "issue_form": issue_form,
    }
    return _page(request, "reports/dashboard/draft.html", context)


@login_required
@dashboard_view
@draft_view
def draft_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as a Word document."""
    draft = get_object_or_404(ReportDraft.objects.select_related("mission"), pk=pk)
    response = HttpResponse(draft_docx(draft), content_type=DOCX)
    name = f"ssr-section-{slugify(draft.mission.acronym)}-{draft.period_start:%Y-%m-%d}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
