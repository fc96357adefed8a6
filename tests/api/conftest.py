"""API test helpers: clients with a token or a session, and a small portfolio."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from mandates.choices import TokenScope
from mandates.models import ApiToken, Mission, Request, Unit
from tests.factories import (
    DocumentFactory,
    MissionFactory,
    ParagraphFactory,
    RequestFactory,
    ThemeFactory,
)


def token_client(user: Any, scope: str = TokenScope.READ_WRITE, **fields: Any) -> APIClient:
    _token, secret = ApiToken.issue(name="test", user=user, scope=scope, **fields)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def client_for():
    return token_client


@dataclass
class Portfolio:
    unit_a: Unit
    unit_b: Unit
    mission: Mission
    in_a: Request
    in_b: Request
    overdue_a: Request


@pytest.fixture
def portfolio(staff_a, staff_b) -> Portfolio:
    """Two units (those of ``staff_a`` and ``staff_b``), a mission, a resolution with a themed
    paragraph, and three requests."""
    unit_a = Unit.objects.get(acronym="UNIT-A")
    unit_b = Unit.objects.get(acronym="UNIT-B")
    mission = MissionFactory.create(acronym="MINUSCA")
    document = DocumentFactory.create(symbol="S/RES/2553 (2020)", citation_label="2553 (2020)")
    paragraph = ParagraphFactory.create(document=document, number=20, order=2000)
    paragraph.themes.add(ThemeFactory.create(slug="national-ownership"))
    in_a = RequestFactory.create(reference="2553-op20", title="Report on SSR", lead_unit=unit_a)
    in_a.paragraphs.add(paragraph)
    in_a.missions.add(mission)
    in_b = RequestFactory.create(reference="b-task", title="Unit B task", lead_unit=unit_b)
    overdue_a = RequestFactory.create(
        reference="late-a",
        title="Late one",
        lead_unit=unit_a,
        due_date=datetime.date.today() - datetime.timedelta(days=3),
        status="in_progress",
    )
    return Portfolio(unit_a, unit_b, mission, in_a, in_b, overdue_a)


@pytest.fixture(autouse=True)
def _fresh_throttle_buckets():
    """Rate-limit buckets live in the cache and token ids repeat between tests."""
    from django.core.cache import cache

    cache.clear()
