"""Closed missions leave open work, spotlights, menus and per-mission figures by default, and
stay in history: their page is still there, marked closed (issue: "Requests concern missions
that have closed (MINUSMA 2023, UNIOGBIS 2020) and closed missions get a summary
spotlight")."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from mandates.choices import RequestStatus
from mandates.models import MandateRenewal
from mandates.organisation.renewals import mission_close
from reports import selectors, summaries
from reports.forms import DashboardFilters
from reports.periods import Period
from tests.factories import MissionFactory, RequestFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = timezone.localdate()
LONG_AGO = D(2023, 12, 31)


@pytest.fixture
def missions(unit):
    minusma = MissionFactory.create(acronym="MINUSMA", host_country="Mali")
    minusca = MissionFactory.create(acronym="MINUSCA", host_country="CAR")
    for mission in (minusma, minusca):
        for _ in range(2):
            RequestFactory.create(
                lead_unit=unit, due_date=TODAY - datetime.timedelta(days=10), missions=[mission]
            )
    return minusma, minusca


def _menu(form: DashboardFilters) -> list[tuple[str, str]]:
    field: Any = form.fields["mission"]
    return list(field.choices)


def _closed(minusma):
    mission_close(mission=minusma, end_date=LONG_AGO, by=None)
    minusma.refresh_from_db()
    return minusma


def test_a_closed_mission_gets_no_summary_spotlight(missions, unit):
    """Even with open requests left on it (as the old seed had), a closed mission is not in
    the spotlight nor among the "also concerned" missions."""
    uniogbis = MissionFactory.create(acronym="UNIOGBIS", end_date=D(2020, 12, 31))
    for _ in range(5):
        RequestFactory.create(
            lead_unit=unit, due_date=TODAY - datetime.timedelta(days=5), missions=[uniogbis]
        )
    period = Period.parse(f"{TODAY:%Y}-{TODAY:%m}")
    data = summaries.compile_data(period)
    assert [m["acronym"] for m in data["missions"]] == ["MINUSCA", "MINUSMA"]
    assert "UNIOGBIS" not in data["other_missions"]
    _closed(missions[0])
    after = summaries.compile_data(period)
    assert [m["acronym"] for m in after["missions"]] == ["MINUSCA"]


def test_closing_cancels_the_open_lines_so_the_mission_has_no_open_requests(missions):
    minusma, _ = _closed(missions[0]), missions[1]
    assert not minusma.requests.filter(status__in=RequestStatus.open()).exists()
    assert minusma.requests.filter(status=RequestStatus.CANCELLED).count() == 2


def test_the_dashboard_menu_and_mission_figures_leave_closed_missions_out(missions):
    _closed(missions[0])
    form = DashboardFilters({})
    acronyms = [key for key, _ in _menu(form) if key]
    assert acronyms == ["MINUSCA"]
    assert [m.acronym for m in selectors.mission_table(form.requests(), today=TODAY)] == ["MINUSCA"]
    by_mission, _, _ = selectors.counts_by(form.requests(), today=TODAY)
    assert [row["acronym"] for row in by_mission] == ["MINUSCA"]
    # The toggle brings them back, and a link naming a closed mission still selects it.
    shown = DashboardFilters({"include_closed": "1"})
    assert [k for k, _ in _menu(shown) if k] == ["MINUSCA", "MINUSMA"]
    rows = selectors.mission_table(shown.requests(), today=TODAY, include_closed=True)
    assert [m.acronym for m in rows] == ["MINUSCA", "MINUSMA"]
    named = DashboardFilters({"mission": "MINUSMA"})
    assert named.is_valid()
    assert "MINUSMA" in [k for k, _ in _menu(named)]


def test_the_pages_hide_closed_missions_by_default_and_keep_their_page(missions, client, manager):
    _closed(missions[0])
    client.force_login(manager)
    listing = client.get(reverse("dashboard:missions")).content.decode()
    assert "MINUSCA" in listing
    assert "MINUSMA" not in listing
    assert (
        "MINUSMA"
        in client.get(reverse("dashboard:missions") + "?include_closed=on").content.decode()
    )
    page = client.get(reverse("dashboard:mission", args=["MINUSMA"]))
    assert page.status_code == 200
    assert "closed on" in page.content.decode()


def test_the_api_lists_closed_missions_only_on_request(missions, administrator):
    _closed(missions[0])
    client = APIClient()
    client.force_authenticate(administrator)
    url = reverse("api:mission-list")
    listed = [m["acronym"] for m in client.get(url).json()["results"]]
    assert listed == ["MINUSCA"]
    listed = [m["acronym"] for m in client.get(url, {"include_closed": "1"}).json()["results"]]
    assert listed == ["MINUSCA", "MINUSMA"]
    assert [m["acronym"] for m in client.get(url, {"active": "false"}).json()["results"]] == [
        "MINUSMA"
    ]
    detail = client.get(reverse("api:mission-detail", args=[missions[0].pk])).json()
    assert detail["closed"] is True
    assert detail["end_date"] == "2023-12-31"
    assert detail["renewals"] == []


def test_the_api_mission_detail_lists_its_renewals(missions, administrator):
    from mandates.organisation.renewals import renewal_record
    from tests.factories import DocumentFactory

    minusca = missions[1]
    resolution = DocumentFactory.create(symbol="S/RES/2759 (2024)")
    renewal_record(
        mission=minusca, resolution=resolution, adopted=D(2024, 11, 14), expiry=D(2025, 11, 15),
        by=None,
    )  # fmt: skip
    renewal_record(mission=minusca, adopted=D(2025, 11, 13), expiry=D(2026, 11, 15), by=None)
    assert MandateRenewal.objects.count() == 2
    client = APIClient()
    client.force_authenticate(administrator)
    detail = client.get(reverse("api:mission-detail", args=[minusca.pk])).json()
    assert detail["mandate_expiry"] == "2026-11-15"
    assert detail["closed"] is False
    assert detail["renewals"] == [
        {"resolution": None, "adopted": "2025-11-13", "expiry": "2026-11-15"},
        {"resolution": "S/RES/2759 (2024)", "adopted": "2024-11-14", "expiry": "2025-11-15"},
    ]
