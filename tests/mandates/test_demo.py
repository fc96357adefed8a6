"""The demo command: users for each role, only in development."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from mandates.models import Document, UnitMembership
from mandates.organisation import roles

pytestmark = pytest.mark.django_db


def test_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="runs only with DEBUG=1"):
        call_command("demo", no_migrate=True)
    assert not get_user_model().objects.filter(username="manager").exists()


def test_demo_creates_one_user_per_role_and_can_run_twice(settings, capsys):
    settings.DEBUG = True
    call_command("demo", no_migrate=True)
    call_command("demo", no_migrate=True)
    out = capsys.readouterr().out
    users = get_user_model().objects.prefetch_related("groups")
    by_name = {u.username: u for u in users}
    assert {g.name for u in by_name.values() for g in u.groups.all()} == set(roles.ALL_ROLES)
    assert by_name["manager"].check_password("demo-manager-2553")
    assert "demo-manager-2553" in out
    assert UnitMembership.objects.get(user=by_name["minusca.focal"]).unit.acronym == "MINUSCA-SSR"
    assert Document.objects.filter(symbol="S/RES/2553 (2020)").exists()
