"""The request workflow through the admin, for every role, written from the side refused."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mandates.choices import RequestStatus as S
from mandates.models import Request, StatusUpdate, Unit
from tests.factories import (
    BenchmarkAssessmentFactory,
    BenchmarkFactory,
    MissionFactory,
    RequestFactory,
    StatusUpdateFactory,
    UnitFactory,
)
from tests.mandates.test_admin import change_form_data

pytestmark = pytest.mark.django_db


def unit(acronym: str) -> Unit:
    return UnitFactory.create(acronym=acronym)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(request: Request) -> str:
    return reverse("admin:mandates_request_change", args=[request.pk])


# --- permission matrix -----------------------------------------------------------------------


def test_staff_updates_own_units_request(staff_a):
    request = RequestFactory.create(lead_unit=unit("UNIT-A"))
    client = logged_in(staff_a)
    data = change_form_data(client, request, new_status=S.IN_PROGRESS, update_note="Started")
    assert client.post(change_url(request), data).status_code == 302
    assert Request.objects.get(pk=request.pk).status == S.IN_PROGRESS


def test_staff_of_another_unit_reads_but_cannot_change(staff_a, staff_b):
    request = RequestFactory.create(lead_unit=unit("UNIT-A"), title="Original")
    owner_data = change_form_data(logged_in(staff_a), request, title="Changed by B")
    client = logged_in(staff_b)
    page = client.get(change_url(request))
    assert page.status_code == 200
    assert b'name="new_status"' not in page.content
    assert client.post(change_url(request), owner_data).status_code == 403
    assert Request.objects.get(pk=request.pk).title == "Original"
    assert not StatusUpdate.objects.filter(request=request).exists()


def test_staff_of_a_supporting_unit_can_change(staff_b):
    request = RequestFactory.create(supporting_units=[unit("UNIT-B")])
    client = logged_in(staff_b)
    data = change_form_data(client, request, new_status=S.ON_HOLD, update_note="Waiting")
    assert client.post(change_url(request), data).status_code == 302


def test_manager_cannot_change_or_run_actions(manager):
    request = RequestFactory.create()
    client = logged_in(manager)
    changelist = client.get(reverse("admin:mandates_request_changelist"))
    assert changelist.status_code == 200
    assert b"bulk_status_update" not in changelist.content
    response = client.post(
        reverse("admin:mandates_request_changelist"),
        {"action": "archive_requests", "_selected_action": [request.pk]},
    )
    assert Request.objects.get(pk=request.pk).archived_at is None
    assert response.status_code in (200, 302, 403)


def test_staff_cannot_create_a_request_led_by_another_unit(staff_a):
    other = unit("UNIT-B")
    client = logged_in(staff_a)
    response = client.post(
        reverse("admin:mandates_request_add"),
        {
            "reference": "new-1",
            "title": "New",
            "lead_unit": other.pk,
            "priority": "normal",
            "recurrence": "none",
            "new_status": S.NOT_STARTED,
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "only your own units" in response.content.decode()
    assert not Request.objects.filter(reference="new-1").exists()


def test_nobody_deletes_a_request_in_the_admin(admin_client):
    request = RequestFactory.create()
    url = reverse("admin:mandates_request_delete", args=[request.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Request.objects.filter(pk=request.pk, archived_at__isnull=True).exists()


def test_archive_action_archives_own_and_refuses_others(staff_a):
    own = RequestFactory.create(lead_unit=unit("UNIT-A"))
    other = RequestFactory.create(reference="other-unit-req")
    client = logged_in(staff_a)
    response = client.post(
        reverse("admin:mandates_request_changelist"),
        {"action": "archive_requests", "_selected_action": [own.pk, other.pk]},
        follow=True,
    )
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.archived_at is not None
    assert other.archived_at is None
    assert "other-unit-req" in response.content.decode()
    # Archived requests leave the default list and come back with the filter.
    listing = client.get(reverse("admin:mandates_request_changelist")).content.decode()
    assert own.reference not in listing
    archived = client.get(reverse("admin:mandates_request_changelist"), {"archived": "yes"})
    assert own.reference in archived.content.decode()


def test_bulk_update_page_then_apply(staff_a):
    unit_a = unit("UNIT-A")
    chosen = [RequestFactory.create(lead_unit=unit_a) for _ in range(3)]
    other = RequestFactory.create(reference="not-mine")
    client = logged_in(staff_a)
    url = reverse("admin:mandates_request_changelist")
    ids = [r.pk for r in [*chosen, other]]
    page = client.post(url, {"action": "bulk_status_update", "_selected_action": ids})
    assert page.status_code == 200
    assert "Record a status update on 4 requests" in page.content.decode()
    done = client.post(
        url,
        {
            "action": "bulk_status_update",
            "_selected_action": ids,
            "apply": "1",
            "status": S.IN_PROGRESS,
            "note": "Task force meeting agreed the plan",
        },
        follow=True,
    )
    content = done.content.decode()
    assert "Updated 3 requests." in content
    assert "not-mine" in content
    assert Request.objects.filter(status=S.IN_PROGRESS).count() == 3
    for request in chosen:
        assert request.updates.get().author == staff_a
        assert request.history.latest().history_user == staff_a


def test_benchmark_rights_follow_the_responsible_unit(staff_a, staff_b):
    benchmark = BenchmarkFactory.create(responsible_unit=unit("UNIT-A"))
    assessment = BenchmarkAssessmentFactory.create(benchmark=benchmark)
    url = reverse("admin:mandates_benchmark_change", args=[benchmark.pk])
    assessment_url = reverse("admin:mandates_benchmarkassessment_change", args=[assessment.pk])
    owner, outsider = logged_in(staff_a), logged_in(staff_b)
    assert b'name="indicator"' in owner.get(url).content
    assert b'name="indicator"' not in outsider.get(url).content
    assert outsider.post(url, {"indicator": "changed"}).status_code == 403
    assert outsider.post(assessment_url, {"rating": "off_track"}).status_code == 403
    assessment.refresh_from_db()
    assert assessment.rating == "on_track"


# --- no lost updates -------------------------------------------------------------------------


def test_second_of_two_concurrent_edits_is_refused_with_what_changed(staff_a, administrator):
    request = RequestFactory.create(lead_unit=unit("UNIT-A"), title="Original title")
    first, second = logged_in(staff_a), logged_in(administrator)
    first_data = change_form_data(first, request, title="Title from session one")
    second_data = change_form_data(
        second, request, new_status=S.IN_PROGRESS, update_note="From session two"
    )
    assert first.post(change_url(request), first_data).status_code == 302
    response = second.post(change_url(request), second_data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "changed by someone else" in content
    assert "Title from session one" in content
    request.refresh_from_db()
    assert request.title == "Title from session one"
    assert request.status == S.NOT_STARTED
    assert not StatusUpdate.objects.filter(request=request).exists()
    # Reloading shows the current version; saving again then works.
    retry = change_form_data(second, request, new_status=S.IN_PROGRESS, update_note="Again")
    assert second.post(change_url(request), retry).status_code == 302


# --- history ---------------------------------------------------------------------------------


def test_admin_edit_is_in_the_history_with_its_author(staff_a):
    request = RequestFactory.create(lead_unit=unit("UNIT-A"))
    client = logged_in(staff_a)
    client.post(change_url(request), change_form_data(client, request, title="Renamed"))
    latest = request.history.latest()
    assert latest.title == "Renamed"
    assert latest.history_user == staff_a
    history = client.get(reverse("admin:mandates_request_history", args=[request.pk]))
    assert history.status_code == 200
    assert "Renamed" in history.content.decode()


def test_history_cannot_be_reverted_or_edited(administrator):
    request = RequestFactory.create(title="First")
    request.title = "Second"
    request.save()
    first_version = request.history.earliest()
    client = logged_in(administrator)
    url = reverse(
        "admin:mandates_request_simple_history", args=[request.pk, first_version.history_id]
    )
    assert client.get(url).status_code == 200
    data = change_form_data(client, request)
    assert client.post(url, data).status_code == 403
    assert Request.objects.get(pk=request.pk).title == "Second"


# --- evidence --------------------------------------------------------------------------------


def test_evidence_file_is_stored_and_served_only_to_logged_in_readers(staff_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = RequestFactory.create(lead_unit=unit("UNIT-A"))
    client = logged_in(staff_a)
    data = change_form_data(client, request, update_note="Concept note attached")
    data["evidence_file"] = SimpleUploadedFile(
        "concept-note.pdf", b"%PDF-1.4 test", "application/pdf"
    )
    assert client.post(change_url(request), data).status_code == 302
    update = StatusUpdate.objects.get(request=request)
    url = reverse("mandates:evidence", args=[update.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"  # type: ignore[attr-defined]
    assert "attachment" in download["Content-Disposition"]
    assert Client().get(url).status_code == 302  # anonymous: to the login page


def test_evidence_file_of_a_forbidden_type_is_refused(staff_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = RequestFactory.create(lead_unit=unit("UNIT-A"))
    client = logged_in(staff_a)
    data = change_form_data(client, request, update_note="x")
    data["evidence_file"] = SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")
    response = client.post(change_url(request), data)
    assert response.status_code == 200
    assert "File extension “exe” is not allowed" in response.content.decode()
    assert not StatusUpdate.objects.filter(request=request).exists()


# --- query budgets ---------------------------------------------------------------------------


def test_request_changelist_costs_the_same_for_1_and_500_rows(
    admin_client, django_assert_num_queries
):
    """Session, user, counts, the page of requests with lead units, one prefetch of missions,
    and the filter sidebars: fixed whatever the number of rows."""
    lead = UnitFactory.create()
    mission = MissionFactory.create()
    RequestFactory.create(lead_unit=lead, missions=[mission])
    url = reverse("admin:mandates_request_changelist")
    with CaptureQueriesContext(connection) as one:
        assert admin_client.get(url).status_code == 200
    created = Request.objects.bulk_create(
        Request(
            reference=f"bulk-{i}",
            title=f"Bulk {i}",
            lead_unit=lead,
            due_date=datetime.date(2027, 1, 1),
        )
        for i in range(499)
    )
    Request.missions.through.objects.bulk_create(
        Request.missions.through(request_id=r.pk, mission_id=mission.pk) for r in created
    )
    with django_assert_num_queries(len(one.captured_queries)):
        assert admin_client.get(url).status_code == 200


def test_request_change_view_costs_the_same_for_1_and_500_updates(
    admin_client, django_assert_num_queries
):
    """The timeline is one query with its authors, whatever its length."""
    request = RequestFactory.create(missions=[MissionFactory.create()])
    StatusUpdateFactory.create(request=request)
    url = change_url(request)
    with CaptureQueriesContext(connection) as one:
        assert admin_client.get(url).status_code == 200
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            request=request, status_from="not_started", status_to="not_started", note=f"n{i}"
        )
        for i in range(499)
    )
    with django_assert_num_queries(len(one.captured_queries)):
        assert admin_client.get(url).status_code == 200
