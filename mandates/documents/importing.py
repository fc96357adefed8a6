"""Import a document from its text: the Document, its Paragraphs, and proposed Requests.

Steps of :func:`import_document`:
1. parse the text (:mod:`mandates.documents.parser`) within the bounds of :mod:`ssrtracker.limits`
   (size, paragraphs, parse time); a text that is over one, or is not a resolution, stops here;
2. in one transaction, create or update the Document (matched by symbol) and its paragraphs
   (matched by reference: ``PP3``, ``20``, ``20(e)``), changing only what differs;
3. for every operative paragraph or sub-paragraph that creates an obligation or expectation for
   an addressee with a route (the Secretary-General, missions, a mission by acronym) and is
   SSR-relevant (:mod:`mandates.documents.parser.ssr`), propose a request: lead unit from the
   routing table, due date and recurrence from the deadlines; a date outside
   ``EARLIEST_DATE..LATEST_DATE`` is dropped, and the report says so. The other paragraphs that
   ask something are listed, not proposed, with why (``not_ssr``, ``not_addressed``): staff may
   tick a routed one in the preview, and ``select`` then names exactly what is written;
4. a request already imported (same reference) is updated field by field, but only where the
   field still holds what the last import wrote: what staff edited is kept;
5. a resolution that renews mandates ("Decides to extend the mandate of MINUSCA until 15
   November 2025") proposes each renewal of a known mission (matched by acronym, else by name)
   and records it with :func:`mandates.organisation.renewals.renewal_record`, which also closes
   and opens the renewal-input requests; a renewal already recorded, of an unknown mission,
   without a date, or that the importing person may not record is reported, not recorded;
6. a dry run does all of this and rolls it back, so its report is an exact preview.
"""

from __future__ import annotations

import datetime
import os
import re
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from simple_history.utils import bulk_create_with_history

from mandates.choices import DocumentBody, DocumentKind, ParagraphKind, Priority, Recurrence
from mandates.documents.parser import (
    LimitExceeded,
    ParsedDocument,
    ParsedParagraph,
    ParseError,
    parse_bytes,
    parse_text,
)
from mandates.documents.references import citation_label, request_reference
from mandates.documents.titles import request_title
from mandates.models import (
    AddresseeRoute,
    Document,
    MandateRenewal,
    Mission,
    Paragraph,
    Request,
    Unit,
)
from mandates.organisation.renewals import renewal_record
from mandates.requests.services import request_create_many
from ssrtracker import limits
from ssrtracker.writes import service

REQUEST_STRENGTHS = {"obligation", "expectation"}
# Only adopted texts ask anything of anyone: drafts and reports create no requests.
KINDS_WITH_REQUESTS = {DocumentKind.RESOLUTION, DocumentKind.PRESIDENTIAL_STATEMENT}
_DURATION = re.compile(r"^P(?P<n>\d+)(?P<unit>[DMY])$")

# Why a paragraph that asks something is not proposed as a request.
NOT_SSR = "not_ssr"
NOT_ADDRESSED = "not_addressed"
NOT_TICKED = "not_ticked"
#: Reason -> how the summary says it (the admin shows translated labels).
SKIP_REASONS = {
    NOT_SSR: "not SSR",
    NOT_ADDRESSED: "not addressed to the Secretariat or a mission",
    NOT_TICKED: "not ticked",
}


class ImportFailed(Exception):
    """The text cannot be imported; the message says why. Nothing was written."""


class OverLimit(ImportFailed):
    """The document is over a bound of :mod:`ssrtracker.limits`: its size, its number of
    paragraphs, or the time its parse may take."""


