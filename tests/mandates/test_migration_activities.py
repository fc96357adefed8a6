"""Migrations 0020 and 0021 add activities and give the roles their permissions on them, and
both reverse: the table and the permissions go, the rest stays."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("mandates", "0019_french_names")]
AFTER = [("mandates", "0021_activity_permissions")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _leaves():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.loader.graph.leaf_nodes()


def _codenames(apps, group: str) -> set[str]:
    Group = apps.get_model("auth", "Group")
    return {
        p.codename
        for p in Group.objects.get(name=group).permissions.filter(codename__endswith="_activity")
    }


@pytest.mark.django_db(transaction=True)
def test_activities_and_their_permissions_come_and_go():
    try:
        # From before 0020, so that 0021 runs here whatever an earlier test left (a transactional
        # test empties the tables, groups included).
        _migrate(BEFORE)
        new = _migrate(AFTER)
        assert _codenames(new, "SSR staff") == {
            "view_activity",
            "add_activity",
            "change_activity",
            "delete_activity",
        }
        assert _codenames(new, "Managers") == {"view_activity"}
        Activity = new.get_model("mandates", "Activity")
        Activity.objects.create(kind="training", title="T", start_date="2026-05-12")

        back = _migrate(BEFORE)
        assert _codenames(back, "SSR staff") == set()
        assert _codenames(back, "Managers") == set()
        assert "mandates_activity" not in connection.introspection.table_names()
    finally:
        _migrate(_leaves())
