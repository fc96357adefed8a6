"""Celery tasks of the mandates app: thin wrappers around services, ids in."""

from __future__ import annotations

import datetime
from typing import Any

from celery import shared_task
from django.db import OperationalError

from mandates.integration import webhooks
from mandates.sg_reports import services as reporting
from ssrtracker.jobs import Skipped

#: Attempts of one webhook delivery, and the longest wait between two (seconds).
WEBHOOK_MAX_RETRIES = 8
WEBHOOK_BACKOFF_CAP = 3600


def webhook_backoff(retries: int) -> int:
    """Seconds before retry ``retries + 1``: 30 s, 1 min, 2 min, ... capped at an hour."""
    return int(min(WEBHOOK_BACKOFF_CAP, 30 * 2**retries))


@shared_task(bind=True, max_retries=WEBHOOK_MAX_RETRIES, acks_late=True)
def deliver_webhook(self, delivery_id: str) -> None:
    final = self.request.retries >= WEBHOOK_MAX_RETRIES
    if not webhooks.deliver(delivery_id, final_attempt=final):
        raise self.retry(countdown=webhook_backoff(self.request.retries))


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
    """Daily: "SSR input to the renewal" requests for mandate expiries (once each), and any
    coverage follow-up a failure left behind; the rows skipped are named with the reasons."""
    day = datetime.date.fromisoformat(today) if today else None
    return reporting.daily(today=day)
