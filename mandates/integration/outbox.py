"""The outbox: every outgoing message (reminder e-mails, summary e-mails, webhooks) in one table,
sent exactly once by one task with one retry policy.

1. **Enqueue** (:func:`enqueue`): a message is stored under its ``dedup_key`` (unique) in the
   caller's transaction, so it exists exactly when the work that produced it was committed; a
   key already stored is not stored again. ``kick=True`` asks the ``send_outbox`` task to send
   it as soon as the transaction commits (webhooks go out at once); otherwise the next sweep
   (every minute) or the caller's own :func:`drain` sends it.
2. **Claim** (:func:`claim`): inside a transaction, the message row is locked (``SELECT ... FOR
   UPDATE SKIP LOCKED`` on PostgreSQL): a second worker skips it instead of sending it twice.
3. **Send** (:func:`send`): the kind's sender (:data:`SENDERS`) sends it, and the outcome is
   recorded in the same transaction that holds the lock: sent, or a failed attempt with the
   error, retried after :func:`backoff` (``OUTBOX_RETRY_BACKOFF_SECONDS`` doubled per attempt,
   at most ``OUTBOX_RETRY_BACKOFF_MAX_SECONDS``), and failed for good after
   ``OUTBOX_MAX_ATTEMPTS`` attempts, until an administrator sends it again (:func:`resend`).

A crash after the receiver accepted a message but before the commit leaves it pending; it is
sent again later with the same identity (Message-ID, ``X-SSRTracker-Delivery``), so a receiver
sees one message twice at worst, never two different ones, and nothing is lost. A database error
while sending rolls the attempt back and reaches the task, which retries.

Senders are named by dotted path, so this module imports none of the modules that enqueue.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections import defaultdict
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from mandates.choices import DeliveryStatus, OutboxKind
from mandates.models import OutboxMessage, WebhookEndpoint
from ssrtracker.jobs import Skipped
from ssrtracker.writes import service

logger = logging.getLogger(__name__)

#: The function that sends each kind of message: ``sender(message)`` returns the response code
#: (or None) once the receiver accepted it, and raises :class:`SendFailed` (or an SMTP, network
#: or value error) to have it retried, :class:`GiveUp` to fail it at once.
SENDERS: dict[str, str] = {
    OutboxKind.REMINDER_DIGEST: "reports.reminders.send_digest_message",
    OutboxKind.SUMMARY_EMAIL: "reports.summaries.send_summary_message",
    OutboxKind.WEBHOOK: "mandates.integration.webhooks.send_message",
}

#: The task that sends the outbox (named, not imported: the tasks import this module).
TASK = "mandates.tasks.send_outbox"

#: Messages one drain sends at most; the next sweep takes the rest.
DRAIN_LIMIT = 1000


class SendFailed(Exception):
    """The receiver refused or could not be reached; the message is retried later."""

    def __init__(self, error: str, response_code: int | None = None) -> None:
        super().__init__(error)
        self.response_code = response_code


class GiveUp(SendFailed):
    """The message cannot be sent as it stands (an inactive endpoint): failed at once."""


RETRIED = (SendFailed, smtplib.SMTPException, OSError, ValueError)


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "will be retried"
    FAILED = "failed"
    ALREADY_SENT = "already sent"
    NOT_DUE = "not due yet"
    BUSY = "being sent by another worker"


# --- Enqueueing --------------------------------------------------------------------------------


@service
def enqueue(
    *,
    kind: str,
    dedup_key: str,
    payload: dict[str, Any] | None = None,
    recipient: str = "",
    endpoint: WebhookEndpoint | None = None,
    now: datetime.datetime | None = None,
    kick: bool = False,
) -> OutboxMessage | None:
    """Store one message unless its key is already stored; return it when stored now."""
    created = enqueue_many(
        [
            OutboxMessage(
                kind=kind,
                dedup_key=dedup_key,
                payload=payload or {},
                recipient=recipient[:500],
                endpoint=endpoint,
            )
        ],
        now=now,
        kick=kick,
    )
    return created[0] if created else None


@service
def enqueue_many(
    messages: Iterable[OutboxMessage], *, now: datetime.datetime | None = None, kick: bool = False
) -> list[OutboxMessage]:
    """Store the messages whose keys are not stored yet (in the caller's transaction); return
    those stored now. ``kick`` sends them once the transaction commits."""
    now = now or timezone.now()
    batch = list(messages)
    if not batch:
        return []
    seen = set(
        OutboxMessage.objects.filter(dedup_key__in=[m.dedup_key for m in batch]).values_list(
            "dedup_key", flat=True
        )
    )
    fresh: dict[str, OutboxMessage] = {}
    for message in batch:
        if message.dedup_key in seen or message.dedup_key in fresh:
            continue
        message.created_at = message.next_attempt_at = now
        fresh[message.dedup_key] = message
    with transaction.atomic():
        created = OutboxMessage.objects.bulk_create(list(fresh.values()), ignore_conflicts=True)
        if kick and created:
            ids = [str(m.pk) for m in created]
            transaction.on_commit(lambda: kick_sender(ids))
    return created


def kick_sender(ids: list[str] | None = None) -> None:
    """Ask the worker to send these messages now (all due ones without ``ids``)."""
    current_app.signature(TASK).delay(ids)


def message_for(dedup_key: str) -> OutboxMessage | None:
    return OutboxMessage.objects.filter(dedup_key=dedup_key).first()


# --- Sending -----------------------------------------------------------------------------------


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after failed attempt ``attempts``: the base doubled per attempt, capped."""
    base = settings.OUTBOX_RETRY_BACKOFF_SECONDS
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS)
    return datetime.timedelta(seconds=seconds)


