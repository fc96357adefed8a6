"""The faults the job tests inflict: a dead SMTP server and a database restart mid-run.

A pytest plugin (listed in ``tests/conftest.py``): its fixtures are there for every test.

- :class:`SmtpServer` is a local SMTP server (aiosmtpd) on a fixed 127.0.0.1 port that a test
  starts and stops at will; while it is stopped the port is closed and every connection is
  refused, as with a dead mail server. The ``smtp`` fixture points Django's SMTP backend at it.
- :class:`DatabaseRestart` ends the job's PostgreSQL connection from another connection
  (``pg_terminate_backend``), what a database restart or failover does to a running job: the
  job's next query fails and its open transaction is lost.
- :func:`reconnect` is what the Celery worker does after a failed task before the retry.
"""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest
from django.db import close_old_connections, connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls it by name
        with self.server.lock:
            self.server.messages.append(email.message_from_bytes(envelope.content))
            self.server.envelopes.append(list(envelope.rcpt_tos))
        return "250 OK"


class SmtpServer:
    """A local SMTP server that records what it accepts; dead (port closed) until started."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[Message] = []
        self.envelopes: list[list[str]] = []
        self.lock = threading.Lock()
        self._controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages]


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    """Django sends through the real SMTP backend to a local server that is not running yet."""
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


class DatabaseRestart:
    """Ends the test's (the job's) database connection from another one, on demand."""

    def __init__(self) -> None:
        self.restarts = 0

    def now(self) -> None:
        import psycopg

        connection.ensure_connection()
        pid = connection.connection.info.backend_pid
        db = connection.settings_dict
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            dbname=db["NAME"],
            autocommit=True,
        ) as other:
            # Waits (up to 5 s) until the backend has gone, so the job's next query fails.
            (ended,) = other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()  # type: ignore[misc]
        assert ended, "the job's connection was not terminated"
        self.restarts += 1


@pytest.fixture
def database_restart() -> Iterator[DatabaseRestart]:
    yield DatabaseRestart()
    reconnect()  # a test that failed half-way leaves no dead connection to the next one


def reconnect() -> None:
    """What the worker does between a failed task and its retry: drop the broken connection."""
    close_old_connections()
    if connection.connection is not None and not connection.is_usable():
        connection.close()
