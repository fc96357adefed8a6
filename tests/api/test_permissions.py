"""The workflow's permission rules, through the API, for every role."""

from __future__ import annotations

import pytest

from mandates.choices import TokenScope
from mandates.models import BenchmarkAssessment, StatusUpdate
from tests.factories import BenchmarkAssessmentFactory, BenchmarkFactory

pytestmark = pytest.mark.django_db


def patch_priority(client, request):
    url = f"/api/v1/requests/{request.pk}/"
    etag = client.get(url).headers["ETag"]
    return client.patch(url, {"priority": "high"}, format="json", HTTP_IF_MATCH=etag)


def post_note(client, request):
    return client.post(
        "/api/v1/status-updates/",
        {"request": request.pk, "status_to": request.status, "note": "Progress."},
        format="json",
    )


def test_staff_change_only_their_units_requests(client_for, portfolio, staff_a):
    client = client_for(staff_a)
    assert patch_priority(client, portfolio.in_a).status_code == 200
    assert post_note(client, portfolio.in_a).status_code == 201
    refused = patch_priority(client, portfolio.in_b)
    assert refused.status_code == 403
    assert "your units" in refused.json()["detail"]
    assert post_note(client, portfolio.in_b).status_code == 403
    assert not StatusUpdate.objects.filter(request=portfolio.in_b).exists()


def test_staff_change_a_request_their_unit_supports(client_for, portfolio, staff_a):
    portfolio.in_b.supporting_units.add(portfolio.unit_a)
    assert patch_priority(client_for(staff_a), portfolio.in_b).status_code == 200


def test_managers_read_everything_and_change_nothing(client_for, portfolio, manager):
    client = client_for(manager)
    assert client.get("/api/v1/requests/").json()["count"] == 3
    assert patch_priority(client, portfolio.in_a).status_code == 403
    assert post_note(client, portfolio.in_a).status_code == 403


def test_api_clients_act_for_the_units_they_belong_to(client_for, portfolio, api_client_user):
    client = client_for(api_client_user, TokenScope.READ_WRITE)
    assert client.get("/api/v1/requests/").status_code == 200
    assert patch_priority(client, portfolio.in_a).status_code == 403
    portfolio.unit_a.memberships.create(user=api_client_user)
    client = client_for(api_client_user, TokenScope.READ_WRITE)
    assert patch_priority(client, portfolio.in_a).status_code == 200
    assert patch_priority(client, portfolio.in_b).status_code == 403


def test_administrators_change_everything(client_for, portfolio, administrator):
    client = client_for(administrator)
    assert patch_priority(client, portfolio.in_b).status_code == 200
    assert post_note(client, portfolio.in_b).status_code == 201


def test_a_user_without_a_role_is_refused_reading(client_for, portfolio):
    from tests.factories import UserFactory

    client = client_for(UserFactory.create())
    assert client.get("/api/v1/requests/").status_code == 403
    assert client.get(f"/api/v1/requests/{portfolio.in_a.pk}/").status_code == 403


def test_archived_requests_cannot_be_changed(client_for, portfolio, staff_a):
    from mandates.requests.services import request_archive

    request_archive(request=portfolio.in_a, by=None)
    response = patch_priority(client_for(staff_a), portfolio.in_a)
    assert response.status_code == 400
    assert "archived" in response.json()["detail"]


def test_assessments_follow_the_benchmark_unit(client_for, portfolio, staff_a, manager):
    ours = BenchmarkFactory.create(responsible_unit=portfolio.unit_a)
    theirs = BenchmarkFactory.create(responsible_unit=portfolio.unit_b)
    body = {"period_start": "2021-01-01", "period_end": "2021-03-31", "rating": "on_track"}
    client = client_for(staff_a)
    created = client.post("/api/v1/assessments/", {**body, "benchmark": ours.pk}, format="json")
    assert created.status_code == 201, created.json()
    assert "ETag" in created.headers
    refused = client.post("/api/v1/assessments/", {**body, "benchmark": theirs.pk}, format="json")
    assert refused.status_code == 403
    duplicate = client.post("/api/v1/assessments/", {**body, "benchmark": ours.pk}, format="json")
    assert duplicate.status_code == 400
    assert "already assessed" in str(duplicate.json())
    assert (
        client_for(manager)
        .post("/api/v1/assessments/", {**body, "benchmark": ours.pk}, format="json")
        .status_code
        == 403
    )
    assert BenchmarkAssessment.objects.count() == 1


def test_assessment_changes_need_if_match(client_for, portfolio, staff_a):
    assessment = BenchmarkAssessmentFactory.create(
        benchmark=BenchmarkFactory.create(responsible_unit=portfolio.unit_a)
    )
    client = client_for(staff_a)
    url = f"/api/v1/assessments/{assessment.pk}/"
    assert client.patch(url, {"value": "4 of 4"}, format="json").status_code == 428
    etag = client.get(url).headers["ETag"]
    ok = client.patch(url, {"value": "4 of 4"}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200
    stale = client.patch(url, {"value": "0 of 4"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    bad = client.patch(
        url,
        {"period_end": "1999-01-01"},
        format="json",
        HTTP_IF_MATCH=ok.headers["ETag"],
    )
    assert bad.status_code == 400
    assessment.refresh_from_db()
    assert assessment.value == "4 of 4"


def test_calendar_feeds_are_private_to_their_owner(client_for, staff_a, staff_b):
    mine = client_for(staff_a).post("/api/v1/calendar-feeds/", {"scope": "user"}, format="json")
    assert mine.status_code == 201
    feed_id = mine.json()["id"]
    other = client_for(staff_b)
    assert other.get(f"/api/v1/calendar-feeds/{feed_id}/").status_code == 404
    assert other.delete(f"/api/v1/calendar-feeds/{feed_id}/").status_code == 404
    assert other.get("/api/v1/calendar-feeds/").json()["count"] == 0
