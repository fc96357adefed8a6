"""The draft as a Word document (python-docx): a heading per section, the benchmark table as a
Word table, one paragraph a sentence with its citations, and the list of sources with their
addresses."""

from __future__ import annotations

import io
import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document

from reports.drafts.selectors import section_titles
from reports.models import ReportDraft

#: A citation in a section's text: "[U12]".
CITATION = re.compile(r"\[([A-Z]{1,2}\d+)\]")


def table_headings() -> list[str]:
    """The benchmark table's column headings in the active language."""
    return [
        _("Benchmark"),
        _("Baseline"),
        _("Target"),
        _("Latest rating in the period"),
        _("Evidence"),
    ]


def draft_docx(draft: ReportDraft) -> bytes:
    """The draft's Word document, in the draft's language: its current (edited) texts, the
    generated benchmark table and the sources cited."""
    with translation.override(draft.language):
        return _build(draft)


def _build(draft: ReportDraft) -> bytes:
    data = draft.data
    document = Document()
    document.add_heading(data.get("title", str(draft)), level=0)
    benchmarks = data.get("benchmarks", {"title": "", "rows": []})
    document.add_heading(benchmarks["title"], level=1)
    headings = table_headings()
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = text
    for row in benchmarks["rows"]:
        rating = row["rating_label"] + (f" ({row['value']})" if row["value"] else "")
        marks = " ".join(f"[{key}]" for key in row["sources"])
        values = [
            f"{row['indicator']} ({row['reference']})",
            row["baseline"] or "–",
            row["target"] or "–",
            f"{rating} {marks}",
            row["evidence"] or "–",
        ]
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    if not benchmarks["rows"]:
        document.add_paragraph(_("No benchmark is recorded for this mission."))
    titles = {s["key"]: s["title"] for s in data.get("sections", [])} or section_titles()
    for key, title in titles.items():
        document.add_heading(title, level=1)
        for paragraph in (draft.texts.get(key) or "").split("\n\n"):
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())
    sources = data.get("sources", {})
    cited = _cited(draft, sources)
    if cited:
        document.add_heading(_("Sources"), level=1)
        for key in cited:
            source = sources[key]
            document.add_paragraph(
                f"[{key}] {source['label']}: {settings.SITE_URL}{source['url']}",
                style="List Bullet",
            )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _cited(draft: ReportDraft, sources: dict[str, dict[str, str]]) -> list[str]:
    """The source keys cited by the table and the current texts, in the order of ``sources``."""
    used = {
        key for row in draft.data.get("benchmarks", {}).get("rows", []) for key in row["sources"]
    }
    for text in draft.texts.values():
        used.update(CITATION.findall(text))
    return [key for key in sources if key in used]
