"""The document limits of ssrtracker.limits at every entry point that reads a document: the
import service, the two commands, the admin upload and the seed; and dates out of range."""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from mandates.documents.importing import (
    ImportFailed,
    OverLimit,
    import_document,
    parse,
    read_document,
)
from mandates.models import AddresseeRoute, Document, Paragraph, Request
from mandates.seed import SeedError, read_seed
from ssrtracker import limits
from tests.factories import UnitFactory
from tests.mandates.parser.test_limits import HEAD, numbered_text

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PARAGRAPH_LIMIT = r"more than 2000 paragraphs \(the limit\)"


@pytest.fixture
def routes() -> None:
    ssru = UnitFactory.create(acronym="SSRU")
    AddresseeRoute.objects.create(addressee="Secretary-General", lead_unit=ssru)


def _nothing_written() -> bool:
    return not (Document.objects.exists() or Paragraph.objects.exists() or Request.objects.exists())


# --- paragraphs ------------------------------------------------------------------------------


def test_ten_thousand_paragraphs_are_refused_with_the_paragraph_limit(
    routes, django_assert_num_queries
):
    # No query, not even a savepoint: the parse runs before the transaction opens.
    with django_assert_num_queries(0), pytest.raises(OverLimit, match=PARAGRAPH_LIMIT):
        import_document(data=numbered_text(10_000))
    assert _nothing_written()


def test_paragraphs_past_999_import_as_their_own_paragraphs_below_the_limit(routes, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DOCUMENT_PARAGRAPHS", 1600)
    # The items are not on SSR: ticked, as staff would in the preview.
    ticked = [f"9999-OP{n}" for n in range(1, 1501)]
    report = import_document(data=numbered_text(1500), select=ticked)
    assert report.operative_count == 1500
    op1000 = Paragraph.objects.get(document__symbol="S/RES/9999 (2020)", ref="1000")
    assert op1000.text == (
        "Requests the Secretary-General to report on item 1000 by 31 December 2021;"
    )
    assert Request.objects.get(reference="9999-OP1000").due_date == datetime.date(2021, 12, 31)


def test_a_lowered_paragraph_limit_is_the_one_applied(routes, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DOCUMENT_PARAGRAPHS", 100)
    with pytest.raises(OverLimit, match=r"more than 100 paragraphs \(the limit\)"):
        import_document(data=numbered_text(150).encode())
    assert _nothing_written()


def test_one_paragraph_swallowing_the_text_is_reported_in_the_preview(routes):
    text = HEAD + "1. Requests the Secretary-General to " + "report on progress, " * 5000
    report = import_document(data=text, dry_run=True)
    assert report.operative_count == 1
    assert any("Paragraph OP1 holds 100,0" in warning for warning in report.warnings)


# --- size ------------------------------------------------------------------------------------


class _Upload(io.BytesIO):
    """A file that says how large it is and records how much was read from it."""

    def __init__(self, data: bytes, size: int | None) -> None:
        super().__init__(data)
        self.size = size
        self.requested: list[int] = []

    def read(self, n: int | None = -1) -> bytes:
        self.requested.append(-1 if n is None else n)
        return super().read(n)


def test_a_file_that_says_it_is_too_large_is_refused_without_reading_it():
    upload = _Upload(b"x" * 100, size=limits.MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(OverLimit, match=r"5,242,881 bytes, over the limit of 5 MB"):
        read_document(upload)
    assert upload.requested == []


def test_a_stream_without_a_size_is_read_no_further_than_the_limit(monkeypatch):
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 1000)
    upload = _Upload(b"x" * 50_000, size=None)
    with pytest.raises(OverLimit, match=r"over the limit of 0.000953674 MB \(1,000 bytes\)"):
        read_document(upload)
    assert upload.requested == [1001]
    assert upload.tell() == 1001


def test_a_file_over_the_limit_is_refused_from_its_size_before_reading(tmp_path):
    path = tmp_path / "large.txt"
    with path.open("wb") as file:
        file.truncate(limits.MAX_DOCUMENT_BYTES + 1)  # sparse: nothing to read but its size
    with pytest.raises(OverLimit, match="5,242,881 bytes, over the limit"):
        read_document(path)


def test_a_device_without_a_size_is_read_no_further_than_the_limit(monkeypatch):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 4096)
    with pytest.raises(OverLimit, match=r"over the limit"):
        read_document(Path("/dev/zero"))


def test_text_over_the_limit_is_refused_counting_its_utf8_bytes(monkeypatch):
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 1000)
    text = HEAD + "1. Requests the Secretary-General to report on " + "é" * 450 + ";"
    assert len(text) < 1000 < len(text.encode())
    with pytest.raises(OverLimit, match=r"over the limit"):
        parse(text)


def test_nul_characters_past_the_parsers_sample_are_refused(routes):
    data = numbered_text(3).encode() + b" " * 70_000 + b"\x00tail"
    with pytest.raises(ImportFailed, match="NUL"):
        import_document(data=data)
    assert _nothing_written()


# --- time ------------------------------------------------------------------------------------


def test_a_parse_over_the_time_limit_is_stopped_with_a_clear_message(routes, monkeypatch):
    monkeypatch.setattr(limits, "MAX_PARSE_SECONDS", 1e-6)
    with pytest.raises(OverLimit, match=r"Parsing took longer than 1e-06 seconds \(the limit\)"):
        import_document(data=numbered_text(500))
    assert _nothing_written()


# --- dates -----------------------------------------------------------------------------------


