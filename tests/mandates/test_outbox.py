"""The outbox: one message per key, claimed by one worker at a time, sent exactly once, retried
with a growing and capped wait, given up after the last attempt, sent again on request; and the
migrations that moved the old deliveries into it, both ways."""

from __future__ import annotations

import datetime
import itertools
import smtplib
import threading
import time
import uuid
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from mandates.choices import DeliveryStatus, OutboxKind
from mandates.integration import outbox
from mandates.integration.outbox import Outcome
from mandates.models import OutboxMessage

NOW = datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC)

#: What the test sender received, and how it answers ("ok" or an exception to raise).
SENT: list[str] = []
ANSWER: dict[str, Any] = {"raise": None, "delay": 0.0}


def fake_sender(message: OutboxMessage) -> int:
    if ANSWER["delay"]:
        time.sleep(ANSWER["delay"])
    if ANSWER["raise"] is not None:
        raise ANSWER["raise"]
    SENT.append(message.dedup_key)
    return 250


@pytest.fixture(autouse=True)
def sender(monkeypatch):
    """Every kind is sent by :func:`fake_sender`."""
    SENT.clear()
    ANSWER.update({"raise": None, "delay": 0.0})
    path = f"{__name__}.fake_sender"
    monkeypatch.setattr(outbox, "SENDERS", dict.fromkeys(OutboxKind.values, path))
    return SENT


def _message(key: str = "test:1", **fields: Any) -> OutboxMessage:
    message = outbox.enqueue(kind=OutboxKind.SUMMARY_EMAIL, dedup_key=key, now=NOW, **fields)
    assert message is not None
    return message


# --- Enqueueing --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_key_is_queued_once():
    first = _message("test:once")
    assert outbox.enqueue(kind=OutboxKind.SUMMARY_EMAIL, dedup_key="test:once") is None
    created = outbox.enqueue_many(
        [
            OutboxMessage(kind=OutboxKind.WEBHOOK, dedup_key="test:once"),
            OutboxMessage(kind=OutboxKind.WEBHOOK, dedup_key="test:new"),
            OutboxMessage(kind=OutboxKind.WEBHOOK, dedup_key="test:new"),
        ]
    )
    assert [m.dedup_key for m in created] == ["test:new"]
    assert OutboxMessage.objects.count() == 2
    assert OutboxMessage.objects.get(dedup_key="test:once").pk == first.pk


@pytest.mark.django_db
def test_a_kicked_message_is_sent_on_its_way_after_commit_only(
    monkeypatch, django_capture_on_commit_callbacks
):
    kicked: list[list[str]] = []
    monkeypatch.setattr(outbox, "kick_sender", kicked.append)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = outbox.enqueue(kind=OutboxKind.WEBHOOK, dedup_key="test:kick", kick=True)
        assert kicked == []  # not before the commit
    assert message is not None
    assert kicked == [[str(message.pk)]]
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outbox.enqueue(kind=OutboxKind.WEBHOOK, dedup_key="test:quiet")
    assert callbacks == []


# --- Back-off, giving up, sending again ------------------------------------------------------


def test_backoff_grows_and_is_capped(settings):
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 30
    settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS = 3600
    waits = [outbox.backoff(n).total_seconds() for n in range(1, 12)]
    assert waits[:4] == [30, 60, 120, 240]
    assert all(a <= b for a, b in itertools.pairwise(waits))
    assert max(waits) == 3600
    assert waits[-1] == 3600


@pytest.mark.django_db
def test_a_failure_waits_its_back_off_then_gives_up_after_the_last_attempt(settings):
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 60
    settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS = 120
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = _message()
    ANSWER["raise"] = smtplib.SMTPServerDisconnected("gone")
    now = NOW
    outcomes = []
    for _attempt in range(3):
        outcomes.append(outbox.send(message.pk, now=now))
        message.refresh_from_db()
        now = message.next_attempt_at
        if message.status == DeliveryStatus.PENDING:  # not tried again before its time
            early = now - datetime.timedelta(seconds=1)
            assert outbox.send(message.pk, now=early) == Outcome.NOT_DUE
    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.FAILED]
    assert (message.status, message.attempts) == (DeliveryStatus.FAILED, 3)
    assert message.last_error == "SMTPServerDisconnected: gone"
    # Failed for good: no sweep picks it up again, however late.
    assert outbox.drain(now=NOW + datetime.timedelta(days=365)) == {}
    assert SENT == []


