"""Webhooks: domain events queued once per endpoint, sent by Celery as signed JSON.

Each delivery is an outbox message (:mod:`mandates.integration.outbox`, kind ``webhook``) created
once per (endpoint, event key), then POSTed by the ``send_outbox`` task as soon as it is
committed, retried with the outbox's back-off and kept as a log.

The receiver checks ``X-SSRTracker-Signature: t=<unix time>,v1=<hex>``, where ``v1`` is
HMAC-SHA256 of ``"<t>.<body>"`` under the endpoint's secret (see :func:`signature`), and uses
``X-SSRTracker-Delivery`` to ignore a delivery it already processed (a retry after a lost
response repeats the same id).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mandates.choices import OutboxKind, WebhookEvent
from mandates.integration import outbox
from mandates.integration.outbox import GiveUp, SendFailed
from mandates.models import OutboxMessage, Request, StatusUpdate, WebhookEndpoint
from ssrtracker.jobs import ROW_ERRORS, Skipped, check_date, reason

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
USER_AGENT = "ssrtracker-webhooks/1"


# --- Payloads ----------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def request_payload(request: Request) -> dict[str, Any]:
    return {
        "id": request.pk,
        "url": _absolute(reverse("api:request-detail", args=[request.pk])),
        "admin_url": _absolute(reverse("admin:mandates_request_change", args=[request.pk])),
        "reference": request.reference,
        "title": request.title,
        "status": request.status,
        "priority": request.priority,
        "due_date": request.due_date,
        "lead_unit": request.lead_unit.acronym,
        "version": request.version,
    }


# --- Queueing ----------------------------------------------------------------------------------


def subscribers(event: str, skipped: Skipped | None = None) -> list[WebhookEndpoint]:
    """The active endpoints that want ``event``. One whose ``events`` is not a list of names
    (written around the admin's form) is added to ``skipped`` instead of failing them all."""
    skipped = skipped if skipped is not None else Skipped("webhooks")
    endpoints = []
    for endpoint in WebhookEndpoint.objects.filter(is_active=True).order_by("pk"):
        events = endpoint.events
        if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
            skipped.add(
                f"endpoint {endpoint.pk} ({endpoint.name})", "its events are not a list of names"
            )
        elif endpoint.wants(event):
            endpoints.append(endpoint)
    return endpoints


def dedup_key(endpoint_id: int, event_key: str) -> str:
    return f"webhook:{endpoint_id}:{event_key}"


def queue(
    event: str,
    items: Iterable[tuple[str, dict[str, Any]]],
    *,
    skipped: Skipped | None = None,
) -> list[OutboxMessage]:
    """Put the deliveries of ``event`` in the outbox for each (event key, data) on every endpoint
    that wants it, skipping keys already queued for that endpoint, and send them after commit.

    One transaction for all endpoints: a run interrupted half-way (a database restart) stores
    none of its deliveries, so the next run queues and sends them all; never a delivery that
    is stored but was never sent on its way."""
    endpoints = subscribers(event, skipped)
    items = list(items)
    if not endpoints or not items:
        return []
    now = timezone.now()
    with transaction.atomic():
        batch = [
            OutboxMessage(
                kind=OutboxKind.WEBHOOK,
                dedup_key=dedup_key(endpoint.pk, key),
                endpoint=endpoint,
                recipient=endpoint.url,
                # JSON-encoded once here, so the receiver gets exactly what the log shows.
                payload=json.loads(
                    json.dumps(
                        {"event": event, "occurred_at": now, "data": data}, cls=DjangoJSONEncoder
                    )
                ),
            )
            for endpoint in endpoints
            for key, data in items
        ]
        return outbox.enqueue_many(batch, now=now, kick=True)


def on_status_changed(
    *, request_id: int, update_id: int, status_from: str, status_to: str, **kwargs: Any
) -> None:
    request = Request.objects.select_related("lead_unit").get(pk=request_id)
    update = StatusUpdate.objects.get(pk=update_id)
    data = {
        "request": request_payload(request),
        "status_from": status_from,
        "status_to": status_to,
        "note": update.note,
        "author": update.display_author,
        "changed_at": update.created_at,
    }
    queue(WebhookEvent.REQUEST_STATUS_CHANGED, [(f"status-{update_id}", data)])


def on_requests_created(*, request_ids: list[int], **kwargs: Any) -> None:
    requests = Request.objects.select_related("lead_unit").filter(pk__in=request_ids)
    queue(
        WebhookEvent.REQUEST_CREATED,
        ((f"created-{r.pk}", {"request": request_payload(r)}) for r in requests.iterator()),
    )


def queue_overdue(*, today: Any = None, skipped: Skipped | None = None) -> int:
    """Queue ``request.overdue`` once per request and due date, for requests open past their
    due date. Run daily by the scheduler; safe to run any number of times. A request whose due
    date is out of range, or an endpoint with unreadable events, is added to ``skipped``."""
    if not WebhookEndpoint.objects.filter(is_active=True).exists():
        return 0
    today = today or timezone.localdate()
    skipped = skipped if skipped is not None else Skipped("overdue webhooks")
    overdue = Request.objects.overdue(today=today).select_related("lead_unit").order_by("pk")
    items = []
    for r in overdue.iterator(chunk_size=2000):
        try:
            check_date(r.due_date, "due date")
            data = {"request": request_payload(r), "days_overdue": (today - r.due_date).days}
        except ROW_ERRORS as exc:
            skipped.add(f"request {r.reference}", reason(exc))
            continue
        items.append((f"overdue-{r.pk}-{r.due_date}", data))
    return len(queue(WebhookEvent.REQUEST_OVERDUE, items, skipped=skipped))


def connect() -> None:
    from mandates.requests.events import request_status_changed, requests_created

    request_status_changed.connect(on_status_changed, dispatch_uid="webhooks.status")
    requests_created.connect(on_requests_created, dispatch_uid="webhooks.created")


# --- Sending -----------------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is reported as the 3xx it is, never followed with the body


_opener = urllib.request.build_opener(_NoRedirect)


def post(message: OutboxMessage) -> tuple[int | None, str]:
    """POST one delivery; returns (HTTP status or None, error text or "")."""
    endpoint = message.endpoint
    if endpoint is None:  # a webhook message always has its endpoint
        return None, "no endpoint"
    body = json.dumps({"id": str(message.pk), **message.payload}).encode()
    timestamp = int(time.time())
    try:
        http_request = urllib.request.Request(  # noqa: S310 - scheme checked by the URL validator
            endpoint.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-SSRTracker-Event": message.event,
                "X-SSRTracker-Delivery": str(message.pk),
                "X-SSRTracker-Signature": signature(endpoint.secret, timestamp, body),
            },
        )
    except ValueError:  # an address written around the URL validator
        return None, f"{endpoint.url[:200]!r} is not a valid URL"
    try:
        with _opener.open(http_request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))[:500]


def send_message(message: OutboxMessage) -> int | None:
    """The outbox's sender for webhooks: POST once; a 2xx answer is success, anything else a
    failed attempt (retried), an inactive endpoint a failure until it is sent again."""
    if message.endpoint is None or not message.endpoint.is_active:
        raise GiveUp("The endpoint is inactive; send again once it is active.")
    code, error = post(message)
    if code is not None and 200 <= code < 300:
        return code
    log.warning("webhook %s to endpoint %s failed: %s", message.pk, message.endpoint_id, error)
    raise SendFailed(error or f"HTTP {code}", response_code=code)
