"""The generated portfolio: the counts asked for, the same rows for the same seed, and the
guards that keep it out of real databases."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from mandates.choices import RequestStatus
from mandates.models import (
    Benchmark,
    BenchmarkAssessment,
    Document,
    Mission,
    Paragraph,
    Request,
    StatusUpdate,
    Unit,
)
from mandates.sample_portfolio import Portfolio, sizes
from tests.factories import UnitFactory

TODAY = datetime.date(2026, 11, 22)
SCALE = 0.002  # 200 requests, about 2,000 updates


def rows(seed: int) -> dict[str, list[tuple]]:
    portfolio = Portfolio(scale=SCALE, seed=seed, today=TODAY)
    return {table.name: list(table.rows) for table in portfolio.tables()}


def generate(*args: str) -> str:
    out = io.StringIO()
    call_command(
        "generate_portfolio", "--scale", str(SCALE), "--today", "2026-11-22", *args, stdout=out
    )
    return out.getvalue()


def test_same_seed_gives_the_same_rows():
    assert rows(7) == rows(7)


def test_another_seed_gives_other_rows():
    assert rows(7)["mandates.Request"] != rows(8)["mandates.Request"]


@pytest.mark.django_db
def test_generates_the_counts_of_the_scale():
    generate("--yes")
    n = sizes(SCALE)
    assert Mission.objects.count() == n["missions"]
    assert Unit.objects.count() == n["units"]
    assert Document.objects.count() == n["documents"]
    assert Paragraph.objects.count() == n["documents"] * 20
    assert Request.objects.count() == n["requests"]
    assert Benchmark.objects.count() == n["benchmarks"]
    assert BenchmarkAssessment.objects.count() == n["benchmarks"] * 10
    assert 5 * n["requests"] < StatusUpdate.objects.count() < 15 * n["requests"]
    statuses = set(Request.objects.values_list("status", flat=True))
    assert {RequestStatus.COMPLETED, RequestStatus.IN_PROGRESS} <= statuses
    assert Request.objects.open().filter(due_date__lt=TODAY).exists()
    # Sequences follow the generated ids, so the app can add rows afterwards.
    assert Request.objects.create(
        reference="after", title="t", lead_unit=Unit.objects.order_by("pk")[0]
    )


@pytest.mark.django_db
def test_a_closed_request_was_closed_by_its_last_update():
    """Summaries date a completion by its status update and "open at the end of a period" by
    ``closed_at``: in generated data both must tell the same story."""
    generate("--yes")
    closed = Request.objects.filter(closed_at__isnull=False)
    assert closed.count() > 10
    for request in closed:
        last = request.updates.order_by("-created_at", "-pk").first()
        assert last is not None
        assert (last.created_at, last.status_to) == (request.closed_at, request.status)


@pytest.mark.django_db
def test_a_second_run_does_nothing():
    generate("--yes")
    count = Request.objects.count()
    assert "nothing done" in generate("--yes")
    assert Request.objects.count() == count


@pytest.mark.django_db
def test_refuses_a_database_with_real_data():
    UnitFactory()
    with pytest.raises(CommandError, match="not generated"):
        generate("--yes")


def test_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        generate()


def _catalogue() -> tuple[set[tuple[str, str, str]], set[str]]:
    """Every foreign key and index of the database, as PostgreSQL describes them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f'"
        )
        constraints = set(cursor.fetchall())
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        indexes = {name for (name,) in cursor.fetchall()}
    return constraints, indexes


@pytest.mark.django_db
def test_foreign_keys_and_indexes_set_aside_for_the_load_are_put_back():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the foreign keys and indexes are set aside on PostgreSQL only")
    before = _catalogue()
    generate("--yes")
    after = _catalogue()
    assert after == before
    assert len(before[0]) > 50  # the load's tables have many foreign keys
    assert len(before[1]) > 100  # and indexes


@pytest.mark.django_db
def test_a_broken_reference_fails_the_load_and_leaves_nothing(monkeypatch):
    """The foreign keys put back check the rows loaded without them."""
    from django.db import connection
    from django.db.utils import IntegrityError

    if connection.vendor != "postgresql":
        pytest.skip("the foreign keys are set aside on PostgreSQL only")
    from mandates.sample_portfolio import Table

    real = Portfolio.tables

    def broken(self):
        for table in real(self):
            if table.name == "mandates.StatusUpdate":
                at = table.columns.index("request_id")
                rows = list(table.rows)
                rows[0] = (*rows[0][:at], 10**9, *rows[0][at + 1 :])  # no such request
                table = Table(table.name, table.columns, rows)
            yield table

    before = _catalogue()
    monkeypatch.setattr(Portfolio, "tables", broken)
    with pytest.raises(IntegrityError):
        generate("--yes")
    assert not Request.objects.exists()
    assert _catalogue() == before
