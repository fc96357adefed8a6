"""``parse_document`` reads .txt, .md, .pdf and .docx alike, with no database and no secret, and
refuses a file it cannot read with one line and a non-zero exit.

The example files docs/examples/S-RES-2553-2020.pdf and .docx were built from the seed text by
docs/examples/build.py: all three must give the same operative paragraphs.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from mandates.documents.formats import UnreadableDocument, document_text
from mandates.documents.importing import parse
from ssrtracker import limits
from tests.mandates.parser.test_output_schema import validate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
TEXT = ROOT / "fixtures" / "sources" / "S-RES-2553-2020_plain.txt"
PDF = EXAMPLES / "S-RES-2553-2020.pdf"
DOCX = EXAMPLES / "S-RES-2553-2020.docx"


def _collapse(value: Any) -> Any:
    """The value with every string's whitespace collapsed."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_collapse(item) for item in value]
    if isinstance(value, dict):
        return {key: _collapse(item) for key, item in value.items()}
    return value


def _parse(path: Path) -> dict[str, Any]:
    return parse(document_text(path)).to_dict()


def test_the_examples_are_small() -> None:
    assert PDF.stat().st_size < 200_000
    assert DOCX.stat().st_size < 100_000


def test_pdf_docx_and_text_give_the_same_operative_paragraphs() -> None:
    text, pdf, docx = (_parse(path) for path in (TEXT, PDF, DOCX))
    assert len(text["operative"]) == 26
    assert _collapse(pdf["operative"]) == _collapse(text["operative"])
    assert _collapse(docx["operative"]) == _collapse(text["operative"])
    for data in (text, pdf, docx):
        validate(data)
        assert (data["symbol"], data["date"]) == ("S/RES/2553 (2020)", "2020-12-03")
        assert len(data["preambular"]) == 24


def test_markdown_reads_as_text(tmp_path: Path) -> None:
    path = tmp_path / "S-RES-2553-2020.md"
    path.write_bytes(TEXT.read_bytes())
    assert _parse(path)["operative"] == _parse(TEXT)["operative"]


def test_the_extension_decides_case_aside(tmp_path: Path) -> None:
    path = tmp_path / "RESOLUTION.PDF"
    path.write_bytes(PDF.read_bytes())
    assert len(_parse(path)["operative"]) == 26


# --- files it cannot read ---------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(PDF).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


BAD_FILES: list[tuple[str, Any, str]] = [
    ("notes.odt", b"PK\x03\x04 something", "Cannot read a file with '.odt': use .txt, .md"),
    ("README", b"text", "Cannot read a file with no extension"),
    ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog", "The PDF cannot be read"),
    ("renamed.pdf", b"Resolution 2553 (2020)\n1. Requests ...", "The file is not a PDF"),
    ("empty.pdf", b"", "The file is not a PDF"),
    ("locked.pdf", _encrypted_pdf, "The PDF is encrypted"),
    ("scan.pdf", _blank_pdf, "The PDF holds no text"),
    ("renamed.docx", b"Resolution 2553 (2020)", "The file is not a DOCX (it is not a zip"),
    (
        "other.docx",
        lambda: _zip({"content.xml": b"<x/>"}),
        "The file is not a DOCX (it has no word/",
    ),
    (
        "bomb.docx",
        lambda: _zip({"word/document.xml": b"<w:document>" + b" " * 20_000_000}),
        "The DOCX part word/document.xml is compressed 1,0",
    ),
    (
        "corrupt.docx",
        lambda: _zip({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"}),
        "The DOCX cannot be read",
    ),
]


def _write(tmp_path: Path, name: str, content: Any) -> Path:
    path = tmp_path / name
    path.write_bytes(content() if callable(content) else content)
    return path


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_file_it_cannot_read_is_refused_with_one_line(tmp_path, name, content, message) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(CommandError) as caught:
        call_command("parse_document", str(path))
    said = str(caught.value)
    assert said.startswith(f"{path}: {message}"), said
    assert "\n" not in said


def test_a_missing_file_or_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocument, match="No such file or directory"):
        document_text(tmp_path / "missing.pdf")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(UnreadableDocument, match="it is a directory"):
        document_text(folder)


def test_a_docx_that_would_inflate_past_the_limit_is_refused_unopened(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DOCX_UNCOMPRESSED_BYTES", 10_000)
    path = _write(tmp_path, "large.docx", DOCX.read_bytes())
    with pytest.raises(UnreadableDocument, match="uncompressed, over the limit"):
        document_text(path)


def test_a_docx_of_too_many_parts_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DOCX_MEMBERS", 3)
    path = _write(tmp_path, "many.docx", DOCX.read_bytes())
    with pytest.raises(UnreadableDocument, match="parts, over the limit of 3"):
        document_text(path)


def test_pdf_and_docx_files_are_held_to_their_size_and_their_text_to_the_text_limit(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(limits, "MAX_BINARY_DOCUMENT_BYTES", 1000)
    with pytest.raises(UnreadableDocument, match="bytes, over the limit"):
        document_text(PDF)
    monkeypatch.setattr(limits, "MAX_BINARY_DOCUMENT_BYTES", 10_000_000)
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 5000)
    for path in (PDF, DOCX):
        with pytest.raises(UnreadableDocument, match="The text of the file is over the limit"):
            document_text(path)


def test_a_pdf_over_the_page_limit_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 1)
    with pytest.raises(UnreadableDocument, match="pages, over the limit of 1"):
        document_text(PDF)


# --- no database, no secret -------------------------------------------------------------------


def _bare_environment(**extra: str) -> dict[str, str]:
    """The environment without any of the app's settings: no secret, no database, no DEBUG."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    return {**env, **extra}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_bare_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_parse_document_needs_no_secret_and_no_database() -> None:
    # An unreachable database: the command never opens it.
    done = _manage(
        "parse_document",
        str(DOCX.relative_to(ROOT)),
        "--format",
        "json",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/nothing",
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    data = json.loads(done.stdout)
    validate(data)
    assert data["symbol"] == "S/RES/2553 (2020)"


def test_other_commands_still_need_their_settings() -> None:
    done = _manage("check")
    assert done.returncode == 2
    assert "SECRET_KEY is required" in done.stderr


def test_on_the_command_line_a_bad_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    for name, content, message in [BAD_FILES[0], BAD_FILES[2], BAD_FILES[9]]:
        path = _write(tmp_path, name, content)
        done = _manage("parse_document", str(path))
        assert done.returncode == 1
        assert done.stdout == ""
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith(f"CommandError: {path}: {message}")
