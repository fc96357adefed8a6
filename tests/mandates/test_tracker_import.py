"""Bringing an existing tracker in: requests, status updates and assessments from CSV and XLSX
(``mandates.imports.tracker``), from the refused side first."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from mandates.choices import MembershipRole, Priority, Rating, RequestStatus, UnitKind
from mandates.imports import sheets
from mandates.imports.tracker import Kind, run_import
from mandates.models import BenchmarkAssessment, Request, StatusUpdate, Unit
from mandates.organisation import roles
from mandates.requests.services import request_archive
from tests.factories import (
    BenchmarkAssessmentFactory,
    BenchmarkFactory,
    DocumentFactory,
    MissionFactory,
    ParagraphFactory,
    RequestFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REQUEST_HEADER = [
    "Reference",
    "Title",
    "Status",
    "Priority",
    "Due date",
    "Lead unit",
    "Supporting units",
    "Missions",
    "Source paragraphs",
]


def as_csv(rows: list[list[Any]], *, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def as_xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(kind: str, rows: list[list[Any]], *, by: Any, dry_run: bool = False, fmt: str = "csv"):
    data = as_xlsx(rows) if fmt == "xlsx" else as_csv(rows)
    return run_import(kind=kind, data=data, file_format=fmt, by=by, dry_run=dry_run)


def errors_of(report: Any) -> list[tuple[int, str, str]]:
    return [(row.row, e.column, e.message) for row in report.rows for e in row.errors]


@pytest.fixture
def world(staff_a, staff_b):
    unit_a = Unit.objects.get(acronym="UNIT-A")
    unit_b = Unit.objects.get(acronym="UNIT-B")
    mission = MissionFactory.create(acronym="MINUSCA")
    other = MissionFactory.create(acronym="MONUSCO")
    document = DocumentFactory.create(symbol="S/RES/2553 (2020)", citation_label="2553 (2020)")
    paragraph = ParagraphFactory.create(document=document, number=20, order=2000)
    in_a = RequestFactory.create(
        reference="2553-op20",
        title="Report on SSR",
        lead_unit=unit_a,
        missions=[mission],
        paragraphs=[paragraph],
        due_date=datetime.date(2031, 9, 30),
    )
    in_b = RequestFactory.create(reference="b-task", title="Unit B task", lead_unit=unit_b)
    return {
        "unit_a": unit_a,
        "unit_b": unit_b,
        "mission": mission,
        "other": other,
        "paragraph": paragraph,
        "in_a": in_a,
        "in_b": in_b,
    }


def new_row(**overrides: Any) -> list[Any]:
    values = {
        "Reference": "new-task",
        "Title": "A new task",
        "Status": "In progress",
        "Priority": "High",
        "Due date": "2031-06-30",
        "Lead unit": "UNIT-A",
        "Supporting units": "",
        "Missions": "MINUSCA; MONUSCO",
        "Source paragraphs": "2553 (2020) OP20",
        **overrides,
    }
    return [values[name] for name in REQUEST_HEADER]


# --- requests: created, updated, unchanged ---------------------------------------------------


def test_a_new_reference_creates_the_request_with_its_links(world, staff_a):
    report = run(Kind.REQUESTS, [REQUEST_HEADER, new_row()], by=staff_a)
    assert report.ok, errors_of(report)
    assert [row.action for row in report.rows] == ["created"]
    created = Request.objects.get(reference="new-task")
    assert created.status == RequestStatus.IN_PROGRESS
    assert created.priority == Priority.HIGH
    assert created.lead_unit == world["unit_a"]
    assert {m.acronym for m in created.missions.all()} == {"MINUSCA", "MONUSCO"}
    assert list(created.paragraphs.all()) == [world["paragraph"]]
    # The timeline starts with the import.
    assert created.updates.get().note == "Imported from a spreadsheet."


def test_a_known_reference_is_updated_not_duplicated(world, staff_a):
    run(Kind.REQUESTS, [REQUEST_HEADER, new_row()], by=staff_a)
    again = run(
        Kind.REQUESTS,
        [REQUEST_HEADER, new_row(Title="A renamed task", Status="Completed")],
        by=staff_a,
    )
    assert again.ok, errors_of(again)
    assert [row.action for row in again.rows] == ["updated"]
    assert Request.objects.filter(reference="new-task").count() == 1
    task = Request.objects.get(reference="new-task")
    assert task.title == "A renamed task"
    assert task.status == RequestStatus.COMPLETED
    assert task.closed_at is not None
    assert set(again.rows[0].changes) == {"Title", "Status"}


def test_reimporting_the_same_rows_changes_nothing(world, staff_a):
    rows = [REQUEST_HEADER, new_row()]
    run(Kind.REQUESTS, rows, by=staff_a)
    version = Request.objects.get(reference="new-task").version
    again = run(Kind.REQUESTS, rows, by=staff_a)
    assert [row.action for row in again.rows] == ["unchanged"]
    assert Request.objects.get(reference="new-task").version == version


def test_columns_absent_from_the_sheet_are_left_as_they_are(world, staff_a):
    report = run(Kind.REQUESTS, [["Reference", "Priority"], ["2553-op20", "low"]], by=staff_a)
    assert report.ok, errors_of(report)
    request = Request.objects.get(reference="2553-op20")
    assert request.priority == Priority.LOW
    assert request.title == "Report on SSR"
    assert request.missions.count() == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exported_sheet_imports_as_all_unchanged(world, staff_a, client, fmt):
    RequestFactory.create(
        reference="with-formula", title="=HYPERLINK(1)", lead_unit=world["unit_a"]
    )
    client.force_login(staff_a)
    response = client.get("/api/v1/requests/export/", {"file_format": fmt})
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if fmt == "csv" else response.content
    versions = dict(Request.objects.values_list("reference", "version"))
    updates = StatusUpdate.objects.count()

    report = run_import(kind=Kind.REQUESTS, data=data, file_format=fmt, by=staff_a, dry_run=False)

    assert report.ok, errors_of(report) + [(0, e.column, e.message) for e in report.errors]
    assert len(report.rows) == Request.objects.count()
    assert {row.action for row in report.rows} == {"unchanged"}
    assert dict(Request.objects.values_list("reference", "version")) == versions
    assert StatusUpdate.objects.count() == updates


def test_a_french_header_and_french_labels_are_read(world, staff_a):
    header = ["Référence", "Statut", "Priorité"]
    report = run(Kind.REQUESTS, [header, ["2553-op20", "En cours", "Haute"]], by=staff_a)
    assert report.ok, errors_of(report) + [(1, e.column, e.message) for e in report.errors]
    request = Request.objects.get(reference="2553-op20")
    assert (request.status, request.priority) == (RequestStatus.IN_PROGRESS, Priority.HIGH)


# --- requests: refused rows ------------------------------------------------------------------


def test_a_row_touching_another_units_request_is_refused(world, staff_a):
    report = run(
        Kind.REQUESTS,
        [["Reference", "Title"], ["2553-op20", "Mine, renamed"], ["b-task", "Not mine"]],
        by=staff_a,
    )
    assert not report.ok
    assert [row.action for row in report.rows] == ["updated", "error"]
    [(row, column, message)] = errors_of(report)
    assert (row, column) == (3, "Reference")
    assert "your units" in message
    # Nothing written, not even the allowed row.
    assert Request.objects.get(reference="2553-op20").title == "Report on SSR"
    assert Request.objects.get(reference="b-task").title == "Unit B task"


def test_staff_cannot_hand_a_request_to_another_unit(world, staff_a):
    report = run(Kind.REQUESTS, [["Reference", "Lead unit"], ["2553-op20", "UNIT-B"]], by=staff_a)
    assert [(r, c) for r, c, _m in errors_of(report)] == [(2, "Lead unit")]
    assert Request.objects.get(reference="2553-op20").lead_unit == world["unit_a"]


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("Due date", "30/09/2031", "not a date"),
        ("Due date", "1900-01-01", "out of range"),
        ("Status", "Finished", "not one of"),
        ("Missions", "MINUSCA; NOWHERE", "NOWHERE"),
        ("Source paragraphs", "2553 (2020) OP99", "OP99"),
        ("Lead unit", "NO-SUCH-UNIT", "NO-SUCH-UNIT"),
    ],
)
def test_a_bad_cell_is_an_error_naming_its_column(world, staff_a, column, value, words):
    before = Request.objects.count()
    report = run(
        Kind.REQUESTS,
        [REQUEST_HEADER, new_row(Reference="first-ok"), new_row(**{column: value})],
        by=staff_a,
    )
    assert not report.ok
    [(row, named, message)] = errors_of(report)
    assert (row, named) == (3, column)
    assert words in message
    assert Request.objects.count() == before  # the good row is not written either


def test_a_status_the_workflow_forbids_is_an_error_in_the_status_column(world, staff_a):
    report = run(Kind.REQUESTS, [["Reference", "Status"], ["2553-op20", "Completed"]], by=staff_a)
    [(row, column, message)] = errors_of(report)
    assert (row, column) == (2, "Status")
    assert "cannot go from" in message
    assert Request.objects.get(reference="2553-op20").status == RequestStatus.NOT_STARTED


def test_a_new_request_needs_a_title_and_a_lead_unit(world, staff_a):
    report = run(Kind.REQUESTS, [["Reference", "Title"], ["brand-new", ""]], by=staff_a)
    assert {(c) for _r, c, _m in errors_of(report)} == {"Title", "Lead unit"}
    assert not Request.objects.filter(reference="brand-new").exists()


def test_an_unknown_or_missing_column_refuses_the_file(world, staff_a):
    report = run(Kind.REQUESTS, [["Title", "Colour"], ["x", "red"]], by=staff_a)
    assert {e.column for e in report.errors} == {"Colour", "Reference"}
    assert report.rows == []


def test_a_dry_run_writes_nothing_and_says_what_would_happen(world, staff_a):
    counts = (Request.objects.count(), StatusUpdate.objects.count())
    report = run(
        Kind.REQUESTS,
        [REQUEST_HEADER, new_row(), new_row(Reference="2553-op20", Title="Renamed")],
        by=staff_a,
        dry_run=True,
    )
    assert report.ok, errors_of(report)
    assert [row.action for row in report.rows] == ["created", "updated"]
    assert not report.written
    assert (Request.objects.count(), StatusUpdate.objects.count()) == counts
    assert Request.objects.get(reference="2553-op20").title == "Report on SSR"


def test_formula_cells_are_kept_as_text(world, staff_a):
    for fmt in ("csv", "xlsx"):
        reference = f"formula-{fmt}"
        report = run(
            Kind.REQUESTS,
            [REQUEST_HEADER, new_row(Reference=reference, Title="=1+1")],
            by=staff_a,
            fmt=fmt,
        )
        assert report.ok, errors_of(report)
        assert Request.objects.get(reference=reference).title == "=1+1"


def test_a_semicolon_separated_csv_from_excel_is_read(world, staff_a):
    data = as_csv([["Reference", "Priority"], ["2553-op20", "High"]], delimiter=";")
    report = run_import(kind=Kind.REQUESTS, data=data, file_format="csv", by=staff_a, dry_run=False)
    assert report.ok, errors_of(report)
    assert Request.objects.get(reference="2553-op20").priority == Priority.HIGH


def test_an_unreadable_file_is_one_error_and_writes_nothing(world, staff_a):
    report = run_import(
        kind=Kind.REQUESTS, data=b"not a zip", file_format="xlsx", by=staff_a, dry_run=False
    )
    assert not report.ok
    assert "not an XLSX" in report.errors[0].message


def test_too_many_rows_are_refused(world, staff_a, monkeypatch):
    monkeypatch.setattr(sheets.limits, "MAX_SPREADSHEET_ROWS", 2)
    rows = [REQUEST_HEADER, *[new_row(Reference=f"r-{n}") for n in range(3)]]
    report = run(Kind.REQUESTS, rows, by=staff_a)
    assert "more than 2 rows" in report.errors[0].message
    assert not Request.objects.filter(reference__startswith="r-").exists()


# --- status updates --------------------------------------------------------------------------

UPDATE_HEADER = ["Reference", "Mission", "Status", "Note", "Date", "Author"]


def test_status_updates_are_appended_once(world, staff_a):
    request = world["in_a"]
    request.created_at = timezone.now() - datetime.timedelta(days=400)
    request.save()
    day = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    rows = [
        UPDATE_HEADER,
        ["2553-op20", "", "In progress", "Concept note shared.", day, "Former tracker"],
        ["2553-op20", "MINUSCA", "In progress", "Mission consulted.", day, ""],
    ]
    first = run(Kind.STATUS_UPDATES, rows, by=staff_a)
    assert first.ok, errors_of(first)
    assert [row.action for row in first.rows] == ["created", "created"]
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS
    count = StatusUpdate.objects.filter(request=request).count()
    entry = StatusUpdate.objects.get(request=request, note="Concept note shared.")
    assert entry.author_name == "Former tracker"
    assert timezone.localtime(entry.created_at).date().isoformat() == day

    again = run(Kind.STATUS_UPDATES, rows, by=staff_a)
    assert [row.action for row in again.rows] == ["unchanged", "unchanged"]
    assert StatusUpdate.objects.filter(request=request).count() == count


def test_a_status_update_on_another_units_request_is_refused(world, staff_a):
    world["in_b"].created_at = timezone.now() - datetime.timedelta(days=10)
    world["in_b"].save()
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    report = run(
        Kind.STATUS_UPDATES,
        [UPDATE_HEADER, ["b-task", "", "In progress", "x", day, ""]],
        by=staff_a,
    )
    assert [(r, c) for r, c, _m in errors_of(report)] == [(2, "Reference")]
    assert not StatusUpdate.objects.filter(request=world["in_b"]).exists()


@pytest.mark.parametrize(
    ("column", "value"),
    [("Date", "yesterday"), ("Date", "2999-01-01"), ("Status", "Done-ish"), ("Mission", "MONUSCO")],
)
def test_a_bad_status_update_cell_names_its_column(world, staff_a, column, value):
    values = {
        "Reference": "2553-op20",
        "Mission": "",
        "Status": "In progress",
        "Note": "n",
        "Date": timezone.localdate().isoformat(),
        "Author": "",
        column: value,
    }
    report = run(
        Kind.STATUS_UPDATES, [UPDATE_HEADER, [values[c] for c in UPDATE_HEADER]], by=staff_a
    )
    assert [c for _r, c, _m in errors_of(report)] == [column]
    assert not StatusUpdate.objects.filter(request=world["in_a"]).exists()


# --- assessments -----------------------------------------------------------------------------

ASSESSMENT_HEADER = ["Benchmark", "Period start", "Period end", "Rating", "Value"]


def test_assessments_are_created_then_updated_by_benchmark_and_period(world, staff_a):
    benchmark = BenchmarkFactory.create(
        reference="car-bm-1", mission=world["mission"], responsible_unit=world["unit_a"]
    )
    rows = [ASSESSMENT_HEADER, ["car-bm-1", "2030-01-01", "2030-03-31", "On track", "2 of 4"]]
    first = run(Kind.ASSESSMENTS, rows, by=staff_a, fmt="xlsx")
    assert first.ok, errors_of(first)
    assert [row.action for row in first.rows] == ["created"]
    rows[1][4] = "3 of 4"
    second = run(Kind.ASSESSMENTS, rows, by=staff_a)
    assert [row.action for row in second.rows] == ["updated"]
    third = run(Kind.ASSESSMENTS, rows, by=staff_a)
    assert [row.action for row in third.rows] == ["unchanged"]
    assessment = BenchmarkAssessment.objects.get(benchmark=benchmark)
    assert (assessment.value, assessment.rating) == ("3 of 4", Rating.ON_TRACK)


def test_an_assessment_of_another_units_benchmark_is_refused(world, staff_a):
    benchmark = BenchmarkFactory.create(reference="b-bm", responsible_unit=world["unit_b"])
    BenchmarkAssessmentFactory.create(
        benchmark=benchmark,
        period_start=datetime.date(2030, 1, 1),
        period_end=datetime.date(2030, 3, 31),
        value="old",
    )
    rows = [ASSESSMENT_HEADER, ["b-bm", "2030-01-01", "2030-03-31", "", "new"]]
    report = run(Kind.ASSESSMENTS, rows, by=staff_a)
    assert [(r, c) for r, c, _m in errors_of(report)] == [(2, "Benchmark")]
    assert BenchmarkAssessment.objects.get(benchmark=benchmark).value == "old"


def test_an_assessment_period_ending_before_it_starts_names_period_end(world, staff_a):
    BenchmarkFactory.create(reference="a-bm", responsible_unit=world["unit_a"])
    rows = [ASSESSMENT_HEADER, ["a-bm", "2030-04-01", "2030-03-31", "", ""]]
    report = run(Kind.ASSESSMENTS, rows, by=staff_a)
    assert [c for _r, c, _m in errors_of(report)] == ["Period end"]
    assert not BenchmarkAssessment.objects.filter(benchmark__reference="a-bm").exists()


# --- the reader ------------------------------------------------------------------------------


def test_the_reader_keeps_row_numbers_and_skips_empty_rows():
    data = as_csv([["Reference"], ["a"], [""], ["b"]])
    sheet = sheets.read_sheet(data, "csv")
    assert sheet.header == ["Reference"]
    assert [number for number, _cells in sheet.rows] == [2, 4]


def test_the_reader_reads_a_formula_cell_as_its_text():
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Reference", "Title"])
    sheet.append(["x", "=SUM(1,2)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = sheets.read_sheet(buffer.getvalue(), "xlsx")
    assert read.rows[0][1][1] == "=SUM(1,2)"
    # openpyxl would store it as a formula: the reader never computed it.
    assert load_workbook(io.BytesIO(buffer.getvalue())).active["B2"].data_type == "f"  # type: ignore[index]


def test_a_mission_focal_point_imports_updates_on_their_missions_line_only(world):
    focal = UserFactory.create(is_staff=True)
    focal.groups.add(Group.objects.get(name=roles.SSR_STAFF))
    section = UnitFactory.create(
        acronym="MINUSCA-SSR", kind=UnitKind.MISSION_SECTION, mission=world["mission"]
    )
    section.memberships.create(user=focal, role=MembershipRole.FOCAL_POINT)
    when = timezone.now().isoformat()
    line_row = ["2553-op20", "MINUSCA", "In progress", "Started in Bangui.", when, ""]
    whole_row = ["2553-op20", "", "In progress", "Whole request.", when, ""]

    refused = run(Kind.STATUS_UPDATES, [UPDATE_HEADER, line_row, whole_row], by=focal)
    assert [(r, c) for r, c, _m in errors_of(refused)] == [(3, "Reference")]
    assert not StatusUpdate.objects.filter(request=world["in_a"]).exists()

    allowed = run(Kind.STATUS_UPDATES, [UPDATE_HEADER, line_row], by=focal)
    assert allowed.ok, errors_of(allowed)
    update = StatusUpdate.objects.get(request=world["in_a"], note="Started in Bangui.")
    assert update.mission == world["mission"]


def test_an_update_of_an_archived_request_is_refused(world, administrator):
    request_archive(request=world["in_a"], by=administrator)
    row = ["2553-op20", "", "In progress", "n", timezone.now().isoformat(), ""]
    report = run(Kind.STATUS_UPDATES, [UPDATE_HEADER, row], by=administrator)
    [(_row, column, message)] = errors_of(report)
    assert column == "Reference"
    assert "archived" in message


def test_an_administrator_hands_a_request_to_another_unit(world, administrator):
    report = run(
        Kind.REQUESTS, [["Reference", "Lead unit"], ["2553-op20", "UNIT-B"]], by=administrator
    )
    assert report.ok, errors_of(report)
    assert Request.objects.get(reference="2553-op20").lead_unit == world["unit_b"]
