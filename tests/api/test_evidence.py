"""Evidence files through the API: uploaded with a status update (multipart), validated like in
the admin, and downloaded with the token under the API, by whoever may read status updates."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from mandates.choices import TokenScope
from mandates.models import StatusUpdate
from mandates.validators import MaxFileSize
from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 concept note"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, request_pk: int, file: SimpleUploadedFile, **extra):
    return client.post(
        "/api/v1/status-updates/",
        {
            "request": request_pk,
            "status_to": "in_progress",
            "note": "Concept note",
            "evidence_file": file,
            **extra,
        },
        format="multipart",
    )


def pdf(name: str = "concept-note.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


def test_an_evidence_file_sent_with_a_status_update_is_stored(portfolio, staff_a):
    client = token_client(staff_a)

    response = upload(client, portfolio.in_a.pk, pdf())

    assert response.status_code == 201, response.content
    update = StatusUpdate.objects.get(pk=response.json()["id"])
    assert str(update.evidence_file.name).endswith(".pdf")
    with update.evidence_file.open("rb") as handle:
        assert handle.read() == PDF
    assert response.json()["evidence_file_url"].endswith(
        f"/api/v1/status-updates/{update.pk}/evidence/"
    )


def test_the_evidence_file_is_downloaded_with_the_token(portfolio, staff_a, api_client_user):
    created = upload(token_client(staff_a), portfolio.in_a.pk, pdf()).json()
    reader = token_client(api_client_user, TokenScope.READ)

    url = reader.get(f"/api/v1/status-updates/{created['id']}/").json()["evidence_file_url"]
    response = reader.get(url, HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "concept-note" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_evidence_downloads_need_the_read_permission_of_status_updates(portfolio, staff_a):
    created = upload(token_client(staff_a), portfolio.in_a.pk, pdf()).json()
    url = f"/api/v1/status-updates/{created['id']}/evidence/"
    nobody = UserFactory.create()  # no role: may not read status updates

    assert APIClient().get(url).status_code == 401
    refused = token_client(nobody).get(url)
    assert refused.status_code == 403
    assert refused.json()["detail"]


def test_an_update_without_a_file_has_no_download(portfolio, staff_a):
    client = token_client(staff_a)
    created = client.post(
        "/api/v1/status-updates/",
        {"request": portfolio.in_a.pk, "status_to": "in_progress", "note": "No file"},
        format="json",
    ).json()

    response = client.get(f"/api/v1/status-updates/{created['id']}/evidence/")

    assert created["evidence_file_url"] is None
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream"), "extension"),
        (SimpleUploadedFile("empty.pdf", b"", "application/pdf"), "empty"),
    ],
)
def test_an_evidence_file_the_model_refuses_is_400(portfolio, staff_a, file, message):
    response = upload(token_client(staff_a), portfolio.in_a.pk, file)

    assert response.status_code == 400
    assert message in " ".join(response.json()["evidence_file"])
    assert not StatusUpdate.objects.filter(request=portfolio.in_a).exists()


def test_an_evidence_file_over_the_size_limit_is_400(portfolio, staff_a, monkeypatch):
    # The model field's own size validator, with its limit lowered to about 1 KB.
    field = StatusUpdate._meta.get_field("evidence_file")
    size_check = next(v for v in field.validators if isinstance(v, MaxFileSize))
    monkeypatch.setattr(size_check, "megabytes", 0.001)

    response = upload(token_client(staff_a), portfolio.in_a.pk, pdf(content=b"x" * 2048))

    assert response.status_code == 400
    assert "limit" in " ".join(response.json()["evidence_file"])
    assert not StatusUpdate.objects.filter(request=portfolio.in_a).exists()


def test_an_evidence_file_in_json_is_refused_not_dropped(portfolio, staff_a):
    response = token_client(staff_a).post(
        "/api/v1/status-updates/",
        {
            "request": portfolio.in_a.pk,
            "status_to": "in_progress",
            "note": "x",
            "evidence_file": "concept-note.pdf",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["evidence_file"]
    assert not StatusUpdate.objects.filter(request=portfolio.in_a).exists()
