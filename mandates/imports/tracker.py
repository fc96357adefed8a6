"""Import an existing tracker from a sheet: requests, status updates or benchmark assessments.

Every row is written through the services of its model, with the rights of the person
importing (``by``), so an import obeys the same rules as the admin and the API:

- **requests** (key: the reference). A new reference creates the request
  (:func:`~mandates.requests.services.request_create`); a known one is changed through
  :func:`~mandates.requests.services.request_edit` (status moves by the workflow, a focal point
  changes only their units' requests, only administrators hand a request to another unit).
  Columns absent from the sheet are left as they are; a row equal to the stored request is
  "unchanged" and writes nothing, so a sheet exported from the app imports as all unchanged.
- **status updates** (appended, never changed): the key of an update is (request, mission line,
  time, status, note); a row whose key is already in the timeline is "unchanged", so importing
  the same log twice adds nothing. A row with a mission is an update of that mission's line.
- **assessments** (key: benchmark and period start): created, or changed when the benchmark is
  already assessed for that period.

How a file is imported:

1. The sheet is read (:mod:`mandates.imports.sheets`) and its header matched to the columns, by
   their English or French names or their keys; an unknown column is an error.
2. The rows are imported in order, in one transaction, each in a savepoint: a row refused by a
   rule is rolled back alone and gets its errors (row number, column, message), and the next
   rows are still tried, so one run lists every error.
3. If any row has an error, or for a dry run (the preview), the whole transaction is rolled
   back: nothing is written. A dry run therefore says exactly what a real run would do.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from mandates.benchmarks.services import assessment_create, assessment_update
from mandates.choices import Priority, Rating, RequestStatus
from mandates.imports import sheets
from mandates.models import (
    Benchmark,
    BenchmarkAssessment,
    Document,
    Mission,
    Paragraph,
    Request,
    RequestMission,
    SecretaryGeneralReport,
    StatusUpdate,
    Unit,
)
from mandates.organisation import permissions
from mandates.requests.services import (
    WorkflowError,
    archived_units_named,
    check_transition,
    line_update_status,
    request_create,
    request_edit,
    request_update_status,
)
from ssrtracker.limits import date_in_range


class Kind(enum.StrEnum):
    REQUESTS = "requests"
    STATUS_UPDATES = "status_updates"
    ASSESSMENTS = "assessments"


class Action(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    #: Needed on every row (else only to create).
    required: bool = False
    #: Written by the export, read by nobody: accepted and left out.
    ignored: bool = False


# The labels are the export's (mandates.api.exports), so an exported sheet imports as it is.
REQUEST_COLUMNS = (
    Column("reference", _lazy("Reference"), required=True),
    Column("title", _lazy("Title")),
    Column("description", _lazy("Description")),
    Column("status", _lazy("Status")),
    Column("priority", _lazy("Priority")),
    Column("due_date", _lazy("Due date")),
    Column("lead_unit", _lazy("Lead unit")),
    Column("supporting_units", _lazy("Supporting units")),
    Column("missions", _lazy("Missions")),
    Column("paragraphs", _lazy("Source paragraphs")),
    Column("created", _lazy("Created")),
    Column("closed", _lazy("Closed")),
    Column("overdue", _lazy("Overdue"), ignored=True),
    Column("mission_states", _lazy("Mission states"), ignored=True),
    Column("updated", _lazy("Updated"), ignored=True),
    Column("archived", _lazy("Archived"), ignored=True),
)
STATUS_UPDATE_COLUMNS = (
    Column("reference", _lazy("Reference"), required=True),
    Column("mission", _lazy("Mission")),
    Column("status", _lazy("Status"), required=True),
    Column("note", _lazy("Note")),
    Column("date", _lazy("Date"), required=True),
    Column("author", _lazy("Author")),
    Column("evidence_url", _lazy("Evidence link")),
)
ASSESSMENT_COLUMNS = (
    Column("benchmark", _lazy("Benchmark"), required=True),
    Column("period_start", _lazy("Period start"), required=True),
    Column("period_end", _lazy("Period end")),
    Column("rating", _lazy("Rating")),
    Column("value", _lazy("Value")),
    Column("narrative", _lazy("Narrative")),
    Column("evidence", _lazy("Evidence")),
    Column("evidence_url", _lazy("Evidence link")),
    Column("source_report", _lazy("Source report")),
    Column("report", _lazy("Secretary-General report")),
)
COLUMNS: dict[Kind, tuple[Column, ...]] = {
    Kind.REQUESTS: REQUEST_COLUMNS,
    Kind.STATUS_UPDATES: STATUS_UPDATE_COLUMNS,
    Kind.ASSESSMENTS: ASSESSMENT_COLUMNS,
}


@dataclass
class CellError:
    column: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"column": self.column, "message": self.message}


@dataclass
class RowResult:
    row: int
    key: str = ""
    action: str = Action.UNCHANGED
    changes: list[str] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "key": self.key,
            "action": self.action,
            "changes": self.changes,
            "errors": [error.to_dict() for error in self.errors],
        }


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    #: Errors of the file itself (unreadable, unknown or missing columns): row 1 is the header.
    errors: list[CellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not any(row.errors for row in self.rows)

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Action, 0)
        for row in self.rows:
            counts[Action(row.action)] += 1
        return {str(action): count for action, count in counts.items()}

    def summary(self) -> str:
        counts = self.counts()
        return _(
            "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
            "%(error)d with errors."
        ) % {key: counts[key] for key in ("created", "updated", "unchanged", "error")}

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "written": self.written,
            "counts": self.counts(),
            "errors": [error.to_dict() for error in self.errors],
            "rows": [row.to_dict() for row in self.rows],
        }


def run_import(
    *,
    kind: str,
    data: bytes,
    file_format: str,
    by: User | None,
    dry_run: bool,
    filename: str = "",
    now: datetime.datetime | None = None,
) -> ImportReport:
    """Import the sheet ``data`` (``csv`` or ``xlsx``) as ``kind``: see the module's steps.
    Nothing is written for a dry run or when any row has an error."""
    kind = Kind(kind)
    filename = filename.replace("\\", "/").rpartition("/")[2][-100:]
    report = ImportReport(kind=kind, dry_run=dry_run)
    try:
        sheet = sheets.read_sheet(data, file_format)
    except sheets.UnreadableSheet as exc:
        report.errors.append(CellError("", str(exc)))
        return report
    importer = IMPORTERS[kind](by=by, now=now or timezone.now(), filename=filename)
    positions = importer.match_header(sheet.header, report)
    if report.errors:
        return report
    with transaction.atomic():
        for number, cells in sheet.rows:
            values = {key: cells[i] if i < len(cells) else None for key, i in positions.items()}
            result = RowResult(row=number)
            try:
                with transaction.atomic():
                    importer.import_row(values, result)
                    if result.errors:
                        raise _RowRefused
            except _RowRefused:
                pass
            except ValidationError as exc:
                importer.validation_errors(exc, result)
            except (PermissionDenied, WorkflowError) as exc:
                result.errors.append(CellError(importer.label(importer.rule_column), str(exc)))
            if result.errors:
                result.action = Action.ERROR
                result.changes = []
            report.rows.append(result)
        if not report.ok or dry_run:
            transaction.set_rollback(True)
    return report


class _RowRefused(Exception):
    pass


class _BadCell(Exception):
    pass


_MISSING = object()


def _norm(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold()


def _in_each_language(label: Any) -> set[str]:
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(_norm(str(label)))
    return names


def _choice_names(choices: type[models.TextChoices]) -> dict[str, str]:
    names: dict[str, str] = {}
    for value, label in choices.choices:
        names[_norm(value)] = value
        for name in _in_each_language(label):
            names[name] = value
    return names


class _Importer:
    columns: tuple[Column, ...] = ()
    #: The column a refusal by a rule of the services is reported in (its key).
    rule_column = ""
    #: Model field -> the column it comes from, for the services' validation errors.
    fields: dict[str, str] = {}

    def __init__(self, *, by: User | None, now: datetime.datetime, filename: str) -> None:
        self.by = by
        self.now = now
        self.filename = filename
        self.headers: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        self.result = RowResult(row=0)
        self.bad: set[str] = set()
        self._caches: dict[str, dict[str, Any]] = {}

    # --- the header ---------------------------------------------------------------------

    def match_header(self, header: list[str], report: ImportReport) -> dict[str, int]:
        names: dict[str, Column] = {}
        for column in self.columns:
            for name in {_norm(column.key), *_in_each_language(column.label)}:
                names[name] = column
        positions: dict[str, int] = {}
        for index, title in enumerate(header):
            if not title:
                continue
            found = names.get(_norm(title))
            if found is None:
                report.errors.append(
                    CellError(title, _("Unknown column. Expected: %s.") % self.expected_names())
                )
                continue
            if found.key in self.headers:
                report.errors.append(CellError(title, _("This column appears twice.")))
                continue
            self.headers[found.key] = title
            if not found.ignored:
                positions[found.key] = index
        for column in self.columns:
            if column.required and column.key not in positions:
                report.errors.append(CellError(str(column.label), _("This column is missing.")))
        return positions

    def expected_names(self) -> str:
        return ", ".join(str(column.label) for column in self.columns if not column.ignored)

    def label(self, key: str) -> str:
        if not key:
            return ""
        if key in self.headers:
            return self.headers[key]
        return next((str(c.label) for c in self.columns if c.key == key), key)

    # --- one row --------------------------------------------------------------------------

    def import_row(self, values: dict[str, Any], result: RowResult) -> None:
        self.values, self.result, self.bad = values, result, set()
        self.row()

    def row(self) -> None:
        raise NotImplementedError

    def error(self, key: str, message: str) -> None:
        self.result.errors.append(CellError(self.label(key), message))

    def has(self, key: str) -> bool:
        return key in self.values

    def cell(self, key: str, parse: Callable[[Any], Any]) -> Any:
        """The column's value parsed, ``_MISSING`` when the column is absent; on a bad value
        an error is recorded for the column and ``_MISSING`` returned."""
        if key not in self.values:
            return _MISSING
        try:
            return parse(self.values[key])
        except _BadCell as exc:
            self.error(key, str(exc))
            self.bad.add(key)
            return _MISSING

    def required(self, key: str, value: Any, message: str) -> bool:
        """Is ``value`` given? If not, an error for the column, unless its cell was already
        refused."""
        if value in (_MISSING, None, "", []):
            if key not in self.bad:
                self.error(key, message)
            return False
        return True

    def validation_errors(self, exc: ValidationError, result: RowResult) -> None:
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                key = self.fields.get(name, "")
                for message in messages:
                    result.errors.append(CellError(self.label(key), message))
        else:
            for message in exc.messages:
                result.errors.append(CellError("", message))

    @property
    def note(self) -> str:
        if self.filename:
            return _("Imported from %(file)s.") % {"file": self.filename}
        return _("Imported from a spreadsheet.")

    # --- parsing cells --------------------------------------------------------------------

    @staticmethod
    def text(cell: Any) -> str:
        return sheets.text_of(cell)

    def choice(self, choices: type[models.TextChoices]) -> Callable[[Any], str | None]:
        names = self._caches.setdefault(f"choices:{choices.__name__}", _choice_names(choices))

        def parse(cell: Any) -> str | None:
            text = sheets.text_of(cell)
            if not text:
                return None
            value = names.get(_norm(text))
            if value is None:
                raise _BadCell(
                    _("“%(value)s” is not one of: %(choices)s.")
                    % {
                        "value": text[:80],
                        "choices": ", ".join(str(label) for label in choices.labels),
                    }
                )
            return value

        return parse

    @staticmethod
    def date(cell: Any) -> datetime.date | None:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            return None
        if isinstance(cell, datetime.datetime):
            value = cell.date()
        elif isinstance(cell, datetime.date):
            value = cell
        else:
            text = sheets.text_of(cell)
            try:
                value = datetime.date.fromisoformat(text[:10])
                if len(text) > 10:
                    datetime.datetime.fromisoformat(text)  # a date and time: the date counts
            except ValueError:
                raise _BadCell(
                    _("“%(value)s” is not a date: write YYYY-MM-DD.") % {"value": text[:80]}
                ) from None
        if not date_in_range(value):
            raise _BadCell(_("%(value)s is out of range.") % {"value": value.isoformat()})
        return value

    @staticmethod
    def moment(cell: Any) -> datetime.datetime | None:
        """A date and time (a date alone is its midnight), in the app's time zone."""
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            return None
        if isinstance(cell, datetime.datetime):
            value = cell
        elif isinstance(cell, datetime.date):
            value = datetime.datetime.combine(cell, datetime.time.min)
        else:
            text = sheets.text_of(cell)
            try:
                value = datetime.datetime.fromisoformat(text)
            except ValueError:
                raise _BadCell(
                    _("“%(value)s” is not a date: write YYYY-MM-DD or YYYY-MM-DD HH:MM.")
                    % {"value": text[:80]}
                ) from None
        if not date_in_range(value.date()):
            raise _BadCell(_("%(value)s is out of range.") % {"value": value.date().isoformat()})
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def _by_name(self, model: type[models.Model], name_field: str) -> dict[str, Any]:
        key = f"{model._meta.label}:{name_field}"
        if key not in self._caches:
            self._caches[key] = {
                _norm(str(getattr(obj, name_field))): obj for obj in model._default_manager.all()
            }
        return self._caches[key]

    def unit(self, cell: Any) -> Unit | None:
        text = sheets.text_of(cell)
        if not text:
            return None
        unit = self._by_name(Unit, "acronym").get(_norm(text))
        if unit is None:
            raise _BadCell(_("No unit has the acronym “%(value)s”.") % {"value": text[:80]})
        return unit

    @staticmethod
    def _split(text: str, separators: str) -> list[str]:
        for separator in separators[1:]:
            text = text.replace(separator, separators[0])
        return [part.strip() for part in text.split(separators[0]) if part.strip()]

    def units(self, cell: Any) -> list[Unit]:
        return [self.unit(name) for name in self._split(sheets.text_of(cell), ";,")]  # type: ignore[misc]

    def missions(self, cell: Any) -> list[Mission]:
        found = self._by_name(Mission, "acronym")
        names = self._split(sheets.text_of(cell), ";,")
        unknown = [name for name in names if _norm(name) not in found]
        if unknown:
            raise _BadCell(
                _("No mission has the acronym: %(names)s.") % {"names": ", ".join(unknown)[:200]}
            )
        return [found[_norm(name)] for name in names]

    def paragraphs(self, cell: Any) -> list[Paragraph]:
        citations = self._split(sheets.text_of(cell), ";")
        if not citations:
            return []
        matches: dict[str, list[Paragraph]] = {}
        for paragraph in Paragraph.objects.filter(citation__in=citations).only("id", "citation"):
            matches.setdefault(paragraph.citation, []).append(paragraph)
        unknown = [c for c in citations if c not in matches]
        if unknown:
            raise _BadCell(
                _("No paragraph has the citation: %(names)s.") % {"names": "; ".join(unknown)[:200]}
            )
        several = [c for c in citations if len(matches[c]) > 1]
        if several:
            raise _BadCell(
                _("Several paragraphs have the citation: %(names)s.")
                % {"names": "; ".join(several)[:200]}
            )
        return [matches[c][0] for c in citations]


