"""Celery tasks: ids and ISO dates in, one service call, retries on transient failure.

Scheduled by django-celery-beat (defaults declared in ssrtracker/schedules.py, edited in the
admin under "Periodic tasks"). Every task is idempotent: the services claim a ledger row or a
unique summary row before any side effect, so a second scheduler or a redelivered message does
nothing twice. The e-mails go through the outbox (``mandates.tasks.send_outbox``), which retries
them; these tasks retry only their own transient failures.
"""

from __future__ import annotations

import datetime
import smtplib
from typing import Any

from celery import shared_task
from django.db import OperationalError

from mandates.requests import recurrence
from reports import overview, reminders, summaries
from ssrtracker.jobs import Skipped

TRANSIENT = (OperationalError, smtplib.SMTPException, OSError)


def _date(iso: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(iso) if iso else None


@shared_task(autoretry_for=TRANSIENT, retry_backoff=30, retry_backoff_max=3600, max_retries=8)
def send_reminders(today: str | None = None) -> str:
    """Daily: claim today's reminders in the ledger and send the digests."""
    return str(reminders.send_reminders(today=_date(today)))


@shared_task(autoretry_for=TRANSIENT, retry_backoff=30, retry_backoff_max=3600, max_retries=8)
def publish_summary(kind: str, today: str | None = None) -> dict[str, Any]:
    """Weekly, monthly, quarterly: compile the last complete period of ``kind`` and e-mail it.
    Returns the summary's id, how many managers it e-mailed now and whom it skipped; an e-mail
    that failed is named with its error and retried by the outbox."""
    done = summaries.summary_publish(kind=kind, today=_date(today))
    result: dict[str, Any] = {
        "summary": done.summary.pk,
        "e-mailed": done.emailed,
        "skipped": done.skipped.lines(),
    }
    if done.error:
        result["error"] = done.error
    return result


@shared_task(autoretry_for=TRANSIENT, retry_backoff=30, retry_backoff_max=3600, max_retries=8)
def create_next_occurrence(request_id: int) -> int | None:
    """A recurring request was completed: create its next occurrence (once)."""
    successor = recurrence.request_create_next_occurrence(request_id=request_id)
    return successor.pk if successor else None


@shared_task(autoretry_for=TRANSIENT, retry_backoff=30, retry_backoff_max=3600, max_retries=8)
def create_due_occurrences(today: str | None = None) -> dict[str, list[Any]]:
    """Daily: next occurrences of recurring requests that fell due or were completed; returns
    the ids created and the requests skipped, with the reasons."""
    skipped = Skipped("recurrences")
    created = recurrence.create_due_occurrences(today=_date(today), skipped=skipped)
    return {"created": [r.pk for r in created], "skipped": skipped.lines()}


@shared_task(autoretry_for=TRANSIENT, retry_backoff=30, retry_backoff_max=600, max_retries=3)
def refresh_overview(today: str | None = None) -> dict[str, int]:
    """Every few minutes: recount the overview's snapshots (the unfiltered one and those viewed
    in the last day) and drop the ones nobody viewed for a day."""
    return overview.refresh(today=_date(today))
