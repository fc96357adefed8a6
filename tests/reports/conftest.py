"""Fixtures for the jobs: a unit with a focal point, and a request factory on fixed dates."""

from __future__ import annotations

import datetime

import pytest

from mandates.choices import MembershipRole
from tests.factories import RequestFactory, UnitFactory, UserFactory

DUE = datetime.date(2021, 9, 30)
NOW = datetime.datetime(2021, 9, 1, 6, 0, tzinfo=datetime.UTC)


def focal_point(unit, username: str, *, role: str = MembershipRole.FOCAL_POINT):
    user = UserFactory.create(username=username, first_name=username.title())
    unit.memberships.create(user=user, role=role)
    return user


@pytest.fixture
def unit(db):
    return UnitFactory.create(acronym="SSRU", name="Security Sector Reform Unit")


@pytest.fixture
def amina(unit):
    """The SSR Unit's focal point."""
    return focal_point(unit, "amina")


@pytest.fixture
def make_request(unit):
    def make(**kwargs):
        kwargs.setdefault("lead_unit", unit)
        kwargs.setdefault("due_date", DUE)
        kwargs.setdefault("created_at", datetime.datetime(2021, 1, 4, tzinfo=datetime.UTC))
        return RequestFactory.create(**kwargs)

    return make
