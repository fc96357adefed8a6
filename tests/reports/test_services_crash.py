"""Reminders on the real broker: a Celery worker killed mid-run loses nothing and sends nothing
twice (a repeat carries the same Message-ID).

A real worker runs against Redis and the test database (PostgreSQL); a local SMTP server on
127.0.0.1 receives the e-mails and holds each one briefly before acknowledging it, the moment
a crash is most harmful: the server has the message, the ledger does not say it is sent. The
worker is SIGKILLed several times, half of them in that window, and restarted; then the next
scheduled runs come, as beat would send them. Afterwards every reminder has arrived, each in
one message (one Message-ID), and copies of a message are identical.
"""

from __future__ import annotations

import asyncio
import datetime
import email
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from mandates.choices import DeliveryStatus, MembershipRole
from reports.models import Reminder, ReminderDigest
from reports.periods import reminder_point
from ssrtracker.celery import app as celery_app
from tests.factories import RequestFactory, UnitFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
D = datetime.date
RUN_DAYS = [D(2021, 9, 20) + datetime.timedelta(days=n) for n in range(7)]
DUE_DATES = [
    D(2021, 9, 13),
    D(2021, 9, 24),
    D(2021, 9, 27),
    D(2021, 9, 30),
    D(2021, 10, 4),
    D(2021, 10, 6),
]
KILLS = 4
DEADLINE_SECONDS = 75


@dataclass
class Received:
    """What the SMTP server got: every DATA, in order."""

    messages: list[Message] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


class SlowAckHandler:
    """Records each message, then waits before saying 250 OK (the crash window)."""

    def __init__(self, received: Received, delay: float) -> None:
        self.received = received
        self.delay = delay

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls it by this name
        with self.received.lock:
            self.received.messages.append(email.message_from_bytes(envelope.content))
        self.received.arrived.set()
        await asyncio.sleep(self.delay)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _dataset() -> set[tuple[int, int, D, int]]:
    """Four units, three focal points each, six requests each; the reminders the seven daily
    runs must deliver, worked out from the reminder points alone."""
    expected = set()
    for u in range(4):
        unit = UnitFactory.create(acronym=f"CRASH-{u}")
        people = []
        for p in range(3):
            user = UserFactory.create(username=f"crash{u}{p}")
            unit.memberships.create(user=user, role=MembershipRole.FOCAL_POINT)
            people.append(user)
        for n, due in enumerate(DUE_DATES):
            request = RequestFactory.create(
                reference=f"crash-{u}-{n}", lead_unit=unit, due_date=due
            )
            for day in RUN_DAYS:
                point = reminder_point(
                    due_date=due,
                    today=day,
                    days_before=settings.REMINDER_DAYS_BEFORE,
                    overdue_every=settings.REMINDER_OVERDUE_EVERY_DAYS,
                )
                if point is not None:
                    expected |= {(request.pk, user.pk, due, point) for user in people}
    return expected


