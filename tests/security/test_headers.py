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


def csp(response) -> dict[str, list[str]]:
    return {
        part.split()[0]: part.split()[1:]
        for part in response.headers["Content-Security-Policy"].split(";")
        if part.strip()
    }


def _summary():
    import datetime

    from django.utils import timezone

    from reports.models import Summary

    return Summary.objects.create(
        kind="monthly",
        period_start=datetime.date(2021, 9, 1),
        period_end=datetime.date(2021, 9, 30),
        title="September 2021",
        html='<html><body style="color: #1f2933;"><h1 style="color: #0b4f8a;">Sept</h1></body>',
        compiled_at=timezone.now(),
    )


def test_inline_styles_are_refused_on_pages_and_in_the_api(manager, api_client_user):
    client = Client()
    client.force_login(manager)
    summary = _summary()
    responses = {
        "dashboard": client.get("/dashboard/", secure=True),
        "admin list": client.get(reverse("admin:mandates_request_changelist"), secure=True),
        "admin summary": client.get(
            reverse("admin:reports_summary_change", args=[summary.pk]), secure=True
        ),
        "api": token_client(api_client_user).get("/api/v1/requests/", secure=True),
    }

    for name, response in responses.items():
        assert response.status_code == 200, name
        assert csp(response)["style-src"] == ["'self'"], name
        assert 'style="' not in response.content.decode(), name


@pytest.mark.parametrize("name", ["docs", "redoc"])
def test_only_the_api_documentation_pages_allow_inline_styles(staff_a, name):
    # Swagger UI and ReDoc set styles from their scripts; the scripts stay 'self' only.
    client = Client()
    client.force_login(staff_a)

    response = client.get(reverse(f"api:{name}"), secure=True)

    assert response.status_code == 200
    assert csp(response)["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp(response)["script-src"] == ["'self'"]


def test_the_summary_preview_is_a_sandboxed_frame_of_its_own(manager):
    client = Client()
    client.force_login(manager)
    summary = _summary()
    page = client.get(reverse("admin:reports_summary_change", args=[summary.pk]), secure=True)
    preview_url = reverse("admin:reports_summary_preview", args=[summary.pk])

    preview = client.get(preview_url, secure=True)

    assert f'src="{preview_url}"' in page.content.decode()
    assert preview.status_code == 200
    assert preview.content.decode() == summary.html  # its e-mail styles, shown as sent
    policy = csp(preview)
    assert policy["style-src"] == ["'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"]
    assert "sandbox" in policy
    assert policy["frame-ancestors"] == ["'self'"]
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert Client().get(preview_url).status_code == 302  # people who may read summaries only
