"""The migration that turns the request-mission links into mission lines keeps every link and
its history, forward and back, and the figures read the same after it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("mandates", "0015_remove_webhookdelivery")]
AFTER = [("mandates", "0016_mission_lines_calendar_renewals")]


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
def test_links_become_lines_that_follow_their_request_and_come_back():
    old = _migrate(BEFORE)
    Mission = old.get_model("mandates", "Mission")
    Unit = old.get_model("mandates", "Unit")
    Request = old.get_model("mandates", "Request")
    lead = Unit.objects.create(acronym="SSRU-M", name="SSR Unit", kind="hq")
    missions = [
        Mission.objects.create(acronym=a, name=a, kind="peacekeeping", host_country="X")
        for a in ("MINUSCA", "MONUSCO", "UNMISS")
    ]
    due = datetime.date(2027, 2, 15)
    requests = []
    for n, status in enumerate(["in_progress", "completed", "not_started"]):
        request = Request.objects.create(
            reference=f"mig-{n}",
            title=f"Request {n}",
            lead_unit=lead,
            status=status,
            created_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
            due_date=due + datetime.timedelta(days=n),
            closed_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
            if status == "completed"
            else None,
        )
        request.missions.set(missions[: n + 1])
        requests.append(request)
    links = set(Request.missions.through.objects.values_list("request_id", "mission_id"))
    assert len(links) == 6

    new = _migrate(AFTER)
    Line = new.get_model("mandates", "RequestMission")
    lines = list(Line.objects.select_related("request"))
    assert {(line.request_id, line.mission_id) for line in lines} == links
    # Every line follows its request: the status and due date a page shows are unchanged.
    for line in lines:
        assert line.status is None
        assert line.due_date is None
        assert line.closed_at is None
    NewRequest = new.get_model("mandates", "Request")
    assert NewRequest.objects.get(reference="mig-2").missions.count() == 3

    back = _migrate(BEFORE)
    OldRequest = back.get_model("mandates", "Request")
    assert set(OldRequest.missions.through.objects.values_list("request_id", "mission_id")) == (
        links
    )
    _migrate(_leaves())
