"""A calendar feed serves only what its owner may read, checked when it is created and again
each time it is fetched; a feed survives any due date in the database."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from icalendar import Calendar
from rest_framework.test import APIClient

from mandates.choices import CalendarScope
from mandates.integration.services import calendar_feed_create
from mandates.models import CalendarFeed, Request
from mandates.organisation import roles
from tests.api.conftest import token_client
from tests.factories import MissionFactory, RequestFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission_with_deadline():
    mission = MissionFactory.create(acronym="MINUSCA")
    request = RequestFactory.create(
        reference="secret-deadline", title="Sensitive", due_date=datetime.date(2027, 2, 15)
    )
    request.missions.add(mission)
    return mission


@pytest.fixture
def no_role(db):
    return UserFactory.create(is_staff=False)


@pytest.fixture
def staff_no_role(db):
    return UserFactory.create(is_staff=True)


def test_api_refuses_a_feed_to_a_user_with_no_role(no_role, mission_with_deadline):
    client = token_client(no_role)
    response = client.post(
        "/api/v1/calendar-feeds/",
        {"scope": "mission", "mission": mission_with_deadline.pk},
        format="json",
    )
    assert response.status_code == 403
    assert "detail" in response.json()
    assert not CalendarFeed.objects.exists()


def test_admin_refuses_the_add_page_to_staff_with_no_role(staff_no_role, mission_with_deadline):
    client = Client()
    client.force_login(staff_no_role)
    url = reverse("admin:mandates_calendarfeed_add")
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"scope": CalendarScope.MISSION, "mission": mission_with_deadline.pk}
    )
    assert response.status_code == 403
    assert not CalendarFeed.objects.exists()


def test_admin_add_page_works_for_a_role_that_reads_requests(manager, mission_with_deadline):
    client = Client()
    client.force_login(manager)
    response = client.post(
        reverse("admin:mandates_calendarfeed_add"),
        {"scope": CalendarScope.MISSION, "mission": mission_with_deadline.pk},
        follow=True,
    )
    assert response.status_code == 200
    feed = CalendarFeed.objects.get()
    assert feed.owner == manager
    assert "/calendar/" in response.content.decode()


def test_a_feed_stops_serving_when_its_owner_loses_the_role(manager, mission_with_deadline):
    feed = CalendarFeed(scope=CalendarScope.MISSION, mission=mission_with_deadline)
    secret = calendar_feed_create(feed=feed, by=manager)
    url = reverse("calendar-feed", kwargs={"secret": secret})
    served = APIClient().get(url)
    assert served.status_code == 200
    assert b"secret-deadline" in served.content
    manager.groups.remove(Group.objects.get(name=roles.MANAGERS))
    refused = APIClient().get(url)
    assert refused.status_code == 404
    assert b"secret-deadline" not in refused.content


def test_a_feed_made_before_the_rule_for_an_owner_with_no_role_serves_nothing(
    no_role, mission_with_deadline
):
    """Feeds created through the hole that this closes stop serving at once."""
    feed = CalendarFeed(owner=no_role, scope=CalendarScope.MISSION, mission=mission_with_deadline)
    secret = feed.set_secret()
    feed.save()
    response = APIClient().get(reverse("calendar-feed", kwargs={"secret": secret}))
    assert response.status_code == 404
    assert b"secret-deadline" not in response.content


@pytest.mark.parametrize("due", ["9999-12-31", "0001-01-01", "1921-09-30"])
def test_a_feed_survives_any_due_date_in_the_database(manager, mission_with_deadline, due):
    """Rows from before the input bounds (or written outside the app) must not break feeds."""
    odd = RequestFactory.create(reference="odd-date", lead_unit=UnitFactory.create())
    odd.missions.add(mission_with_deadline)
    Request.objects.filter(pk=odd.pk).update(due_date=datetime.date.fromisoformat(due))
    secret = calendar_feed_create(
        feed=CalendarFeed(scope=CalendarScope.MISSION, mission=mission_with_deadline), by=manager
    )
    response = APIClient().get(reverse("calendar-feed", kwargs={"secret": secret}))
    assert response.status_code == 200
    events = {str(e["uid"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    event = events[f"request-{odd.pk}@ssrtracker"]
    assert event.decoded("dtstart") == datetime.date.fromisoformat(due)
    assert event.decoded("duration") == datetime.timedelta(days=1)
    assert len(events) == 2
