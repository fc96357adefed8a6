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