def _ids(objects: Iterable[Any]) -> set[int]:
    return {obj.pk for obj in objects}


class RequestImporter(_Importer):
    columns = REQUEST_COLUMNS
    rule_column = "reference"
    fields = {
        "reference": "reference",
        "title": "title",
        "description": "description",
        "status": "status",
        "priority": "priority",
        "due_date": "due_date",
        "lead_unit": "lead_unit",
        "closed_at": "closed",
        "created_at": "created",
    }
    SIMPLE = ("title", "description", "priority", "due_date", "lead_unit", "status")
    LINKS = ("supporting_units", "missions", "paragraphs")

    def row(self) -> None:
        reference = self.cell("reference", self.text)
        if not self.required("reference", reference, _("A request needs a reference.")):
            return
        self.result.key = reference
        parsed = {
            "title": self.cell("title", self.text),
            "description": self.cell("description", self.text),
            "status": self.cell("status", self.choice(RequestStatus)),
            "priority": self.cell("priority", self.choice(Priority)),
            "due_date": self.cell("due_date", self.date),
            "lead_unit": self.cell("lead_unit", self.unit),
            "supporting_units": self.cell("supporting_units", self.units),
            "missions": self.cell("missions", self.missions),
            "paragraphs": self.cell("paragraphs", self.paragraphs),
            "created": self.cell("created", self.moment),
            "closed": self.cell("closed", self.moment),
        }
        if self.result.errors:
            return
        given = {name: value for name, value in parsed.items() if value is not _MISSING}
        existing = Request.objects.filter(reference=reference).first()
        if existing is None:
            self.create(reference, given)
        else:
            self.update(existing, given)

    def update(self, existing: Request, given: dict[str, Any]) -> None:
        changes: dict[str, Any] = {}
        for name in self.SIMPLE:
            if name not in given:
                continue
            value = given[name]
            if value in (None, "") and name not in ("due_date", "description"):
                continue  # empty: kept as it is (a request needs these)
            if name == "lead_unit":
                if value.pk != existing.lead_unit_id:
                    changes[name] = value
            elif getattr(existing, name) != value:
                changes[name] = value
        for name in self.LINKS:
            if name in given and _ids(given[name]) != _ids(getattr(existing, name).all()):
                changes[name] = given[name]
        if not changes:
            self.result.action = Action.UNCHANGED
            return
        by = self.by
        if by is not None and not permissions.can_change_request(by, existing):
            self.error(
                "reference",
                _("You can change only requests your units lead or support; %(ref)s is not one.")
                % {"ref": existing.reference},
            )
            return
        if existing.archived_at is not None:
            self.error("reference", _("This request is archived; restore it before changing it."))
            return
        lead = changes.get("lead_unit")
        if (
            lead is not None
            and by is not None
            and not permissions.can_make_lead(by, existing, lead.pk)
        ):
            self.error("lead_unit", _("You can make only your own units lead a request."))
        self.archived_units(existing, changes)
        if "status" in changes:
            try:
                check_transition(existing.status, changes["status"])
            except WorkflowError as exc:
                self.error("status", str(exc))
        if self.result.errors:
            return
        request_edit(request=existing, by=by, changes=changes, note=self.note)
        self.result.action = Action.UPDATED
        self.result.changes = [self.label(name) for name in changes]

    def archived_units(self, request: Request, changes: dict[str, Any]) -> None:
        if changes.get("lead_unit") is not None:
            named = archived_units_named(request, lead_unit=changes["lead_unit"])
            if named:
                self.error(
                    "lead_unit",
                    _("%(units)s is archived: choose a current unit.")
                    % {"units": ", ".join(named)},
                )
        if changes.get("supporting_units"):
            named = archived_units_named(request, supporting_units=changes["supporting_units"])
            if named:
                self.error(
                    "supporting_units",
                    _("%(units)s is archived: choose a current unit.")
                    % {"units": ", ".join(named)},
                )

    def create(self, reference: str, given: dict[str, Any]) -> None:
        title = given.get("title", _MISSING)
        lead = given.get("lead_unit", _MISSING)
        self.required("title", title, _("A new request needs a title."))
        self.required("lead_unit", lead, _("A new request needs a lead unit."))
        if self.result.errors:
            return
        by = self.by
        if by is not None and not by.has_perm("mandates.add_request"):
            self.error(
                "reference",
                _("Your role does not allow adding requests, and no request has this reference."),
            )
            return
        if by is not None and not permissions.can_make_lead(by, Request(), lead.pk):
            self.error("lead_unit", _("You can make only your own units lead a request."))
        self.archived_units(
            Request(), {"lead_unit": lead, "supporting_units": given.get("supporting_units")}
        )
        status = given.get("status") or RequestStatus.NOT_STARTED
        if status == RequestStatus.SUPERSEDED:
            self.error(
                "status",
                _("A request becomes superseded only when it is carried forward to a successor."),
            )
        created = given.get("created") or self.now
        if created > self.now:
            self.error("created", _("This time is in the future."))
        fields: dict[str, Any] = {
            "reference": reference,
            "title": title,
            "description": given.get("description") or "",
            "lead_unit": lead,
            "status": status,
            "priority": given.get("priority") or Priority.NORMAL,
            "due_date": given.get("due_date"),
        }
        if status in RequestStatus.closed():
            closed = given.get("closed") or max(created, self.now)
            if closed < created:
                self.error("closed", _("A request cannot be closed before it was created."))
            fields["closed_at"] = closed
        if self.result.errors:
            return
        request_create(
            fields=fields,
            paragraphs=given.get("paragraphs", ()),
            supporting_units=given.get("supporting_units", ()),
            missions=given.get("missions", ()),
            by=by,
            reason="Imported from a spreadsheet",
            note=self.note,
            now=created,
        )
        self.result.action = Action.CREATED


