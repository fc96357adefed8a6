"""Periodic summaries: what they say for a known quarter, once per period, e-mailed once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mandates.choices import Rating, RequestStatus
from mandates.requests.services import request_update_status
from reports import summaries
from reports.models import Summary
from reports.periods import Period
from tests.factories import (
    BenchmarkAssessmentFactory,
    BenchmarkFactory,
    MissionFactory,
    RequestFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
Q3 = Period.parse("2021-Q3")


def at(day: D) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


def complete(request, day: D) -> None:
    request_update_status(request=request, status=RequestStatus.IN_PROGRESS, now=at(day), by=None)
    request_update_status(
        request=request, status=RequestStatus.COMPLETED, note="Done.", now=at(day), by=None
    )


@pytest.fixture
def quarter(unit):
    """The third quarter of 2021 in the SSR Unit, with MINUSMA."""
    minusma = MissionFactory.create(acronym="MINUSMA", host_country="Mali")
    made = {}

    def make(key, **kwargs):
        kwargs.setdefault("created_at", at(D(2021, 1, 4)))
        made[key] = RequestFactory.create(reference=key, lead_unit=unit, **kwargs)
        return made[key]

    complete(
        make("2553-OP25", title="Report on SSR", due_date=D(2021, 9, 30), missions=[minusma]),
        D(2021, 9, 14),
    )
    complete(make("2553-OP24", title="Gender guidance", due_date=D(2021, 6, 30)), D(2021, 5, 20))
    make("2553-OP20e", title="Benchmarks in mission reports", due_date=D(2021, 9, 15))
    make("2553-OP20f", title="Coordination report", due_date=D(2021, 5, 31), missions=[minusma])
    make(
        "2553-OP13",
        title="National security dialogue support",
        due_date=D(2021, 11, 15),
        created_at=at(D(2021, 8, 2)),
        missions=[minusma],
    )
    make("2553-OP99", title="Far off", due_date=D(2022, 6, 30))
    benchmark = BenchmarkFactory.create(
        mission=minusma, indicator="National SSR strategy adopted and monitored"
    )
    BenchmarkAssessmentFactory.create(
        benchmark=benchmark,
        period_start=D(2021, 1, 1),
        period_end=D(2021, 6, 30),
        rating=Rating.AT_RISK,
    )
    BenchmarkAssessmentFactory.create(
        benchmark=benchmark,
        period_start=D(2021, 7, 1),
        period_end=D(2021, 9, 30),
        rating=Rating.ON_TRACK,
        value="Strategy adopted in August",
    )
    return made


def test_summary_content_for_a_known_quarter(quarter):
    data = summaries.compile_data(Q3)

    assert data["figures"] == {
        "completed": 1,
        "new": 1,
        "slipped": 1,
        "overdue": 2,
        "due_next": 1,
        "open": 4,
    }
    assert data["previous_figures"]["completed"] == 1
    assert [r["reference"] for r in data["completed"]] == ["2553-OP25"]
    assert data["completed"][0]["completed_on"] == "2021-09-14"
    assert [r["reference"] for r in data["slipped"]] == ["2553-OP20e"]
    assert [r["reference"] for r in data["overdue"]] == ["2553-OP20f"]
    assert [r["reference"] for r in data["coming_soon"]] == ["2553-OP13"]
    (movement,) = data["benchmarks"]
    assert (movement["previous_rating"], movement["rating"], movement["movement"]) == (
        Rating.AT_RISK,
        Rating.ON_TRACK,
        "improved",
    )
    (mali,) = data["missions"]
    assert mali["completed"] == ["2553-OP25"]
    assert mali["late"] == ["2553-OP20f"]
    assert mali["coming"] == ["2553-OP13"]

    title, html, text = summaries.render(data)
    assert title == "Quarterly summary: The third quarter of 2021"
    lead = " ".join(text.split())
    assert (
        "In the third quarter of 2021 (1 July 2021 to 30 September 2021), one request was "
        "completed (the same as the previous quarter), and one new request was recorded (up "
        "from none the previous quarter)." in lead
    )
    assert "One request fell due during the quarter without being completed." in lead
    assert "two requests were overdue out of four open" in lead
    assert "One request falls due in the fourth quarter of 2021." in lead
    assert "Report on SSR (2553-OP25), led by SSRU for MINUSMA, completed on 14 September" in lead
    assert "MINUSMA (Mali)" in text
    assert "improved from at risk to on track (Strategy adopted in August)" in lead
    assert "one improved, none slipped and none held steady" in lead
    assert "15 November 2021: National security dialogue support (2553-OP13)" in lead
    assert "Coming soon" in html
    assert "<table" not in html


def test_running_twice_gives_one_summary(quarter):
    first, compiled = summaries.summary_compile(period=Q3)
    second, again = summaries.summary_compile(period=Q3)
    assert (compiled, again) == (True, False)
    assert first.pk == second.pk
    assert Summary.objects.count() == 1
    assert first.title == "Quarterly summary: The third quarter of 2021"


def test_a_past_period_is_recompiled_only_on_request(quarter):
    summary, _ = summaries.summary_compile(period=Q3, now=at(D(2021, 10, 1)))
    RequestFactory.create(
        reference="late-entry",
        lead_unit=quarter["2553-OP25"].lead_unit,
        created_at=at(D(2021, 8, 20)),
        due_date=D(2022, 1, 1),
    )
    unchanged, _ = summaries.summary_compile(period=Q3)
    assert unchanged.data["figures"]["new"] == 1
    recompiled, compiled = summaries.summary_compile(
        period=Q3, recompile=True, now=at(D(2021, 10, 5))
    )
    assert compiled
    assert recompiled.pk == summary.pk
    assert recompiled.data["figures"]["new"] == 2
    assert recompiled.compiled_at == at(D(2021, 10, 5))


def test_published_once_to_the_managers(quarter, manager, staff_a):
    summaries.summary_publish(kind="quarterly", today=D(2021, 10, 1))
    summaries.summary_publish(kind="quarterly", today=D(2021, 10, 1))
    (message,) = mail.outbox
    assert message.bcc == [manager.email]
    assert message.subject == "ssrtracker: Quarterly summary: The third quarter of 2021"
    summary = Summary.objects.get()
    assert message.extra_headers["Message-ID"] == summary.message_id
    assert summary.emailed_at is not None
    assert isinstance(message, EmailMultiAlternatives)
    assert message.alternatives[0][1] == "text/html"


def test_weekly_and_monthly_summaries_cover_their_period(quarter):
    weekly = summaries.summary_publish(kind="weekly", today=D(2021, 9, 20)).summary
    monthly = summaries.summary_publish(kind="monthly", today=D(2021, 10, 1)).summary
    assert (weekly.period_start, weekly.period_end) == (D(2021, 9, 13), D(2021, 9, 19))
    assert weekly.data["figures"]["completed"] == 1
    assert weekly.title == "Weekly summary: The week of 13 September 2021"
    assert (monthly.period_start, monthly.period_end) == (D(2021, 9, 1), D(2021, 9, 30))


def test_compiling_does_not_query_per_request(unit, django_assert_num_queries):
    mission = MissionFactory.create()

    def add(n: int) -> None:
        """n requests of each kind: completed, slipped and coming soon."""
        for i in range(n):
            for due in (D(2021, 8, 1), D(2021, 9, 1), D(2021, 10, 1)):
                request = RequestFactory.create(
                    lead_unit=unit,
                    due_date=due + datetime.timedelta(days=i),
                    created_at=at(D(2021, 7, 5)),
                    missions=[mission],
                )
                if due.month == 8:
                    complete(request, D(2021, 8, 10))

    add(1)
    with CaptureQueriesContext(connection) as one:
        summaries.compile_data(Q3)
    add(30)
    # Per period: five lists with their missions (10) and the open count; the previous period's
    # six counts; the slipped ids; benchmarks; the missions named.
    with django_assert_num_queries(len(one.captured_queries)):
        data = summaries.compile_data(Q3)
    assert data["figures"]["new"] == 93


def test_long_lists_are_capped_and_the_figures_count_everything(unit, settings):
    """A large portfolio's summary names the first few of each list, says how many more there
    are and where to find them; the figures and the mission spotlight still count them all."""
    settings.SUMMARY_LIST_LIMIT = 2
    settings.SITE_URL = "https://ssr.example.org"
    mission = MissionFactory.create(acronym="UNMISS", host_country="South Sudan")
    for n in range(7):
        RequestFactory.create(
            reference=f"late-{n}",
            title=f"Late task {n}",
            lead_unit=unit,
            due_date=D(2021, 8, 1) + datetime.timedelta(days=n),
            created_at=at(D(2021, 1, 4)),
            missions=[mission],
        )
    for n in range(5):
        RequestFactory.create(
            reference=f"next-{n}",
            lead_unit=unit,
            due_date=D(2021, 11, 1) + datetime.timedelta(days=n),
            created_at=at(D(2021, 1, 4)),
        )
    ratings = [
        (Rating.OFF_TRACK, Rating.ON_TRACK),
        (Rating.ON_TRACK, Rating.AT_RISK),
        (Rating.AT_RISK, Rating.OFF_TRACK),
        (Rating.AT_RISK, Rating.AT_RISK),
    ]
    for n, (before, now) in enumerate(ratings):
        benchmark = BenchmarkFactory.create(mission=mission, reference=f"OP20e-{n}")
        for start, end, rating in (
            (D(2021, 1, 1), D(2021, 6, 30), before),
            (D(2021, 7, 1), D(2021, 9, 30), now),
        ):
            BenchmarkAssessmentFactory.create(
                benchmark=benchmark, period_start=start, period_end=end, rating=rating
            )

    data = summaries.compile_data(Q3)

    assert data["figures"]["slipped"] == 7
    assert data["figures"]["due_next"] == 5
    assert [r["reference"] for r in data["slipped"]] == ["late-0", "late-1"]
    assert [r["reference"] for r in data["coming_soon"]] == ["next-0", "next-1"]
    assert data["benchmark_figures"] == {
        "assessed": 4,
        "improved": 1,
        "worsened": 2,
        "first": 0,
        "steady": 1,
    }
    assert [b["movement"] for b in data["benchmarks"]] == ["worsened", "worsened"]
    (spotlight,) = data["missions"]
    assert spotlight["counts"] == {"late": 7, "benchmarks": 4}
    assert spotlight["late"] == ["late-0", "late-1", "late-2"]

    _title, html, text = summaries.render(data)
    prose = " ".join(text.split())
    assert "Seven requests slipped this quarter" in prose
    assert "… and five more. The deadlines page lists them all." in prose
    assert "… and three more. The deadlines page lists them all." in prose
    assert '<a href="https://ssr.example.org/dashboard/deadlines/">The deadlines page</a>' in html
    assert "Four benchmark assessments closed a reporting period" in prose
    assert "none improved" not in prose
    assert "one improved, two slipped and one held steady" in prose
    assert "… and two more." in prose
    assert (
        "Seven requests are overdue: among them Late task 0 (late-0), Late task 1 (late-1) and "
        "Late task 2 (late-2)." in prose
    )
    assert "Four benchmarks were assessed" in prose


def test_the_spotlight_covers_the_most_active_missions_and_names_the_others(unit, settings):
    settings.SUMMARY_SPOTLIGHT_LIMIT = 2
    busy, middling, quiet, idle = (
        MissionFactory.create(acronym=a, host_country=c)
        for a, c in (("UNMISS", "South Sudan"), ("MINUSCA", "CAR"), ("BINUH", "Haiti"), ("X", "Y"))
    )
    for mission, n in ((busy, 3), (middling, 2), (quiet, 1)):
        for _ in range(n):
            RequestFactory.create(
                lead_unit=unit,
                due_date=D(2021, 8, 1),
                created_at=at(D(2021, 1, 4)),
                missions=[mission],
            )
    data = summaries.compile_data(Q3)
    assert [m["acronym"] for m in data["missions"]] == ["MINUSCA", "UNMISS"]
    assert data["other_missions"] == ["BINUH"]
    assert [m["counts"] for m in data["missions"]] == [{"late": 2}, {"late": 3}]
    text = " ".join(summaries.render(data)[2].split())
    assert "Also concerned this quarter, with less activity: BINUH." in text
    assert "Three requests are overdue" in text
    assert idle.acronym + " (" not in text


def test_a_summary_stored_before_lists_were_capped_still_reads_the_same(quarter):
    """Summaries compiled before the caps have every item listed and no counts beside them;
    the dashboard renders them again from that data."""
    data = summaries.compile_data(Q3)
    old = {
        k: v for k, v in data.items() if k not in {"benchmark_figures", "links", "other_missions"}
    }
    old["missions"] = [
        {
            **{k: v for k, v in m.items() if k not in {"counts", "titles"}},
            "benchmarks": ["OP20e-ref"] * m["counts"].get("benchmarks", 0),
        }
        for m in data["missions"]
    ]
    assert summaries.render(old)[2] == summaries.render(data)[2]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_produce_one_summary_per_period(quarter):
    """Two beat processes fire the same job at the same moment: one compiles, one finds it."""
    barrier = threading.Barrier(4)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def scheduler(period: Period) -> None:
        try:
            barrier.wait(timeout=10)
            summary, compiled = summaries.summary_compile(period=period)
            results.append((summary.pk, compiled))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=scheduler, args=(period,))
        for period in (Q3, Q3, Period.parse("2021-09"), Period.parse("2021-09"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert Summary.objects.count() == 2
    assert sorted(compiled for _, compiled in results) == [False, False, True, True]
    assert len({pk for pk, _ in results}) == 2
