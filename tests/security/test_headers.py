"""Every response carries the security headers; cookies are Secure, HttpOnly and SameSite."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from tests.api.conftest import token_client

PASSWORD = "correct horse battery staple"


def _dashboard_path() -> str:
    """``/dashboard/`` once the dashboards exist, the admin index (their stand-in) before."""
    try:
        resolve("/dashboard/")
    except Resolver404:
        return reverse("admin:index")
    return "/dashboard/"


def assert_security_headers(response) -> None:
    headers = response.headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]
    assert headers["X-Request-ID"]
    directives = {
        part.split()[0]: part.split()[1:]
        for part in headers["Content-Security-Policy"].split(";")
        if part.strip()
    }
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"], "no inline script, no eval, no other origin"
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


def assert_cookie_is_locked_down(response, name: str) -> None:
    cookie = response.cookies[name]
    assert cookie["secure"] is True, f"{name} must be Secure"
    assert cookie["httponly"] is True, f"{name} must be HttpOnly"
    assert cookie["samesite"] == "Lax", f"{name} must be SameSite"


def test_login_page_has_the_headers_and_a_locked_down_csrf_cookie(db):
    response = Client().get(reverse("admin:login"), secure=True)

    assert response.status_code == 200
    assert_security_headers(response)
    assert_cookie_is_locked_down(response, "csrftoken")


def test_logging_in_sets_a_locked_down_session_cookie(staff_a):
    client = Client()
    response = client.post(
        reverse("admin:login"),
        {"username": staff_a.username, "password": PASSWORD, "next": reverse("admin:index")},
        secure=True,
    )

    assert response.status_code == 302
    assert_security_headers(response)
    assert_cookie_is_locked_down(response, "sessionid")


def test_api_endpoint_has_the_headers(api_client_user):
    response = token_client(api_client_user).get("/api/v1/requests/", secure=True)

    assert response.status_code == 200
    assert_security_headers(response)


def test_api_error_has_the_headers(db):
    response = Client().get("/api/v1/requests/", secure=True)

    assert response.status_code == 401
    assert_security_headers(response)


def test_dashboard_has_the_headers(manager):
    client = Client()
    client.force_login(manager)

    response = client.get(_dashboard_path(), secure=True)

    assert response.status_code == 200
    assert_security_headers(response)


def test_no_hsts_over_plain_http_but_every_other_header(db):
    # HSTS over HTTP is ignored by browsers; SECURE_SSL_REDIRECT sends them to HTTPS first.
    response = Client().get(reverse("admin:login"))

    assert "Strict-Transport-Security" not in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("name", ["docs", "redoc"])
def test_api_documentation_pages_need_no_inline_script(staff_a, name):
    client = Client()
    client.force_login(staff_a)

    response = client.get(reverse(f"api:{name}"), secure=True)

    assert response.status_code == 200
    html = response.content.decode()
    # Every <script> has a src: the CSP (script-src 'self') would block an inline one.
    for chunk in html.split("<script")[1:]:
        assert "src=" in chunk.split(">", 1)[0], chunk[:200]


def test_request_id_from_the_proxy_is_kept_when_well_formed(db):
    kept = Client().get("/healthz", headers={"X-Request-ID": "abc-123.proxy"})
    replaced = Client().get("/healthz", headers={"X-Request-ID": "bad id\r\nX-Evil: 1"})

    assert kept.headers["X-Request-ID"] == "abc-123.proxy"
    assert replaced.headers["X-Request-ID"] != "bad id\r\nX-Evil: 1"
    assert len(replaced.headers["X-Request-ID"]) == 32