@pytest.mark.django_db
def test_the_waits_between_attempts_grow_then_stay_at_the_cap(settings):
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 60
    settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS = 200
    settings.OUTBOX_MAX_ATTEMPTS = 10
    message = _message()
    ANSWER["raise"] = outbox.SendFailed("HTTP 503", response_code=503)
    now, waits = NOW, []
    for _attempt in range(5):
        assert outbox.send(message.pk, now=now) == Outcome.RETRY
        message.refresh_from_db()
        waits.append((message.next_attempt_at - now).total_seconds())
        now = message.next_attempt_at
    assert waits == [60, 120, 200, 200, 200]
    assert (message.response_code, message.last_error) == (503, "HTTP 503")


@pytest.mark.django_db
def test_give_up_fails_at_once():
    message = _message()
    ANSWER["raise"] = outbox.GiveUp("the endpoint is inactive")
    assert outbox.send(message.pk, now=NOW) == Outcome.FAILED
    message.refresh_from_db()
    assert (message.status, message.attempts) == (DeliveryStatus.FAILED, 1)


@pytest.mark.django_db
def test_resend_puts_a_failed_or_sent_message_back_in_line(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    failed, sent = _message("test:failed"), _message("test:sent")
    assert outbox.send(sent.pk, now=NOW) == Outcome.SENT
    ANSWER["raise"] = OSError("connection refused")
    assert outbox.send(failed.pk, now=NOW) == Outcome.FAILED
    ANSWER["raise"] = None

    assert outbox.resend(OutboxMessage.objects.all(), now=NOW) == 2
    for message in OutboxMessage.objects.all():
        assert (message.status, message.attempts, message.sent_at) == (
            DeliveryStatus.PENDING,
            0,
            None,
        )
    assert outbox.drain(now=NOW) == {"sent": 2}
    assert sorted(SENT) == ["test:failed", "test:sent", "test:sent"]


@pytest.mark.django_db
def test_two_drains_send_each_message_once():
    for n in range(5):
        _message(f"test:{n}")
    assert outbox.drain(now=NOW) == {"sent": 5}
    assert outbox.drain(now=NOW) == {}
    ids = list(OutboxMessage.objects.values_list("pk", flat=True))
    assert outbox.drain(now=NOW, ids=ids) == {"already sent": 5}  # a redelivered task
    assert sorted(SENT) == [f"test:{n}" for n in range(5)]


@pytest.mark.django_db
def test_the_admin_lists_filters_and_resends(admin_client, monkeypatch):
    from django.urls import reverse

    monkeypatch.setattr(outbox, "kick_sender", lambda ids=None: None)
    message = _message(payload={"summary": 1})
    url = reverse("admin:mandates_outboxmessage_changelist")
    page = admin_client.get(url, {"kind__exact": "summary_email", "status__exact": "pending"})
    assert page.status_code == 200
    assert str(message.pk) in page.content.decode()
    detail = admin_client.get(reverse("admin:mandates_outboxmessage_change", args=[message.pk]))
    assert detail.status_code == 200
    assert b'name="payload"' not in detail.content  # read-only
    OutboxMessage.objects.filter(pk=message.pk).update(status=DeliveryStatus.FAILED, attempts=9)
    response = admin_client.post(url, {"action": "send_again", "_selected_action": [message.pk]})
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == (DeliveryStatus.PENDING, 0)


# --- Concurrency (PostgreSQL: SKIP LOCKED) ----------------------------------------------------


def _in_thread(target, *args) -> threading.Thread:
    def run() -> None:
        try:
            target(*args)
        finally:
            close_old_connections()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_claim_is_exclusive():
    message = _message()
    held, release, seen = threading.Event(), threading.Event(), {}

    def hold() -> None:
        with transaction.atomic():
            seen["holder"] = outbox.claim(message.pk)
            held.set()
            release.wait(10)

    thread = _in_thread(hold)
    assert held.wait(10)
    try:
        with transaction.atomic():
            seen["other"] = outbox.claim(message.pk)
        assert outbox.send(message.pk, now=NOW) == Outcome.BUSY
    finally:
        release.set()
        thread.join(10)
    assert seen["holder"] is not None
    assert seen["other"] is None  # skipped, not waited for
    assert outbox.send(message.pk, now=NOW) == Outcome.SENT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_drains_send_each_message_once(robustness):
    keys = [f"test:{n}" for n in range(6)]
    for key in keys:
        _message(key)
    ANSWER["delay"] = 0.05  # both drains are busy at the same time
    results: list[dict[str, int]] = []
    threads = [_in_thread(lambda: results.append(outbox.drain(now=NOW))) for _ in range(2)]
    for thread in threads:
        thread.join(30)
    duplicates = len(SENT) - len(set(SENT))
    robustness.record("outbox: two drains at once", cases=len(keys), failures=duplicates)
    assert sorted(SENT) == keys
    assert sum(r.get("sent", 0) for r in results) == len(keys)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


# --- The migrations that moved the old deliveries in -------------------------------------------


BEFORE = [("mandates", "0013_outbox"), ("reports", "0004_outbox_delivery")]
AFTER = [
    ("mandates", "0015_remove_webhookdelivery"),
    ("reports", "0006_remove_old_delivery_fields"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_old_deliveries_move_into_the_outbox_and_back():
    old = _migrate(BEFORE)
    User = old.get_model("auth", "User")
    Endpoint = old.get_model("mandates", "WebhookEndpoint")
    Delivery = old.get_model("mandates", "WebhookDelivery")
    Digest = old.get_model("reports", "ReminderDigest")
    Summary = old.get_model("reports", "Summary")
    amina = User.objects.create(username="amina-m", email="amina@example.org")
    hook = Endpoint.objects.create(name="portal", url="http://127.0.0.1:9/hook", secret="s")
    webhook_rows = {
        status: Delivery.objects.create(
            id=uuid.uuid4(),
            endpoint=hook,
            event="request.created",
            event_key=f"created-{n}",
            payload={"event": "request.created", "data": {"n": n}},
            status=status,
            attempts=n,
            response_code=500 if status != "sent" else 200,
            last_error="HTTP 500" if status != "sent" else "",
            delivered_at=NOW if status == "sent" else None,
        )
        for n, status in enumerate(["pending", "sent", "failed"])
    }
    digests = {
        status: Digest.objects.create(
            recipient=amina,
            run_date=datetime.date(2026, 5, 1 + n),
            sequence=1,
            message_id=f"<d{n}@example.org>",
            status=status,
            attempts=n,
            last_error="SMTPServerDisconnected" if status == "failed" else "",
            next_attempt_at=NOW,
            sent_at=NOW if status == "sent" else None,
        )
        for n, status in enumerate(["pending", "sent", "failed"])
    }
    summary = Summary.objects.create(
        kind="monthly",
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 4, 30),
        compiled_at=NOW,
        message_id="<s@example.org>",
        emailed_at=NOW,
        email_attempts=2,
        email_error="",
    )

    new = _migrate(AFTER)
    Message = new.get_model("mandates", "OutboxMessage")
    by_kind = {
        kind: Message.objects.filter(kind=kind).count()
        for kind in ("webhook", "reminder_digest", "summary_email")
    }
    assert by_kind == {"webhook": 3, "reminder_digest": 3, "summary_email": 1}
    for status, row in webhook_rows.items():
        moved = Message.objects.get(pk=row.id)  # the receiver's delivery id is kept
        assert (moved.status, moved.attempts, moved.response_code) == (
            status,
            row.attempts,
            row.response_code,
        )
        assert moved.payload == row.payload
        assert moved.dedup_key == f"webhook:{hook.pk}:{row.event_key}"
    NewDigest = new.get_model("reports", "ReminderDigest")
    states = {
        d.message_id: (d.delivery.status, d.delivery.attempts, d.delivery.last_error)
        for d in NewDigest.objects.select_related("delivery")
    }
    assert states == {
        "<d0@example.org>": ("pending", 0, ""),
        "<d1@example.org>": ("sent", 1, ""),
        # "Failed, will be retried" is a pending message with its attempts and error.
        "<d2@example.org>": ("pending", 2, "SMTPServerDisconnected"),
    }
    moved_summary = new.get_model("reports", "Summary").objects.get(pk=summary.pk)
    assert moved_summary.delivery.sent_at == NOW

    back = _migrate(BEFORE)
    Delivery = back.get_model("mandates", "WebhookDelivery")
    assert {
        (d.id, d.status, d.attempts, d.event_key, d.response_code) for d in Delivery.objects.all()
    } == {(r.id, r.status, r.attempts, r.event_key, r.response_code) for r in webhook_rows.values()}
    Digest = back.get_model("reports", "ReminderDigest")
    assert {d.message_id: (d.status, d.attempts) for d in Digest.objects.all()} == {
        d.message_id: (d.status, d.attempts) for d in digests.values()
    }
    summary_back = back.get_model("reports", "Summary").objects.get(pk=summary.pk)
    assert (summary_back.emailed_at, summary_back.email_attempts) == (NOW, 2)
    assert not back.get_model("mandates", "OutboxMessage").objects.exists()
    _migrate(_leaves())


def _leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
