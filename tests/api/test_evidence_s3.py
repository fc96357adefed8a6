"""Evidence files with FILE_STORAGE=s3 (moto's S3 server on 127.0.0.1): uploaded through the
API into the bucket, downloaded only through the app by whoever may read status updates, and
never offered as a link to the bucket."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from storages.backends.s3 import S3Storage

from mandates.choices import TokenScope
from mandates.models import StatusUpdate
from tests.api.conftest import token_client
from tests.api.test_evidence import PDF, pdf, upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}


@pytest.fixture
def bucket(use_s3, settings, tmp_path, monkeypatch):
    # Nothing may land on this machine's disk, and nothing may ask the storage for a URL.
    settings.MEDIA_ROOT = tmp_path / "not-used"

    def no_url(self, name, *args, **kwargs):
        raise AssertionError(f"the storage's URL of {name} was asked for")

    monkeypatch.setattr(S3Storage, "url", no_url)
    return use_s3()


def test_evidence_goes_to_the_bucket_and_comes_back_through_the_app(
    bucket, s3_client, s3_endpoint, settings, portfolio, staff_a, api_client_user
):
    created = upload(token_client(staff_a), portfolio.in_a.pk, pdf())
    assert created.status_code == 201, created.content
    update = StatusUpdate.objects.get(pk=created.json()["id"])
    assert isinstance(default_storage._wrapped, S3Storage)  # type: ignore[attr-defined]

    key = str(update.evidence_file.name)
    stored = s3_client.get_object(Bucket=bucket, Key=key)
    assert stored["Body"].read() == PDF
    grants = s3_client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    assert not {grant["Grantee"].get("URI") for grant in grants} & PUBLIC_GROUPS

    reader = token_client(api_client_user, TokenScope.READ)
    detail = reader.get(f"/api/v1/status-updates/{update.pk}/")
    url = detail.json()["evidence_file_url"]
    # The only address given is the app's own, behind the token.
    assert urlsplit(url).path == f"/api/v1/status-updates/{update.pk}/evidence/"
    assert s3_endpoint not in detail.content.decode()
    assert bucket not in detail.content.decode()

    response = reader.get(url, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Length"] == str(len(PDF))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not any(settings.MEDIA_ROOT.parent.rglob("*.pdf"))  # nothing kept on this machine


def test_only_readers_of_status_updates_get_the_file(bucket, portfolio, staff_a):
    created = upload(token_client(staff_a), portfolio.in_a.pk, pdf()).json()
    url = f"/api/v1/status-updates/{created['id']}/evidence/"
    nobody = UserFactory.create()

    assert APIClient().get(url).status_code == 401
    assert token_client(nobody).get(url).status_code == 403
    page = reverse("mandates:evidence", args=[created["id"]])
    browser = Client()
    browser.force_login(nobody)
    refused = browser.get(page)
    assert refused.status_code == 403
    assert PDF not in refused.content
    browser.force_login(staff_a)
    served = browser.get(page)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PDF  # type: ignore[attr-defined]


def test_the_admin_links_to_the_app_never_to_the_bucket(
    bucket, s3_endpoint, portfolio, staff_a, manager
):
    created = upload(token_client(staff_a), portfolio.in_a.pk, pdf()).json()
    browser = Client()
    browser.force_login(manager)

    for page in (
        f"/admin/mandates/statusupdate/{created['id']}/change/",
        f"/admin/mandates/request/{portfolio.in_a.pk}/change/",
    ):
        response = browser.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert s3_endpoint not in html
        assert bucket not in html
        assert "X-Amz-" not in html


def test_a_file_gone_from_the_bucket_is_404(bucket, s3_client, portfolio, staff_a):
    created = upload(token_client(staff_a), portfolio.in_a.pk, pdf()).json()
    update = StatusUpdate.objects.get(pk=created["id"])
    s3_client.delete_object(Bucket=bucket, Key=str(update.evidence_file.name))

    response = token_client(staff_a).get(f"/api/v1/status-updates/{update.pk}/evidence/")

    assert response.status_code == 404
