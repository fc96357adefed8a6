"""Migrations run backwards and forwards, and the model has no change without a migration."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command


@pytest.mark.django_db(transaction=True)
def test_migrations_reverse_to_zero_and_apply_again():
    call_command("migrate", "mandates", "zero", verbosity=0)
    assert not Group.objects.filter(name="SSR staff").exists()
    call_command("migrate", verbosity=0)
    assert Group.objects.filter(name="SSR staff").exists()


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
