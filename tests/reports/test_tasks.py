"""The Celery tasks called directly: ISO dates in, one service call, idempotent."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.db import OperationalError

from mandates.choices import DeliveryStatus
from mandates.tasks import send_outbox
from reports import tasks
from reports.models import ReminderDigest, Summary

pytestmark = pytest.mark.django_db


def test_send_reminders_task_runs_the_day_it_is_given(make_request, amina):
    make_request()
    assert tasks.send_reminders("2021-09-23") == (
        "2021-09-23: 1 new reminders in 1 e-mails; deliveries: 1 sent"
    )
    assert tasks.send_reminders("2021-09-23") == (
        "2021-09-23: 0 new reminders in 0 e-mails; deliveries: none"
    )
    digest = ReminderDigest.objects.select_related("delivery").get()
    assert digest.delivery is not None
    assert digest.delivery.status == DeliveryStatus.SENT
    assert send_outbox() == {}  # the sweep finds nothing left to send
    assert send_outbox([str(digest.delivery.pk)]) == {"already sent": 1}
    assert len(mail.outbox) == 1


def test_publish_summary_task_compiles_the_last_period_once(unit, manager):
    first = tasks.publish_summary("monthly", "2021-10-01")
    summary = Summary.objects.get()
    assert first == {"summary": summary.pk, "e-mailed": 1, "skipped": []}
    again = tasks.publish_summary("monthly", "2021-10-01")
    assert again == {"summary": summary.pk, "e-mailed": 0, "skipped": []}
    assert (summary.kind, summary.period_start.isoformat()) == ("monthly", "2021-09-01")
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "task",
    [
        tasks.send_reminders,
        tasks.publish_summary,
        tasks.create_next_occurrence,
        tasks.create_due_occurrences,
    ],
)
def test_tasks_retry_transient_failures_with_backoff(task):
    assert OperationalError in task.autoretry_for
    assert smtplib.SMTPException in task.autoretry_for
    assert task.retry_backoff