@dataclass
class Proposal:
    """A request the import creates, updates or leaves as staff left it."""

    reference: str
    citation: str
    title: str
    addressees: list[str]
    lead_unit: str
    due_date: datetime.date | None
    recurrence: str
    action: str  # "create" | "update" | "keep" (staff edits kept) | "unchanged" | "skip"
    kept_fields: list[str] = field(default_factory=list)
    #: Why a paragraph that asks something is not proposed (then ``action`` is "skip"):
    #: one of :data:`SKIP_REASONS`; "" for a proposal.
    reason: str = ""
    #: The words that made the paragraph SSR-relevant (empty when it is not).
    ssr_words: list[str] = field(default_factory=list)

    @property
    def can_select(self) -> bool:
        """Can staff tick it? Only a paragraph whose addressee has a route has a lead unit."""
        return self.reason != NOT_ADDRESSED


@dataclass
class RenewalProposal:
    """A mandate renewal the document decides, and what the import does with it."""

    mission: str  # as the text names it
    acronym: str  # the mission it was matched to ("" when none)
    expiry: datetime.date | None
    paragraph: str
    action: str  # "record" | "unchanged" (already recorded) | "skip" (see the report's warnings)


@dataclass
class ImportReport:
    symbol: str
    title: str
    date: datetime.date | None
    dry_run: bool
    document_action: str = "unchanged"  # "create" | "update" | "unchanged"
    paragraphs: Counter[str] = field(default_factory=Counter)
    proposals: list[Proposal] = field(default_factory=list)
    #: Paragraphs that ask something but are not proposed, with the reason (unticked).
    not_proposed: list[Proposal] = field(default_factory=list)
    renewals: list[RenewalProposal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    preambular_count: int = 0
    operative_count: int = 0
    document_id: int | None = None

    @property
    def paragraph_counts(self) -> list[tuple[str, int]]:
        """("created", 50), ... — a list, since templates cannot iterate a Counter's items."""
        return sorted(self.paragraphs.items())

    def summary(self) -> str:
        actions = Counter(p.action for p in self.proposals)
        paragraphs = ", ".join(f"{n} {k}" for k, n in sorted(self.paragraphs.items())) or "none"
        requests = ", ".join(f"{n} {k}" for k, n in sorted(actions.items())) or "none"
        prefix = "Would import" if self.dry_run else "Imported"
        recorded = [r for r in self.renewals if r.action == "record"]
        renewals = (
            "; renewals: "
            + ", ".join(f"{r.acronym} until {r.expiry.isoformat()}" for r in recorded if r.expiry)
            if recorded
            else ""
        )
        reasons = Counter(p.reason for p in self.not_proposed)
        left_out = (
            "; not proposed: "
            + ", ".join(f"{n} {SKIP_REASONS[r]}" for r, n in sorted(reasons.items()))
            if reasons
            else ""
        )
        return (
            f"{prefix} {self.symbol} ({self.document_action}): {self.preambular_count} preambular "
            f"and {self.operative_count} operative paragraphs; paragraphs: {paragraphs}; "
            f"requests: {requests}{left_out}{renewals}."
        )


def read_document(source: Path | IO[bytes]) -> bytes:
    """The bytes of a document file (a path, or an open file such as an upload).

    A file over ``MAX_DOCUMENT_BYTES`` is refused with :class:`OverLimit` before it is read
    whole: its size is checked first where it is known, and at most one byte more than the
    limit is ever read (a pipe or a device has no size). A file that cannot be read raises
    :class:`ImportFailed`.
    """
    limit = limits.MAX_DOCUMENT_BYTES
    if isinstance(source, Path):
        try:
            with source.open("rb") as file:
                return _read_at_most(file, limit, os.fstat(file.fileno()).st_size)
        except OSError as exc:
            raise ImportFailed(f"Cannot read the file: {exc.strerror or exc}.") from None
        except ValueError:  # a NUL in the path: no file can have that name
            raise ImportFailed("Cannot read the file: its name holds a NUL character.") from None
    return _read_at_most(source, limit, getattr(source, "size", None))


def _read_at_most(file: IO[bytes], limit: int, size: int | None) -> bytes:
    if size is not None and size > limit:
        raise _too_large(size)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_large()
    return data


def _too_large(size: int | None = None) -> OverLimit:
    limit = limits.MAX_DOCUMENT_BYTES
    over = f"The file is {size:,} bytes, over" if size is not None else "The text is over"
    return OverLimit(f"{over} the limit of {limit / 2**20:g} MB ({limit:,} bytes).")


def parse(data: bytes | str) -> ParsedDocument:
    """Parse a document's text within the bounds of :mod:`ssrtracker.limits`.

    Raises :class:`OverLimit` for a text over ``MAX_DOCUMENT_BYTES`` (in UTF-8),
    with more than ``MAX_DOCUMENT_PARAGRAPHS`` paragraphs, or whose parse takes longer than
    ``MAX_PARSE_SECONDS``; :class:`ImportFailed` for one that is not a resolution.
    """
    if _size(data) > limits.MAX_DOCUMENT_BYTES:
        raise _too_large()
    if b"\x00" in data if isinstance(data, bytes) else "\x00" in data:
        # The parser reads past them, but no database text column can store them.
        raise ImportFailed("The file is not text (it holds NUL characters).")
    bounds: dict[str, Any] = {
        "max_paragraphs": limits.MAX_DOCUMENT_PARAGRAPHS,
        "max_seconds": limits.MAX_PARSE_SECONDS,
    }
    try:
        if isinstance(data, bytes):
            return parse_bytes(data, **bounds)
        return parse_text(data, **bounds)
    except LimitExceeded as exc:
        raise OverLimit(str(exc)) from None
    except ParseError as exc:
        raise ImportFailed(str(exc)) from None


def _size(data: bytes | str) -> int:
    """The size of ``data`` in bytes (text in UTF-8), counted without copying what need not be."""
    if isinstance(data, bytes) or data.isascii() or len(data) > limits.MAX_DOCUMENT_BYTES:
        return len(data)  # a character is at least one byte
    return len(data.encode("utf-8", "surrogatepass"))


def guess_kind(symbol: str) -> str:
    if symbol.startswith("S/RES/"):
        return DocumentKind.RESOLUTION
    if symbol.startswith("S/PRST/"):
        return DocumentKind.PRESIDENTIAL_STATEMENT
    return DocumentKind.OTHER


def _walk(
    paragraphs: list[ParsedParagraph], parent_ref: str | None = None
) -> Iterator[tuple[str, str | None, ParsedParagraph]]:
    """(ref, parent ref, paragraph) for operative paragraphs and sub-paragraphs, in order.

    Old resolutions may have unnumbered operative paragraphs: they take their position.
    """
    for position, para in enumerate(paragraphs, start=1):
        if parent_ref:
            ref = f"{parent_ref}({para.label})"
        else:
            ref = str(para.number if para.number is not None else position)
        yield ref, parent_ref, para
        yield from _walk(para.subparagraphs, ref)


@service
def import_document(
    *,
    data: bytes | str,
    kind: str | None = None,
    symbol: str | None = None,
    dry_run: bool = False,
    by: User | None = None,
    router: Router | None = None,
    symbol_fallback: str | None = None,
    select: Collection[str] | None = None,
) -> ImportReport:
    """Import one document's text; see the module docstring for the steps.

    ``symbol`` overrides the text's own symbol; ``symbol_fallback`` (e.g. from the file name) is
    used only when the text names none. A bulk import passes one ``router`` (the routing
    table, loaded once) to every call. ``select`` is the references of the requests staff
    ticked in a preview ("2149-OP30a"): exactly those routed paragraphs become requests; when
    it is None, the SSR-relevant ones do, and those already imported before.
    """
    parsed = parse(data)
    symbol = symbol or parsed.symbol or symbol_fallback
    if not symbol:
        raise ImportFailed(
            "The text does not name its symbol (such as S/RES/2553 (2020)); give it explicitly."
        )
    if not symbol.isprintable():
        raise ImportFailed(f"The symbol {symbol[:60]!r} holds control characters.")
    if kind is not None and kind not in DocumentKind.values:
        raise ImportFailed(f"Unknown kind {kind!r}; use one of: {', '.join(DocumentKind.values)}.")
    text = data if isinstance(data, str) else decode_text(data)
    warnings = list(parsed.warnings)
    if parsed.date is not None and not limits.date_in_range(parsed.date):
        warnings.append(
            f"The document's date {parsed.date.isoformat()} is {_outside_range()}: it was left out."
        )
        parsed.date = None
    report = ImportReport(
        symbol=symbol,
        title=parsed.title or "",
        date=parsed.date,
        dry_run=dry_run,
        preambular_count=len(parsed.preambular),
        operative_count=len(parsed.operative),
        warnings=warnings,
    )
    # Parsed outside the transaction: a parse may take up to MAX_PARSE_SECONDS, and holds no
    # database connection meanwhile.
    with transaction.atomic():
        document = _upsert_document(parsed, symbol, kind, text, report, by)
        report.document_id = document.pk
        planned = _planned_paragraphs(parsed)
        duplicates = [item["ref"] for item in planned if item.get("duplicate")]
        if duplicates:
            report.warnings.append(
                "Paragraph numbers repeated in the text were kept as: " + ", ".join(duplicates)
            )
        if report.document_action == "create":
            paragraphs = _create_paragraphs(document, planned, report)
        else:
            paragraphs = _upsert_paragraphs(document, planned, report)
        if document.kind in KINDS_WITH_REQUESTS:
            _propose_requests(document, planned, paragraphs, report, by, router or Router(), select)
        if document.kind == DocumentKind.RESOLUTION and parsed.renewals:
            _propose_renewals(document, parsed, report, by)
        if dry_run:
            transaction.set_rollback(True)
            report.document_id = None
    return report


_FILENAME_SYMBOL = re.compile(r"^S-RES-(?P<number>\d+)-(?P<year>\d{4})$", re.IGNORECASE)


def symbol_from_filename(stem: str) -> str | None:
    """ "S-RES-2151-2014" → "S/RES/2151 (2014)": the naming of the corpus and of UN downloads."""
    match = _FILENAME_SYMBOL.match(stem)
    return f"S/RES/{int(match['number'])} ({match['year']})" if match else None


def decode_text(data: bytes) -> str:
    """UTF-8, else Windows-1252 (a superset of Latin-1): the encodings resolutions come in."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _upsert_document(
    parsed: ParsedDocument,
    symbol: str,
    kind: str | None,
    text: str,
    report: ImportReport,
    by: User | None,
) -> Document:
    document = Document.objects.filter(symbol=symbol).first()
    values: dict[str, Any] = {
        "kind": kind or (document.kind if document else guess_kind(symbol)),
        "citation_label": document.citation_label if document else citation_label(symbol),
        "body": DocumentBody.SECURITY_COUNCIL
        if symbol.startswith("S/")
        else (document.body if document else DocumentBody.SECRETARIAT),
        "date": parsed.date or (document.date if document else None),
        "title": parsed.title or (document.title if document else ""),
        "source_text": text,
    }
    if document is None:
        document = Document(symbol=symbol, **values)
        report.document_action = "create"
    else:
        changed = [k for k, v in values.items() if getattr(document, k) != v]
        if not changed:
            return document
        for key in changed:
            setattr(document, key, values[key])
        report.document_action = "update"
    document._history_user = by  # type: ignore[attr-defined]
    document._change_reason = "Imported from text"  # type: ignore[attr-defined]
    # Field checks here; the database's own constraints guard the rest without extra queries.
    try:
        document.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise ImportFailed(f"The document cannot be saved ({problems})") from None
    document.save()
    return document


def _planned_paragraphs(parsed: ParsedDocument) -> list[dict[str, Any]]:
    planned: list[dict[str, Any]] = []
    for number, para in enumerate(parsed.preambular, start=1):
        planned.append(
            {
                "ref": f"PP{number}",
                "parent_ref": None,
                "kind": ParagraphKind.PREAMBULAR,
                "number": number,
                "label": "",
                "text": para.text,
                "lead_verb": para.verb[:60],
                "parsed": para,
            }
        )
    for ref, parent_ref, para in _walk(parsed.operative):
        top = int(ref.split("(")[0])
        planned.append(
            {
                "ref": ref,
                "parent_ref": parent_ref,
                "kind": ParagraphKind.OPERATIVE,
                "number": top,
                "label": para.label if parent_ref else "",
                "text": para.text,
                "lead_verb": para.verb[:60],
                "parsed": para,
            }
        )
    seen: dict[str, int] = {}
    renamed: dict[str, str] = {}
    for order, item in enumerate(planned, start=1):
        item["order"] = order
        if item["parent_ref"] in renamed:
            parent = renamed[item["parent_ref"]]
            item["parent_ref"] = parent
            item["ref"] = f"{parent}({item['label']})"
        # A number printed twice (a misprint or an extraction slip) must not stop the import:
        # the repeat is kept as "7-2", and the report says so.
        seen[item["ref"]] = seen.get(item["ref"], 0) + 1
        if seen[item["ref"]] > 1:
            new_ref = f"{item['ref']}-{seen[item['ref']]}"
            renamed[item["ref"]] = new_ref
            item["ref"] = new_ref
            item["duplicate"] = True
    return planned


def _upsert_paragraphs(
    document: Document, planned: list[dict[str, Any]], report: ImportReport
) -> dict[str, Paragraph]:
    existing = {p.ref: p for p in Paragraph.objects.filter(document=document)}
    if not existing:
        return _create_paragraphs(document, planned, report)

    if any(
        item["ref"] in existing and existing[item["ref"]].order != item["order"] for item in planned
    ):
        # Positions shift: move every row out of the way first (order is unique per document).
        Paragraph.objects.filter(document=document).update(order=F("order") + 1_000_000)
        for paragraph in existing.values():
            paragraph.order += 1_000_000
    by_ref: dict[str, Paragraph] = {}
    for item in planned:
        parent = by_ref.get(item["parent_ref"]) if item["parent_ref"] else None
        values = {k: item[k] for k in ("kind", "number", "label", "text", "lead_verb", "order")}
        found = existing.get(item["ref"])
        if found is None:
            paragraph = Paragraph(document=document, parent=parent, **values)
            paragraph.save()
            report.paragraphs["created"] += 1
        else:
            paragraph = found
            changed = [k for k, v in values.items() if getattr(paragraph, k) != v]
            if paragraph.parent_id != (parent.pk if parent else None):
                paragraph.parent = parent
                changed.append("parent")
            if changed:
                for key in changed:
                    if key != "parent":
                        setattr(paragraph, key, values[key])
                paragraph._change_reason = "Re-imported"  # type: ignore[attr-defined]
                paragraph.save()
                changed_text = [k for k in changed if k != "order"]
                report.paragraphs["updated" if changed_text else "unchanged"] += 1
            else:
                report.paragraphs["unchanged"] += 1
        by_ref[item["ref"]] = paragraph
    gone = sorted(set(existing) - set(by_ref))
    if gone:
        report.warnings.append(
            "Paragraphs no longer in the text were kept (requests may cite them): "
            + ", ".join(gone)
        )
    return by_ref


def _create_paragraphs(
    document: Document, planned: list[dict[str, Any]], report: ImportReport
) -> dict[str, Paragraph]:
    """A new document's paragraphs in a few bulk inserts, one per nesting level."""
    by_ref: dict[str, Paragraph] = {}
    levels: dict[int, list[dict[str, Any]]] = {}
    for item in planned:
        levels.setdefault(item["ref"].count("("), []).append(item)
    for depth in sorted(levels):
        batch = []
        for item in levels[depth]:
            parent = by_ref[item["parent_ref"]] if item["parent_ref"] else None
            paragraph = Paragraph(
                document=document,
                parent=parent,
                ref=item["ref"],
                citation=document.cite(item["ref"], item["kind"]),
                **{k: item[k] for k in ("kind", "number", "label", "text", "lead_verb", "order")},
            )
            batch.append(paragraph)
        for paragraph in bulk_create_with_history(batch, Paragraph, batch_size=500):
            by_ref[paragraph.ref] = paragraph
    if any(p.pk is None for p in by_ref.values()):
        # A backend that cannot return new ids from a bulk insert: read them back.
        by_ref = {p.ref: p for p in Paragraph.objects.filter(document=document)}
    report.paragraphs["created"] += len(by_ref)
    return by_ref


class Router:
    """The routing table, loaded once per import."""

    def __init__(self) -> None:
        self.routes = {
            r.addressee: r
            for r in AddresseeRoute.objects.select_related("lead_unit").prefetch_related(
                "supporting_units"
            )
        }
        self.mission_units = {
            unit.mission.acronym: unit  # type: ignore[union-attr]
            for unit in Unit.objects.filter(kind="mission_section", mission__isnull=False)
            .select_related("mission")
            .order_by("pk")
        }
        self.missions = {m.acronym: m for m in Mission.objects.all()}

    def route(self, addressees: list[str]) -> tuple[Unit, list[Unit], list[Mission]] | None:
        lead: Unit | None = None
        supporting: list[Unit] = []
        missions: list[Mission] = []
        for addressee in addressees:
            route = self.routes.get(addressee)
            unit = route.lead_unit if route else self.mission_units.get(addressee)
            if addressee in self.missions:
                missions.append(self.missions[addressee])
            if unit is None:
                continue
            if lead is None:
                lead = unit
                supporting += list(route.supporting_units.all()) if route else []
            elif unit != lead:
                supporting.append(unit)
        if lead is None:
            return None
        return lead, [u for u in dict.fromkeys(supporting) if u != lead], missions


def _recurrence(parsed: ParsedParagraph, anchor: datetime.date | None) -> dict[str, Any]:
    for deadline in parsed.deadlines:
        if deadline.recurrence == "regular_reports":
            return {"recurrence": Recurrence.MISSION_REPORTS}
        match = _DURATION.match(deadline.recurrence or "")
        if match and anchor is not None:
            n = int(match["n"])
            months = {"D": max(1, round(n / 30)), "M": n, "Y": 12 * n}[match["unit"]]
            return {
                "recurrence": Recurrence.INTERVAL,
                "recurrence_months": months,
                "recurrence_anchor": anchor,
            }
    return {"recurrence": Recurrence.NONE}


def _propose_requests(
    document: Document,
    planned: list[dict[str, Any]],
    paragraphs: dict[str, Paragraph],
    report: ImportReport,
    by: User | None,
    router: Router,
    select: Collection[str] | None,
) -> None:
    """Propose, create or update the document's requests (new ones in one batch).

    1. Every operative paragraph or sub-paragraph without sub-paragraphs of its own that creates
       an obligation or expectation is a candidate.
    2. A candidate whose addressees have no route is listed as ``not_addressed``: there is no
       unit to lead it, so it cannot be ticked.
    3. Without ``select``, a routed candidate is proposed when it is SSR-relevant or its request
       was imported before (re-imports keep what is tracked); else it is listed as ``not_ssr``.
       With ``select``, exactly the routed candidates named in it are proposed; the others are
       listed as ``not_ticked`` (or ``not_ssr`` when they are not relevant either).
    """
    tracked_by_paragraph: dict[int, set[str]] = {}
    for paragraph_id, reference in Request.paragraphs.through.objects.filter(
        paragraph__document=document
    ).values_list("paragraph_id", "request__reference"):
        tracked_by_paragraph.setdefault(paragraph_id, set()).add(reference)

    asking = []
    for item in planned:
        para = item["parsed"]
        if item["kind"] != ParagraphKind.OPERATIVE or para.subparagraphs:
            continue  # a chapeau's asks are in its sub-paragraphs
        if para.strength not in REQUEST_STRENGTHS:
            continue
        asking.append((item, para, request_reference(document.symbol, item["ref"])))
    existing = Request.objects.in_bulk([ref for *_, ref in asking], field_name="reference")

    candidates = []
    for item, para, reference in asking:
        paragraph = paragraphs[item["ref"]]
        relevance = para.ssr_or_assess()
        routed = router.route(para.addressees)
        if routed is None:
            report.not_proposed.append(_not_proposed(para, paragraph, reference, NOT_ADDRESSED))
            continue
        if select is not None:
            reason = "" if reference in select else (NOT_TICKED if relevance.relevant else NOT_SSR)
        else:
            reason = "" if relevance.relevant or reference in existing else NOT_SSR
        if reason:
            report.not_proposed.append(
                _not_proposed(para, paragraph, reference, reason, lead=routed[0].acronym)
            )
            continue
        candidates.append((para, paragraph, routed, reference, list(relevance.matched)))

    new_requests: list[tuple[Request, Paragraph, list[Unit], list[Mission]]] = []
    for para, paragraph, (lead, supporting, missions), reference, words in candidates:
        others = tracked_by_paragraph.get(paragraph.pk, set()) - {reference}
        if others and reference not in existing:
            report.warnings.append(
                f"{paragraph.citation} is already tracked by {', '.join(sorted(others))}: "
                "no new request proposed."
            )
            continue
        due = _due_date(para, paragraph.citation, report)
        values: dict[str, Any] = {
            "title": request_title(para.text, is_subparagraph=bool(para.label)),
            "description": f"{paragraph.citation}: {para.text}",
            "lead_unit": lead,
            "due_date": due,
            "priority": Priority.HIGH if para.strength == "obligation" else Priority.NORMAL,
            "recurrence_months": None,
            "recurrence_anchor": None,
            **_recurrence(para, document.date),
        }
        proposal = Proposal(
            reference=reference,
            citation=paragraph.citation,
            title=values["title"],
            addressees=list(para.addressees),
            lead_unit=lead.acronym,
            due_date=due,
            recurrence=values["recurrence"],
            action="create",
            ssr_words=words,
        )
        if reference in existing:
            proposal.action, proposal.kept_fields = _merge_request(existing[reference], values, by)
        else:
            request = Request(
                reference=reference,
                source_document=document,
                imported_values=_snapshot(values),
                **values,
            )
            # No clean_fields(): it would query for each foreign key the importer just read.
            new_requests.append((request, paragraph, supporting, missions))
        report.proposals.append(proposal)
    if new_requests:
        request_create_many(
            batch=[(r, [p], units, missions) for r, p, units, missions in new_requests],
            by=by,
            reason=f"Imported from {document.symbol}",
        )


def _not_proposed(
    para: ParsedParagraph, paragraph: Paragraph, reference: str, reason: str, *, lead: str = ""
) -> Proposal:
    """A paragraph that asks something, listed in the report but not proposed."""
    return Proposal(
        reference=reference,
        citation=paragraph.citation,
        title=request_title(para.text, is_subparagraph=bool(para.label)),
        addressees=list(para.addressees),
        lead_unit=lead,
        due_date=None,
        recurrence="",
        action="skip",
        reason=reason,
        ssr_words=list(para.ssr_or_assess().matched),
    )


def find_mission(name: str) -> Mission | None:
    """The mission a renewal names: by acronym, else by its full name (case aside, "the" and
    "the current" aside)."""
    clean = re.sub(
        r"^(?:the\s+)?(?:(?:current|present|existing)\s+)?", "", name.strip(), flags=re.I
    )
    if not clean:
        return None
    return (
        Mission.objects.filter(acronym__iexact=clean).first()
        or Mission.objects.filter(name__iexact=clean).order_by("pk").first()
    )


def _propose_renewals(
    document: Document, parsed: ParsedDocument, report: ImportReport, by: User | None
) -> None:
    """Propose and record the renewals the resolution decides (step 5 of the module docstring)."""
    for found in parsed.renewals:
        mission = find_mission(found.mission)
        proposal = RenewalProposal(
            mission=found.mission,
            acronym=mission.acronym if mission else "",
            expiry=found.expires,
            paragraph=found.paragraph,
            action="skip",
        )
        report.renewals.append(proposal)
        where = f"{document.citation_label or document.symbol} OP{found.paragraph}"
        if mission is None:
            report.warnings.append(
                f"{where} renews the mandate of {found.mission!r}, which is not a known "
                "mission: no renewal recorded."
            )
            continue
        if found.expires is None or not limits.date_in_range(found.expires):
            report.warnings.append(
                f"{where} renews the mandate of {mission.acronym} without a date the import "
                "can read: record the renewal by hand."
            )
            continue
        if document.date is None:
            report.warnings.append(
                f"{where}: the resolution's adoption date is unknown, so the renewal of "
                f"{mission.acronym} is not recorded."
            )
            continue
        if MandateRenewal.objects.filter(mission=mission, expiry=found.expires).exists():
            proposal.action = "unchanged"
            continue
        try:
            renewal_record(
                mission=mission,
                resolution=document,
                adopted=document.date,
                expiry=found.expires,
                note=f"Imported from {where}",
                by=by,
            )
        except PermissionDenied as exc:
            report.warnings.append(f"{where}: {exc}")
            continue
        except ValidationError as exc:
            report.warnings.append(
                f"{where}: the renewal of {mission.acronym}: {' '.join(exc.messages)}"
            )
            continue
        proposal.action = "record"


def _outside_range() -> str:
    return f"outside {limits.EARLIEST_DATE.isoformat()}..{limits.LATEST_DATE.isoformat()}"


def _due_date(para: ParsedParagraph, citation: str, report: ImportReport) -> datetime.date | None:
    """The first due date of the paragraph's deadlines between EARLIEST_DATE and LATEST_DATE.

    A date outside them ("by 31 December 9999", a misread year) is not a due date anyone can
    work to: it is dropped, and the report says so.
    """
    for deadline in para.deadlines:
        if deadline.due is None:
            continue
        if limits.date_in_range(deadline.due):
            return deadline.due
        report.warnings.append(
            f'{citation}: "{deadline.text}" gives {deadline.due.isoformat()}, '
            f"{_outside_range()}: not used as a due date."
        )
    return None


def _snapshot(values: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe copy of what the import wrote, to recognise later what staff changed."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Unit):
            out[key] = value.pk
        elif isinstance(value, datetime.date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def _merge_request(
    request: Request, values: dict[str, Any], by: User | None
) -> tuple[str, list[str]]:
    """Apply the new import's values where staff have not changed the field since the last one."""
    new = _snapshot(values)
    old = request.imported_values or {}
    current = _snapshot({key: getattr(request, key) for key in values})
    if not old:
        # Not created by an import (seeded or entered by staff): every field is theirs.
        staff_fields = [key for key, value in new.items() if current.get(key) != value]
        return ("keep" if staff_fields else "unchanged"), staff_fields
    changed: list[str] = []
    kept: list[str] = []
    for key, value in new.items():
        if current.get(key) == value:
            continue
        if key in old and current.get(key) != old[key]:
            kept.append(key)  # staff edited it: theirs stands
            continue
        setattr(request, key, values[key])
        changed.append(key)
    if not changed and request.imported_values == new:
        return ("keep" if kept else "unchanged"), kept
    request.imported_values = new
    request._history_user = by  # type: ignore[attr-defined]
    request._change_reason = "Re-imported"  # type: ignore[attr-defined]
    request.clean_fields()
    request.save()
    return ("update" if changed else ("keep" if kept else "unchanged")), kept
