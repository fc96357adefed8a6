"""Who gets in: tokens (hashed, revocable, expiring, scoped), sessions, throttling."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from mandates.choices import TokenScope
from mandates.models import ApiToken
from ssrtracker.api.throttling import TokenRateThrottle
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/documents/",
    "/api/v1/paragraphs/",
    "/api/v1/requests/",
    "/api/v1/requests/export/",
    "/api/v1/status-updates/",
    "/api/v1/missions/",
    "/api/v1/units/",
    "/api/v1/themes/",
    "/api/v1/benchmarks/",
    "/api/v1/assessments/",
    "/api/v1/calendar-feeds/",
    "/api/v1/summaries/",
    "/api/v1/schema/",
    "/api/v1/requests/1/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_gets_401_everywhere(url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_tokens_are_stored_hashed_and_shown_once(api_client_user):
    token, secret = ApiToken.issue(name="portal", user=api_client_user)
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith(f"ssrt_{stored.prefix}_")
    assert secret not in (stored.digest, stored.prefix)
    assert len(stored.digest) == 64
    assert stored.matches(secret)
    assert not stored.matches(secret + "x")


def test_a_valid_token_reads_and_records_its_use(api_client_user):
    client = token_client(api_client_user, TokenScope.READ)
    assert client.get("/api/v1/requests/").status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer ssrt_deadbeef_nope", "Bearer nonsense", "Bearer", "Bearer a b", "Token ssrt__x"],
)
def test_invalid_tokens_are_401(api_client_user, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/requests/").status_code == 401


def test_a_wrong_secret_with_a_real_prefix_is_401(api_client_user):
    token, _secret = ApiToken.issue(name="portal", user=api_client_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer ssrt_{token.prefix}_guess")
    assert client.get("/api/v1/requests/").status_code == 401


def test_revoked_and_expired_tokens_are_401(api_client_user):
    revoked, revoked_secret = ApiToken.issue(name="old", user=api_client_user)
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    expired = token_client(
        api_client_user, expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {revoked_secret}")
    response = client.get("/api/v1/requests/")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    response = expired.get("/api/v1/requests/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_token_of_a_disabled_account_is_401(api_client_user):
    client = token_client(api_client_user)
    api_client_user.is_active = False
    api_client_user.save()
    assert client.get("/api/v1/requests/").status_code == 401


def test_read_only_tokens_cannot_write(client_for, portfolio, staff_a):
    client = client_for(staff_a, TokenScope.READ)
    url = f"/api/v1/requests/{portfolio.in_a.pk}/"
    etag = client.get(url).headers["ETag"]
    response = client.patch(url, {"priority": "high"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    response = client.post(
        "/api/v1/status-updates/",
        {"request": portfolio.in_a.pk, "status_to": "not_started", "note": "x"},
        format="json",
    )
    assert response.status_code == 403


def test_people_use_their_session_with_csrf(portfolio, staff_a):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff_a)
    url = f"/api/v1/requests/{portfolio.in_a.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    response = client.patch(
        url, {"priority": "high"}, format="json", HTTP_IF_MATCH=response.headers["ETag"]
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_throttling_is_per_token(api_client_user, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    first, second = token_client(api_client_user), token_client(api_client_user)
    codes = [first.get("/api/v1/themes/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = first.get("/api/v1/themes/")
    assert int(limited.headers["Retry-After"]) > 0
    assert second.get("/api/v1/themes/").status_code == 200


def test_schema_and_docs_pages(api_client_user, manager):
    client = token_client(api_client_user)
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"openapi: 3" in response.content
    browser = APIClient()
    assert browser.get("/api/v1/docs/").status_code == 302  # to the login page
    browser.force_login(manager)
    page = browser.get("/api/v1/docs/")
    assert page.status_code == 200
    assert b"//cdn" not in page.content
    assert browser.get("/api/v1/docs/?script=").status_code == 200
    redoc = browser.get("/api/v1/redoc/")
    assert redoc.status_code == 200
    assert b"//cdn" not in redoc.content
