"""Celery tasks of the mandates app: thin wrappers around services, ids in."""

from __future__ import annotations

import datetime
from typing import Any

from celery import shared_task
from django.db import OperationalError

from mandates.integration import outbox, webhooks
from mandates.sg_reports import services as reporting
from ssrtracker.jobs import Skipped


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=30, retry_backoff_max=3600, max_retries=8
)
def send_outbox(ids: list[str] | None = None) -> dict[str, int]:
    """Every minute, and right after a webhook is queued: send the outgoing messages that are
    due (reminder e-mails, summary e-mails, webhooks), or those of ``ids``; returns how many
    ended how. A message's own retries are the outbox's (``OUTBOX_*`` settings); the task's are
    for a database that is briefly away."""
    return outbox.drain(ids=ids)


@shared_task
def queue_overdue_webhooks(today: str | None = None) -> dict[str, Any]:
    """Daily: ``request.overdue`` events for requests that passed their due date; returns how
    many deliveries were queued and the rows skipped, with the reasons."""
    day = datetime.date.fromisoformat(today) if today else None
    skipped = Skipped("overdue webhooks")
    queued = webhooks.queue_overdue(today=day, skipped=skipped)
    return {"queued": queued, "skipped": skipped.lines()}


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=30, retry_backoff_max=3600, max_retries=8
)
def reporting_daily(today: str | None = None) -> dict[str, list[Any]]:
    """Daily: "SSR input to the renewal" requests for mandate expiries (once each), any
    coverage follow-up a failure left behind, follow-ups a later report covered closed, and the
    lines of requests "with each regular report" scheduled and their missed occurrences
    recorded; the rows skipped are named with the reasons."""
    day = datetime.date.fromisoformat(today) if today else None
    return reporting.daily(today=day)
