"""Errors show nothing of the inside: no traceback, no setting, no exception text; objects a
user may not see answer 404."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from mandates.models import CalendarFeed
from tests.api.conftest import token_client

LEAKS = ["Traceback", "secret-detail", "hunter2", "settings.py", "RuntimeError", "SECRET_KEY"]


@pytest.fixture
def failing_client(db):
    with override_settings(ROOT_URLCONF="tests.security.urls"):
        yield Client(raise_request_exception=False)


def test_a_page_that_fails_shows_the_generic_500_page(failing_client):
    response = failing_client.get("/boom/")

    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert response.headers["X-Request-ID"] in body  # the reference a user can quote
    for leak in LEAKS:
        assert leak not in body


def test_an_api_call_that_fails_is_a_json_500_without_details(failing_client):
    response = failing_client.get("/api/v1/boom/")

    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Server error. It has been logged.",
        "request_id": response.headers["X-Request-ID"],
    }


def test_unknown_api_path_is_a_json_404(db):
    response = Client().get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def _feed(owner) -> CalendarFeed:
    feed = CalendarFeed(owner=owner)
    feed.set_secret()
    feed.save()
    return feed


def test_someone_elses_calendar_feed_is_404_not_403(staff_a, staff_b):
    feed = _feed(staff_b)

    response = token_client(staff_a).get(f"/api/v1/calendar-feeds/{feed.pk}/")
    deleted = token_client(staff_a).delete(f"/api/v1/calendar-feeds/{feed.pk}/")

    assert response.status_code == 404
    assert deleted.status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is None


def test_someone_elses_calendar_feed_is_not_shown_in_the_admin(staff_a, staff_b):
    feed = _feed(staff_b)
    client = Client()
    client.force_login(staff_a)

    response = client.get(f"/admin/mandates/calendarfeed/{feed.pk}/change/", follow=True)

    assert response.redirect_chain[-1][0] == "/admin/"
    assert "doesn’t exist" in response.content.decode()