class StatusUpdateImporter(_Importer):
    columns = STATUS_UPDATE_COLUMNS
    rule_column = "status"
    fields = {"note": "note", "evidence_url": "evidence_url", "status_to": "status"}

    def row(self) -> None:
        reference = self.cell("reference", self.text)
        if not self.required("reference", reference, _("An update needs a request reference.")):
            return
        self.result.key = reference
        request = Request.objects.filter(reference=reference).first()
        if request is None:
            self.error("reference", _("No request has this reference."))
        mission = self.cell("mission", self.missions)
        status = self.cell("status", self.choice(RequestStatus))
        moment = self.cell("date", self.moment)
        note = self.cell("note", self.text)
        note = "" if note is _MISSING else note
        author = self.cell("author", self.text)
        evidence_url = self.cell("evidence_url", self.text)
        self.required("status", status, _("An update needs a status."))
        self.required("date", moment, _("An update needs its date."))
        if self.result.errors or request is None:
            return
        line = None
        if mission not in (_MISSING, []):
            if len(mission) > 1:
                self.error("mission", _("Name one mission: an update is on one line."))
                return
            line = RequestMission.objects.filter(request=request, mission=mission[0]).first()
            if line is None:
                self.error(
                    "mission",
                    _("%(request)s does not concern %(mission)s.")
                    % {"request": request.reference, "mission": mission[0].acronym},
                )
                return
        if moment > self.now:
            self.error("date", _("This date is in the future."))
        elif moment < request.created_at:
            self.error(
                "date",
                _("This is before the request was created (%(date)s).")
                % {"date": timezone.localtime(request.created_at).strftime("%Y-%m-%d %H:%M")},
            )
        if self.result.errors:
            return
        self.result.key = f"{reference} {moment:%Y-%m-%d %H:%M}"
        # The natural key of an update: the same request, line, time, status and note.
        if StatusUpdate.objects.filter(
            request=request,
            mission=line.mission if line else None,
            created_at=moment,
            status_to=status,
            note=note.strip(),
        ).exists():
            self.result.action = Action.UNCHANGED
            return
        if request.archived_at is not None:
            self.error("reference", _("This request is archived; restore it before updating it."))
            return
        by = self.by
        if by is not None:
            allowed = (
                permissions.can_update_line(
                    by, request, line.mission_id, focal_point_id=line.focal_point_id
                )
                if line is not None
                else permissions.can_add_status_update(by, request)
            )
            if not allowed:
                self.error(
                    "reference",
                    _(
                        "You can update only requests your units lead or support; "
                        "%(ref)s is not one."
                    )
                    % {"ref": request.reference},
                )
                return
        options = {
            "request": request,
            "status": status,
            "note": note,
            "evidence_url": "" if evidence_url is _MISSING else evidence_url,
            "by": by,
            "author_name": "" if author is _MISSING else author,
            "now": moment,
        }
        if line is not None:
            line_update_status(mission=line.mission_id, **options)
        else:
            request_update_status(**options)
        self.result.action = Action.CREATED
        self.result.changes = [self.label("status")]


