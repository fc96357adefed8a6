"""Two of everything on one machine: the app as a cluster, without containers.

Two gunicorn instances on two loopback ports, two Celery workers and two beat schedulers share
one PostgreSQL database (the test database) and one Redis (the broker on a queue of this run,
the cache on a database number of its own). A local SMTP server and a local webhook receiver
count what the workers send. The test checks, through both instances:

1. a session opened on instance A is valid on instance B;
2. the login lockout and the API rate limit count the attempts made on both;
3. an evidence file uploaded through A is downloaded through B, and readable by a worker
   process (a ``manage.py shell`` with the workers' settings stands in: no task reads files).
   The files are in object storage (``FILE_STORAGE=s3``, an S3 server on 127.0.0.1), as on
   several machines: the object is in the bucket and nothing is on any local disk;
4. reminders, the weekly summary and the overdue webhooks arrive exactly once (one Message-ID
   or delivery id each, per recipient) while both beats schedule them every few seconds and a
   worker is SIGKILLed in the middle of sending;
5. a request PATCHed at the same time through A and B with the same ``If-Match`` has exactly
   one winner (one 200, one 412) in every round.

It prints what it counted. Needs PostgreSQL and Redis (skipped without them, failed with
``REQUIRE_SERVICES=1``).
"""

from __future__ import annotations

import asyncio
import datetime
import email
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parseaddr
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from mandates.choices import (
    DeliveryStatus,
    MembershipRole,
    OutboxKind,
    Priority,
    TokenScope,
    WebhookEvent,
)
from mandates.models import ApiToken, OutboxMessage, Request, WebhookEndpoint
from mandates.organisation import roles
from reports.models import Reminder
from reports.periods import reminder_point
from ssrtracker.celery import app as celery_app
from tests.conftest import ensure_roles
from tests.factories import RequestFactory, UnitFactory, UserFactory
from tests.s3 import ACCESS_KEY as S3_ACCESS_KEY
from tests.s3 import REGION as S3_REGION
from tests.s3 import SECRET_KEY as S3_SECRET_KEY

User = get_user_model()
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"  # a test user's
SECRET_KEY = "cluster-test-only-" + "k" * 20 + "-not-for-any-deployment-0123456789"
LOCKOUT_LIMIT = 4
THROTTLE_LIMIT = 60  # per token, per minute: the other checks stay below it
PATCH_ROUNDS = 12
DEADLINE_SECONDS = 90
#: Redis database of the shared cache (the broker keeps its own); CLUSTER_REDIS_DB overrides.
CACHE_DB = int(os.environ.get("CLUSTER_REDIS_DB", "14"))

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


# --- Receivers: SMTP and webhooks ----------------------------------------------------------


@dataclass
class Received:
    """Every SMTP DATA with its envelope recipients, and every webhook POST, in order."""

    messages: list[tuple[Message, tuple[str, ...]]] = field(default_factory=list)
    deliveries: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


class SlowAckHandler:
    """Records each message, then waits before saying 250 OK: a kill then is the worst case."""

    def __init__(self, received: Received, delay: float) -> None:
        self.received, self.delay = received, delay

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's name
        with self.received.lock:
            self.received.messages.append(
                (email.message_from_bytes(envelope.content), tuple(envelope.rcpt_tos))
            )
        self.received.arrived.set()
        await asyncio.sleep(self.delay)
        return "250 OK"


