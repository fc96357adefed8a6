"""Reference data that anything points to is archived, never deleted.

Before, deleting a unit removed it from requests' supporting units with no version bump and no
history."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from mandates.models import Mission, Request, Theme, Unit
from tests.factories import (
    DocumentFactory,
    MissionFactory,
    ParagraphFactory,
    RequestFactory,
    ThemeFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def supported():
    unit = UnitFactory.create(acronym="SUPPORT")
    request = RequestFactory.create(supporting_units=[unit])
    return unit, request


def test_deleting_a_unit_that_supports_a_request_is_refused(supported):
    unit, request = supported
    version = request.version
    with pytest.raises(ProtectedError, match="Archive it instead"), transaction.atomic():
        unit.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Unit.objects.filter(pk=unit.pk).delete()
    request.refresh_from_db()
    assert list(request.supporting_units.all()) == [unit]
    assert request.version == version


@pytest.mark.parametrize(
    ("make", "model"),
    [
        (lambda: RequestFactory.create(missions=[MissionFactory.create()]).missions.get(), Mission),
        (lambda: _themed_paragraph().themes.get(), Theme),
    ],
)
def test_missions_and_themes_in_use_are_not_deleted(make, model):
    obj = make()
    with pytest.raises(ProtectedError), transaction.atomic():
        model.objects.filter(pk=obj.pk).delete()
    assert model.objects.filter(pk=obj.pk).exists()


def _themed_paragraph():
    paragraph = ParagraphFactory.create(document=DocumentFactory.create())
    paragraph.themes.add(ThemeFactory.create())
    return paragraph


def test_a_unit_nothing_points_to_can_still_be_removed():
    unit = UnitFactory.create(acronym="TYPO")
    Unit.objects.filter(pk=unit.pk).delete()
    assert not Unit.objects.filter(acronym="TYPO").exists()


def test_the_admin_offers_archive_not_delete(admin_client, supported):
    unit, request = supported
    delete_url = reverse("admin:mandates_unit_delete", args=[unit.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:mandates_unit_changelist")
    assert "delete_selected" not in admin_client.get(changelist).content.decode()
    admin_client.post(changelist, {"action": "archive_selected", "_selected_action": [unit.pk]})
    unit.refresh_from_db()
    assert unit.archived_at is not None
    # Archived, it stays on the request, leaves the default list and the autocomplete.
    assert list(Request.objects.get(pk=request.pk).supporting_units.all()) == [unit]
    listed = admin_client.get(changelist).context["cl"].result_list
    assert unit not in listed
    assert unit in admin_client.get(changelist, {"archived": "yes"}).context["cl"].result_list
    found = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "SUPPORT",
            "app_label": "mandates",
            "model_name": "request",
            "field_name": "supporting_units",
        },
    ).json()["results"]
    assert found == []
    admin_client.post(
        changelist + "?archived=yes",
        {"action": "restore_selected", "_selected_action": [unit.pk]},
    )
    unit.refresh_from_db()
    assert unit.archived_at is None


def test_staff_cannot_archive_units(staff_a):
    unit = Unit.objects.get(acronym="UNIT-A")
    client = Client()
    client.force_login(staff_a)
    client.post(
        reverse("admin:mandates_unit_changelist"),
        {"action": "archive_selected", "_selected_action": [unit.pk]},
    )
    unit.refresh_from_db()
    assert unit.archived_at is None
