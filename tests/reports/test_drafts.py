"""The draft of a mission's SSR section: its facts for a fixed dataset, its citations, the Word
download, who may write it, issuing it with the report, and its queries."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from docx import Document

from mandates.choices import (
    ActivityKind,
    MembershipRole,
    OwnershipElement,
    PartnerKind,
    Rating,
    Recurrence,
    RequestStatus,
    UnitKind,
)
from mandates.models import Fulfilment, SecretaryGeneralReport, StatusUpdate
from mandates.organisation import roles
from mandates.sg_reports.fulfilment import SYSTEM
from reports.choices import DraftStatus
from reports.drafts import selectors
from reports.drafts.docx import draft_docx
from reports.drafts.services import draft_edit, draft_generate, draft_issue
from reports.models import ReportDraft
from tests.factories import (
    ActivityFactory,
    BenchmarkAssessmentFactory,
    BenchmarkFactory,
    MissionFactory,
    PartnerSupportFactory,
    RequestFactory,
    StatusUpdateFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
START, END = D(2026, 7, 1), D(2026, 9, 30)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=datetime.UTC)


class Dataset:
    """One mission (DRM) with a quarter's benchmarks, notes, activities and support, and
    another mission (OTH) whose records must stay out of DRM's draft."""

    def __init__(self) -> None:
        self.mission = MissionFactory.create(
            acronym="DRM", reporting_cycle_months=3, reporting_anchor=D(2026, 9, 20)
        )
        self.section = UnitFactory.create(
            acronym="DRM-SSR", kind=UnitKind.MISSION_SECTION, mission=self.mission
        )
        self.other = MissionFactory.create(acronym="OTH")
        self.focal = UserFactory.create(is_staff=True)
        self.focal.groups.add(Group.objects.get(name=roles.SSR_STAFF))
        self.section.memberships.create(user=self.focal, role=MembershipRole.FOCAL_POINT)

        self.police = BenchmarkFactory.create(
            reference="drm-police",
            mission=self.mission,
            responsible_unit=self.section,
            ownership_element=OwnershipElement.NATIONAL_RESOURCES,
            indicator="Districts with a functioning police station",
            baseline="2 of 10 districts",
            target="10 of 10 districts",
            host_country_context="The Government committed to fund 40 police posts in 2026",
        )
        BenchmarkAssessmentFactory.create(
            benchmark=self.police,
            period_start=D(2026, 4, 1),
            period_end=D(2026, 6, 30),
            rating=Rating.ON_TRACK,
            value="3 of 10 districts",
        )
        self.police_q3 = BenchmarkAssessmentFactory.create(
            benchmark=self.police,
            period_start=D(2026, 7, 1),
            period_end=D(2026, 9, 30),
            rating=Rating.OFF_TRACK,
            value="4 of 10 districts",
            evidence="Ministry of Interior report, August 2026",
            narrative="Recruitment frozen after the budget cut",
        )
        self.justice = BenchmarkFactory.create(
            reference="drm-justice",
            mission=self.mission,
            responsible_unit=self.section,
            indicator="Courts sitting in every region",
            baseline="3 regions",
            target="8 regions",
        )
        BenchmarkAssessmentFactory.create(
            benchmark=self.justice,
            period_start=D(2026, 1, 1),
            period_end=D(2026, 3, 31),
            rating=Rating.AT_RISK,
        )
        BenchmarkFactory.create(reference="oth-bm", mission=self.other, indicator="OTH indicator")

        self.request = RequestFactory.create(
            reference="drm-vetting",
            title="Vetting of the national police",
            lead_unit=self.section,
            missions=[self.mission],
            due_date=D(2026, 12, 31),
        )
        self.vetting = StatusUpdateFactory.create(
            request=self.request,
            mission=self.mission,
            created_at=_at(D(2026, 8, 10)),
            status_from=RequestStatus.NOT_STARTED,
            status_to=RequestStatus.IN_PROGRESS,
            note="Vetting of 120 officers completed",
        )
        self.paused = StatusUpdateFactory.create(
            request=self.request,
            mission=self.mission,
            created_at=_at(D(2026, 9, 2)),
            status_from=RequestStatus.IN_PROGRESS,
            status_to=RequestStatus.ON_HOLD,
            note="Deployment paused pending the security situation",
        )
        self.before = StatusUpdateFactory.create(
            request=self.request,
            created_at=_at(D(2026, 6, 1)),
            note="A note of the previous period",
        )
        StatusUpdateFactory.create(
            request=self.request,
            created_at=_at(D(2026, 8, 11)),
            author_name=SYSTEM,
            note="Due with the next report.",
        )
        other_request = RequestFactory.create(lead_unit=self.section, missions=[self.other])
        StatusUpdateFactory.create(
            request=other_request, created_at=_at(D(2026, 8, 12)), note="OTH note"
        )
        self.training = ActivityFactory.create(
            kind=ActivityKind.TRAINING,
            title="Training of police trainers",
            start_date=D(2026, 7, 20),
            end_date=D(2026, 7, 24),
            story="Forty trainers certified",
            partners="UNDP",
            missions=[self.mission],
        )
        ActivityFactory.create(
            title="OTH workshop", start_date=D(2026, 8, 1), end_date=None, missions=[self.other]
        )
        ActivityFactory.create(
            title="Earlier training", start_date=D(2026, 5, 1), missions=[self.mission]
        )
        self.eu = PartnerSupportFactory.create(
            partner="EUCAP",
            partner_kind=PartnerKind.EUROPEAN_UNION,
            mission=self.mission,
            period_start=D(2026, 1, 1),
            note="Advisers in the Ministry of Interior",
        )
        PartnerSupportFactory.create(partner="OTH partner", mission=self.other)


