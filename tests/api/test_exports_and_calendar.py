"""Spreadsheet exports of a filtered request list, and iCalendar feeds of deadlines."""

from __future__ import annotations

import csv
import io

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from rest_framework.test import APIClient

from mandates.models import CalendarFeed, Request

pytestmark = pytest.mark.django_db


def test_csv_export_has_every_filtered_row_and_no_pagination(client_for, portfolio, manager):
    Request.objects.filter(pk=portfolio.in_b.pk).update(title='=HYPERLINK("x")')
    response = client_for(manager).get("/api/v1/requests/export/", {"unit": portfolio.unit_a.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Reference", "Title", "Status"]
    assert sorted(row[0] for row in rows[1:]) == ["2553-op20", "late-a"]
    late = next(row for row in rows if row[0] == "late-a")
    assert late[rows[0].index("Overdue")] == "yes"
    everything = client_for(manager).get("/api/v1/requests/export/")
    text = b"".join(everything.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text  # a formula is written as text


def test_xlsx_export(client_for, portfolio, manager):
    Request.objects.filter(pk=portfolio.in_b.pk).update(title="=1+1")
    response = client_for(manager).get(
        "/api/v1/requests/export/", {"file_format": "xlsx", "status": "not_started"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Requests"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Reference"
    assert sorted(str(r[0]) for r in rows[1:]) == ["2553-op20", "b-task"]
    b_row = next(r for r in rows if r[0] == "b-task")
    assert b_row[1] == "=1+1"
    cell = next(c for c in sheet["B"] if c.value == "=1+1")
    assert cell.data_type == "s"


def test_export_rejects_an_unknown_format_and_bad_filters(client_for, portfolio, manager):
    client = client_for(manager)
    assert client.get("/api/v1/requests/export/", {"file_format": "pdf"}).status_code == 400
    assert client.get("/api/v1/requests/export/", {"status": "nope"}).status_code == 400


def _feed(client, **body):
    response = client.post("/api/v1/calendar-feeds/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _events(url: str) -> dict[str, str]:
    response = APIClient().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(e["uid"]): str(e["summary"]) for e in calendar.walk("VEVENT")}


def test_personal_unit_and_mission_feeds(client_for, portfolio, staff_a):
    client = client_for(staff_a)
    mine = _feed(client, scope="user")
    assert mine["feed_url"].startswith("http://testserver/calendar/")
    events = _events(mine["feed_url"])
    assert set(events) == {
        f"request-{portfolio.in_a.pk}@ssrtracker",
        f"request-{portfolio.overdue_a.pk}@ssrtracker",
    }
    assert events[f"request-{portfolio.in_a.pk}@ssrtracker"].startswith("Due: 2553-op20")
    unit_b = _feed(client, scope="unit", unit=portfolio.unit_b.pk)
    assert set(_events(unit_b["feed_url"])) == {f"request-{portfolio.in_b.pk}@ssrtracker"}
    mission = _feed(client, scope="mission", mission=portfolio.mission.pk)
    assert set(_events(mission["feed_url"])) == {f"request-{portfolio.in_a.pk}@ssrtracker"}


def test_the_secret_is_shown_once_and_revoking_ends_the_feed(client_for, portfolio, staff_a):
    client = client_for(staff_a)
    created = _feed(client, scope="user")
    listed = client.get("/api/v1/calendar-feeds/").json()["results"]
    assert listed[0]["feed_url"] is None
    secret = created["feed_url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarFeed.objects.filter(digest=secret).exists()
    assert client.delete(f"/api/v1/calendar-feeds/{created['id']}/").status_code == 204
    assert APIClient().get(created["feed_url"]).status_code == 404
    assert APIClient().get("/calendar/not-a-real-secret.ics").status_code == 404


def test_a_feed_scope_needs_its_target(client_for, staff_a):
    response = client_for(staff_a).post("/api/v1/calendar-feeds/", {"scope": "unit"}, format="json")
    assert response.status_code == 400
