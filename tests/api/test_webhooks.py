"""Webhooks: queued once per event and endpoint, signed, delivered to a local receiver, retried."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
from collections.abc import Iterator

import pytest
from django.utils import timezone

from mandates.choices import DeliveryStatus, OutboxKind, WebhookEvent
from mandates.integration import outbox, webhooks
from mandates.models import OutboxMessage, WebhookEndpoint
from mandates.requests import services
from mandates.tasks import queue_overdue_webhooks, send_outbox
from ssrtracker.celery import app as celery_app
from tests.factories import RequestFactory

pytestmark = pytest.mark.django_db


class Receiver(http.server.BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]]
    answer = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(({k.lower(): v for k, v in self.headers.items()}, body))  # type: ignore[attr-defined]
        self.send_response(self.server.answer)  # type: ignore[attr-defined]
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[http.server.HTTPServer]:
    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    server.received = []  # type: ignore[attr-defined]
    server.answer = 200  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def eager_celery():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def endpoint(server, *events: str) -> WebhookEndpoint:
    hook = WebhookEndpoint(
        name="portal", url=f"http://127.0.0.1:{server.server_port}/hook", events=list(events)
    )
    hook.set_secret()
    hook.save()
    return hook


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    parts = dict(item.split("=", 1) for item in headers["x-ssrtracker-signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts["v1"])


def test_a_status_change_is_delivered_signed_after_commit(
    receiver, eager_celery, django_capture_on_commit_callbacks, staff_a
):
    hook = endpoint(receiver, WebhookEvent.REQUEST_STATUS_CHANGED)
    request = RequestFactory.create(lead_unit=staff_a.units.get())
    with django_capture_on_commit_callbacks(execute=True):
        services.request_update_status(request=request, status="in_progress", note="Go", by=staff_a)
    ((headers, body),) = receiver.received
    assert verify(hook.secret, headers, body)
    assert not verify("another secret", headers, body)
    payload = json.loads(body)
    assert payload["event"] == "request.status_changed"
    assert payload["data"]["status_to"] == "in_progress"
    assert payload["data"]["request"]["reference"] == request.reference
    assert headers["x-ssrtracker-delivery"] == payload["id"]
    delivery = OutboxMessage.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("sent", 1, 200)


def test_nothing_is_sent_for_a_rolled_back_change(
    receiver, eager_celery, django_capture_on_commit_callbacks, staff_a
):
    from django.db import transaction

    endpoint(receiver, WebhookEvent.REQUEST_STATUS_CHANGED)
    request = RequestFactory.create(lead_unit=staff_a.units.get())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.request_update_status(request=request, status="in_progress", by=staff_a)
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert callbacks == []
    assert receiver.received == []


def test_created_events_cover_single_saves(
    receiver, eager_celery, django_capture_on_commit_callbacks
):
    endpoint(receiver, WebhookEvent.REQUEST_CREATED)
    with django_capture_on_commit_callbacks(execute=True):
        request = RequestFactory.create()
    ((_headers, body),) = receiver.received
    assert json.loads(body)["data"]["request"]["id"] == request.pk


def test_endpoints_get_only_the_events_they_chose(
    receiver, eager_celery, django_capture_on_commit_callbacks
):
    endpoint(receiver, WebhookEvent.REQUEST_OVERDUE)
    with django_capture_on_commit_callbacks(execute=True):
        RequestFactory.create()
    assert receiver.received == []


def test_overdue_is_queued_once_per_request_and_due_date(
    receiver, eager_celery, django_capture_on_commit_callbacks
):
    endpoint(receiver, WebhookEvent.REQUEST_OVERDUE)
    today = timezone.localdate()
    late = RequestFactory.create(due_date=today.replace(year=today.year - 1))
    RequestFactory.create()  # not due yet
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_overdue_webhooks.delay(today.isoformat()).get() == {"queued": 1, "skipped": []}
        assert queue_overdue_webhooks.delay(today.isoformat()).get() == {"queued": 0, "skipped": []}
    ((_headers, body),) = receiver.received
    assert json.loads(body)["data"]["request"]["id"] == late.pk


def test_a_failing_receiver_is_retried_then_marked_failed(receiver, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    receiver.answer = 500
    hook = endpoint(receiver, WebhookEvent.REQUEST_CREATED)
    webhooks.queue(WebhookEvent.REQUEST_CREATED, [("created-1", {"request": {"id": 1}})])
    delivery = OutboxMessage.objects.get(endpoint=hook)
    assert (delivery.kind, delivery.recipient) == (OutboxKind.WEBHOOK, hook.url)
    assert outbox.send(delivery.pk) == outbox.Outcome.RETRY
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert outbox.send(delivery.pk) == outbox.Outcome.NOT_DUE  # waits for its back-off
    assert outbox.send(delivery.pk, now=delivery.next_attempt_at) == outbox.Outcome.FAILED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)
    assert "500" in delivery.last_error
    receiver.answer = 204
    assert outbox.resend([delivery]) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    assert outbox.send(delivery.pk) == outbox.Outcome.SENT
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code) == (DeliveryStatus.SENT, 204)
    assert outbox.send(delivery.pk) == outbox.Outcome.ALREADY_SENT  # never twice
    assert len(receiver.received) == 3


def test_an_unreachable_receiver_is_an_error_not_a_crash():
    hook = WebhookEndpoint(name="gone", url="http://127.0.0.1:9/hook", events=["request.created"])
    hook.set_secret()
    hook.save()
    webhooks.queue(WebhookEvent.REQUEST_CREATED, [("created-1", {})])
    delivery = OutboxMessage.objects.get()
    assert outbox.send(delivery.pk) == outbox.Outcome.RETRY
    delivery.refresh_from_db()
    assert delivery.response_code is None
    assert delivery.last_error


def test_the_task_sends_the_due_messages_and_a_failure_waits(receiver, eager_celery):
    receiver.answer = 503
    endpoint(receiver, WebhookEvent.REQUEST_CREATED)
    webhooks.queue(WebhookEvent.REQUEST_CREATED, [("created-9", {})])
    delivery = OutboxMessage.objects.get()
    assert send_outbox.apply().get() == {"will be retried": 1}
    assert send_outbox.apply().get() == {}  # not due again before its back-off
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    receiver.answer = 200
    assert send_outbox.apply(args=([str(delivery.pk)],)).get() == {"not due yet": 1}
    assert outbox.drain(now=delivery.next_attempt_at) == {"sent": 1}
    assert len(receiver.received) == 2


def test_a_delivery_to_a_deactivated_endpoint_is_failed_not_lost(receiver):
    hook = endpoint(receiver, WebhookEvent.REQUEST_CREATED)
    webhooks.queue(WebhookEvent.REQUEST_CREATED, [("created-5", {})])
    WebhookEndpoint.objects.filter(pk=hook.pk).update(is_active=False)
    delivery = OutboxMessage.objects.get()
    assert outbox.send(delivery.pk) == outbox.Outcome.FAILED
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "inactive" in delivery.last_error
    assert receiver.received == []


def test_the_overdue_job_has_a_default_daily_schedule():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="mandates.tasks.queue_overdue_webhooks")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("6", "15")
