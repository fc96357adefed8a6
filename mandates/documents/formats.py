"""The text of a document file: plain text, markdown, PDF or Word (.docx).

:func:`document_text` reads a file by its extension and returns what the parser takes: the bytes
of a text or markdown file (the parser decodes them), the extracted text of a PDF (one page after
another, separated by form feeds, which the parser reads as page breaks) or of a DOCX (one line
per paragraph, with the number or letter Word's automatic list numbering shows before it, and
without footnote marks typed as superscript digits; then the tables' cells). It needs neither
Django nor a database.

Every file is held to the bounds of :mod:`ssrtracker.limits` before it is opened by a library:

* a text file to ``MAX_DOCUMENT_BYTES``; a PDF or DOCX file to ``MAX_BINARY_DOCUMENT_BYTES``;
* a PDF to ``MAX_PDF_PAGES`` pages and ``MAX_PARSE_SECONDS`` of extraction;
* a DOCX is a zip archive: its members may not hold more than ``MAX_DOCX_UNCOMPRESSED_BYTES``
  once uncompressed, nor be compressed more than ``MAX_DOCX_COMPRESSION_RATIO`` times (a zip
  bomb is refused from its directory, before anything is inflated); its XML is read without
  resolving entities;
* the extracted text to ``MAX_DOCUMENT_BYTES``.

A file that cannot be read raises :class:`UnreadableDocument` with one line that says why.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ssrtracker import limits

TEXT_SUFFIXES = (".txt", ".md")
SUFFIXES = (*TEXT_SUFFIXES, ".pdf", ".docx")


class UnreadableDocument(Exception):
    """The file cannot be read as a document; the message says why, in one line."""


class TooLarge(UnreadableDocument):
    """The file, or the text or archive it holds, is over a bound of :mod:`ssrtracker.limits`."""


def document_text(path: Path) -> bytes | str:
    """The text of the document at ``path``: bytes for .txt and .md, text for .pdf and .docx."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        shown = f"'{path.suffix}'" if path.suffix else "no extension"
        raise UnreadableDocument(f"Cannot read a file with {shown}: use .txt, .md, .pdf or .docx.")
    limit = (
        limits.MAX_DOCUMENT_BYTES if suffix in TEXT_SUFFIXES else limits.MAX_BINARY_DOCUMENT_BYTES
    )
    data = _read(path, limit)
    if suffix == ".pdf":
        return pdf_text(data)
    if suffix == ".docx":
        return docx_text(data)
    return data


