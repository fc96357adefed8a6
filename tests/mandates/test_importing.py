"""Importing documents from their text: paragraphs, proposed requests, re-imports, failures."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from mandates.choices import Recurrence
from mandates.documents.importing import ImportFailed, import_document
from mandates.models import AddresseeRoute, Document, Paragraph, Request
from tests.factories import MissionFactory, UnitFactory

pytestmark = pytest.mark.django_db

SOURCES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"
RES_2553 = SOURCES / "S-RES-2553-2020_plain.txt"
RES_2151 = SOURCES / "S-RES-2151-2014.txt"


@pytest.fixture
def routes():
    ssru = UnitFactory.create(acronym="SSRU", name="Security Sector Reform Unit")
    orolsi = UnitFactory.create(acronym="OROLSI")
    route = AddresseeRoute.objects.create(addressee="Secretary-General", lead_unit=ssru)
    route.supporting_units.add(orolsi)
    AddresseeRoute.objects.create(addressee="missions", lead_unit=ssru)
    return ssru


def test_import_creates_document_paragraphs_and_requests(routes):
    report = import_document(data=RES_2553.read_bytes())
    document = Document.objects.get(symbol="S/RES/2553 (2020)")
    assert report.document_action == "create"
    assert document.date == datetime.date(2020, 12, 3)
    assert document.citation_label == "2553 (2020)"
    top = Paragraph.objects.filter(document=document, parent__isnull=True)
    assert top.filter(kind="preambular").count() == 24
    assert top.filter(kind="operative").count() == 26
    labels = Paragraph.objects.filter(document=document, parent__ref="20").order_by("order")
    assert [p.label for p in labels] == list("abcdefghijk")

    op25 = Request.objects.get(reference="2553-OP25")
    assert op25.due_date == datetime.date(2021, 9, 30)
    assert op25.lead_unit == routes
    assert [u.acronym for u in op25.supporting_units.all()] == ["OROLSI"]
    assert op25.paragraphs.get().citation == "2553 (2020) OP25"
    assert op25.source_document == document
    op20e = Request.objects.get(reference="2553-OP20e")
    assert op20e.recurrence == Recurrence.MISSION_REPORTS
    # A paragraph that only reaffirms creates nothing.
    assert not Request.objects.filter(reference="2553-OP1").exists()


def test_dry_run_writes_nothing_and_reports_the_same(routes):
    preview = import_document(data=RES_2553.read_bytes(), dry_run=True)
    assert not Document.objects.exists()
    assert not Request.objects.exists()
    real = import_document(data=RES_2553.read_bytes())
    assert [p.reference for p in preview.proposals] == [p.reference for p in real.proposals]
    assert preview.paragraphs == real.paragraphs


def test_reimport_updates_in_place_without_duplicates(routes):
    import_document(data=RES_2553.read_bytes())
    counts = (Document.objects.count(), Paragraph.objects.count(), Request.objects.count())
    history = Paragraph.history.count() + Request.history.count()
    again = import_document(data=RES_2553.read_bytes())
    assert again.document_action == "unchanged"
    assert set(p.action for p in again.proposals) == {"unchanged"}
    assert (Document.objects.count(), Paragraph.objects.count(), Request.objects.count()) == counts
    assert Paragraph.history.count() + Request.history.count() == history


def test_corrected_text_updates_paragraphs_but_keeps_staff_edits(routes):
    import_document(data=RES_2553.read_bytes())
    request = Request.objects.get(reference="2553-OP25")
    request.due_date = datetime.date(2021, 10, 15)  # staff agreed a later date
    request.save()
    corrected = RES_2553.read_text(encoding="utf-8").replace("in September 2021", "in October 2021")
    report = import_document(data=corrected)
    paragraph = Paragraph.objects.get(document__symbol="S/RES/2553 (2020)", ref="25")
    assert "in October 2021" in paragraph.text
    assert report.paragraphs["updated"] == 1
    request.refresh_from_db()
    assert request.due_date == datetime.date(2021, 10, 15)
    proposal = next(p for p in report.proposals if p.reference == "2553-OP25")
    assert "due_date" in proposal.kept_fields
    # A field staff did not touch follows the corrected text.
    assert "October 2021" in request.description


def test_seeded_requests_are_not_duplicated():
    from mandates.seed import load_seed

    load_seed()
    before = Request.objects.count()
    report = import_document(data=RES_2553.read_bytes())
    assert Request.objects.count() == before
    assert any("already tracked by 2553-OP20b-1" in w for w in report.warnings)


def test_text_that_is_not_a_resolution_writes_nothing(routes):
    with pytest.raises(ImportFailed):
        import_document(data=b"\x00\x01\x02 binary \xff\xfe")
    with pytest.raises(ImportFailed):
        import_document(data="")
    assert not Document.objects.exists()


def test_import_command_dry_run_and_missing_file(routes, capsys, tmp_path):
    call_command("import_document", str(RES_2553), "--dry-run")
    out = capsys.readouterr().out
    assert "Would import S/RES/2553 (2020)" in out
    assert "2553-OP25" in out
    assert not Document.objects.exists()
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_document", str(tmp_path / "missing.txt"))


def test_import_command_corpus_imports_each_file_and_lists_failures(routes, tmp_path, capsys):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "S-RES-2553-2020.txt").write_bytes(RES_2553.read_bytes())
    (folder / "S-RES-2151-2014.txt").write_bytes(RES_2151.read_bytes())
    (folder / "notes.txt").write_text("Shopping list: milk, bread.")
    with pytest.raises(CommandError, match="1 file"):
        call_command("import_document", corpus=str(folder))
    captured = capsys.readouterr()
    assert "Imported 2 of 3 documents" in captured.out
    assert "notes.txt" in captured.out
    assert "100%" in captured.err  # progress
    assert Document.objects.count() == 2


def test_parse_document_prints_the_stable_json_shape(capsys):
    call_command("parse_document", str(RES_2553), "--format", "json")
    parsed = json.loads(capsys.readouterr().out)
    assert set(parsed) == {
        "schema_version",
        "symbol",
        "date",
        "title",
        "preambular",
        "operative",
        "renewals",
    }
    op25 = next(p for p in parsed["operative"] if p["number"] == 25)
    assert set(op25) == {
        "number",
        "text",
        "verb",
        "strength",
        "addressees",
        "deadlines",
        "subparagraphs",
        "addressee_details",
        "ssr",
    }
    assert op25["deadlines"][0]["due"] == "2021-09-30"
    assert Document.objects.count() == 0


def test_mission_acronym_routes_to_its_ssr_section(routes):
    mission = MissionFactory.create(acronym="MINUSMA")
    section = UnitFactory.create(acronym="MINUSMA-SSR", kind="mission_section", mission=mission)
    text = (
        "Resolution 9999 (2025)\nAdopted by the Security Council on 1 June 2025\n"
        "The Security Council,\nRecalling its previous resolutions,\n"
        "1. Requests MINUSMA to support the national security sector reform strategy "
        "and to report every three months;\n2. Decides to remain seized of the matter.\n"
    )
    import_document(data=text)
    request = Request.objects.get(reference="9999-OP1")
    assert request.lead_unit == section
    assert list(request.missions.all()) == [mission]
    assert request.recurrence == Recurrence.INTERVAL
    assert request.recurrence_months == 3


# --- the admin upload ------------------------------------------------------------------------


def test_admin_upload_previews_then_imports(routes, staff_a, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_a)
    url = reverse("admin:mandates_document_import")
    upload = SimpleUploadedFile("2553.txt", RES_2553.read_bytes(), "text/plain")
    preview = client.post(url, {"file": upload, "kind": "", "symbol": ""})
    assert preview.status_code == 200
    content = preview.content.decode()
    assert "Would import S/RES/2553 (2020)" in content
    assert "2553-OP25" in content
    assert not Document.objects.exists()
    done = client.post(url, {"confirm": "1"})
    assert done.status_code == 302
    document = Document.objects.get(symbol="S/RES/2553 (2020)")
    assert done.url == reverse("admin:mandates_document_change", args=[document.pk])
    assert document.history.latest().history_user == staff_a


def test_admin_upload_of_a_non_resolution_shows_why(routes, staff_a, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_a)
    upload = SimpleUploadedFile("x.txt", b"", "text/plain")
    response = client.post(reverse("admin:mandates_document_import"), {"file": upload})
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_managers_cannot_import(manager, client):
    client.force_login(manager)
    assert client.get(reverse("admin:mandates_document_import")).status_code == 403


def test_a_draft_creates_paragraphs_but_no_requests(routes):
    report = import_document(
        data=(SOURCES / "S-2014-302_draft-resolution-2151_pdf-text.txt").read_bytes(),
        kind="draft_resolution",
    )
    assert report.symbol == "S/2014/302"
    assert report.operative_count == 20
    assert report.proposals == []
    assert not Request.objects.exists()
