"""Roles are groups created by a migration; each can do what its people need and no more."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from mandates.organisation import roles
from tests.factories import RequestFactory

pytestmark = pytest.mark.django_db


def test_every_role_exists_with_permissions():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions")}
    assert set(roles.ALL_ROLES) <= set(groups)
    for name in roles.ALL_ROLES:
        assert groups[name].permissions.filter(codename="view_request").exists(), name


@pytest.mark.parametrize(
    ("fixture", "perm", "allowed"),
    [
        ("manager", "mandates.change_request", False),
        ("manager", "mandates.view_benchmark", True),
        ("manager", "mandates.add_statusupdate", False),
        ("staff_a", "mandates.change_request", True),
        ("staff_a", "mandates.add_statusupdate", True),
        ("staff_a", "mandates.delete_request", False),
        ("staff_a", "mandates.change_document", False),
        ("staff_a", "mandates.change_statusupdate", False),
        ("api_client_user", "mandates.add_statusupdate", True),
        ("api_client_user", "mandates.change_mission", False),
        ("administrator", "mandates.change_mission", True),
    ],
)
def test_role_permissions(request, fixture, perm, allowed):
    user = request.getfixturevalue(fixture)
    assert user.has_perm(perm) is allowed


def test_manager_reads_requests_but_cannot_change_them(client, manager):
    target = RequestFactory.create()
    client.force_login(manager)
    url = reverse("admin:mandates_request_change", args=[target.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="new_status"' not in response.content  # read-only view
    assert client.post(url, {"title": "Changed by a manager"}).status_code == 403
    target.refresh_from_db()
    assert target.title != "Changed by a manager"


def test_api_client_cannot_use_the_admin(client, api_client_user):
    client.force_login(api_client_user)
    response = client.get(reverse("admin:mandates_request_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("admin:mandates_request_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url
