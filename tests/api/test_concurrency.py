"""Two clients PATCH the same request with the same ETag at the same moment: exactly one wins,
the other gets 412, and nothing the winner wrote is lost."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from mandates.models import Request
from tests.api.conftest import token_client

RACES = 5


def _race(url: str, bodies: list[dict], clients: list, etag: str) -> list[int]:
    barrier = threading.Barrier(len(bodies))
    codes: list[int] = [0] * len(bodies)

    def run(index: int) -> None:
        try:
            barrier.wait()
            response = clients[index].patch(url, bodies[index], format="json", HTTP_IF_MATCH=etag)
            codes[index] = response.status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_patches_with_one_etag_give_one_200_and_one_412(portfolio, staff_a):
    url = f"/api/v1/requests/{portfolio.in_a.pk}/"
    clients = [token_client(staff_a), token_client(staff_a)]
    for race in range(RACES):
        etag = clients[0].get(url).headers["ETag"]
        # Both are real changes (a PATCH that changes nothing succeeds without a new version).
        bodies = [{"due_date": f"203{race}-01-31"}, {"due_date": f"204{race}-06-30"}]
        codes = _race(url, bodies, clients, etag)
        assert sorted(codes) == [200, 412], f"race {race}: {codes}"
        winner = bodies[codes.index(200)]
        request = Request.objects.get(pk=portfolio.in_a.pk)
        for field, value in winner.items():
            assert str(getattr(request, field)) == value
        assert request.version == portfolio.in_a.version + race + 1


@pytest.mark.django_db
def test_sequential_patches_with_one_etag_give_one_200_and_one_412(portfolio, staff_a):
    url = f"/api/v1/requests/{portfolio.in_a.pk}/"
    first, second = token_client(staff_a), token_client(staff_a)
    etag = first.get(url).headers["ETag"]
    assert (
        first.patch(url, {"priority": "high"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    )
    late = second.patch(url, {"priority": "low"}, format="json", HTTP_IF_MATCH=etag)
    assert late.status_code == 412
    assert Request.objects.get(pk=portfolio.in_a.pk).priority == "high"
