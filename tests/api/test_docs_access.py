"""Who the API documentation is for: the pages are for people, who log in with their staff
account; an API client reads the schema with its token, and the login page reached from the
documentation says so (an API client's account cannot log in there)."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

PASSWORD = "a long docs test password"
NOTE = 'id="api-docs-login-note"'


def test_an_api_client_reads_the_schema_with_its_token(api_client_user):
    response = token_client(api_client_user).get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"openapi: 3" in response.content


def test_without_credentials_the_schema_answers_401():
    assert APIClient().get("/api/v1/schema/").status_code == 401
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer ssrt_00000000_not-a-token")
    assert bad.get("/api/v1/schema/").status_code == 401


@pytest.mark.parametrize("page", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_login_page_of_the_docs_says_who_they_are_for(page):
    browser = Client()
    response = browser.get(page, follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/login/?next=/api/v1/")
    body = response.content.decode()
    assert NOTE in body
    assert "for people" in body
    assert "<code>/api/v1/schema/</code>" in body
    assert "Authorization: Bearer &lt;token&gt;" in body


def test_the_note_is_only_on_the_way_to_the_docs():
    body = Client().get("/dashboard/", follow=True).content.decode()
    assert "/admin/login/" in body or "id_username" in body
    assert NOTE not in body


def test_an_api_clients_account_is_refused_and_the_note_explains_why(api_client_user):
    api_client_user.set_password(PASSWORD)
    api_client_user.save()
    browser = Client()
    response = browser.post(
        "/admin/login/?next=/api/v1/docs/",
        {"username": api_client_user.username, "password": PASSWORD, "next": "/api/v1/docs/"},
    )
    assert response.status_code == 200  # the form again, not a redirect
    body = response.content.decode()
    assert "staff account" in body
    assert NOTE in body


def test_a_person_with_a_staff_account_reaches_the_docs(manager):
    manager.set_password(PASSWORD)
    manager.save()
    browser = Client()
    response = browser.post(
        "/admin/login/?next=/api/v1/docs/",
        {"username": manager.username, "password": PASSWORD, "next": "/api/v1/docs/"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/api/v1/docs/"
    assert browser.get("/api/v1/docs/").status_code == 200