def test_due_dates_outside_the_accepted_range_are_dropped_with_a_warning(routes):
    text = HEAD + (
        "1. Requests the Secretary-General to report on SSR by 31 December 9999;\n"
        "2. Requests the Secretary-General to report on SSR by 1 March 2150 and by 1 June 2030;\n"
        "3. Requests the Secretary-General to report on SSR by 1 April 2025;\n"
    )
    report = import_document(data=text)
    dues = dict(Request.objects.values_list("reference", "due_date"))
    assert dues == {
        "9999-OP1": None,
        "9999-OP2": datetime.date(2030, 6, 1),
        "9999-OP3": datetime.date(2025, 4, 1),
    }
    assert [(p.reference, p.due_date) for p in report.proposals] == sorted(dues.items())
    assert report.warnings == [
        '9999 (2020) OP1: "by 31 December 9999" gives 9999-12-31, outside 1945-10-24..2099-12-31: '
        "not used as a due date.",
        '9999 (2020) OP2: "by 1 March 2150" gives 2150-03-01, outside 1945-10-24..2099-12-31: '
        "not used as a due date.",
    ]


def test_a_document_date_outside_the_accepted_range_is_left_out(routes):
    text = numbered_text(2).replace("on 1 January 2020", "on 1 January 1900")
    report = import_document(data=text)
    assert Document.objects.get().date is None
    assert report.date is None
    assert "The document's date 1900-01-01 is outside 1945-10-24..2099-12-31" in report.warnings[0]


# --- what the model refuses ------------------------------------------------------------------


def test_a_symbol_the_document_cannot_hold_is_an_import_failure(routes):
    with pytest.raises(ImportFailed, match=r"The document cannot be saved \(symbol: Ensure"):
        import_document(data=numbered_text(2), symbol="S/" + "9" * 200)
    with pytest.raises(ImportFailed, match="control characters"):
        import_document(data=numbered_text(2), symbol="S/2020/1\x00")
    assert _nothing_written()


# --- the commands ----------------------------------------------------------------------------


def test_import_command_refuses_a_file_over_the_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 1000)
    path = tmp_path / "S-RES-9999-2020.txt"
    path.write_text(numbered_text(100))
    with pytest.raises(CommandError, match=r"over the limit of .* Nothing was imported\.$"):
        call_command("import_document", str(path))
    with pytest.raises(CommandError, match=r"over the limit"):
        call_command("parse_document", str(path))
    assert _nothing_written()


def test_import_command_over_a_folder_lists_the_file_over_the_limit(routes, tmp_path, capsys):
    (tmp_path / "S-RES-9999-2020.txt").write_text(numbered_text(10_000))
    (tmp_path / "S-RES-9998-2020.txt").write_text(numbered_text(3).replace("9999", "9998"))
    with pytest.raises(CommandError, match="1 file"):
        call_command("import_document", corpus=str(tmp_path))
    out = capsys.readouterr().out
    assert "Imported 1 of 2 documents" in out
    assert "S-RES-9999-2020.txt: The text has more than 2000 paragraphs (the limit)" in out


def _manage(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)  # the test database is not the one a command would open
    return subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", ["parse_document", "import_document"])
def test_commands_refuse_with_one_line_and_a_non_zero_exit(command, tmp_path):
    many = tmp_path / "many.txt"
    many.write_text(numbered_text(10_000))
    large = tmp_path / "large.txt"
    with large.open("wb") as file:
        file.truncate(limits.MAX_DOCUMENT_BYTES + 1)
    for path, message in [
        (many, "The text has more than 2000 paragraphs (the limit)"),
        (large, "The file is 5,242,881 bytes, over the limit of 5 MB (5,242,880 bytes)."),
    ]:
        done = _manage(command, str(path))
        assert done.returncode == 1
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith(f"CommandError: {path}: {message}")
        assert done.stdout == ""


# --- the admin upload ------------------------------------------------------------------------


def _upload(client, data: bytes):
    upload = SimpleUploadedFile("text.txt", data, "text/plain")
    return client.post(reverse("admin:mandates_document_import"), {"file": upload})


def test_admin_upload_over_the_paragraph_limit_shows_why_and_creates_nothing(
    routes, staff_a, client
):
    client.force_login(staff_a)
    response = _upload(client, numbered_text(10_000).encode())
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1
    assert errors[0].startswith("The text has more than 2000 paragraphs (the limit)")
    assert _nothing_written()
    assert "mandates_import_preview" not in client.session


def test_admin_upload_over_the_size_limit_shows_why_and_creates_nothing(
    routes, staff_a, client, monkeypatch
):
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 2 * 2**20)
    client.force_login(staff_a)
    response = _upload(client, numbered_text(3).encode() + b" " * (2 * 2**20))
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The file is larger than 2 MB: it was not read."
    ]
    assert _nothing_written()


def test_admin_upload_over_the_time_limit_shows_why(routes, staff_a, client, monkeypatch):
    monkeypatch.setattr(limits, "MAX_PARSE_SECONDS", 1e-6)
    client.force_login(staff_a)
    response = _upload(client, numbered_text(500).encode())
    assert "Parsing took longer than" in response.context["form"].errors["file"][0]
    assert _nothing_written()


# --- the seed --------------------------------------------------------------------------------


def test_a_seed_source_text_over_the_size_limit_stops_the_load(monkeypatch):
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 1000)
    with pytest.raises(SeedError, match=r"Source text .*\.txt: The file is .* over the limit"):
        read_seed(ROOT / "fixtures")
