"""Reads for one use case each, with everything they show loaded up front."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from mandates.documents.compare import Alignment, Side, align
from mandates.models import Document, Paragraph, Request


@dataclass
class ComparedParagraph:
    """One row of a comparison: the alignment and the database rows behind it."""

    alignment: Alignment
    old: Paragraph | None
    new: Paragraph | None
    open_requests: list[Request] = field(default_factory=list)
    #: (change, label) for each of ``alignment.changes``, set by the page that shows the row.
    changes: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def can_carry_forward(self) -> bool:
        return self.new is not None and bool(self.open_requests)


def compare_documents(old: Document, new: Document) -> list[ComparedParagraph]:
    """Align ``old``'s paragraphs to ``new``'s (two queries), with ``old``'s open requests."""
    open_requests = Prefetch(
        "requests",
        queryset=Request.objects.open().select_related("lead_unit").order_by("reference"),
        to_attr="open_request_list",
    )
    old_paragraphs = list(
        Paragraph.objects.filter(document=old).order_by("order").prefetch_related(open_requests)
    )
    new_paragraphs = list(Paragraph.objects.filter(document=new).order_by("order"))

    def sides(paragraphs: Sequence[Paragraph]) -> list[Side]:
        return [Side(p.pk, p.ref, p.kind, p.text, p.parent_id) for p in paragraphs]

    old_by_id = {p.pk: p for p in old_paragraphs}
    new_by_id = {p.pk: p for p in new_paragraphs}
    rows = []
    for alignment in align(sides(old_paragraphs), sides(new_paragraphs)):
        old_row = old_by_id[alignment.old.key] if alignment.old else None
        rows.append(
            ComparedParagraph(
                alignment=alignment,
                old=old_row,
                new=new_by_id[alignment.new.key] if alignment.new else None,
                open_requests=list(getattr(old_row, "open_request_list", [])),
            )
        )
    return rows
