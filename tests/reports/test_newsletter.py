"""The summary as a newsletter, on a fixed dataset: its sections and their facts, the trend
figures against counts made independently, the French edition and the PDF."""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter
from pathlib import Path

import pypdf
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from mandates.choices import ActivityKind, DocumentKind, Rating, RequestStatus
from mandates.models import (
    Document,
    Mission,
    Paragraph,
    ReportingDate,
    Request,
    StatusUpdate,
)
from mandates.requests.services import request_update_status
from mandates.words import shortened
from reports import summaries
from reports.pdf import masthead, summary_pdf
from reports.periods import Period
from reports.prose import narrative
from tests.conftest import REQUIRE_SERVICES
from tests.factories import (
    ActivityFactory,
    BenchmarkAssessmentFactory,
    BenchmarkFactory,
    DocumentFactory,
    MissionFactory,
    ParagraphFactory,
    RequestFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
Q3 = Period.parse("2021-Q3")
SLIPPED_NOTE = "Delayed: the MINUSCA benchmarks await the national security sector review."
LONG_INDICATOR = (
    "Police reform plan adopted by the council of ministers and carried out by the national "
    "police and gendarmerie forces in every region"
)
#: What staff typed (titles, notes, stories, names): left as typed in the French edition.
STAFF_TEXT = [
    "Report on SSR",
    "Benchmarks in mission reports",
    "National security dialogue support",
    "Monitoring and evaluation guidance",
    "Liberia drawdown plan",
    "Report S/2021/600 issued; paragraphs 40 to 44 cover SSR.",
    SLIPPED_NOTE,
    "Guidance drafted, awaiting the Task Force.",
    "Joint assessment mission to Mali",
    "The team met the Ministry of Security and the national police.",
    "Task Force meeting",
    LONG_INDICATOR,
    "UNDP",
    "3 of 4 meetings held",  # the assessment's value, as the factory types it
]


def at(day: D, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def note(request: Request, day: D, text: str, status: str = RequestStatus.IN_PROGRESS) -> None:
    request_update_status(request=request, status=status, note=text, now=at(day), by=None)


@pytest.fixture
def newsletter(unit):
    """The third quarter of 2021: MINUSMA busy, MINUSCA sharing a request, UNMIL closed in
    August, a request for no mission, activities, a reporting date, resolutions by year."""
    minusma = MissionFactory.create(acronym="MINUSMA", host_country="Mali", host_country_fr="Mali")
    minusca = MissionFactory.create(
        acronym="MINUSCA",
        host_country="Central African Republic",
        host_country_fr="République centrafricaine",
    )
    unmil = MissionFactory.create(
        acronym="UNMIL", host_country="Liberia", host_country_fr="Libéria", end_date=D(2021, 8, 31)
    )

    def make(reference, title, due, missions, created=None):
        created = created or D(2021, 1, 4)
        return RequestFactory.create(
            reference=reference,
            title=title,
            lead_unit=unit,
            due_date=due,
            missions=missions,
            created_at=at(created),
        )

    done = make("2553-OP25", "Report on SSR", D(2021, 9, 30), [minusma])
    note(done, D(2021, 9, 1), "Drafting.")
    note(
        done,
        D(2021, 9, 14),
        "Report S/2021/600 issued; paragraphs 40 to 44 cover SSR.",
        RequestStatus.COMPLETED,
    )
    shared = make("2553-OP20e", "Benchmarks in mission reports", D(2021, 9, 15), [minusma, minusca])
    note(shared, D(2021, 9, 10), SLIPPED_NOTE)
    note(shared, D(2021, 10, 5), "Written after the quarter: not quoted.", RequestStatus.ON_HOLD)
    make(
        "2553-OP13", "National security dialogue support", D(2021, 11, 15), [minusma], D(2021, 8, 2)
    )
    nowhere = make("2553-OP18", "Monitoring and evaluation guidance", D(2021, 9, 20), [])
    note(nowhere, D(2021, 8, 20), "Guidance drafted, awaiting the Task Force.")
    make("UNMIL-7", "Liberia drawdown plan", D(2021, 8, 15), [unmil])

    benchmark = BenchmarkFactory.create(mission=minusma, indicator=LONG_INDICATOR)
    for start, end, rating in (
        (D(2021, 1, 1), D(2021, 6, 30), Rating.OFF_TRACK),
        (D(2021, 7, 1), D(2021, 9, 30), Rating.AT_RISK),
    ):
        BenchmarkAssessmentFactory.create(
            benchmark=benchmark, period_start=start, period_end=end, rating=rating
        )
    ActivityFactory.create(
        kind=ActivityKind.ASSESSMENT_MISSION,
        title="Joint assessment mission to Mali",
        start_date=D(2021, 8, 10),
        end_date=D(2021, 8, 14),
        story="The team met the Ministry of Security and the national police.",
        partners="UNDP",
        missions=[minusma],
    )
    ActivityFactory.create(
        kind=ActivityKind.MEETING,
        title="Task Force meeting",
        start_date=D(2021, 10, 20),
        end_date=None,
        story="",
    )
    ReportingDate.objects.create(mission=minusma, date=D(2021, 12, 15))
    for symbol, day, kind in (
        ("S/RES/2447 (2018)", D(2018, 12, 13), DocumentKind.RESOLUTION),
        ("S/RES/2480 (2019)", D(2019, 6, 28), DocumentKind.RESOLUTION),
        ("S/RES/2531 (2020)", D(2020, 6, 29), DocumentKind.RESOLUTION),
        ("S/RES/2553 (2020)", D(2020, 12, 3), DocumentKind.RESOLUTION),
        ("S/2020/1170", D(2020, 11, 30), DocumentKind.DRAFT_RESOLUTION),
        ("S/RES/2584 (2021)", D(2021, 6, 29), DocumentKind.RESOLUTION),
        ("S/RES/2151 (2014)", D(2014, 4, 28), DocumentKind.RESOLUTION),
    ):
        DocumentFactory.create(symbol=symbol, date=day, kind=kind)
    # Resolutions referencing SSR are those naming the security sector in a paragraph: 2480
    # (2019) renews a mandate without a word of it, 2447 (2018) names it in capitals.
    for symbol, text in (
        ("S/RES/2447 (2018)", "Decides that SECURITY SECTOR REFORM shall be supported;"),
        ("S/RES/2480 (2019)", "Decides to extend the mandate of MINUSMA until 30 June 2020;"),
        ("S/RES/2531 (2020)", "Requests support to the reform of the security sector;"),
        ("S/RES/2531 (2020)", "Requests support to security sector governance;"),
        ("S/RES/2553 (2020)", "Emphasizes the importance of security sector reform;"),
        ("S/2020/1170", "Emphasizes the importance of security sector reform;"),
        ("S/RES/2584 (2021)", "Requests MINUSMA to support security sector reform;"),
    ):
        ParagraphFactory.create(document=Document.objects.get(symbol=symbol), text=text)
    return {"minusma": minusma, "minusca": minusca, "unmil": unmil}


def plain(text: str) -> str:
    return " ".join(text.split())


def test_highlights_quote_the_note_that_explains_each_item(newsletter):
    data = summaries.compile_data(Q3)
    (completed,) = data["completed"]
    assert completed["note"] == "Report S/2021/600 issued; paragraphs 40 to 44 cover SSR."
    slipped = {row["reference"]: row for row in data["slipped"]}
    assert set(slipped) == {"2553-OP20e", "2553-OP18", "UNMIL-7"}
    # The latest note by the end of the quarter, not the one written after it.
    assert slipped["2553-OP20e"]["note"] == SLIPPED_NOTE
    assert slipped["2553-OP20e"]["note_on"] == "2021-09-10"

    text = plain(summaries.render(data)[2])
    assert f"“{SLIPPED_NOTE}” (10 September 2021)" in text
    assert "Written after the quarter" not in text
    assert text.index("HIGHLIGHTS") < text.index("Completed") < text.index("Slipped and overdue")


def test_news_by_mission_leaves_out_closed_missions_and_tells_shared_items_once(newsletter):
    data = summaries.compile_data(Q3)
    assert [m["acronym"] for m in data["missions"]] == ["MINUSMA"]
    (minusma,) = data["missions"]
    # The request shared with MINUSCA is not MINUSMA's news; it is told across missions.
    assert "2553-OP20e" not in minusma["late"] + minusma["completed"] + minusma["coming"]
    assert minusma["completed"] == ["2553-OP25"]
    across = data["across"]
    assert [r["reference"] for r in across["late"]] == ["2553-OP20e", "2553-OP18"]
    assert across["counts"] == {"completed": 0, "new": 0, "late": 2, "coming": 0}

    story = narrative(data)
    headings = [s.heading for s in story.sections]
    assert "UNMIL (Liberia)" not in headings
    assert "MINUSCA (Central African Republic)" not in headings
    news_start = headings.index("News by mission")
    news = story.sections[news_start + 1 : headings.index("Activities")]
    assert [s.heading for s in news] == ["MINUSMA (Mali)", "Across missions"]
    told = Counter(
        ref
        for s in news
        for ref in set(re.findall(r"\((2553-OP\w+|UNMIL-\d+)\)", " ".join(s.paragraphs)))
        | {e.link_text.rsplit("(", 1)[-1].rstrip(")") for e in s.entries if e.link_text}
    )
    assert told
    assert max(told.values()) == 1  # no request told under two headings
    assert "UNMIL-7" not in told


def test_activities_reports_due_and_benchmark_names_whole(newsletter):
    data = summaries.compile_data(Q3)
    assert [a["title"] for a in data["activities"]["items"]] == ["Joint assessment mission to Mali"]
    assert [a["title"] for a in data["activities_next"]["items"]] == ["Task Force meeting"]
    assert data["reports_due"] == [{"mission": "MINUSMA", "date": "2021-12-15"}]
    text = plain(summaries.render(data)[2])
    assert (
        "10 August 2021 to 14 August 2021: Joint assessment mission to Mali (Assessment mission, "
        "MINUSMA, with UNDP). The team met the Ministry of Security" in text
    )
    assert "15 December 2021: the Secretary-General's regular report on MINUSMA is due." in text
    assert "20 October 2021: Task Force meeting (Meeting)." in text
    short = shortened(LONG_INDICATOR, 90)
    assert f"“{short}” improved from off track to at risk" in text
    assert short.endswith("…")
    assert LONG_INDICATOR.startswith(short[:-1] + " ")
    assert "gendar…" not in text


def test_a_name_is_cut_at_a_word_boundary_or_not_at_all():
    assert shortened("Police reform (police and gendarmerie)", 30) == "Police reform…"
    assert shortened("Short enough", 30) == "Short enough"
    assert shortened("Unbreakablewordthatislong and more", 10) == "Unbreakablewordthatislong…"
    assert str(BenchmarkFactory.build(reference="B1", indicator=LONG_INDICATOR)).endswith(
        "council of ministers and…"
    )


def _independent_trends(periods: list[Period], years: list[int]) -> dict[str, list[int]]:
    """The trend figures counted from raw rows, in Python, without the selectors."""
    tz = datetime.UTC
    assert Document._meta.db_table == "mandates_document"
    assert Paragraph._meta.db_table == "mandates_paragraph"
    assert Request._meta.db_table == "mandates_request"
    assert StatusUpdate._meta.db_table == "mandates_statusupdate"
    assert Mission._meta.db_table == "mandates_mission"
    assert Request.missions.through._meta.db_table == "mandates_request_missions"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, kind, date FROM mandates_document")
        documents = cursor.fetchall()
        cursor.execute("SELECT document_id, text FROM mandates_paragraph")
        paragraphs = cursor.fetchall()
        cursor.execute("SELECT id, created_at, status, archived_at FROM mandates_request")
        requests = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute("SELECT request_id, status_to, created_at FROM mandates_statusupdate")
        updates = cursor.fetchall()
        cursor.execute("SELECT id, start_date, end_date FROM mandates_mission")
        missions = cursor.fetchall()
        cursor.execute("SELECT request_id, mission_id FROM mandates_request_missions")
        links = cursor.fetchall()

    def moment(value):
        if isinstance(value, str):
            value = datetime.datetime.fromisoformat(value)
        return value if value.tzinfo else value.replace(tzinfo=tz)

    def day(value):
        return D.fromisoformat(value) if isinstance(value, str) else value

    referencing = {pk for pk, text in paragraphs if "security sector" in text.lower()}
    years_count = Counter(
        day(d).year
        for pk, kind, d in documents
        if kind == DocumentKind.RESOLUTION and d and pk in referencing
    )
    result: dict[str, list[int]] = {
        "resolutions": [years_count[y] for y in years],
        "missions": [],
        "opened": [],
        "closed": [],
    }
    for period in periods:
        start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(
            period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        live = {pk for pk, (created, _s, archived) in requests.items() if archived is None}
        result["opened"].append(sum(1 for pk in live if start <= moment(requests[pk][0]) < end))
        result["closed"].append(
            len(
                {
                    pk
                    for pk, status_to, created in updates
                    if pk in live
                    and requests[pk][1] == RequestStatus.COMPLETED
                    and status_to == RequestStatus.COMPLETED
                    and start <= moment(created) < end
                }
            )
        )
        result["missions"].append(
            len(
                {
                    mission
                    for request, mission in links
                    if request in live
                    and moment(requests[request][0]) < end
                    and any(
                        pk == mission
                        and (s is None or day(s) <= period.end)
                        and (e is None or day(e) >= period.end)
                        for pk, s, e in missions
                    )
                }
            )
        )
    return result


def test_trend_figures_equal_counts_made_independently(newsletter, settings):
    settings.TIME_ZONE = "UTC"
    data = summaries.compile_data(Q3)
    trends = data["trends"]
    periods = [Period.parse(p["code"]) for p in trends["periods"]]
    assert [p.code for p in periods] == [
        "2020-Q2",
        "2020-Q3",
        "2020-Q4",
        "2021-Q1",
        "2021-Q2",
        "2021-Q3",
    ]
    assert trends["years"] == [2016, 2017, 2018, 2019, 2020, 2021]
    expected = _independent_trends(periods, trends["years"])
    # 2018: 2447; 2019: none (2480 does not name the sector); 2020: 2531 (once, for two
    # paragraphs) and 2553, not the draft; 2021: 2584.
    assert trends["resolutions"] == expected["resolutions"] == [0, 0, 1, 0, 2, 1]
    assert trends["missions"] == expected["missions"]
    assert trends["missions"][-1] == 2  # MINUSMA and MINUSCA; UNMIL closed in August
    assert trends["opened"] == expected["opened"]
    assert trends["closed"] == expected["closed"]
    # The same definitions as the summary's own figures.
    assert trends["opened"][-1] == data["figures"]["new"]
    assert trends["closed"][-1] == data["figures"]["completed"] == 1


def test_the_french_edition_has_no_english_left(newsletter):
    data = summaries.compile_data(Q3)
    with translation.override("fr"):
        title, html, text = summaries.render(data)
        story = narrative(data)
    for typed in [shortened(LONG_INDICATOR, 90), *STAFF_TEXT]:
        html, text = html.replace(typed, ""), text.replace(typed, "")
    html = re.sub(r"<[^>]+>", " ", html)
    english = re.compile(
        r"\b(the|and|of|was|were|is|are|request|requests|due|with|led|by|completed|slipped|"
        r"overdue|highlights|across|activities|activity|trends|coming|soon|recorded|report|"
        r"reports|resolutions|period|quarter|newsletter|benchmark|benchmarks|assessed|"
        r"assessment|meeting|news|missions had|improved|from|to|per|year)\b",
        re.IGNORECASE,
    )
    for edition in (title, html, text):
        edition = re.sub(r"https?://\S+", "", edition.replace("ssrtracker", ""))
        left = [edition[max(0, m.start() - 40) : m.end() + 20] for m in english.finditer(edition)]
        assert left == []
    assert "Synthèse trimestrielle" in title
    assert story.sections[0].heading == "Faits marquants"


DEJAVU = Path(django_settings.SUMMARY_PDF_FONT or "")


@pytest.mark.parametrize(
    "font",
    [
        pytest.param(
            "embedded",
            marks=pytest.mark.skipif(
                not DEJAVU.is_file() and not REQUIRE_SERVICES,
                reason=f"needs the TrueType font {DEJAVU} (Debian: fonts-dejavu-core)",
            ),
        ),
        "core",
    ],
)
def test_the_pdf_holds_the_headings_a_figure_and_french_letters(newsletter, font, settings, caplog):
    if font == "core":  # a machine without the fonts: the PDF's own Helvetica
        settings.SUMMARY_PDF_FONT = "/nonexistent/font.ttf"
    data = summaries.compile_data(Q3)
    with translation.override("fr"):
        story = narrative(data)
        pdf = summary_pdf(story, masthead=masthead(), footer="Compilé · œuvre commune")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = plain(" ".join(page.extract_text() for page in reader.pages))
    for section in story.sections:
        if section.level == 2:
            assert plain(section.heading) in text
    assert "Compilé · œuvre commune" in text
    assert "S/2021/600" in text  # a quoted note
    assert "2021 : 1" in text or "2021: 1" in text  # a trend figure
    assert len(pdf) > 5000
    embedded = b"/FontFile2" in pdf
    assert embedded == (font == "embedded")
    assert ("using the PDF's Helvetica" in caplog.text) == (font == "core")


def test_the_pdf_download_is_for_summary_readers(newsletter, client, manager):
    summary, _ = summaries.summary_compile(period=Q3)
    client.force_login(manager)
    response = client.get(f"/dashboard/summaries/{summary.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        b"/dashboard/summaries/%d/pdf/" % summary.pk
        in client.get(f"/dashboard/summaries/{summary.pk}/").content
    )


def test_the_newsletter_adds_a_fixed_number_of_queries(newsletter):
    minusma, minusca = newsletter["minusma"], newsletter["minusca"]
    lead_unit = Request.objects.get(reference="2553-OP25").lead_unit

    def add(first: int, n: int) -> None:
        """n requests recorded in the quarter, due in it, every other one shared, with a note;
        n activities; n missions with a report due next quarter."""
        for index in range(first, first + n):
            request = RequestFactory.create(
                reference=f"bulk-{index}",
                lead_unit=lead_unit,
                due_date=D(2021, 9, 1) if index % 3 else D(2021, 10, 1),
                created_at=at(D(2021, 7, 5)),
                missions=[minusma, minusca] if index % 2 else [minusma],
            )
            note(request, D(2021, 8, 1), f"Note {index}.")
            ActivityFactory.create(start_date=D(2021, 8, 1), end_date=None, missions=[minusma])
            ReportingDate.objects.create(
                mission=MissionFactory.create(acronym=f"M{index}"), date=D(2021, 11, 1)
            )

    add(0, 6)
    with CaptureQueriesContext(connection) as small:
        summaries.compile_data(Q3)
    add(6, 30)
    # Besides the summary's own: the across-missions lists (3 per section), the activities of
    # this period and the next (3 each), the reports due (2), the trends (3).
    with CaptureQueriesContext(connection) as large:
        data = summaries.compile_data(Q3)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert data["activities"]["count"] == 37
    assert len(data["reports_due"]) == 37
