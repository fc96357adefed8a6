"""Importing a renewal resolution proposes the renewal and, confirmed, records it.

Real texts from the resolution corpus (skipped when it is absent; set UNSC_CORPUS_DIR to use a
copy elsewhere) and small texts for the variants and the non-renewals.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.urls import reverse

from mandates.documents.importing import import_document
from mandates.documents.parser import parse_text
from mandates.models import MandateRenewal, Mission, Request
from tests.factories import MissionFactory, UnitFactory

D = datetime.date
CORPUS = Path(
    os.environ.get(
        "UNSC_CORPUS_DIR",
        Path(__file__).resolve().parents[2].parent / "shared/corpus/unsc-resolutions-1946-2015",
    )
)
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the resolution corpus is not available at {CORPUS}"
)


def _text(operative: str, *, adopted: str = "1 June 2025", number: int = 9990) -> str:
    return (
        f"Resolution {number} (2025)\nAdopted by the Security Council on {adopted}\n"
        "The Security Council,\nRecalling its previous resolutions,\n"
        f"1. {operative}\n2. Decides to remain seized of the matter.\n"
    )


def _renewals(operative: str) -> list[tuple[str, str | None]]:
    found = parse_text(_text(operative)).renewals
    return [(r.mission, r.expires.isoformat() if r.expires else None) for r in found]


# --- the parser: variants and non-renewals ---------------------------------------------------


@pytest.mark.parametrize(
    ("operative", "expected"),
    [
        (
            "Decides to extend the mandate of MINUSCA until 15 November 2025;",
            ("MINUSCA", "2025-11-15"),
        ),
        ("Decides to renew the mandate of UNMISS until 30 April 2026;", ("UNMISS", "2026-04-30")),
        (
            "Decides to extend the mandate of MONUSCO for a period of twelve months, "
            "until 31 March 2015;",
            ("MONUSCO", "2015-03-31"),
        ),
        (
            "Decides to extend the mandate of the United Nations Mission in South Sudan "
            "(UNMISS) through 15 July 2026;",
            ("UNMISS", "2026-07-15"),
        ),
        (
            "Decides to extend the mandate of MINUSMA within the authorized troop ceiling of "
            "11,200 military personnel until 30 June 2015;",
            ("MINUSMA", "2015-06-30"),
        ),
        (
            "Decides to extend the mandate of the United Nations Integrated Peacebuilding "
            "Office in Guinea-Bissau until 28 February 2019;",
            ("United Nations Integrated Peacebuilding Office in Guinea-Bissau", "2019-02-28"),
        ),
        # the lead verb itself extends or renews
        ("Extends the mandate of UNMIL until 31 March 2015;", ("UNMIL", "2015-03-31")),
        ("Renews the mandate of UNOCI until 30 June 2026;", ("UNOCI", "2026-06-30")),
        (
            "Further decides to extend the mandate of UNOCI until 30 June 2026;",
            ("UNOCI", "2026-06-30"),
        ),
        # a period without a date: the adoption date plus the period
        ("Renews the mandate of UNMISS for a period of twelve months;", ("UNMISS", "2026-06-01")),
        (
            "Decides to extend the mandate of UNMISS for a period of twelve months;",
            ("UNMISS", "2026-06-01"),
        ),
    ],
)
def test_the_parser_reads_renewals_in_their_variants(operative, expected):
    assert _renewals(operative) == [expected]


@pytest.mark.parametrize(
    "operative",
    [
        "Expresses its intention to consider extending the mandate of MINUSCA until 15 May 2026;",
        "Expresses its intention to further extend the mandate of UNMIL to 30 September 2015;",
        "Endorses the recommendation to renew the mandate of UNIFIL until 31 January 2003;",
        "Requests the Secretary-General to report on the mandate of UNMISS by 30 April 2026;",
        "Requests the Secretary-General to extend the mandate of UNMISS until 30 April 2026;",
        "Decides that UNMISS extends its presence until 30 April 2026;",
    ],
)
def test_intentions_recommendations_and_requests_are_no_renewal(operative):
    assert _renewals(operative) == []


def test_a_period_without_a_date_or_an_adoption_date_gives_no_expiry():
    text = (
        "The Security Council,\nRecalling its previous resolutions,\n"
        "1. Decides to extend the mandate of UNMISS for a period of twelve months;\n"
    )
    (renewal,) = parse_text(text).renewals
    assert renewal.mission == "UNMISS"
    assert renewal.expires is None


# --- the import ------------------------------------------------------------------------------


@pytest.fixture
def missions(db):
    found = {}
    for acronym, name in [
        ("MINUSCA", "United Nations Stabilization Mission in the Central African Republic"),
        ("UNMISS", "United Nations Mission in South Sudan"),
        ("MONUSCO", "United Nations Stabilization Mission in the Congo"),
        ("MINUSMA", "United Nations Stabilization Mission in Mali"),
        ("UNIOGBIS", "United Nations Integrated Peacebuilding Office in Guinea-Bissau"),
    ]:
        found[acronym] = MissionFactory.create(acronym=acronym, name=name)
        UnitFactory.create(acronym=f"{acronym}-SSR", kind="mission_section", mission=found[acronym])
    UnitFactory.create(acronym="SSRU")
    return found


def test_the_import_records_a_renewal_named_by_acronym(missions):
    text = _text("Decides to extend the mandate of MINUSCA until 15 November 2099;")
    report = import_document(data=text)
    (proposal,) = report.renewals
    assert (proposal.acronym, proposal.expiry, proposal.action) == (
        "MINUSCA",
        D(2099, 11, 15),
        "record",
    )
    renewal = MandateRenewal.objects.get()
    assert renewal.mission.acronym == "MINUSCA"
    assert renewal.resolution is not None
    assert renewal.resolution.symbol == "S/RES/9990 (2025)"
    assert renewal.adopted == D(2025, 6, 1)
    missions["MINUSCA"].refresh_from_db()
    assert missions["MINUSCA"].mandate_expiry == D(2099, 11, 15)
    assert Request.objects.filter(reference="renewal-MINUSCA-2099-11-15").exists()
    assert "renewals: MINUSCA until 2099-11-15" in report.summary()
    # imported again: recorded once
    again = import_document(data=text)
    assert [r.action for r in again.renewals] == ["unchanged"]
    assert MandateRenewal.objects.count() == 1


def test_the_import_matches_a_mission_by_its_full_name(missions):
    text = _text(
        "Decides to extend the mandate of the United Nations Integrated Peacebuilding Office "
        "in Guinea-Bissau until 28 February 2019;",
        adopted="28 February 2018",
        number=2404,
    )
    report = import_document(data=text)
    assert [(r.acronym, r.action) for r in report.renewals] == [("UNIOGBIS", "record")]


def test_the_preview_proposes_and_writes_nothing(missions):
    report = import_document(
        data=_text("Decides to renew the mandate of UNMISS until 30 April 2099;"), dry_run=True
    )
    assert [(r.acronym, r.action) for r in report.renewals] == [("UNMISS", "record")]
    assert not MandateRenewal.objects.exists()
    assert Mission.objects.get(acronym="UNMISS").mandate_expiry is None


def test_an_unknown_mission_or_a_missing_date_is_reported_not_recorded(missions):
    report = import_document(
        data=_text(
            "Decides to extend the mandate of UNFICYP until 31 January 2099; decides to extend "
            "the mandate of UNMISS for a further period;"
        )
    )
    assert [(r.mission, r.action) for r in report.renewals] == [
        ("UNFICYP", "skip"),
        ("UNMISS", "skip"),
    ]
    assert any("not a known mission" in w for w in report.warnings)
    assert any("without a date" in w for w in report.warnings)
    assert not MandateRenewal.objects.exists()


def test_an_older_resolution_imported_late_leaves_the_current_expiry(missions):
    text = _text("Decides to extend the mandate of MINUSCA until 15 November 2099;")
    import_document(data=text)
    older = _text(
        "Extends the mandate of MINUSCA until 15 November 2098;", adopted="1 June 2024", number=9980
    )
    report = import_document(data=older)
    assert [(r.acronym, r.action) for r in report.renewals] == [("MINUSCA", "record")]
    missions["MINUSCA"].refresh_from_db()
    assert missions["MINUSCA"].mandate_expiry == D(2099, 11, 15)
    assert MandateRenewal.objects.count() == 2


def test_an_expiry_before_the_adoption_is_refused_not_recorded(missions):
    report = import_document(
        data=_text("Extends the mandate of MINUSCA until 15 November 2024;", adopted="1 June 2025")
    )
    assert [(r.acronym, r.action) for r in report.renewals] == [("MINUSCA", "skip")]
    assert any("the renewal of MINUSCA" in w for w in report.warnings)
    assert not MandateRenewal.objects.exists()
    assert Mission.objects.get(acronym="MINUSCA").mandate_expiry is None


def test_staff_of_another_mission_import_but_do_not_record_its_renewal(missions, staff_a):
    report = import_document(
        data=_text("Decides to extend the mandate of MINUSCA until 15 November 2099;"), by=staff_a
    )
    assert [r.action for r in report.renewals] == ["skip"]
    assert any("record renewals" in w for w in report.warnings)
    assert not MandateRenewal.objects.exists()


def test_the_admin_preview_shows_the_renewal_and_the_confirmation_records_it(
    missions, administrator, client
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(administrator)
    url = reverse("admin:mandates_document_import")
    text = _text("Decides to extend the mandate of MINUSCA until 15 November 2099;")
    upload = SimpleUploadedFile("r.txt", text.encode(), "text/plain")
    preview = client.post(url, {"file": upload, "kind": "", "symbol": ""})
    content = preview.content.decode()
    assert "Mandate renewals" in content
    assert "2099" in content
    assert not MandateRenewal.objects.exists()
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert MandateRenewal.objects.get().expiry == D(2099, 11, 15)


@needs_corpus
@pytest.mark.parametrize(
    ("stem", "acronym", "adopted", "expiry"),
    [
        ("S-RES-2217-2015", "MINUSCA", D(2015, 4, 28), D(2016, 4, 30)),
        ("S-RES-2223-2015", "UNMISS", D(2015, 5, 28), D(2015, 11, 30)),
        ("S-RES-2147-2014", "MONUSCO", D(2014, 3, 28), D(2015, 3, 31)),
        ("S-RES-2164-2014", "MINUSMA", D(2014, 6, 25), D(2015, 6, 30)),
        ("S-RES-2109-2013", "UNMISS", D(2013, 7, 11), D(2014, 7, 15)),
    ],
)
def test_real_renewal_resolutions_record_their_renewal(missions, stem, acronym, adopted, expiry):
    report = import_document(data=(CORPUS / f"{stem}.txt").read_bytes())
    assert [(r.acronym, r.expiry, r.action) for r in report.renewals] == [
        (acronym, expiry, "record")
    ]
    renewal = MandateRenewal.objects.get()
    assert (renewal.mission.acronym, renewal.adopted, renewal.expiry) == (acronym, adopted, expiry)


@needs_corpus
def test_an_intention_to_extend_beside_a_renewal_is_not_recorded(missions):
    MissionFactory.create(acronym="UNMIL", name="United Nations Mission in Liberia")
    report = import_document(data=(CORPUS / "S-RES-2176-2014.txt").read_bytes())
    # OP1 extends until 31 December 2014; a later paragraph only "expresses its intention".
    assert [(r.acronym, r.expiry) for r in report.renewals] == [("UNMIL", D(2014, 12, 31))]