def webhook_server(received: Received) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with received.lock:
                received.deliveries.append(
                    (self.headers.get("X-SSRTracker-Delivery") or "", json.loads(body))
                )
            received.arrived.set()
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- Processes ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def cache_url() -> str:
    parts = urlsplit(settings.CELERY_BROKER_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{CACHE_DB}", "", ""))


class Process:
    """One server process in a session (process group) of its own, its output in a log."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], logs: Path) -> None:
        self.name, self.argv, self.env = name, argv, env
        self.log = logs / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv
                self.argv,
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

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "ssrtracker", *args, "--loglevel", "WARNING"]


@dataclass
class Cluster:
    env: dict[str, str]
    web: dict[str, str]  # instance name -> base URL
    workers: list[Process]
    beats: list[Process]
    queue: str
    received: Received
    media: Path
    s3_client: Any
    bucket: str


def wait_healthy(base: str, process: Process) -> None:
    for _ in range(120):
        if process.process is not None and process.process.poll() is not None:
            pytest.fail(f"{process.name} exited:\n{process.tail()}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    pytest.fail(f"{process.name} did not answer /healthz:\n{process.tail()}")


@pytest.fixture
def cluster(
    tmp_path: Path, s3_endpoint: str, s3_client: Any, s3_bucket: Callable[[], str]
) -> Iterator[Cluster]:
    import redis
    from aiosmtpd.controller import Controller

    received = Received()
    smtp_port = free_port()
    smtp = Controller(SlowAckHandler(received, delay=0.1), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    hooks = webhook_server(received)
    media = Path(tempfile.mkdtemp(prefix="cluster-media-", dir=tmp_path))
    bucket = s3_bucket()
    queue = f"cluster-{uuid.uuid4().hex[:8]}"
    # Rate-limit buckets of an earlier run in the cache database would count against this one.
    store = redis.Redis.from_url(cache_url())
    for key in store.scan_iter("*throttle*"):
        store.delete(key)
    store.close()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_QUEUE": queue,
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "CACHE_URL": cache_url(),
        # Files in a bucket every process reaches; MEDIA_ROOT must stay empty.
        "MEDIA_ROOT": str(media),
        "FILE_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": S3_REGION,
        "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY,
        "AXES_FAILURE_LIMIT": str(LOCKOUT_LIMIT),
        "API_THROTTLE_RATE": f"{THROTTLE_LIMIT}/min",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "10",
        "OUTBOX_RETRY_BACKOFF_SECONDS": "1",
        "OUTBOX_RETRY_BACKOFF_MAX_SECONDS": "2",
        "WEBHOOK_TEST_URL": f"http://127.0.0.1:{hooks.server_address[1]}/hook",
    }
    logs = tmp_path / "logs"
    logs.mkdir()
    web: dict[str, str] = {}
    processes: list[Process] = []
    for name in ("A", "B"):
        port = free_port()
        web[name] = f"http://127.0.0.1:{port}"
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "ssrtracker.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--access-logfile",
            "-",
        ]
        processes.append(Process(f"web-{name}", argv, env, logs))
    workers = [
        Process(
            f"worker-{n}",
            celery(
                "worker",
                "--pool",
                "solo",
                "-n",
                f"cluster{n}-{queue}@%h",
                "--queues",
                queue,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ),
            env,
            logs,
        )
        for n in (1, 2)
    ]
    beats = [
        Process(
            f"beat-{n}",
            celery(
                "beat",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--max-interval",
                "1",
                "--pidfile",
                str(tmp_path / f"beat-{n}.pid"),
            ),
            env,
            logs,
        )
        for n in (1, 2)
    ]
    try:
        for process in processes:
            process.start()
        for base, process in zip(web.values(), processes, strict=True):
            wait_healthy(base, process)
        yield Cluster(env, web, workers, beats, queue, received, media, s3_client, bucket)
    finally:
        for process in [*beats, *workers, *processes]:
            process.stop()
        smtp.stop()
        hooks.shutdown()
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)  # type: ignore[attr-defined]


# --- Data --------------------------------------------------------------------------------


@dataclass
class Data:
    web_user: Any
    lock_user: Any
    token: str
    throttle_token: str
    request: Request
    expected_reminders: set[tuple[int, int, datetime.date, int]]
    managers: set[str]
    overdue: set[int]


def make_data(cluster: Cluster) -> Data:
    ensure_roles()
    today = timezone.localdate()
    staff = Group.objects.get(name=roles.SSR_STAFF)
    web_unit = UnitFactory.create(acronym="CL-WEB")
    web_user = UserFactory.create(username="cl-web", is_staff=True)
    web_user.groups.add(staff)
    web_unit.memberships.create(user=web_user, role=MembershipRole.FOCAL_POINT)
    lock_user = UserFactory.create(username="cl-lock", is_staff=True)
    lock_user.groups.add(staff)
    _t, token = ApiToken.issue(name="cluster", user=web_user, scope=TokenScope.READ_WRITE)
    _t, throttle_token = ApiToken.issue(name="throttle", user=web_user, scope=TokenScope.READ)
    # Far from its due date: no reminder, no webhook.
    request = RequestFactory.create(
        reference="cl-web", lead_unit=web_unit, due_date=today + datetime.timedelta(days=300)
    )

    # Reminders: three units of two focal points, requests at several reminder points.
    expected: set[tuple[int, int, datetime.date, int]] = set()
    offsets = (-14, -7, -3, 0, 1, 7, 14, 30)
    for u in range(3):
        unit = UnitFactory.create(acronym=f"CL-{u}")
        people = [UserFactory.create(username=f"cl-{u}-{p}") for p in range(2)]
        for person in people:
            unit.memberships.create(user=person, role=MembershipRole.FOCAL_POINT)
        for n, offset in enumerate(offsets):
            due = today + datetime.timedelta(days=offset)
            r = RequestFactory.create(reference=f"cl-{u}-{n}", lead_unit=unit, due_date=due)
            point = reminder_point(
                due_date=due,
                today=today,
                days_before=settings.REMINDER_DAYS_BEFORE,
                overdue_every=settings.REMINDER_OVERDUE_EVERY_DAYS,
            )
            if point is not None:
                expected |= {(r.pk, person.pk, due, point) for person in people}

    managers = Group.objects.get(name=roles.MANAGERS)
    manager_emails = set()
    for m in range(3):
        person = UserFactory.create(username=f"cl-manager-{m}")
        person.groups.add(managers)
        manager_emails.add(person.email)

    WebhookEndpoint.objects.create(
        name="cluster",
        url=cluster.env["WEBHOOK_TEST_URL"],
        secret="s" * 32,
        events=[WebhookEvent.REQUEST_OVERDUE],
    )
    overdue = set(Request.objects.overdue(today=today).values_list("pk", flat=True))

    # Both beats run every job every few seconds (the defaults are daily or weekly).
    PeriodicTask.objects.update(enabled=False)
    every = {
        s: IntervalSchedule.objects.get_or_create(every=s, period=IntervalSchedule.SECONDS)[0]
        for s in (2, 3)
    }
    for name, task, kwargs, seconds in (
        ("cluster reminders", "reports.tasks.send_reminders", {}, 3),
        ("cluster summary", "reports.tasks.publish_summary", {"kind": "weekly"}, 3),
        ("cluster overdue", "mandates.tasks.queue_overdue_webhooks", {}, 3),
        ("cluster outbox", "mandates.tasks.send_outbox", {}, 2),
    ):
        PeriodicTask.objects.create(
            name=name, task=task, kwargs=json.dumps(kwargs), interval=every[seconds]
        )
    return Data(
        web_user,
        lock_user,
        token,
        throttle_token,
        request,
        expected,
        manager_emails,
        overdue,
    )


# --- The checks --------------------------------------------------------------------------


def check_session(cluster: Cluster, data: Data) -> None:
    a, b = cluster.web["A"], cluster.web["B"]
    browser = requests.Session()
    page = browser.get(f"{a}/admin/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    answer = browser.post(
        f"{a}/admin/login/?next=/admin/",
        data={
            "csrfmiddlewaretoken": token.group(1),
            "username": data.web_user.username,
            "password": PASSWORD,
            "next": "/admin/",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    assert "sessionid" in browser.cookies
    on_b = browser.get(f"{b}/admin/", allow_redirects=False, timeout=10)
    assert on_b.status_code == 200, "the session opened on A is not valid on B"
    stranger = requests.get(f"{b}/admin/", allow_redirects=False, timeout=10)
    assert stranger.status_code == 302, "B let in a client without a session"


def login_attempt(base: str, username: str, password: str) -> int:
    browser = requests.Session()
    page = browser.get(f"{base}/admin/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    csrf = token.group(1) if token else ""
    return browser.post(
        f"{base}/admin/login/",
        data={"csrfmiddlewaretoken": csrf, "username": username, "password": password},
        allow_redirects=False,
        timeout=10,
    ).status_code


def check_lockout(cluster: Cluster, data: Data) -> list[int]:
    bases = [cluster.web["A"], cluster.web["B"]]
    name = data.lock_user.username
    failures = [
        login_attempt(bases[n % 2], name, "wrong password") for n in range(LOCKOUT_LIMIT - 1)
    ]
    assert 429 not in failures, failures
    # The limit-th failure, on whichever instance, locks the account for both.
    failures.append(login_attempt(bases[(LOCKOUT_LIMIT - 1) % 2], name, "wrong password"))
    right = [login_attempt(base, name, PASSWORD) for base in bases]
    assert right == [429, 429], (
        f"after {LOCKOUT_LIMIT} failures split over A and B the right password got {right}"
    )
    return failures + right


def check_throttle(cluster: Cluster, data: Data) -> list[int]:
    bases = [cluster.web["A"], cluster.web["B"]]
    headers = {"Authorization": f"Bearer {data.throttle_token}"}
    codes = [
        requests.get(
            f"{bases[n % 2]}/api/v1/requests/?page_size=1", headers=headers, timeout=10
        ).status_code
        for n in range(THROTTLE_LIMIT + 2)
    ]
    assert codes == [200] * THROTTLE_LIMIT + [429, 429], (
        f"a limit of {THROTTLE_LIMIT}/min over A and B answered {codes}"
    )
    return codes


def check_evidence(cluster: Cluster, data: Data) -> int:
    content = b"%PDF-1.4 cluster evidence " + uuid.uuid4().hex.encode()
    headers = {"Authorization": f"Bearer {data.token}"}
    created = requests.post(
        f"{cluster.web['A']}/api/v1/status-updates/",
        data={"request": data.request.pk, "status_to": "in_progress", "note": "Evidence"},
        files={"evidence_file": ("note.pdf", content, "application/pdf")},
        headers=headers,
        timeout=20,
    )
    assert created.status_code == 201, created.text[:500]
    path = urlsplit(created.json()["evidence_file_url"]).path
    fetched = requests.get(f"{cluster.web['B']}{path}", headers=headers, timeout=20)
    assert fetched.status_code == 200, fetched.text[:500]
    assert fetched.content == content, "B served other bytes than A stored"
    # A worker's view of the storage: the same settings in a process of its own.
    script = (
        "from mandates.models import StatusUpdate; import hashlib; "
        f"u = StatusUpdate.objects.get(pk={created.json()['id']}); "
        "f = u.evidence_file.open('rb'); print(hashlib.sha256(f.read()).hexdigest())"
    )
    worker_view = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=cluster.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert worker_view.returncode == 0, worker_view.stderr[-2000:]
    assert worker_view.stdout.strip().splitlines()[-1] == hashlib.sha256(content).hexdigest()
    # Where the bytes are: one object in the bucket, nothing on the local disk.
    objects = cluster.s3_client.list_objects_v2(Bucket=cluster.bucket).get("Contents", [])
    stored = [
        cluster.s3_client.get_object(Bucket=cluster.bucket, Key=o["Key"])["Body"].read()
        for o in objects
    ]
    assert stored == [content], f"the bucket holds {len(stored)} objects, not the evidence"
    assert not any(cluster.media.rglob("*")), "a file was written to MEDIA_ROOT"
    return len(objects)


def check_concurrent_patch(cluster: Cluster, data: Data) -> tuple[int, int]:
    headers = {"Authorization": f"Bearer {data.token}"}
    url = f"/api/v1/requests/{data.request.pk}/"
    ok = stale = 0
    for round_ in range(PATCH_ROUNDS):
        current = requests.get(f"{cluster.web['A']}{url}", headers=headers, timeout=10)
        etag = current.headers["ETag"]
        # Each side writes a value the request does not have: both are real changes (a PATCH
        # that changes nothing makes no new version, so it leaves the other side's tag valid).
        priorities = [p for p in Priority.values if p != current.json()["priority"]]
        barrier = threading.Barrier(2)
        codes: dict[str, int] = {}

        def patch(
            name: str,
            priority: str,
            etag: str = etag,
            codes: dict = codes,
            barrier: threading.Barrier = barrier,
        ) -> None:
            barrier.wait()
            codes[name] = requests.patch(
                f"{cluster.web[name]}{url}",
                json={"priority": priority},
                headers={**headers, "If-Match": etag},
                timeout=20,
            ).status_code

        threads = [
            threading.Thread(target=patch, args=(name, priorities[n]))
            for n, name in enumerate(("A", "B"))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(codes.values()) == [200, 412], f"round {round_}: {codes}"
        ok += list(codes.values()).count(200)
        stale += list(codes.values()).count(412)
    return ok, stale


def all_sent(data: Data) -> bool:
    reminders = Reminder.objects.filter(due_date__isnull=False).count()
    webhooks = OutboxMessage.objects.filter(kind=OutboxKind.WEBHOOK).count()
    summaries = OutboxMessage.objects.filter(kind=OutboxKind.SUMMARY_EMAIL).count()
    pending = OutboxMessage.objects.exclude(status=DeliveryStatus.SENT).exists()
    return (
        reminders >= len(data.expected_reminders)
        and webhooks >= len(data.overdue)
        and summaries >= 1
        and not pending
    )


@pytest.mark.django_db(transaction=True)
def test_two_of_everything_share_sessions_limits_files_and_send_each_message_once(
    cluster: Cluster,
    capsys: pytest.CaptureFixture[str],
    record_testsuite_property: Any,
) -> None:
    data = make_data(cluster)
    assert data.expected_reminders
    assert data.overdue
    started = time.monotonic()

    # The web instances, while no worker runs yet.
    check_session(cluster, data)
    lockout = check_lockout(cluster, data)
    throttle = check_throttle(cluster, data)
    objects = check_evidence(cluster, data)
    ok, stale = check_concurrent_patch(cluster, data)

    # The jobs: two beats schedule every job every few seconds, two workers run them, and each
    # worker is SIGKILLed once while it is sending, then started again.
    kills = 0
    for process in [*cluster.workers, *cluster.beats]:
        process.start()
    for worker in cluster.workers:
        cluster.received.arrived.clear()
        if not cluster.received.arrived.wait(timeout=45):
            break
        time.sleep(0.05)
        worker.kill()
        kills += 1
        worker.start()
    while time.monotonic() - started < DEADLINE_SECONDS and not all_sent(data):
        time.sleep(1)
    time.sleep(4)  # both beats run every job again: nothing more may arrive
    running = {
        p.name: p.process is not None and p.process.poll() is None
        for p in [*cluster.beats, *cluster.workers]
    }
    for process in [*cluster.beats, *cluster.workers]:
        process.stop()
    assert all(running.values()), f"a scheduler or a worker stopped early: {running}\n" + (
        "\n".join(p.tail() for p in [*cluster.beats, *cluster.workers])
    )

    received = cluster.received
    messages = received.messages
    message_ids = {m["Message-ID"] for m, _rcpt in messages}
    repeats = len(messages) - len(message_ids)
    bodies: dict[str, set[bytes]] = {}
    for message, _rcpt in messages:
        bodies.setdefault(message["Message-ID"], set()).add(
            b"".join(
                bytes(part.get_payload(decode=True) or b"")
                for part in message.walk()
                if not part.is_multipart()
            )
        )
    ids_by_recipient: dict[str, set[str]] = {}
    for message, rcpts in messages:
        for rcpt in rcpts:
            ids_by_recipient.setdefault(rcpt, set()).add(message["Message-ID"])
    # Reminders: the ledger rows each message carries.
    message_ids_by_reminder: dict[int, set[str]] = {}
    for message, _rcpt in messages:
        carried = message["X-Ssrtracker-Reminders"]
        for reminder_id in carried.split(",") if carried else []:
            message_ids_by_reminder.setdefault(int(reminder_id), set()).add(message["Message-ID"])
    ledger = {
        r.pk: (r.request_id, r.recipient_id, r.due_date, r.days_before)
        for r in Reminder.objects.all()
    }
    delivered = {ledger[pk] for pk in message_ids_by_reminder}
    summary_ids = {m["Message-ID"] for m, _r in messages if m["X-Ssrtracker-Reminders"] is None}
    summary_recipients = {
        rcpt for m, rcpts in messages if m["X-Ssrtracker-Reminders"] is None for rcpt in rcpts
    } - {parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}  # "To" the sender, Bcc the managers
    delivery_ids = {delivery for delivery, _payload in received.deliveries}
    overdue_delivered: dict[int, set[str]] = {}
    for delivery, payload in received.deliveries:
        overdue_delivered.setdefault(payload["data"]["request"]["id"], set()).add(delivery)

    counts = (
        f"web A+B, workers 2, beats 2: messages {len(messages)}, distinct "
        f"Message-IDs {len(message_ids)}, copies sent again after a kill {repeats} "
        f"(reminders expected {len(data.expected_reminders)}, "
        f"delivered {len(delivered)}; summary copies {len(summary_ids)} to "
        f"{len(summary_recipients)} managers); webhooks {len(received.deliveries)}, "
        f"distinct deliveries {len(delivery_ids)} (overdue requests {len(data.overdue)}); "
        f"kills {kills}; evidence objects in the bucket {objects}; "
        f"PATCH rounds {PATCH_ROUNDS}: 200s {ok}, 412s {stale}; "
        f"lockout {lockout}; throttle 429s {throttle.count(429)} after {THROTTLE_LIMIT}; "
        f"{time.monotonic() - started:.0f}s"
    )
    record_testsuite_property("cluster_counts", counts)  # .ci/run prints it again after the run
    with capsys.disabled():
        print(f"\n[cluster test] {counts}")

    assert kills >= 1, "the workers finished before one could be killed"
    assert ok == stale == PATCH_ROUNDS
    assert set(ledger.values()) == data.expected_reminders, "the ledger differs from the due"
    assert delivered == data.expected_reminders, "a reminder was not delivered"
    assert all(len(ids) == 1 for ids in message_ids_by_reminder.values()), (
        "a reminder arrived in two different messages"
    )
    assert summary_recipients == data.managers
    assert len(summary_ids) == 1, f"the weekly summary went out as {len(summary_ids)} messages"
    assert set(overdue_delivered) == data.overdue, "an overdue webhook is missing"
    assert all(len(ids) == 1 for ids in overdue_delivered.values()), (
        "one overdue request was announced by two different deliveries"
    )
    assert len(delivery_ids) == len(data.overdue)
    # One digest per focal point and day, one summary: each person got one message (one
    # Message-ID); a copy sent again after a kill has the same Message-ID and the same body.
    focal_points = set(
        User.objects.filter(
            pk__in={person for _r, person, _d, _p in data.expected_reminders}
        ).values_list("email", flat=True)
    )
    assert len(message_ids) == len(focal_points) + 1
    assert {rcpt: len(ids_by_recipient[rcpt]) for rcpt in focal_points | data.managers} == {
        rcpt: 1 for rcpt in focal_points | data.managers
    }, "someone received two different messages"
    assert all(len(b) == 1 for b in bodies.values()), "copies of one message differ"
    assert OutboxMessage.objects.filter(kind=OutboxKind.REMINDER_DIGEST).count() == len(
        message_ids - summary_ids
    )
