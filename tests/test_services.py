"""Checks that run against the real services CI provides (PostgreSQL, Redis)."""

from __future__ import annotations

import pytest
from django.db import connection

from ssrtracker.celery import app as celery_app


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_is_postgresql_with_the_partial_index_for_open_requests():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["mandates_req_open_due_idx"]
        )
        (indexdef,) = cursor.fetchone()
    assert "WHERE" in indexdef
    assert "not_started" in indexdef


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_enforces_check_constraints_on_enumerations():
    from django.db import IntegrityError, transaction

    from tests.factories import RequestFactory

    with pytest.raises(IntegrityError, match="mandates_request_status_valid"), transaction.atomic():
        RequestFactory.create(status="finished")


@pytest.mark.redis
def test_celery_broker_is_reachable():
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=2, interval_start=1)
        assert conn.connected