def _read(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as file:
            return _read_at_most(file, limit, os.fstat(file.fileno()).st_size)
    except IsADirectoryError:
        raise UnreadableDocument("Cannot read the file: it is a directory.") from None
    except OSError as exc:
        raise UnreadableDocument(f"Cannot read the file: {exc.strerror or exc}.") from None
    except ValueError:  # a NUL in the path: no file can have that name
        raise UnreadableDocument("Cannot read the file: its name holds a NUL character.") from None


def _read_at_most(file: IO[bytes], limit: int, size: int | None) -> bytes:
    if size is not None and size > limit:
        raise _too_large(f"The file is {size:,} bytes, over", limit)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_large("The file is over", limit)
    return data


def _too_large(what: str, limit: int) -> TooLarge:
    return TooLarge(f"{what} the limit of {limit / 2**20:g} MB ({limit:,} bytes).")


def _check_text_size(parts: list[str]) -> None:
    size = sum(len(part.encode("utf-8", "surrogatepass")) for part in parts)
    if size > limits.MAX_DOCUMENT_BYTES:
        raise _too_large("The text of the file is over", limits.MAX_DOCUMENT_BYTES)


# --- PDF ---------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    """The text of a PDF, page by page; an encrypted, corrupt or empty one is refused."""
    if data.lstrip()[:5] != b"%PDF-":
        raise UnreadableDocument("The file is not a PDF (it does not start with %PDF-).")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    start = time.monotonic()
    pages: list[str] = []
    with _quiet("pypdf"):  # its warnings on a damaged file add nothing to the one line
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise UnreadableDocument("The PDF is encrypted: save an unprotected copy first.")
            count = len(reader.pages)
            if count > limits.MAX_PDF_PAGES:
                raise TooLarge(
                    f"The PDF has {count:,} pages, over the limit of {limits.MAX_PDF_PAGES:,}."
                )
            for page in reader.pages:
                pages.append(page.extract_text() or "")
                _check_text_size(pages)
                if time.monotonic() - start > limits.MAX_PARSE_SECONDS:
                    raise TooLarge(
                        f"Reading the PDF's text took over {limits.MAX_PARSE_SECONDS} seconds."
                    )
        except UnreadableDocument:
            raise
        except (
            PyPdfError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            IndexError,
            AssertionError,
            RecursionError,
            OSError,
            zipfile.BadZipFile,
        ) as exc:
            raise UnreadableDocument(f"The PDF cannot be read: {_reason(exc)}.") from None
    text = "\n\f\n".join(pages)
    if not text.strip():
        raise UnreadableDocument(
            "The PDF holds no text (a scan?): run it through text recognition first."
        )
    return text


# --- DOCX --------------------------------------------------------------------------------------


def docx_text(data: bytes) -> str:
    """The text of a Word document: its paragraphs, one per line, then its tables' cells."""
    _check_archive(data)
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    try:
        document = Document(io.BytesIO(data))
        numbering = _Numbering(document)
        lines = [_docx_line(paragraph, numbering) for paragraph in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.extend(cell.text for cell in row.cells)
    except (
        PackageNotFoundError,
        LxmlError,
        KeyError,
        ValueError,
        zipfile.BadZipFile,
        AttributeError,
        TypeError,
    ) as exc:
        raise UnreadableDocument(f"The DOCX cannot be read: {_reason(exc)}.") from None
    _check_text_size(lines)
    text = "\n".join(lines)
    if not text.strip():
        raise UnreadableDocument("The DOCX holds no text.")
    return text


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTE_MARK = re.compile(r"\d{1,3}|[*†‡]")


def _docx_line(paragraph: Any, numbering: _Numbering) -> str:
    """A paragraph's text after the number or letter Word's list numbering shows before it
    ("12. ", "(a) "), without footnote marks typed as superscript digits."""
    parts: list[str] = []
    for run in paragraph.runs:
        text = run.text
        if run.font.superscript and _FOOTNOTE_MARK.fullmatch(text.strip()):
            continue
        parts.append(text)
    text = "".join(parts) if paragraph.runs else paragraph.text
    label = numbering.label(paragraph)
    return f"{label} {text}" if label and text.strip() else text


class _Numbering:
    """Word's automatic list numbering, as shown: the counters of each list and level.

    Word keeps the numbers out of the text: a paragraph (or its style) names a list
    (``w:numId``) and a level (``w:ilvl``); the list's definition gives each level's format
    ("decimal", "lowerLetter", "lowerRoman" ...), its text ("%1.", "(%2)") and its start. A
    level's counter goes up at each of its paragraphs and starts again after a paragraph of
    a higher level of the same list.
    """

    _FORMATS = {"decimal", "lowerLetter", "upperLetter", "lowerRoman", "upperRoman"}

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.styles: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for definition in root.iter(f"{_W}abstractNum"):
            levels: dict[int, tuple[str, str, int]] = {}
            for level in definition.iter(f"{_W}lvl"):
                levels[_int(level.get(f"{_W}ilvl"))] = _level(level)
            abstract[definition.get(f"{_W}abstractNumId") or ""] = levels
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            levels = dict(abstract.get(ref.get(f"{_W}val") or "" if ref is not None else "", {}))
            for override in num.iter(f"{_W}lvlOverride"):
                index = _int(override.get(f"{_W}ilvl"))
                redefined = override.find(f"{_W}lvl")
                if redefined is not None:
                    levels[index] = _level(redefined)
                start = override.find(f"{_W}startOverride")
                if start is not None and index in levels:
                    fmt, text, _ = levels[index]
                    levels[index] = (fmt, text, _int(start.get(f"{_W}val"), 1))
            self.levels[num.get(f"{_W}numId") or ""] = levels
        for style in document.styles.element.iter(f"{_W}style"):
            found = _num_pr(style.find(f"{_W}pPr"))
            if found is not None:
                self.styles[style.get(f"{_W}styleId") or ""] = found

    def label(self, paragraph: Any) -> str:
        """The number Word shows before ``paragraph`` ("" for none), counting it."""
        properties = paragraph._p.pPr
        found = _num_pr(properties)
        if found is None and properties is not None and properties.pStyle is not None:
            found = self.styles.get(properties.pStyle.val)
        if found is None:
            return ""
        num_id, level = found
        levels = self.levels.get(num_id)
        if not levels or level not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        fmt, _, start = levels[level]
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [key for key in counters if key > level]:
            del counters[deeper]
        _, text, _ = levels[level]
        if fmt not in self._FORMATS:
            return ""  # bullets and other marks are no paragraph numbers

        def shown(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            value_fmt, _, value_start = levels.get(index, ("decimal", "", 1))
            return _format_number(counters.get(index, value_start), value_fmt)

        return re.sub(r"%([1-9])", shown, text).strip()


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _level(level: Any) -> tuple[str, str, int]:
    """(format, text, start) of a ``w:lvl`` element."""

    def value(name: str) -> str | None:
        element = level.find(f"{_W}{name}")
        return element.get(f"{_W}val") if element is not None else None

    return value("numFmt") or "decimal", value("lvlText") or "", _int(value("start"), 1)


def _num_pr(properties: Any) -> tuple[str, int] | None:
    """(numId, level) of a paragraph's or style's ``w:numPr``; None without one (or numId 0,
    which removes the numbering)."""
    if properties is None:
        return None
    numbering = properties.find(f"{_W}numPr")
    if numbering is None:
        return None
    num_id = numbering.find(f"{_W}numId")
    level = numbering.find(f"{_W}ilvl")
    value = num_id.get(f"{_W}val") if num_id is not None else None
    if not value or value == "0":
        return None
    return value, _int(level.get(f"{_W}val") if level is not None else None)


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
          (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip


def _format_number(value: int, fmt: str) -> str:
    """``value`` written in a Word number format: 3 -> "3", "c", "C", "iii", "III"."""
    if fmt in ("lowerLetter", "upperLetter") and value > 0:
        # Word goes on after z with aa, bb ...
        letter = "abcdefghijklmnopqrstuvwxyz"[(value - 1) % 26] * ((value - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        parts: list[str] = []
        for amount, digits in _ROMAN:
            while value >= amount:
                parts.append(digits)
                value -= amount
        roman = "".join(parts)
        return roman if fmt == "lowerRoman" else roman.upper()
    return str(value)


def _check_archive(data: bytes) -> None:
    """Refuse a DOCX that is not a zip archive, or whose members would inflate past the
    bounds (a zip bomb), from the archive's directory alone."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnreadableDocument("The file is not a DOCX (it is not a zip archive).") from None
    with archive:
        members = archive.infolist()
        if len(members) > limits.MAX_DOCX_MEMBERS:
            raise TooLarge(
                f"The DOCX holds {len(members):,} parts, over the limit of "
                f"{limits.MAX_DOCX_MEMBERS:,}."
            )
        total = sum(member.file_size for member in members)
        if total > limits.MAX_DOCX_UNCOMPRESSED_BYTES:
            raise _too_large(
                f"The DOCX would be {total:,} bytes uncompressed, over",
                limits.MAX_DOCX_UNCOMPRESSED_BYTES,
            )
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > 1_000_000 and ratio > limits.MAX_DOCX_COMPRESSION_RATIO:
                raise TooLarge(
                    f"The DOCX part {member.filename[:80]} is compressed {ratio:,.0f} times, "
                    f"over the limit of {limits.MAX_DOCX_COMPRESSION_RATIO} (a zip bomb?)."
                )
        if "word/document.xml" not in archive.namelist():
            raise UnreadableDocument("The file is not a DOCX (it has no word/document.xml).")


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Only errors from the logger ``name`` meanwhile."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _reason(exc: BaseException) -> str:
    """The exception's message on one short line."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200].rstrip(".")