class Worker:
    def __init__(self, env: dict[str, str], queue: str, log: Path) -> None:
        self.env, self.queue, self.log = env, queue, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "ssrtracker",
                    "worker",
                    "--pool",
                    "solo",
                    "--queues",
                    self.queue,
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def _enqueue_runs(queue: str) -> None:
    for day in RUN_DAYS:
        celery_app.send_task(
            "reports.tasks.send_reminders", kwargs={"today": day.isoformat()}, queue=queue
        )
    celery_app.send_task("mandates.tasks.send_outbox", queue=queue)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_killed_worker_loses_no_reminder_and_never_sends_two_messages_for_one(tmp_path, capsys):
    from aiosmtpd.controller import Controller

    expected = _dataset()
    received = Received()
    port = _free_port()
    smtp = Controller(SlowAckHandler(received, delay=0.15), hostname="127.0.0.1", port=port)
    smtp.start()
    queue = f"crash-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_QUEUE": queue,
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_TIMEOUT": "10",
        "OUTBOX_RETRY_BACKOFF_SECONDS": "1",
        "OUTBOX_RETRY_BACKOFF_MAX_SECONDS": "2",
    }
    worker = Worker(env, queue, tmp_path / "worker.log")
    rng = random.Random(2553)  # noqa: S311 - kill timing, not security
    kills = kills_in_window = 0
    started = time.monotonic()
    try:
        _enqueue_runs(queue)
        worker.start()
        for kill in range(KILLS):
            # Wait until the worker is sending, then kill it: every other time while the SMTP
            # server holds a message it has received but not yet acknowledged.
            received.arrived.clear()
            if not received.arrived.wait(timeout=30):
                break
            if kill % 2 == 0:
                time.sleep(rng.uniform(0.0, 0.1))
                kills_in_window += 1
            else:
                time.sleep(rng.uniform(0.2, 1.0))
            worker.kill()
            kills += 1
            worker.start()

        # The next scheduled runs (beat would send them; a redelivered message does the same).
        _enqueue_runs(queue)
        while time.monotonic() - started < DEADLINE_SECONDS:
            unsent = ReminderDigest.objects.exclude(delivery__status=DeliveryStatus.SENT).count()
            claimed = Reminder.objects.count()
            if unsent == 0 and claimed >= len(expected):
                break
            time.sleep(0.5)
            if int(time.monotonic() - started) % 10 == 0:
                celery_app.send_task("mandates.tasks.send_outbox", queue=queue)
    finally:
        worker.stop()
        smtp.stop()
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)  # type: ignore[attr-defined]

    # What arrived: each message lists the ledger rows it carries.
    ids_by_message_id: dict[str, set[frozenset[int]]] = {}
    bodies: dict[str, set[bytes]] = {}
    for message in received.messages:
        message_id = message["Message-ID"]
        carried = frozenset(int(i) for i in message["X-Ssrtracker-Reminders"].split(","))
        ids_by_message_id.setdefault(message_id, set()).add(carried)
        body = b"".join(
            bytes(part.get_payload(decode=True) or b"")
            for part in message.walk()
            if not part.is_multipart()
        )
        bodies.setdefault(message_id, set()).add(body)
    message_ids_by_reminder: dict[int, set[str]] = {}
    for message_id, carried_sets in ids_by_message_id.items():
        for carried in carried_sets:
            for reminder_id in carried:
                message_ids_by_reminder.setdefault(reminder_id, set()).add(message_id)

    ledger = {
        r.pk: (r.request_id, r.recipient_id, r.due_date, r.days_before)
        for r in Reminder.objects.all()
    }
    delivered = {ledger[pk] for pk in message_ids_by_reminder}
    duplicates = len(received.messages) - len(ids_by_message_id)
    with capsys.disabled():
        print(
            f"\n[crash test] reminders expected {len(expected)}, delivered {len(delivered)}; "
            f"messages received {len(received.messages)}, distinct Message-IDs "
            f"{len(ids_by_message_id)}, repeated copies {duplicates}; kills {kills} "
            f"({kills_in_window} while the SMTP server held an unacknowledged message); "
            f"{time.monotonic() - started:.1f}s"
        )

    assert kills == KILLS, "the worker finished before it could be killed every time"
    assert set(ledger.values()) == expected, "the ledger differs from the reminders due"
    assert delivered == expected, f"missing: {sorted(expected - delivered)[:5]}"
    assert all(len(ids) == 1 for ids in message_ids_by_reminder.values()), (
        "a reminder arrived in two different messages"
    )
    assert all(len(sets) == 1 for sets in ids_by_message_id.values()), (
        "one Message-ID carried different reminders"
    )
    assert all(len(b) == 1 for b in bodies.values()), "copies of one message differ"
    assert not ReminderDigest.objects.exclude(delivery__status=DeliveryStatus.SENT).exists()
    assert ReminderDigest.objects.count() == len(ids_by_message_id)
