"""Only administrators hand a request to another unit, on every path (admin, API, service).

Before, the admin refused it but the API let staff of unit A make unit B lead, after which they
could not move it back.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.urls import reverse

from mandates.choices import RequestStatus
from mandates.models import Request, StatusUpdate, Unit
from mandates.requests import services
from tests.api.conftest import token_client
from tests.factories import ParagraphFactory, RequestFactory, UnitFactory
from tests.mandates.test_admin import change_form_data, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_request(staff_a, staff_b) -> Request:
    return RequestFactory.create(lead_unit=Unit.objects.get(acronym="UNIT-A"))


def _patch(user, request: Request, data: dict) -> Any:
    client = token_client(user)
    url = f"/api/v1/requests/{request.pk}/"
    etag = client.get(url).headers["ETag"]
    return client.patch(url, data, format="json", HTTP_IF_MATCH=etag)


def test_api_refuses_staff_moving_the_lead_to_another_unit(own_request, staff_a):
    unit_b = Unit.objects.get(acronym="UNIT-B")
    response = _patch(staff_a, own_request, {"lead_unit": unit_b.pk})
    assert response.status_code == 403
    assert "only your own units" in response.json()["detail"]
    own_request.refresh_from_db()
    assert own_request.lead_unit.acronym == "UNIT-A"
    assert own_request.version == 1


def test_api_refused_move_changes_nothing_else_in_the_same_body(own_request, staff_a):
    unit_b = Unit.objects.get(acronym="UNIT-B")
    response = _patch(staff_a, own_request, {"lead_unit": unit_b.pk, "priority": "high"})
    assert response.status_code == 403
    own_request.refresh_from_db()
    assert own_request.priority != "high"


def test_api_lets_staff_keep_the_lead_or_give_it_to_another_of_their_units(own_request, staff_a):
    second = UnitFactory.create(acronym="UNIT-A2")
    second.memberships.create(user=staff_a)
    response = _patch(staff_a, own_request, {"lead_unit": own_request.lead_unit_id})
    assert response.status_code == 200, response.json()
    response = _patch(staff_a, own_request, {"lead_unit": second.pk})
    assert response.status_code == 200, response.json()
    own_request.refresh_from_db()
    assert own_request.lead_unit == second


def test_api_lets_an_administrator_move_the_lead(own_request, administrator):
    unit_b = Unit.objects.get(acronym="UNIT-B")
    response = _patch(administrator, own_request, {"lead_unit": unit_b.pk})
    assert response.status_code == 200, response.json()
    own_request.refresh_from_db()
    assert own_request.lead_unit == unit_b


def test_admin_refuses_staff_moving_the_lead_to_another_unit(own_request, staff_a):
    unit_b = Unit.objects.get(acronym="UNIT-B")
    client = Client()
    client.force_login(staff_a)
    data = change_form_data(client, own_request, lead_unit=str(unit_b.pk))
    response = client.post(reverse("admin:mandates_request_change", args=[own_request.pk]), data)
    assert response.status_code == 200
    assert "only your own units" in response.content.decode()
    own_request.refresh_from_db()
    assert own_request.lead_unit.acronym == "UNIT-A"


def test_the_service_refuses_it_for_a_person_and_allows_it_for_a_job(own_request, staff_a):
    unit_b = Unit.objects.get(acronym="UNIT-B")
    with pytest.raises(PermissionDenied):
        services.request_edit(request=own_request, by=staff_a, changes={"lead_unit": unit_b})
    own_request.refresh_from_db()
    assert own_request.lead_unit.acronym == "UNIT-A"
    services.request_edit(request=own_request, by=None, changes={"lead_unit": unit_b})
    own_request.refresh_from_db()
    assert own_request.lead_unit == unit_b


def test_admin_shows_an_archived_request_read_only(own_request, staff_a):
    """The admin saved an archived request's fields, which every service refuses."""
    client = Client()
    client.force_login(staff_a)
    data = change_form_data(client, own_request, due_date="2030-01-31")
    services.request_archive(request=own_request, by=staff_a)
    url = reverse("admin:mandates_request_change", args=[own_request.pk])
    assert b'name="due_date"' not in client.get(url).content
    assert client.post(url, data).status_code == 403
    own_request.refresh_from_db()
    assert str(own_request.due_date) != "2030-01-31"


def test_request_create_refuses_staff_making_another_unit_lead(staff_a, staff_b):
    unit_b = Unit.objects.get(acronym="UNIT-B")
    with pytest.raises(PermissionDenied), transaction.atomic():
        services.request_create(
            fields={"reference": "x-1", "title": "X", "lead_unit": unit_b},
            by=staff_a,
            reason="test",
        )
    assert not Request.objects.filter(reference="x-1").exists()
    own = services.request_create(
        fields={"reference": "x-2", "title": "X", "lead_unit": Unit.objects.get(acronym="UNIT-A")},
        by=staff_a,
        reason="test",
        note="Opened.",
    )
    first = StatusUpdate.objects.get(request=own)
    assert (first.status_from, first.status_to, first.author) == ("not_started",) * 2 + (staff_a,)


def test_admin_add_refuses_staff_making_another_unit_lead(staff_a, staff_b):
    client = Client()
    client.force_login(staff_a)
    url = reverse("admin:mandates_request_add")
    data = form_data(client, url)
    data.update(
        reference="other-unit",
        title="Other",
        paragraphs=[str(ParagraphFactory.create().pk)],
        lead_unit=str(Unit.objects.get(acronym="UNIT-B").pk),
        priority="normal",
        recurrence="none",
        new_status=RequestStatus.NOT_STARTED,
    )
    response = client.post(url, data)
    assert response.status_code == 200  # the form shows the refusal
    assert not Request.objects.filter(reference="other-unit").exists()
