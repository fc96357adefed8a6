"""A 412 says what changed after the version the client's ETag names, and nothing before it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def url(pk: int, line: str = "") -> str:
    return f"/api/v1/requests/{pk}/" + (f"lines/{line}/" if line else "")


def edit(client, pk: int, body: dict) -> None:
    etag = client.get(url(pk)).headers["ETag"]
    response = client.patch(url(pk), body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()


@pytest.fixture
def two_changes_then_read(client_for, portfolio, staff_a):
    """Two changes (a field, then a link), then the client reads: what it holds is their
    result. The request's creation (with its paragraphs and missions) came before both."""
    client = client_for(staff_a)
    pk = portfolio.in_a.pk
    edit(client, pk, {"priority": "high"})
    edit(client, pk, {"supporting_units": [portfolio.unit_b.pk]})
    return client, pk


def test_412_lists_only_the_change_after_the_etag(two_changes_then_read):
    client, pk = two_changes_then_read
    held = client.get(url(pk)).headers["ETag"]
    edit(client, pk, {"due_date": "2031-01-31"})  # the third change, by someone else
    stale = client.patch(url(pk), {"priority": "low"}, format="json", HTTP_IF_MATCH=held)
    assert stale.status_code == 412
    changes = stale.json()["changes"]
    assert len(changes) == 1, changes
    assert changes[0].startswith("due date: ")
    assert "2031-01-31" in changes[0]
    joined = " ".join(changes)
    assert "priority" not in joined
    assert "supporting units" not in joined
    assert "source paragraphs" not in joined
    assert "missions concerned" not in joined


def test_412_lists_a_link_changed_after_the_etag(two_changes_then_read, portfolio):
    client, pk = two_changes_then_read
    held = client.get(url(pk)).headers["ETag"]
    edit(client, pk, {"supporting_units": [], "due_date": "2031-01-31"})
    stale = client.patch(url(pk), {"priority": "low"}, format="json", HTTP_IF_MATCH=held)
    assert stale.status_code == 412
    changes = stale.json()["changes"]
    assert sorted(c.split(":")[0] for c in changes) == ["due date", "supporting units"], changes
    assert "priority" not in " ".join(changes)


def test_412_on_a_line_lists_only_the_change_after_the_lines_etag(two_changes_then_read):
    client, pk = two_changes_then_read
    held = client.get(url(pk, "MINUSCA")).headers["ETag"]
    assert "." in held  # the lines' part of the tag
    edit(client, pk, {"due_date": "2031-01-31"})
    stale = client.patch(
        url(pk, "MINUSCA"), {"due_date": "2032-01-31"}, format="json", HTTP_IF_MATCH=held
    )
    assert stale.status_code == 412
    changes = stale.json()["changes"]
    assert len(changes) == 1, changes
    assert changes[0].startswith("due date: ")


def test_a_fresh_etag_after_three_changes_is_accepted(two_changes_then_read):
    client, pk = two_changes_then_read
    edit(client, pk, {"due_date": "2031-01-31"})
    held = client.get(url(pk)).headers["ETag"]
    response = client.patch(url(pk), {"priority": "low"}, format="json", HTTP_IF_MATCH=held)
    assert response.status_code == 200


def test_412_after_reading_a_new_request_leaves_out_its_creation(client_for, portfolio, staff_a):
    """A new request's paragraphs and missions are linked just after it is saved, in the same
    version: the client read them, so a 412 does not list them as changes."""
    client = client_for(staff_a)
    pk = portfolio.in_a.pk
    held = client.get(url(pk)).headers["ETag"]
    assert held.startswith(f'"request-{pk}-v1.')
    edit(client, pk, {"due_date": "2031-01-31"})
    stale = client.patch(url(pk), {"priority": "low"}, format="json", HTTP_IF_MATCH=held)
    assert stale.status_code == 412
    changes = stale.json()["changes"]
    assert [c.split(":")[0] for c in changes] == ["due date"], changes
