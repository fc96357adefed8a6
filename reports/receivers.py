"""Receivers of domain events: they enqueue a job after commit and decide nothing."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from mandates.choices import RequestStatus
from mandates.requests.events import request_status_changed


@receiver(request_status_changed, dispatch_uid="reports.next_occurrence_on_completion")
def next_occurrence_on_completion(*, request_id: int, status_to: str, **kwargs: Any) -> None:
    """A completed request may recur: the task creates its next occurrence (or finds none)."""
    if status_to != RequestStatus.COMPLETED:
        return
    from reports.tasks import create_next_occurrence

    transaction.on_commit(lambda: create_next_occurrence.delay(request_id))
