"""The admin's history pages and messages, as a newcomer reads them: labels rather than stored
codes, "the system" and "—" rather than "None", no empty entries, references in their own case."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from mandates.admin.common import readable_value
from mandates.choices import RequestStatus as S
from mandates.models import Request
from mandates.requests.services import request_update_status
from tests.factories import RequestFactory, UnitFactory

pytestmark = pytest.mark.django_db


def history_rows(client, request: Request) -> list[str]:
    page = client.get(reverse("admin:mandates_request_history", args=[request.pk]))
    assert page.status_code == 200
    body = page.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row.split("</tr>", 1)[0] for row in body.split("<tr>")[1:]]


@pytest.fixture
def worked_on(admin_user) -> Request:
    request = RequestFactory.create(reference="req-history")
    request_update_status(request=request, status=S.IN_PROGRESS, note="Started", by=None)
    request.refresh_from_db()
    request_update_status(request=request, status=S.ON_HOLD, note="", by=admin_user)
    request.refresh_from_db()
    request.save()  # touches nothing the history shows
    return request


def test_history_shows_status_labels_not_stored_codes(admin_client, worked_on):
    rows = history_rows(admin_client, worked_on)
    text = "".join(rows)
    assert "Not started&nbsp;&rarr;&nbsp;&nbsp;In progress" in text
    assert "In progress&nbsp;&rarr;&nbsp;&nbsp;On hold" in text
    assert "not_started" not in text
    assert "in_progress" not in text


def test_history_labels_are_translated(admin_client, worked_on):
    admin_client.cookies["django_language"] = "fr"
    text = "".join(history_rows(admin_client, worked_on))
    with translation.override("fr"):
        expected = f"{S.NOT_STARTED.label}&nbsp;&rarr;&nbsp;&nbsp;{S.IN_PROGRESS.label}"
    assert expected in text
    assert "Not started" not in text


def test_history_names_the_system_and_a_dash_never_none(admin_client, worked_on):
    rows = history_rows(admin_client, worked_on)
    started = next(row for row in rows if "Started" in row)
    assert "the system" in started
    created = next(row for row in rows if "Created" in row)
    assert "<td>—</td>" in created  # no reason given
    assert "None" not in "".join(rows)


def test_history_leaves_out_a_change_that_changed_nothing_shown(admin_client, worked_on):
    assert worked_on.history.count() == 4  # created, two status changes, a bare save
    rows = history_rows(admin_client, worked_on)
    assert len(rows) == 3
    assert all("<li>" in row for row in rows if "Created" not in row)


def test_history_keeps_a_change_that_gives_a_reason(admin_client, worked_on):
    worked_on._change_reason = "Checked with the mission"
    worked_on.save()
    rows = history_rows(admin_client, worked_on)
    assert any("Checked with the mission" in row for row in rows)


def test_history_judges_the_oldest_entry_of_a_page_too(admin_client, worked_on, monkeypatch):
    # With one entry a page, the bare save is alone on the first page: still left out.
    from mandates.admin.requests import RequestAdmin

    monkeypatch.setattr(RequestAdmin, "history_list_per_page", 1)
    assert history_rows(admin_client, worked_on) == []


def test_values_are_shown_as_the_admin_shows_them():
    status = Request._meta.get_field("status")
    due = Request._meta.get_field("due_date")
    assert readable_value(status, "in_progress") == "In progress"
    assert readable_value(due, datetime.date(2026, 9, 30)) == "30 September 2026"
    assert readable_value(due, None) == "—"
    with translation.override("fr"):
        assert str(readable_value(due, datetime.date(2026, 9, 30))) == "30 septembre 2026"


def test_a_bulk_warning_keeps_the_references_case(staff_a, client):
    unit_a = UnitFactory.create(acronym="UNIT-A")
    mine = RequestFactory.create(lead_unit=unit_a)
    other = RequestFactory.create(reference="cov-MONUSCO-2026-01-31-police")
    client.force_login(staff_a)
    done = client.post(
        reverse("admin:mandates_request_changelist"),
        {
            "action": "bulk_status_update",
            "_selected_action": [mine.pk, other.pk],
            "apply": "1",
            "status": S.IN_PROGRESS,
            "note": "Plan agreed",
        },
        follow=True,
    )
    content = done.content.decode()
    assert "cov-MONUSCO-2026-01-31-police: " in content
    assert "Cov-MONUSCO" not in content
    assert "Updated 1 request." in content  # sentences still start with a capital
