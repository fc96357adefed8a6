"""Migration 0019 gives the seed's missions, countries, units and themes their official French
names, leaves other rows blank (pages fall back to English), and reverses; the seed files carry
the same names."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("mandates", "0018_renewal_permissions")]
AFTER = [("mandates", "0019_french_names")]
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
names = importlib.import_module("mandates.migrations.0019_french_names")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _leaves():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_existing_rows_get_their_french_names_and_the_fields_go_back():
    old = _migrate(BEFORE)
    Mission = old.get_model("mandates", "Mission")
    Unit = old.get_model("mandates", "Unit")
    Theme = old.get_model("mandates", "Theme")
    Mission.objects.create(
        acronym="MINUSCA", name="MINUSCA", kind="peacekeeping", host_country="CAR"
    )
    Mission.objects.create(
        acronym="NEW-1", name="A new mission", kind="political", host_country="X"
    )
    Unit.objects.create(acronym="OROLSI", name="OROLSI", kind="hq")
    Theme.objects.create(slug="rule-of-law", name="Rule of law", kind="cross_cutting")
    try:
        new = _migrate(AFTER)
        minusca = new.get_model("mandates", "Mission").objects.get(acronym="MINUSCA")
        assert minusca.name_fr == (
            "Mission multidimensionnelle intégrée des Nations Unies pour la stabilisation en "
            "République centrafricaine"
        )
        assert minusca.host_country_fr == "République centrafricaine"
        assert new.get_model("mandates", "Mission").objects.get(acronym="NEW-1").name_fr == ""
        orolsi = new.get_model("mandates", "Unit").objects.get(acronym="OROLSI")
        assert orolsi.name_fr == (
            "Bureau de l'état de droit et des institutions chargées de la sécurité"
        )
        assert new.get_model("mandates", "Theme").objects.get().name_fr == "État de droit"

        back = _migrate(BEFORE)
        fields = {f.name for f in back.get_model("mandates", "Mission")._meta.get_fields()}
        assert "name_fr" not in fields
        assert back.get_model("mandates", "Mission").objects.count() == 2
    finally:
        _migrate(_leaves())


def test_the_seed_files_carry_the_migrations_french_names():
    missions = json.loads((FIXTURES / "missions.json").read_text(encoding="utf-8"))
    units = json.loads((FIXTURES / "units.json").read_text(encoding="utf-8"))
    themes = json.loads((FIXTURES / "themes.json").read_text(encoding="utf-8"))
    assert {m["acronym"]: (m["name_fr"], m["host_country_fr"]) for m in missions} == names.MISSIONS
    assert {u["acronym"]: u["name_fr"] for u in units} == names.UNITS
    assert {t["slug"]: t["name_fr"] for t in themes} == names.THEMES
    assert names.UNITS["SSRU"] == "Groupe de la réforme du secteur de la sécurité"
