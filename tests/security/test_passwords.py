"""Passwords: long, not common, not all digits, not like the user's own name or e-mail."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import UserFactory


@pytest.mark.parametrize(
    "password",
    [
        "short-pw",  # under 12 characters
        "password1234",  # common
        "739201846152",  # all digits
        "amina.diallo.ssr",  # like the user name
    ],
)
def test_weak_passwords_are_refused(db, password):
    user = UserFactory.create(username="amina.diallo", email="amina.diallo@example.org")

    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_unusual_passphrase_is_accepted(db):
    user = UserFactory.create(username="amina.diallo")

    validate_password("harmattan ledger seventeen cobalt", user)