class AssessmentImporter(_Importer):
    columns = ASSESSMENT_COLUMNS
    rule_column = "benchmark"
    fields = {
        "benchmark": "benchmark",
        "period_start": "period_start",
        "period_end": "period_end",
        "rating": "rating",
        "value": "value",
        "narrative": "narrative",
        "evidence": "evidence",
        "evidence_url": "evidence_url",
        "source_report": "source_report",
        "report": "report",
    }

    def document(self, cell: Any) -> Document | None:
        text = sheets.text_of(cell)
        if not text:
            return None
        found = Document.objects.filter(symbol=text).first()
        if found is None:
            raise _BadCell(_("No document has the symbol “%(value)s”.") % {"value": text[:80]})
        return found

    def sg_report(self, cell: Any) -> SecretaryGeneralReport | None:
        text = sheets.text_of(cell)
        if not text:
            return None
        found = SecretaryGeneralReport.objects.filter(symbol=text).first()
        if found is None:
            raise _BadCell(
                _("No registered report has the symbol “%(value)s”.") % {"value": text[:80]}
            )
        return found

    def row(self) -> None:
        reference = self.cell("benchmark", self.text)
        if not self.required("benchmark", reference, _("An assessment needs a benchmark.")):
            return
        benchmark = Benchmark.objects.filter(reference=reference).first()
        if benchmark is None:
            self.error("benchmark", _("No benchmark has this reference."))
        start = self.cell("period_start", self.date)
        self.required("period_start", start, _("An assessment needs its period start."))
        given = {
            "period_end": self.cell("period_end", self.date),
            "rating": self.cell("rating", self.choice(Rating)),
            "value": self.cell("value", self.text),
            "narrative": self.cell("narrative", self.text),
            "evidence": self.cell("evidence", self.text),
            "evidence_url": self.cell("evidence_url", self.text),
            "source_report": self.cell("source_report", self.document),
            "report": self.cell("report", self.sg_report),
        }
        if self.result.errors or benchmark is None:
            return
        self.result.key = f"{reference} {start:%Y-%m-%d}"
        given = {name: value for name, value in given.items() if value is not _MISSING}
        if given.get("rating") is None:
            given.pop("rating", None)  # empty: as it is, or "not assessed"
        end = given.get("period_end")
        if end is not None and end < start:
            self.error("period_end", _("A reporting period cannot end before it starts."))
            return
        existing = BenchmarkAssessment.objects.filter(
            benchmark=benchmark, period_start=start
        ).first()
        by = self.by
        if existing is None:
            if end is None:
                self.error("period_end", _("A new assessment needs its period end."))
                return
            if by is not None and not permissions.can_assess_benchmark(by, benchmark):
                self.error("benchmark", _("You can assess only the benchmarks of your units."))
                return
            fields = {"period_start": start, **given}
            assessment_create(benchmark=benchmark, by=by, fields=fields)
            self.result.action = Action.CREATED
            return
        if end is None:
            given.pop("period_end", None)
        changes = {name: value for name, value in given.items() if getattr(existing, name) != value}
        if not changes:
            self.result.action = Action.UNCHANGED
            return
        if by is not None and not permissions.can_change_assessment(by, existing):
            self.error(
                "benchmark", _("You can change only the assessments of your units' benchmarks.")
            )
            return
        assessment_update(assessment=existing, by=by, changes=changes)
        self.result.action = Action.UPDATED
        self.result.changes = [self.label(name) for name in changes]


IMPORTERS: dict[Kind, type[_Importer]] = {
    Kind.REQUESTS: RequestImporter,
    Kind.STATUS_UPDATES: StatusUpdateImporter,
    Kind.ASSESSMENTS: AssessmentImporter,
}

#: Who may import each kind at all (the row rules then apply to each row).
IMPORT_PERMISSIONS: dict[Kind, tuple[str, ...]] = {
    Kind.REQUESTS: ("mandates.add_request", "mandates.change_request"),
    Kind.STATUS_UPDATES: ("mandates.add_statusupdate",),
    Kind.ASSESSMENTS: ("mandates.add_benchmarkassessment", "mandates.change_benchmarkassessment"),
}


def can_import(user: Any, kind: str) -> bool:
    """May ``user`` import sheets of ``kind`` (any of the kind's permissions)?"""
    return bool(getattr(user, "is_active", False)) and any(
        user.has_perm(perm) for perm in IMPORT_PERMISSIONS[Kind(kind)]
    )
