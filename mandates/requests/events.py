"""Domain events, sent after the transaction that caused them commits.

Receivers (webhooks, e-mail) live with their features; nothing here decides anything. Each event
is sent once per change and never for a rolled-back change.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

#: Sent once when a request's status changes. Keyword arguments: ``request_id``, ``update_id``,
#: ``status_from``, ``status_to``, ``author_id`` (or None).
request_status_changed = Signal()


def emit_request_status_changed(
    *, request_id: int, update_id: int, status_from: str, status_to: str, author_id: int | None
) -> None:
    def send() -> None:
        request_status_changed.send(
            sender="mandates.Request",
            request_id=request_id,
            update_id=update_id,
            status_from=status_from,
            status_to=status_to,
            author_id=author_id,
        )

    transaction.on_commit(send)


#: Sent once after requests were created (by any path: admin, import, carrying forward, jobs).
#: Keyword argument: ``request_ids`` (a list).
requests_created = Signal()


def emit_requests_created(request_ids: list[int]) -> None:
    if not request_ids:
        return
    ids = list(request_ids)
    transaction.on_commit(lambda: requests_created.send(sender="mandates.Request", request_ids=ids))


def _request_saved(
    sender: object, instance: object, created: bool, raw: bool, **kwargs: object
) -> None:
    if created and not raw:
        emit_requests_created([instance.pk])  # type: ignore[attr-defined]


def connect() -> None:
    """Turn single saves into ``requests_created`` (bulk inserts call the emitter themselves)."""
    from django.db.models.signals import post_save

    from mandates.models import Request

    post_save.connect(_request_saved, sender=Request, dispatch_uid="mandates.requests_created")
