"""An archived unit is not named on a request again, on any path (API, admin, service).

Before, archiving a unit only took it out of the admin's autocomplete: the API (and a form sent
by hand) could still make it lead or support a request. Units a request already names stay.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mandates.models import Request, Unit
from mandates.requests import services
from tests.api.conftest import token_client
from tests.factories import RequestFactory, UnitFactory
from tests.mandates.test_admin import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def archived(staff_a) -> Unit:
    return UnitFactory.create(acronym="OLD-UNIT", archived_at=timezone.now())


@pytest.fixture
def own_request(staff_a) -> Request:
    return RequestFactory.create(lead_unit=Unit.objects.get(acronym="UNIT-A"))


def _patch(user: Any, request: Request, data: dict[str, Any]) -> Any:
    client = token_client(user)
    return client.patch(f"/api/v1/requests/{request.pk}/", data, format="json", HTTP_IF_MATCH="*")


@pytest.mark.parametrize("field", ["lead_unit", "supporting_units"])
def test_api_refuses_naming_an_archived_unit(own_request, archived, administrator, field):
    value: Any = archived.pk if field == "lead_unit" else [archived.pk]
    response = _patch(administrator, own_request, {field: value, "priority": "high"})
    assert response.status_code == 400
    assert "OLD-UNIT is archived" in response.json()["detail"]
    own_request.refresh_from_db()
    assert own_request.lead_unit.acronym == "UNIT-A"
    assert list(own_request.supporting_units.all()) == []
    assert own_request.priority != "high"
    assert own_request.version == 1


def test_a_unit_already_named_stays_when_it_is_archived(own_request, archived, staff_a):
    own_request.supporting_units.add(archived)
    response = _patch(staff_a, own_request, {"supporting_units": [archived.pk], "priority": "high"})
    assert response.status_code == 200, response.json()
    own_request.refresh_from_db()
    assert list(own_request.supporting_units.all()) == [archived]
    assert own_request.priority == "high"


def test_the_service_refuses_it_whoever_calls(own_request, archived):
    with pytest.raises(services.WorkflowError, match="OLD-UNIT is archived"):
        services.request_edit(request=own_request, by=None, changes={"lead_unit": archived})


def test_admin_refuses_naming_an_archived_unit(own_request, archived, administrator):
    client = Client()
    client.force_login(administrator)
    url = reverse("admin:mandates_request_change", args=[own_request.pk])
    for changes in ({"lead_unit": str(archived.pk)}, {"supporting_units": [str(archived.pk)]}):
        data = change_form_data(client, own_request, due_date="2031-06-30", **changes)
        response = client.post(url, data)
        assert response.status_code == 200
        assert b"OLD-UNIT is archived" in response.content
    own_request.refresh_from_db()
    assert own_request.lead_unit.acronym == "UNIT-A"
    assert str(own_request.due_date) != "2031-06-30"
    assert own_request.version == 1
