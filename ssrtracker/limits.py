"""The bounds on what the app accepts, in one place.

Every entry point that takes a file, JSON, form data or a command-line value checks its input
against these: the admin and API through model and serializer validators, imports and
``parse_document`` before parsing, the API's JSON parser before decoding. SECURITY.md lists
them; the fuzz tests read them from here, so a bound changed here is a bound tested.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# --- Dates -----------------------------------------------------------------------------------
#: The earliest date the app accepts anywhere: the UN Charter entered into force on
#: 24 October 1945, so nothing the Council asks can be due before it.
EARLIEST_DATE = datetime.date(1945, 10, 24)
#: The latest: far beyond any mandate, and early enough that a date plus a reminder offset or a
#: recurrence step stays a valid date (9999-12-31 overflows both).
LATEST_DATE = datetime.date(2099, 12, 31)

# --- Integers --------------------------------------------------------------------------------
#: Versions, ids and other counters read from headers and query strings: a 32-bit signed
#: integer, the smallest column they are compared with.
MAX_INTEGER = 2**31 - 1
#: The largest value of a 64-bit id column (our primary keys).
MAX_BIGINT = 2**63 - 1


def bounded_int(text: str, *, maximum: int = MAX_INTEGER) -> int | None:
    """``text`` as an integer from 0 to ``maximum``, or None: ASCII digits only (``int()`` also
    takes "٣" and spaces), and no conversion of a number longer than ``maximum``."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    value = int(text)
    return value if value <= maximum else None


# --- API bodies ------------------------------------------------------------------------------
#: A JSON body nested deeper than this is refused with 400 before it is decoded.
MAX_JSON_DEPTH = 32
#: Largest request body (JSON or form) in bytes; Django's DATA_UPLOAD_MAX_MEMORY_SIZE.
MAX_BODY_BYTES = 5 * 1024 * 1024

# --- Documents and uploads -------------------------------------------------------------------
#: Largest document text an import or ``parse_document`` reads.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
#: Most paragraphs (preambular plus operative) one document may have.
MAX_DOCUMENT_PARAGRAPHS = 2000
#: Longest one parse may take, in seconds, before it is stopped with a clear message.
MAX_PARSE_SECONDS = 60
#: Largest PDF or Word (.docx) file ``parse_document`` reads; its text is then held to
#: MAX_DOCUMENT_BYTES like any other.
MAX_BINARY_DOCUMENT_BYTES = 20 * 1024 * 1024
#: Most pages of a PDF whose text is read.
MAX_PDF_PAGES = 1000
#: A .docx is a zip archive: at most this many parts, this many bytes once all are inflated, and
#: no part over 1 MB compressed more than this many times (a zip bomb is refused unopened).
MAX_DOCX_MEMBERS = 1000
MAX_DOCX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_DOCX_COMPRESSION_RATIO = 100
#: Largest evidence file in megabytes.
MAX_EVIDENCE_MEGABYTES = 20

# --- Spreadsheet imports (requests, status updates, assessments) -----------------------------
#: Largest CSV or XLSX file an import reads.
MAX_SPREADSHEET_BYTES = 5 * 1024 * 1024
#: Most data rows (the header aside) one imported sheet may have.
MAX_SPREADSHEET_ROWS = 5000
#: An XLSX is a zip archive: at most this many bytes once all its parts are inflated.
MAX_SPREADSHEET_UNCOMPRESSED_BYTES = 100 * 1024 * 1024


def date_in_range(value: datetime.date) -> bool:
    return EARLIEST_DATE <= value <= LATEST_DATE


def out_of_range_message(value: datetime.date) -> str:
    return (
        f"{value.isoformat()} is out of range: dates run from {EARLIEST_DATE.isoformat()} "
        f"to {LATEST_DATE.isoformat()}."
    )


def parse_date(text: str) -> datetime.date:
    """A YYYY-MM-DD date from a command line or a query string, inside the bounds; anything
    else raises ValueError with a message for the person who typed it."""
    try:
        value = datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date: use YYYY-MM-DD.") from None
    if not date_in_range(value):
        raise ValueError(out_of_range_message(value))
    return value


@deconstructible
class SaneDate:
    """A model or form validator: the date lies between EARLIEST_DATE and LATEST_DATE."""

    message = _("Enter a date between %(earliest)s and %(latest)s; %(value)s is out of range.")
    code = "date_out_of_range"

    def __call__(self, value: datetime.date | datetime.datetime | None) -> None:
        if value is None:
            return
        day = value.date() if isinstance(value, datetime.datetime) else value
        if not date_in_range(day):
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "earliest": EARLIEST_DATE.isoformat(),
                    "latest": LATEST_DATE.isoformat(),
                    "value": day.isoformat(),
                },
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SaneDate)

    def __hash__(self) -> int:
        return hash(SaneDate)


sane_date = SaneDate()