@pytest.fixture
def world() -> Dataset:
    with translation.override("en"):
        return Dataset()


def _section(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return next(s for s in data["sections"] if s["key"] == key)["sentences"]


def _sections(world: Dataset) -> dict[str, Any]:
    with translation.override("en"):
        return selectors.draft_sections(mission=world.mission, start=START, end=END)


def test_the_benchmark_table_gives_baseline_target_and_the_periods_latest_rating(world):
    rows = _sections(world)["benchmarks"]["rows"]
    assert [row["reference"] for row in rows] == ["drm-justice", "drm-police"]
    justice, police = rows
    assert (police["baseline"], police["target"]) == ("2 of 10 districts", "10 of 10 districts")
    assert (police["rating"], police["value"]) == (Rating.OFF_TRACK, "4 of 10 districts")
    assert police["evidence"] == "Ministry of Interior report, August 2026"
    assert police["sources"] == [f"AS{world.police_q3.pk}"]
    # Assessed only before the period: not assessed in it.
    assert justice["rating"] == ""
    assert justice["rating_label"] == "Not assessed in the period"


def test_a_sentence_quotes_the_note_and_cites_the_update_it_rests_on(world):
    data = _sections(world)
    (vetting,) = [s for s in _section(data, "progress") if "120 officers" in s["text"]]
    assert vetting["sources"] == [f"U{world.vetting.pk}"]
    assert "Vetting of the national police" in vetting["text"]
    source = data["sources"][f"U{world.vetting.pk}"]
    assert source["url"] == reverse("admin:mandates_statusupdate_change", args=[world.vetting.pk])
    assert selectors.cite(vetting).endswith(f"[U{world.vetting.pk}]")


def test_every_sentence_cites_a_source_listed(world):
    data = _sections(world)
    for section in data["sections"]:
        for sentence in section["sentences"]:
            assert sentence["sources"], sentence
            assert set(sentence["sources"]) <= set(data["sources"])


def test_obstacles_are_notes_putting_work_on_hold_and_benchmarks_off_track(world):
    obstacles = _section(_sections(world), "obstacles")
    cited = [s["sources"] for s in obstacles]
    assert [f"AS{world.police_q3.pk}"] in cited
    assert [f"U{world.paused.pk}"] in cited
    off_track = next(s for s in obstacles if s["sources"] == [f"AS{world.police_q3.pk}"])
    assert "off track" in off_track["text"]
    assert "Recruitment frozen" in off_track["text"]
    progress = json.dumps(_section(_sections(world), "progress"))
    assert "Deployment paused" not in progress


def test_commitments_and_support_by_other_actors(world):
    data = _sections(world)
    (commitment,) = _section(data, "commitments")
    assert "40 police posts" in commitment["text"]
    assert commitment["sources"] == [f"BM{world.police.pk}", f"AS{world.police_q3.pk}"]
    support = _section(data, "support")
    assert [s["sources"] for s in support] == [[f"PS{world.eu.pk}"], [f"AC{world.training.pk}"]]
    assert "EUCAP" in support[0]["text"]
    assert "Advisers in the Ministry of Interior" in support[0]["text"]
    assert "UNDP" in support[1]["text"]


def test_only_the_missions_records_of_the_period(world):
    text = json.dumps(_sections(world))
    for absent in (
        "OTH note",
        "OTH workshop",
        "OTH partner",
        "OTH indicator",
        "A note of the previous period",
        "Earlier training",
        "Due with the next report",
    ):
        assert absent not in text
    assert f"U{world.before.pk}" not in text


def test_a_request_of_several_missions_counts_only_the_missions_own_line(world):
    shared = RequestFactory.create(lead_unit=world.section, missions=[world.mission, world.other])
    own_line = StatusUpdateFactory.create(
        request=shared,
        mission=world.mission,
        created_at=_at(D(2026, 8, 5)),
        note="DRM line: benchmarks sent",
    )
    StatusUpdateFactory.create(
        request=shared, created_at=_at(D(2026, 8, 6)), note="Whole request: template shared"
    )
    data = _sections(world)
    text = json.dumps(data)
    assert "DRM line: benchmarks sent" in text
    assert f"U{own_line.pk}" in data["sources"]
    assert "Whole request" not in text


def test_an_empty_period_says_so_in_each_section(world):
    with translation.override("en"):
        data = selectors.draft_sections(
            mission=MissionFactory.create(acronym="EMPTY"), start=START, end=END
        )
    for key in selectors.NARRATIVE_SECTIONS:
        (sentence,) = _section(data, key)
        assert sentence["sources"] == []
        assert sentence["text"].startswith("No ")


def test_the_prose_is_in_the_language_asked(world):
    draft = draft_generate(
        mission=world.mission, period_start=START, period_end=END, language="fr", by=None
    )
    assert draft.language == "fr"
    titles = [s["title"] for s in draft.data["sections"]]
    assert titles == [
        "Progrès",
        "Obstacles",
        "Engagements du pays hôte",
        "Appui des autres acteurs (résolution 2553 (2020), par. 20 f))",
    ]
    (police,) = [r for r in draft.data["benchmarks"]["rows"] if r["reference"] == "drm-police"]
    assert police["rating_label"] == "En retard sur les objectifs"
    assert "Not assessed" not in json.dumps(draft.data)
    assert "Vetting of 120 officers completed" in draft.texts["progress"]  # quoted as written
    assert (
        "depuis le 1 janvier 2026 : Advisers in the Ministry of Interior" in draft.texts["support"]
    )


# --- the services --------------------------------------------------------------------------


def test_generating_again_replaces_the_texts_and_keeps_one_draft(world):
    draft = draft_generate(
        mission=world.mission, period_start=START, period_end=END, by=world.focal
    )
    draft_edit(draft=draft, texts={"progress": "Edited."}, by=world.focal)
    assert ReportDraft.objects.get(pk=draft.pk).texts["progress"] == "Edited."
    again = draft_generate(
        mission=world.mission, period_start=START, period_end=END, by=world.focal
    )
    assert again.pk == draft.pk
    assert "120 officers" in again.texts["progress"]
    assert ReportDraft.objects.count() == 1


def test_staff_of_another_unit_and_managers_may_not_draft(world, staff_a, manager):
    for user in (staff_a, manager):
        with pytest.raises(PermissionDenied):
            draft_generate(mission=world.mission, period_start=START, period_end=END, by=user)
    draft = draft_generate(mission=world.mission, period_start=START, period_end=END, by=None)
    for user in (staff_a, manager):
        with pytest.raises(PermissionDenied):
            draft_edit(draft=draft, texts={"progress": "Not mine."}, by=user)
        with pytest.raises(PermissionDenied):
            draft_issue(draft=draft, symbol="S/2026/901", date=D(2026, 12, 18), by=user)
    draft.refresh_from_db()
    assert draft.texts["progress"] != "Not mine."
    assert not SecretaryGeneralReport.objects.filter(symbol="S/2026/901").exists()


@pytest.fixture
def reporting_request(world):
    """2553 OP20(e) "with each regular report" on DRM, due with its report of 20 December."""
    return RequestFactory.create(
        reference="drm-op20e",
        lead_unit=world.section,
        status=RequestStatus.IN_PROGRESS,
        due_date=D(2026, 12, 20),
        recurrence=Recurrence.MISSION_REPORTS,
        missions=[world.mission],
    )


def test_issuing_registers_the_report_and_its_fulfilment_once(world, reporting_request):
    draft = draft_generate(mission=world.mission, period_start=START, period_end=END, by=None)
    issued = draft_issue(draft=draft, symbol=" S/2026/900 ", date=D(2026, 12, 18), by=world.focal)
    report = SecretaryGeneralReport.objects.get(symbol="S/2026/900")
    assert (issued.status, issued.report, report.mission) == (
        DraftStatus.ISSUED,
        report,
        world.mission,
    )
    (fulfilment,) = Fulfilment.objects.filter(request=reporting_request)
    assert (fulfilment.mission, fulfilment.report, fulfilment.due_date) == (
        world.mission,
        report,
        D(2026, 12, 20),
    )
    # Again (a second click, another symbol): nothing more.
    again = draft_issue(draft=draft, symbol="S/2026/999", date=D(2026, 12, 19), by=world.focal)
    assert again.report == report
    assert Fulfilment.objects.filter(request=reporting_request).count() == 1
    assert not SecretaryGeneralReport.objects.filter(symbol="S/2026/999").exists()
    with pytest.raises(ValidationError):
        draft_edit(draft=draft, texts={"progress": "After the fact."}, by=world.focal)


def test_issuing_in_a_report_already_registered_links_it(world, reporting_request):
    from mandates.sg_reports.services import report_register

    report = report_register(
        mission=world.mission, symbol="S/2026/902", date=D(2026, 12, 18), by=None
    )
    draft = draft_generate(mission=world.mission, period_start=START, period_end=END, by=None)
    draft_issue(draft=draft, symbol="S/2026/902", by=world.focal)
    assert ReportDraft.objects.get(pk=draft.pk).report == report
    assert Fulfilment.objects.filter(request=reporting_request).count() == 1


def test_a_report_on_another_mission_is_refused(world):
    other = SecretaryGeneralReport.objects.create(
        mission=world.other, symbol="S/2026/903", date=D(2026, 12, 1)
    )
    draft = draft_generate(mission=world.mission, period_start=START, period_end=END, by=None)
    with pytest.raises(ValidationError):
        draft_issue(draft=draft, report=other, by=None)
    assert not ReportDraft.objects.get(pk=draft.pk).is_issued


# --- the Word document ---------------------------------------------------------------------


def test_the_word_document_has_the_headings_the_table_and_the_citations(world):
    draft = draft_generate(
        mission=world.mission, period_start=START, period_end=END, language="en", by=None
    )
    document = Document(io.BytesIO(draft_docx(draft)))
    styles = {p.text: p.style.name if p.style else "" for p in document.paragraphs}
    headings = [text for text, style in styles.items() if style.startswith(("Heading", "Title"))]
    assert headings[0].startswith("Security sector reform: DRM")
    assert headings[1:] == [
        "Benchmarks (resolution 2553 (2020), para. 20 (e))",
        "Progress",
        "Obstacles",
        "Commitments of the host country",
        "Support by other actors (resolution 2553 (2020), para. 20 (f))",
        "Sources",
    ]
    (table,) = document.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == [
        "Benchmark",
        "Baseline",
        "Target",
        "Latest rating in the period",
        "Evidence",
    ]
    police = next(row for row in cells if row[0].startswith("Districts"))
    assert police[1:3] == ["2 of 10 districts", "10 of 10 districts"]
    assert police[3].startswith("Off track (4 of 10 districts)")
    body = [p.text for p in document.paragraphs]
    assert any("120 officers" in p and f"[U{world.vetting.pk}]" in p for p in body)
    assert any(p.startswith(f"[U{world.vetting.pk}] ") for p in body)


# --- the pages -----------------------------------------------------------------------------


def test_the_focal_point_generates_edits_and_downloads_on_the_page(client, world):
    client.force_login(world.focal)
    mission_page = client.get(reverse("dashboard:mission", args=["DRM"]))
    assert reverse("dashboard:mission-drafts", args=["DRM"]).encode() in mission_page.content
    response = client.post(
        reverse("dashboard:mission-drafts", args=["DRM"]),
        {"period_start": "2026-07-01", "period_end": "2026-09-30", "language": "en"},
    )
    draft = ReportDraft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:draft", args=[draft.pk])
    page = client.get(response["Location"])
    admin_link = reverse("admin:mandates_statusupdate_change", args=[world.vetting.pk])
    assert f'href="{admin_link}"'.encode() in page.content
    assert b'name="action" value="issue"' in page.content
    saved = client.post(
        reverse("dashboard:draft", args=[draft.pk]), {"action": "save", "progress": "Edited <b>."}
    )
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.texts["progress"] == "Edited <b>."
    assert b"Edited &lt;b&gt;." in client.get(reverse("dashboard:draft", args=[draft.pk])).content
    docx = client.get(reverse("dashboard:draft-docx", args=[draft.pk]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert Document(io.BytesIO(docx.content)).tables


def test_others_read_the_draft_but_the_page_refuses_their_writes(client, world, staff_a, manager):
    draft = draft_generate(mission=world.mission, period_start=START, period_end=END, by=None)
    url = reverse("dashboard:draft", args=[draft.pk])
    for user in (staff_a, manager):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200
        assert b'name="action"' not in page.content
        assert client.post(url, {"action": "save", "progress": "No."}).status_code == 403
        assert client.post(url, {"action": "regenerate"}).status_code == 403
        response = client.post(
            url, {"action": "issue", "symbol": "S/2026/904", "date": "2026-12-18"}
        )
        assert response.status_code == 403
        generate = client.post(
            reverse("dashboard:mission-drafts", args=["DRM"]),
            {"period_start": "2026-01-01", "period_end": "2026-03-31", "language": "en"},
        )
        assert generate.status_code == 403
    draft.refresh_from_db()
    assert draft.texts["progress"] != "No."
    assert (ReportDraft.objects.count(), draft.status) == (1, DraftStatus.DRAFT)


def test_the_admin_shows_drafts_read_only(client, world, administrator, staff_a):
    draft = draft_generate(mission=world.mission, period_start=START, period_end=END, by=None)
    url = reverse("admin:reports_reportdraft_change", args=[draft.pk])
    for user in (administrator, staff_a, world.focal):
        client.force_login(user)
        assert client.get(url).status_code == 200
        assert client.post(url, {"texts": "{}"}).status_code == 403
        assert client.get(reverse("admin:reports_reportdraft_add")).status_code == 403


def test_no_role_reads_nothing(client, world):
    draft = draft_generate(mission=world.mission, period_start=START, period_end=END, by=None)
    client.force_login(UserFactory.create(is_staff=True))
    for url in (
        reverse("dashboard:mission-drafts", args=["DRM"]),
        reverse("dashboard:draft", args=[draft.pk]),
        reverse("dashboard:draft-docx", args=[draft.pk]),
    ):
        assert client.get(url).status_code == 403


# --- queries -------------------------------------------------------------------------------


def _grow(world: Dataset, n: int) -> None:
    for i in range(n):
        benchmark = BenchmarkFactory.create(
            mission=world.mission,
            responsible_unit=world.section,
            host_country_context=f"Commitment {i}",
        )
        BenchmarkAssessmentFactory.create(
            benchmark=benchmark, period_start=START, period_end=END, rating=Rating.AT_RISK
        )
        request = RequestFactory.create(lead_unit=world.section, missions=[world.mission])
        StatusUpdateFactory.create(request=request, created_at=_at(D(2026, 8, 3)), note=f"n{i}")
        ActivityFactory.create(
            start_date=D(2026, 8, 4), end_date=None, missions=[world.mission], partners="AU"
        )
        PartnerSupportFactory.create(mission=world.mission, period_start=D(2026, 2, 1))


@pytest.mark.parametrize("extra", [0, 12])
def test_the_generator_issues_five_queries_whatever_the_size(
    world, extra, django_assert_num_queries
):
    _grow(world, extra)
    # benchmarks, their assessments in the period, the notes (with requests and line due
    # dates), the activities, the support by other actors.
    with translation.override("en"), django_assert_num_queries(5):
        data = selectors.draft_sections(mission=world.mission, start=START, end=END)
    assert len(data["benchmarks"]["rows"]) == 2 + extra
    assert len(_section(data, "support")) == 2 + 2 * extra


def test_the_french_pages_show_no_english_sentence_of_the_catalogue(client, world):
    from tests import catalogue

    draft = draft_generate(
        mission=world.mission, period_start=START, period_end=END, language="fr", by=None
    )
    client.force_login(world.focal)
    client.cookies["django_language"] = "fr"
    phrases = catalogue.english_phrases(catalogue.catalogue())
    # Staff's notes, stories and titles are data, quoted as written.
    data = [world.request.title, world.vetting.note, world.paused.note, world.training.title]
    for url in (
        reverse("dashboard:mission-drafts", args=["DRM"]),
        reverse("dashboard:draft", args=[draft.pk]),
    ):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
        assert page.status_code == 200
        assert "Engagements du pays hôte" in page.content.decode() or url.endswith("drafts/")
        assert catalogue.english_left(page.content.decode(), phrases, data=data) == []


def test_the_demo_shows_a_draft_for_one_mission(settings, tmp_path, capsys):
    from django.core.management import call_command

    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    call_command("demo", no_migrate=True)
    draft = ReportDraft.objects.get(mission__acronym="MINUSCA")
    assert draft.get_absolute_url() in capsys.readouterr().out
    rows = draft.data["benchmarks"]["rows"]
    assert {row["reference"] for row in rows} == {"MINUSCA-B1", "MINUSCA-B2", "MINUSCA-B3"}
    cited = [s for section in draft.data["sections"] for s in section["sentences"] if s["sources"]]
    assert any(key.startswith("U") for s in cited for key in s["sources"])
    call_command("demo", no_migrate=True)  # again: the same draft, generated again
    assert ReportDraft.objects.filter(mission__acronym="MINUSCA").count() == 1
    assert StatusUpdate.objects.filter(note__startswith="Community dialogues").count() == 1
    draft = ReportDraft.objects.get(mission__acronym="MINUSCA")
    obstacles = next(s for s in draft.data["sections"] if s["key"] == "obstacles")
    assert any("Good offices" in s["text"] for s in obstacles["sentences"])


def test_the_focal_point_issues_the_draft_on_the_page(client, world, reporting_request):
    draft = draft_generate(mission=world.mission, period_start=START, period_end=END, by=None)
    client.force_login(world.focal)
    url = reverse("dashboard:draft", args=[draft.pk])
    incomplete = client.post(url, {"action": "issue", "symbol": "S/2026/905"})
    assert incomplete.status_code == 200
    assert b"errorlist" in incomplete.content
    issued = client.post(url, {"action": "issue", "symbol": "S/2026/905", "date": "2026-12-18"})
    assert issued.status_code == 302
    draft.refresh_from_db()
    report = SecretaryGeneralReport.objects.get(symbol="S/2026/905")
    assert (draft.status, draft.report) == (DraftStatus.ISSUED, report)
    assert Fulfilment.objects.filter(request=reporting_request).count() == 1
    page = client.get(url)
    assert b'name="action"' not in page.content  # read-only once issued
    with pytest.raises(ValidationError):
        draft_generate(mission=world.mission, period_start=START, period_end=END, by=world.focal)