def claim(message_id: Any) -> OutboxMessage | None:
    """Lock one message for sending, inside the caller's transaction; None when another worker
    holds it (skipped, not waited for, on PostgreSQL) or it is gone."""
    queryset = OutboxMessage.objects.select_related("endpoint")
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    else:
        queryset = queryset.select_for_update()
    return queryset.filter(pk=message_id).first()


def sender_for(kind: str) -> Callable[[OutboxMessage], int | None]:
    return import_string(SENDERS[kind])


@service
def send(
    message_id: Any,
    *,
    now: datetime.datetime | None = None,
    force: bool = False,
    failures: Skipped | None = None,
) -> Outcome:
    """Send one pending message whose next attempt is due (``force``: even before), and record
    the outcome, in one transaction holding its row lock. Failures go to ``failures``."""
    now = now or timezone.now()
    with transaction.atomic():
        message = claim(message_id)
        if message is None:
            return Outcome.BUSY
        if message.status == DeliveryStatus.SENT:
            return Outcome.ALREADY_SENT
        if message.status == DeliveryStatus.FAILED and not force:
            return Outcome.FAILED
        if not force and message.next_attempt_at > now:
            return Outcome.NOT_DUE
        message.attempts += 1
        try:
            message.response_code = sender_for(message.kind)(message)
        except RETRIED as exc:
            give_up = isinstance(exc, GiveUp) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
            message.response_code = getattr(exc, "response_code", None)
            message.last_error = (
                str(exc)
                if isinstance(exc, SendFailed | ValueError)
                else f"{type(exc).__name__}: {exc}"
            )[:2000]
            message.status = DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING
            message.next_attempt_at = now + backoff(message.attempts)
            message.save()
            logger.warning(
                "Outgoing %s %s (attempt %s) %s: %s",
                message.kind,
                message.pk,
                message.attempts,
                "given up" if give_up else "failed",
                message.last_error,
            )
            if failures is not None:
                failures.add(_label(message), message.last_error)
            return Outcome.FAILED if give_up else Outcome.RETRY
        message.status = DeliveryStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save()
        return Outcome.SENT


def _label(message: OutboxMessage) -> str:
    """``"reminder e-mail <id> to amina@example.org"``: how a failure is named in results."""
    label = f"{str(message.get_kind_display()).lower()} {message.pk}"
    return f"{label} to {message.recipient}" if message.recipient else label


def due_ids(
    *, now: datetime.datetime | None = None, kind: str | None = None, limit: int = DRAIN_LIMIT
) -> list[Any]:
    """Pending messages whose next attempt is due, oldest first."""
    now = now or timezone.now()
    queryset = OutboxMessage.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    if kind:
        queryset = queryset.filter(kind=kind)
    return list(
        queryset.order_by("next_attempt_at", "created_at", "pk").values_list("pk", flat=True)[
            :limit
        ]
    )


@service
def drain(
    *,
    now: datetime.datetime | None = None,
    kind: str | None = None,
    ids: Iterable[Any] | None = None,
    failures: Skipped | None = None,
) -> dict[str, int]:
    """Send every due message (of ``kind``, or those of ``ids``); how many ended how."""
    counts: dict[str, int] = defaultdict(int)
    for message_id in due_ids(now=now, kind=kind) if ids is None else ids:
        counts[send(message_id, now=now, failures=failures).value] += 1
    return dict(counts)


@service
def resend(
    messages: Iterable[OutboxMessage], *, now: datetime.datetime | None = None, kick: bool = True
) -> int:
    """The admin's "send again": the messages go back to pending with a fresh count of attempts
    and are sent after commit, also one already sent (on purpose: someone asked)."""
    now = now or timezone.now()
    ids = [m.pk for m in messages]
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, sent_at=None
    )
    if kick and ids:
        transaction.on_commit(lambda: kick_sender([str(i) for i in ids]))
    return len(ids)
