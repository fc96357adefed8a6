"""Read the first sheet of a CSV or XLSX file into rows of cells, within the bounds of
:mod:`ssrtracker.limits`. No Django: it can be tested alone.

1. The file is held to ``MAX_SPREADSHEET_BYTES`` before it is opened.
2. A CSV is decoded as UTF-8 (with or without the byte-order mark Excel writes), else as
   Windows-1252; its delimiter (comma, semicolon or tab) is read from the header line. A cell
   the app's own CSV export escaped against formulas ("'=...") loses its apostrophe again.
3. An XLSX is a zip archive: its parts may not inflate past ``MAX_SPREADSHEET_UNCOMPRESSED_BYTES``
   (checked from the zip directory before anything is inflated). Only the first sheet is read,
   without evaluating formulas: a formula cell is read as its text ("=1+1"), never run.
4. Empty rows are skipped; at most ``MAX_SPREADSHEET_ROWS`` data rows are read.

Each row keeps its number in the sheet (the header is row 1), so an error can name it.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from ssrtracker import limits

FORMATS = ("csv", "xlsx")
#: What the app's CSV export puts before a cell that a spreadsheet program would run.
FORMULA_STARTS = ("=", "+", "-", "@")

Cell = str | int | float | bool | datetime.date | datetime.datetime | None


class UnreadableSheet(Exception):
    """The file cannot be read as a sheet; the message says why, in one line."""


@dataclass
class Sheet:
    header: list[str]
    #: (row number in the file, cells), the header being row 1.
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


def format_of(filename: str, given: str | None = None) -> str:
    """The file's format: ``given`` when set, else its extension."""
    name = (given or filename.rpartition(".")[2]).strip().lower()
    if name not in FORMATS:
        raise UnreadableSheet("Send a .csv or .xlsx file.")
    return name


def read_sheet(data: bytes, file_format: str) -> Sheet:
    if len(data) > limits.MAX_SPREADSHEET_BYTES:
        raise UnreadableSheet(
            f"The file is {len(data):,} bytes, over the limit of "
            f"{limits.MAX_SPREADSHEET_BYTES // 2**20} MB."
        )
    rows = _xlsx_rows(data) if file_format == "xlsx" else _csv_rows(data)
    header: list[str] | None = None
    sheet = Sheet(header=[])
    for number, cells in rows:
        if all(_blank(cell) for cell in cells):
            continue
        if header is None:
            header = [str(cell).strip() if cell is not None else "" for cell in cells]
            while header and not header[-1]:
                header.pop()
            sheet.header = header
            continue
        if len(sheet.rows) >= limits.MAX_SPREADSHEET_ROWS:
            raise UnreadableSheet(
                f"The sheet has more than {limits.MAX_SPREADSHEET_ROWS:,} rows (the limit): "
                "split it into several files."
            )
        sheet.rows.append((number, list(cells)))
    if header is None:
        raise UnreadableSheet("The sheet is empty: its first row must name the columns.")
    return sheet


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes) -> list[tuple[int, list[Cell]]]:
    text = _decode(data)
    if "\x00" in text:
        raise UnreadableSheet("The file is not a CSV text (it holds NUL characters).")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [
            (number, [_unescape(cell) for cell in cells])
            for number, cells in enumerate(reader, start=1)
        ]
    except csv.Error as exc:
        raise UnreadableSheet(f"The CSV cannot be read: {exc}.") from None


def _unescape(cell: str) -> str:
    # The export writes "'=x" for a cell "=x"; the apostrophe is not part of the value.
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def _xlsx_rows(data: bytes) -> list[tuple[int, list[Cell]]]:
    _check_archive(data)
    from openpyxl import load_workbook

    try:
        # Not data_only: a formula cell is read as its text, and nothing is computed.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        reason = _reason(exc)
        raise UnreadableSheet(f"The file is not a readable XLSX workbook ({reason}).") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise UnreadableSheet("The workbook has no sheet.")
        rows: list[tuple[int, list[Cell]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, [_plain(value) for value in values]))
            if len(rows) > limits.MAX_SPREADSHEET_ROWS + 1000:
                break  # read_sheet refuses it; empty rows may make up the rest
        return rows
    finally:
        workbook.close()


def _plain(value: Any) -> Cell:
    """A cell's value as one of the plain kinds (rich text, times, formulas of tables: text)."""
    if value is None or isinstance(value, str | int | float | datetime.date):
        return value
    return str(value)


def _check_archive(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        message = "The file is not an XLSX workbook (it is not a zip archive)."
        raise UnreadableSheet(message) from None
    with archive:
        total = sum(member.file_size for member in archive.infolist())
        if total > limits.MAX_SPREADSHEET_UNCOMPRESSED_BYTES:
            raise UnreadableSheet(
                f"The workbook would be {total:,} bytes uncompressed, over the limit of "
                f"{limits.MAX_SPREADSHEET_UNCOMPRESSED_BYTES // 2**20} MB."
            )


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200].rstrip(".")


def text_of(cell: Any) -> str:
    """A cell as text: a whole number without ".0", a date as YYYY-MM-DD."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime.datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell).strip()
