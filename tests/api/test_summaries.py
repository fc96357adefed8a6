"""Summaries in the API: compiled ones only, by kind and period, readable by every role."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from reports.models import Summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def summaries():
    compiled = Summary.objects.create(
        kind="quarterly",
        period_start=datetime.date(2021, 7, 1),
        period_end=datetime.date(2021, 9, 30),
        title="Third quarter 2021",
        data={"headline": {"completed": 3}},
        text="Three requests were completed.",
        html="<p>Three requests were completed.</p>",
        compiled_at=timezone.now(),
    )
    Summary.objects.create(
        kind="weekly",
        period_start=datetime.date(2021, 9, 20),
        period_end=datetime.date(2021, 9, 26),
    )
    return compiled


@pytest.mark.parametrize("role", ["manager", "staff_a", "api_client_user", "administrator"])
def test_every_role_reads_compiled_summaries(client_for, summaries, role, request):
    client = client_for(request.getfixturevalue(role))
    listed = client.get("/api/v1/summaries/")
    assert listed.status_code == 200
    assert [s["title"] for s in listed.json()["results"]] == ["Third quarter 2021"]
    assert "text" not in listed.json()["results"][0]
    detail = client.get(f"/api/v1/summaries/{summaries.pk}/")
    assert detail.json()["data"] == {"headline": {"completed": 3}}
    assert detail.json()["text"] == "Three requests were completed."
    assert "ETag" in detail.headers


def test_summaries_filter_by_kind_and_period(client_for, summaries, manager):
    client = client_for(manager)
    assert client.get("/api/v1/summaries/", {"kind": "weekly"}).json()["count"] == 0
    found = client.get("/api/v1/summaries/", {"period_start_after": "2021-07-01"})
    assert found.json()["count"] == 1
    assert client.get("/api/v1/summaries/", {"kind": "daily"}).status_code == 400
