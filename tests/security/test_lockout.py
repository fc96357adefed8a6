"""Repeated failed logins lock out the user name and the address; invalid API tokens back off
per address; every such event is logged with the request id."""

from __future__ import annotations

import io
import logging
import os
import threading
import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from ssrtracker.api.authentication import ApiTokenAuthentication
from ssrtracker.security import RequestIdFilter
from tests.api.conftest import token_client
from tests.factories import RequestFactory

PASSWORD = "correct horse battery staple"
LIMIT = 5  # AXES_FAILURE_LIMIT's default


@pytest.fixture
def security_lines():
    """What the security logger writes, through the project's filter and format."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s [%(request_id)s] %(message)s"))
    logger = logging.getLogger("ssrtracker.security")
    logger.addHandler(handler)
    yield lambda: stream.getvalue().splitlines()
    logger.removeHandler(handler)


def _login(username: str, password: str, address: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=address).post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        secure=True,
    )


def test_right_password_is_refused_after_repeated_failures_for_the_user(staff_a):
    for attempt in range(LIMIT):
        response = _login(staff_a.username, f"wrong-{attempt}", address=f"10.0.1.{attempt}")
        assert response.status_code in {200, 429}

    # From a fresh address: the lockout follows the user name.
    response = _login(staff_a.username, PASSWORD, address="10.0.2.1")

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in Client().session


def test_an_address_is_locked_out_whatever_user_name_it_tries(staff_a, staff_b):
    for attempt in range(LIMIT):
        _login(f"guess{attempt}", "wrong-password", address="10.0.3.3")

    response = _login(staff_b.username, PASSWORD, address="10.0.3.3")
    elsewhere = _login(staff_b.username, PASSWORD, address="10.0.3.4")

    assert response.status_code == 429
    assert elsewhere.status_code == 302  # another address, untouched user: logs in


def test_fewer_failures_than_the_limit_do_not_lock_and_success_resets(staff_a):
    for attempt in range(LIMIT - 1):
        _login(staff_a.username, f"wrong-{attempt}")

    assert _login(staff_a.username, PASSWORD).status_code == 302
    for attempt in range(LIMIT - 1):
        _login(staff_a.username, f"wrong-again-{attempt}")
    assert _login(staff_a.username, PASSWORD).status_code == 302


def test_failed_logins_and_the_lockout_are_logged_with_the_request_id(staff_a, security_lines):
    responses = [_login(staff_a.username, "wrong-password") for _ in range(LIMIT + 1)]

    lines = security_lines()
    failed = [line for line in lines if "event=login_failed" in line]
    locked = [line for line in lines if "event=login_locked_out" in line]
    assert len(failed) >= LIMIT
    assert locked
    first_id = responses[0].headers["X-Request-ID"]
    assert f"[{first_id}]" in failed[0]
    assert f"username='{staff_a.username}'" in failed[0]
    assert "address='10.0.0.1'" in failed[0]
    assert PASSWORD not in "\n".join(lines)
    assert "wrong-password" not in "\n".join(lines)


@override_settings(API_TOKEN_FAILURE_LIMIT=3, API_TOKEN_FAILURE_WINDOW_SECONDS=600)
def test_invalid_tokens_from_one_address_are_backed_off(api_client_user, security_lines):
    bad = Client(REMOTE_ADDR="10.0.4.4", HTTP_AUTHORIZATION="Bearer ssrt_nope_guess")
    for _ in range(3):
        assert bad.get("/api/v1/requests/").status_code == 401

    good = token_client(api_client_user)
    refused = good.get("/api/v1/requests/", REMOTE_ADDR="10.0.4.4")
    other_address = good.get("/api/v1/requests/", REMOTE_ADDR="10.0.4.5")

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == 600
    assert other_address.status_code == 200
    lines = security_lines()
    assert sum("event=api_token_invalid" in line for line in lines) == 3
    assert any("event=api_token_locked_out" in line for line in lines)


def test_refused_access_is_logged(staff_a, security_lines):
    client = Client()
    client.force_login(staff_a)

    response = client.get(reverse("admin:auth_user_changelist"))

    assert response.status_code == 403
    line = next(line for line in security_lines() if "event=access_denied" in line)
    assert f"user='{staff_a.username}'" in line
    assert f"[{response.headers['X-Request-ID']}]" in line


def test_api_refusal_is_logged(manager, security_lines):
    request = RequestFactory.create()

    response = token_client(manager).patch(
        f"/api/v1/requests/{request.pk}/", {"priority": "high"}, format="json"
    )

    assert response.status_code == 403
    assert any("event=access_denied" in line for line in security_lines())


def test_a_path_with_a_newline_cannot_forge_a_log_line(db):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")  # logs "Not Found: <path>"
    logger.addHandler(handler)
    try:
        Client().get("/nothing%0A2026-01-01 WARNING forged event=login_ok")
    finally:
        logger.removeHandler(handler)

    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0] == "Not Found: /nothing\\n2026-01-01 WARNING forged event=login_ok"


def test_control_characters_in_a_user_name_are_escaped(db, security_lines):
    _login("eve\r\nINFO admin logged in\x1b[2J", "wrong-password")

    lines = security_lines()
    assert len(lines) == 1
    assert "\\r\\nINFO admin logged in\\x1b[2J" in lines[0]


# --- A burst of invalid tokens -----------------------------------------------------------------

BURST = 80


def _burst_of_bad_tokens(monkeypatch) -> tuple[int, list[int]]:
    """``BURST`` requests with invalid tokens from one address, all at once, through the real
    authentication class; returns how many tokens were looked up and the status of each."""
    looked_up: list[str] = []
    lock = threading.Lock()

    def lookup(self, secret: str):
        with lock:
            looked_up.append(secret)
        time.sleep(0.005)  # a database lookup takes a while: the others arrive meanwhile
        raise exceptions.AuthenticationFailed("Invalid token.")

    monkeypatch.setattr(ApiTokenAuthentication, "authenticate_secret", lookup)
    factory = APIRequestFactory()
    start = threading.Barrier(BURST)
    codes: list[int] = []

    def call(n: int) -> None:
        request = Request(
            factory.get(
                "/api/v1/requests/",
                HTTP_AUTHORIZATION=f"Bearer ssrt_guess{n}_secret",
                REMOTE_ADDR="10.0.8.8",
            )
        )
        start.wait()
        try:
            ApiTokenAuthentication().authenticate(request)
        except exceptions.APIException as exc:
            with lock:
                codes.append(exc.status_code)

    threads = [threading.Thread(target=call, args=(n,)) for n in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(looked_up), codes


def test_a_burst_of_bad_tokens_checks_no_more_than_the_limit(db, monkeypatch, settings):
    assert settings.API_TOKEN_FAILURE_LIMIT == 20

    looked_up, codes = _burst_of_bad_tokens(monkeypatch)

    assert looked_up <= settings.API_TOKEN_FAILURE_LIMIT
    assert len(codes) == BURST
    assert codes.count(401) == looked_up
    assert codes.count(429) == BURST - looked_up


@pytest.mark.redis
def test_a_burst_of_bad_tokens_checks_no_more_than_the_limit_on_redis(db, monkeypatch, settings):
    """The same against Redis, the cache that web processes share in production."""
    url = os.environ.get("CACHE_URL") or settings.CELERY_BROKER_URL
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    cache.delete("api-token-failures:10.0.8.8")
    try:
        looked_up, codes = _burst_of_bad_tokens(monkeypatch)
    finally:
        cache.delete("api-token-failures:10.0.8.8")

    assert looked_up <= settings.API_TOKEN_FAILURE_LIMIT
    assert codes.count(429) == BURST - looked_up


@override_settings(API_TOKEN_FAILURE_LIMIT=2)
def test_valid_tokens_do_not_use_up_the_failures_allowed(api_client_user):
    good = token_client(api_client_user)
    bad = Client(REMOTE_ADDR="10.0.4.6", HTTP_AUTHORIZATION="Bearer ssrt_nope_guess")

    for _ in range(5):
        assert good.get("/api/v1/themes/", REMOTE_ADDR="10.0.4.6").status_code == 200
    assert bad.get("/api/v1/themes/").status_code == 401
    assert good.get("/api/v1/themes/", REMOTE_ADDR="10.0.4.6").status_code == 200
    assert bad.get("/api/v1/themes/").status_code == 401
    assert good.get("/api/v1/themes/", REMOTE_ADDR="10.0.4.6").status_code == 429
