"""Mission and unit filters with more options than a menu should hold become search boxes, with
suggestions from the dashboards' menu endpoint; the page no longer grows with every unit."""

from __future__ import annotations

import re

import pytest

from mandates.models import Mission, Unit
from reports import forms
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, manager):
    client.force_login(manager)
    return client


def test_short_menus_stay_menus(seeded, reader):
    html = reader.get("/dashboard/").content.decode()
    assert re.search(r'<select name="unit"[^>]*>', html)
    assert 'data-suggest="' not in html


def test_long_menus_become_search_boxes_keeping_the_choice(seeded, reader, monkeypatch):
    monkeypatch.setattr(forms, "MENU_LIMIT", 3)
    assert Unit.objects.count() > 3
    html = reader.get("/dashboard/?unit=SSRU").content.decode()
    box = re.search(r'<input type="search" name="unit"[^>]*>', html)
    assert box, html[:2000]
    assert 'value="SSRU"' in box[0]
    assert 'data-suggest="/dashboard/menus/unit/"' in box[0]
    assert 'placeholder="Type an acronym or a name"' in box[0]
    assert not re.search(r'<select name="unit"', html)
    assert '<datalist id="id_unit-options"></datalist>' in html
    # The acronym in the box filters as the menu did.
    assert reader.get("/dashboard/?unit=SSRU").context["filters"].values["unit"].acronym == "SSRU"


def test_suggestions_match_acronyms_and_names_acronym_first(seeded, reader):
    UnitFactory.create(acronym="ZZ-SSR", name="Zeta reform cell")
    UnitFactory.create(acronym="SSR-ZETA", name="Another cell")
    results = reader.get("/dashboard/menus/unit/?q=zeta").json()["results"]
    assert [r["value"] for r in results] == ["SSR-ZETA", "ZZ-SSR"]  # by acronym, by name
    assert {"value": "ZZ-SSR", "label": "ZZ-SSR – Zeta reform cell"} in results
    values = [r["value"] for r in reader.get("/dashboard/menus/unit/?q=ssr").json()["results"]]
    starting = [v for v in values if v.upper().startswith("SSR")]
    assert starting
    assert values[: len(starting)] == starting  # acronyms starting with it first
    assert "ZZ-SSR" in values[len(starting) :]
    mission = Mission.objects.order_by("acronym").first()
    assert mission is not None
    found = reader.get(f"/dashboard/menus/mission/?q={mission.acronym}").json()["results"]
    assert found[0]["value"] == mission.acronym


def test_suggestions_are_capped(seeded, reader):
    for n in range(forms.MENU_SUGGESTIONS + 5):
        UnitFactory.create(acronym=f"CAP{n:02d}", name=f"Capped unit {n}")
    results = reader.get("/dashboard/menus/unit/?q=CAP").json()["results"]
    assert len(results) == forms.MENU_SUGGESTIONS
    assert [r["value"] for r in results] == sorted(r["value"] for r in results)


def test_unknown_menu_is_404_and_suggestions_need_a_role(seeded, reader, client, django_user_model):
    assert reader.get("/dashboard/menus/theme/?q=a").status_code == 404
    client.logout()
    nobody = django_user_model.objects.create_user("no-role", password="x")
    client.force_login(nobody)
    assert client.get("/dashboard/menus/unit/?q=SSR").status_code == 403
