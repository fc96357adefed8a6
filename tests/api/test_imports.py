"""The API's sheet imports: ``POST /api/v1/<list>/import/``, refused side first."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from rest_framework.test import APIClient

from mandates.choices import TokenScope
from mandates.models import Request, StatusUpdate

pytestmark = pytest.mark.django_db

URL = "/api/v1/requests/import/"


def csv_file(text: str, name: str = "tracker.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def post(client: APIClient, file: SimpleUploadedFile, url: str = URL, **params: str):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.post(f"{url}?{query}" if query else url, {"file": file}, format="multipart")


def test_without_credentials_401_and_roles_without_the_permissions_403(
    client_for, portfolio, manager
):
    text = "Reference,Title\n2553-op20,Renamed\n"
    assert post(APIClient(), csv_file(text)).status_code == 401
    assert post(client_for(manager), csv_file(text)).status_code == 403
    assert (
        post(
            client_for(portfolio.in_a.lead_unit.members.first(), TokenScope.READ), csv_file(text)
        ).status_code
        == 403
    )
    assert Request.objects.get(reference="2553-op20").title == "Report on SSR"


def test_a_dry_run_answers_per_row_and_writes_nothing(client_for, portfolio, staff_a):
    text = "Reference,Title,Lead unit\n2553-op20,Renamed,\nbrand-new,New task,UNIT-A\n"
    counts = (Request.objects.count(), StatusUpdate.objects.count())
    response = post(client_for(staff_a), csv_file(text), dry_run="true")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["dry_run"] is True
    assert body["written"] is False
    assert body["counts"] == {"created": 1, "updated": 1, "unchanged": 0, "error": 0}
    assert [(r["row"], r["key"], r["action"]) for r in body["rows"]] == [
        (2, "2553-op20", "updated"),
        (3, "brand-new", "created"),
    ]
    assert (Request.objects.count(), StatusUpdate.objects.count()) == counts


def test_an_import_writes_and_a_second_one_changes_nothing(client_for, portfolio, staff_a):
    text = "Reference,Title,Lead unit\nbrand-new,New task,UNIT-A\n"
    first = post(client_for(staff_a), csv_file(text))
    assert first.status_code == 200
    assert first.json()["written"] is True
    second = post(client_for(staff_a), csv_file(text))
    assert second.json()["counts"]["unchanged"] == 1
    assert Request.objects.filter(reference="brand-new").count() == 1


def test_a_bad_row_is_400_with_row_and_column_and_nothing_written(client_for, portfolio, staff_a):
    text = (
        "Reference,Title,Missions\n"
        "2553-op20,Renamed,MINUSCA\n"
        "late-a,Late one,NOWHERE\n"
        "b-task,Not mine,\n"
    )
    response = post(client_for(staff_a), csv_file(text))
    assert response.status_code == 400
    body = response.json()
    assert body["written"] is False
    errors = [(r["row"], e["column"]) for r in body["rows"] for e in r["errors"]]
    assert errors == [(3, "Missions"), (4, "Reference")]
    assert Request.objects.get(reference="2553-op20").title == "Report on SSR"


def test_xlsx_by_extension_or_by_file_format(client_for, portfolio, staff_a):
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Reference", "Priority"])
    sheet.append(["2553-op20", "High"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = client_for(staff_a)
    named = SimpleUploadedFile("tracker.xlsx", buffer.getvalue())
    assert post(client, named, dry_run="1").json()["counts"]["updated"] == 1
    unnamed = SimpleUploadedFile("upload.bin", buffer.getvalue())
    response = client.post(
        URL + "?dry_run=1", {"file": unnamed, "file_format": "xlsx"}, format="multipart"
    )
    assert response.json()["counts"]["updated"] == 1


def test_no_file_or_an_unknown_format_is_400(client_for, portfolio, staff_a):
    client = client_for(staff_a)
    assert client.post(URL, {}, format="multipart").status_code == 400
    response = post(client, csv_file("x", name="notes.pdf"))
    assert response.status_code == 400
    assert "file" in response.json()


def test_status_updates_are_imported_through_the_api(client_for, portfolio, staff_a):
    request = portfolio.in_a
    text = (
        "Reference,Status,Note,Date\n"
        f"{request.reference},In progress,Started,{request.created_at.isoformat()}\n"
    )
    url = "/api/v1/status-updates/import/"
    response = post(client_for(staff_a), csv_file(text), url=url)
    assert response.status_code == 200, response.json()
    request.refresh_from_db()
    assert request.status == "in_progress"
    again = post(client_for(staff_a), csv_file(text), url=url)
    assert again.json()["counts"]["unchanged"] == 1


def test_an_api_client_changes_its_units_requests_but_adds_none(
    client_for, portfolio, api_client_user
):
    portfolio.unit_a.memberships.create(user=api_client_user)
    client = client_for(api_client_user)
    text = "Reference,Title,Lead unit\n2553-op20,Renamed by a system,\nbrand-new,New,UNIT-A\n"
    response = post(client, csv_file(text))
    assert response.status_code == 400
    rows = response.json()["rows"]
    assert rows[0]["action"] == "updated"
    assert [(e["column"], "adding requests" in e["message"]) for e in rows[1]["errors"]] == [
        ("Reference", True)
    ]
    assert not Request.objects.filter(reference="brand-new").exists()
    only_mine = post(client, csv_file("Reference,Title\n2553-op20,Renamed by a system\n"))
    assert only_mine.status_code == 200
    assert Request.objects.get(reference="2553-op20").title == "Renamed by a system"
