"""The admin's sheet import: upload, preview (a dry run), confirm; refused for roles without
the permissions; nothing written on a bad file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from mandates.models import BenchmarkAssessment, Request, StatusUpdate, Unit
from tests.factories import BenchmarkFactory, RequestFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/mandates/request/import/"
GOOD = "Reference,Title,Lead unit\nnew-one,A new task,UNIT-A\nmine,Renamed,\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def mine(staff_a, staff_b):
    return RequestFactory.create(
        reference="mine", title="Mine", lead_unit=Unit.objects.get(acronym="UNIT-A")
    )


def sheet(text: str, name: str = "tracker.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_role_without_the_permissions_is_refused_and_sees_no_button(manager, mine):
    client = logged_in(manager)
    assert client.get(IMPORT_URL).status_code == 403
    response = client.post(IMPORT_URL, {"file": sheet(GOOD)})
    assert response.status_code == 403
    assert not Request.objects.filter(reference="new-one").exists()
    changelist = client.get(reverse("admin:mandates_request_changelist"))
    assert IMPORT_URL.encode() not in changelist.content


def test_without_a_session_the_import_asks_for_the_login(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_lists_show_the_import_button_to_writers(staff_a):
    client = logged_in(staff_a)
    for model in ("request", "statusupdate", "benchmarkassessment"):
        changelist = client.get(reverse(f"admin:mandates_{model}_changelist"))
        url = reverse(f"admin:mandates_{model}_import")
        assert url.encode() in changelist.content
        assert client.get(url).status_code == 200


def test_preview_writes_nothing_then_confirm_imports(staff_a, mine):
    client = logged_in(staff_a)
    counts = (Request.objects.count(), StatusUpdate.objects.count())
    preview = client.post(IMPORT_URL, {"file": sheet(GOOD)})
    assert preview.status_code == 200
    assert (Request.objects.count(), StatusUpdate.objects.count()) == counts
    assert Request.objects.get(reference="mine").title == "Mine"
    report = preview.context["report"]
    assert [row.action for row in report.rows] == ["created", "updated"]
    token = preview.context["token"]
    assert token

    done = client.post(IMPORT_URL, {"confirm": "1", "token": token})
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:mandates_request_changelist")
    assert Request.objects.get(reference="new-one").lead_unit.acronym == "UNIT-A"
    assert Request.objects.get(reference="mine").title == "Renamed"
    # The token is spent: a second confirmation imports nothing more.
    again = client.post(IMPORT_URL, {"confirm": "1", "token": token})
    assert again.status_code == 302
    assert again["Location"] == IMPORT_URL
    assert Request.objects.filter(reference="new-one").count() == 1


def test_a_file_with_one_bad_row_shows_the_row_and_column_and_writes_nothing(staff_a, mine):
    client = logged_in(staff_a)
    before = Request.objects.count()
    text = "Reference,Title,Lead unit,Due date\nnew-one,A task,UNIT-A,\nnew-two,B,UNIT-A,soon\n"
    response = client.post(IMPORT_URL, {"file": sheet(text)})
    assert response.status_code == 200
    assert response.context["token"] is None  # nothing to confirm
    content = response.content.decode()
    assert "Due date" in content
    assert "not a date" in content
    assert Request.objects.count() == before


def test_another_persons_token_is_refused(staff_a, staff_b, mine):
    preview = logged_in(staff_a).post(IMPORT_URL, {"file": sheet(GOOD)})
    token = preview.context["token"]
    response = logged_in(staff_b).post(IMPORT_URL, {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert response["Location"] == IMPORT_URL
    assert not Request.objects.filter(reference="new-one").exists()


def test_a_tampered_token_is_refused(staff_a, mine):
    client = logged_in(staff_a)
    response = client.post(IMPORT_URL, {"confirm": "1", "token": "forged:token"})
    assert response["Location"] == IMPORT_URL
    assert not Request.objects.filter(reference="new-one").exists()


def test_a_file_that_is_not_a_sheet_is_refused_in_the_form(staff_a):
    client = logged_in(staff_a)
    response = client.post(IMPORT_URL, {"file": sheet("x", name="notes.pdf")})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_assessments_are_imported_from_the_admin(staff_a):
    BenchmarkFactory.create(reference="bm-a", responsible_unit=Unit.objects.get(acronym="UNIT-A"))
    client = logged_in(staff_a)
    url = reverse("admin:mandates_benchmarkassessment_import")
    text = "Benchmark,Period start,Period end,Rating\nbm-a,2030-01-01,2030-03-31,On track\n"
    preview = client.post(url, {"file": sheet(text)})
    assert not BenchmarkAssessment.objects.exists()
    client.post(url, {"confirm": "1", "token": preview.context["token"]})
    assert BenchmarkAssessment.objects.get().benchmark.reference == "bm-a"
