"""Dashboards are tested on the seed data (the real documents, missions and requests)."""

from __future__ import annotations

import pytest

from mandates.seed import load_seed

PAGES = [
    "/dashboard/",
    "/dashboard/missions/",
    "/dashboard/missions/MINUSCA/",
    "/dashboard/units/",
    "/dashboard/units/SSRU/",
    "/dashboard/resolutions/",
    "/dashboard/resolutions/{resolution}/",
    "/dashboard/deadlines/",
    "/dashboard/matrix/",
    "/dashboard/summaries/",
    "/dashboard/activities/",
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The seed data, loaded once per module inside a transaction that is rolled back at the
    end of the module; each test runs in a savepoint on top of it (loading takes seconds)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_seed()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def page_urls() -> list[str]:
    from mandates.models import Document

    resolution = Document.objects.get(symbol="S/RES/2553 (2020)").pk
    return [url.format(resolution=resolution) for url in PAGES]
