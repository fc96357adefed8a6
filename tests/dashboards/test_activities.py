"""The activities calendar and the activities on the mission and unit pages."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mandates.activities.calendar import month_grid, shift_month
from mandates.choices import UnitKind
from mandates.models import Activity
from tests.factories import (
    ActivityFactory,
    MissionFactory,
    ThemeFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CALENDAR = "/dashboard/activities/"


@pytest.fixture
def browser(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def mali():
    mission = MissionFactory.create(acronym="MINUSMA", host_country="Mali")
    section = UnitFactory.create(
        acronym="MINUSMA-SSR", kind=UnitKind.MISSION_SECTION, mission=mission
    )
    return mission, section


def test_the_grid_puts_an_activity_on_each_of_its_days():
    activity = Activity(start_date=datetime.date(2026, 5, 30), end_date=datetime.date(2026, 6, 2))
    weeks = month_grid(2026, 5, [activity])
    days = {day.date: day for week in weeks for day in week}
    assert weeks[0][0].date == datetime.date(2026, 4, 27)  # a Monday
    assert [d for d, day in days.items() if day.items] == [
        datetime.date(2026, 5, 30),
        datetime.date(2026, 5, 31),
    ]


def test_a_one_day_activity_lasts_its_start_day():
    activity = Activity(start_date=datetime.date(2026, 5, 4), end_date=None)
    days = [day for week in month_grid(2026, 5, [activity]) for day in week if day.items]
    assert [day.date for day in days] == [datetime.date(2026, 5, 4)]


def test_months_shift_across_years():
    assert shift_month(2026, 1, -1) == (2025, 12)
    assert shift_month(2026, 12, 1) == (2027, 1)


def test_the_calendar_shows_the_months_activities(browser, mali):
    mission, section = mali
    ActivityFactory.create(
        title="SSR assessment mission to Mali",
        start_date=datetime.date(2026, 5, 12),
        end_date=datetime.date(2026, 5, 21),
        missions=[mission],
        units=[section],
    )
    ActivityFactory.create(
        title="June workshop", start_date=datetime.date(2026, 6, 3), end_date=None
    )
    response = browser.get(CALENDAR, {"month": "2026-05"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("SSR assessment mission to Mali") >= 10  # each day, and the list
    assert "June workshop" not in page
    assert "month=2026-04" in page
    assert "month=2026-06" in page


def test_the_calendar_filters_by_mission_unit_and_theme(browser, mali):
    mission, section = mali
    theme = ThemeFactory.create(slug="gender")
    ActivityFactory.create(
        title="Mali workshop",
        start_date=datetime.date(2026, 5, 5),
        end_date=None,
        missions=[mission],
        units=[section],
        themes=[theme],
    )
    ActivityFactory.create(title="Elsewhere", start_date=datetime.date(2026, 5, 6), end_date=None)
    for query in ({"mission": "MINUSMA"}, {"unit": "MINUSMA-SSR"}, {"theme": "gender"}):
        page = browser.get(CALENDAR, {"month": "2026-05", **query}).content.decode()
        assert "Mali workshop" in page, query
        assert "Elsewhere" not in page, query
        # The month links keep the filters.
        key, value = next(iter(query.items()))
        assert f"{key}={value}&amp;month=2026-06" in page


def test_a_bad_month_shows_this_month(browser):
    for value in ("2026-13", "abc", "99999-01", "0001-01"):
        assert browser.get(CALENDAR, {"month": value}).status_code == 200


def test_the_calendar_costs_the_same_queries_for_one_activity_as_for_forty(browser, mali):
    mission, section = mali
    themes = ThemeFactory.create_batch(2)

    def make(n: int) -> None:
        ActivityFactory.create_batch(
            n,
            missions=[mission],
            units=[section],
            themes=themes,
            start_date=datetime.date(2026, 5, 4),
        )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert (
                browser.get(CALENDAR, {"month": "2026-05", "mission": "MINUSMA"}).status_code == 200
            )
        return len(queries)

    make(1)
    one = count()
    make(39)
    assert count() == one


def test_the_mission_and_unit_pages_show_their_activities(browser, mali):
    mission, section = mali
    ActivityFactory.create(title="C-34 briefing", missions=[mission], units=[section])
    ActivityFactory.create(title="Unrelated training")
    for url in ("/dashboard/missions/MINUSMA/", "/dashboard/units/MINUSMA-SSR/"):
        page = browser.get(url).content.decode()
        assert "C-34 briefing" in page, url
        assert "Unrelated training" not in page, url


def test_the_mission_page_costs_the_same_queries_for_one_activity_as_for_ten(browser, mali):
    mission, section = mali

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert browser.get("/dashboard/missions/MINUSMA/").status_code == 200
        return len(queries)

    ActivityFactory.create(missions=[mission], units=[section])
    one = count()
    ActivityFactory.create_batch(9, missions=[mission], units=[section])
    assert count() == one


def test_people_with_no_role_do_not_see_the_calendar():
    client = Client()
    client.force_login(UserFactory.create(is_staff=True))
    assert client.get(CALENDAR).status_code == 403
