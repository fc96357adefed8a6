"""The commands that run each job by hand, the admin pages, and the default schedules."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from mandates.choices import DeliveryStatus
from mandates.models import OutboxMessage
from reports import reminders, summaries
from reports.models import Reminder, ReminderDigest, ReminderPreference, Summary
from reports.periods import Period
from tests.reports.conftest import focal_point

pytestmark = pytest.mark.django_db

D = datetime.date


def call(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_send_reminders_dry_run_shows_and_sends_nothing(make_request, amina):
    make_request(reference="2553-OP25", title="Report on SSR")
    out = call("send_reminders", "--today", "2021-09-23", "--dry-run")
    assert "23 September 2021: 1 reminder for 1 person." in out
    assert "2021-09-30 (due in 7 days) 2553-OP25: Report on SSR" in out
    assert mail.outbox == []
    assert not Reminder.objects.exists()


def test_send_reminders_dry_run_counts_in_plain_words(make_request, unit, amina):
    assert "23 September 2021: No new reminders to send." in call(
        "send_reminders", "--today", "2021-09-23", "--dry-run"
    )
    make_request(reference="A")
    make_request(reference="B")
    focal_point(unit, "bruno")
    out = call("send_reminders", "--today", "2021-09-23", "--dry-run")
    assert "23 September 2021: 4 reminders for 2 people." in out
    assert "No new reminders" not in out


@pytest.mark.parametrize(
    ("today", "phrase"),
    [
        ("2021-10-02", "2 days overdue"),
        ("2022-03-04", "155 days overdue"),
        ("2021-09-30", "due today"),
        ("2021-09-27", "due in 3 days"),
        ("2021-09-29", "due tomorrow"),
    ],
)
def test_the_dry_run_says_what_the_email_says(make_request, amina, today, phrase):
    make_request(reference="2553-OP25", title="Report on SSR")
    dry = call("send_reminders", "--today", today, "--dry-run")
    line = f"2021-09-30 ({phrase}) 2553-OP25: Report on SSR"
    assert line in dry
    assert mail.outbox == []
    sent = call("send_reminders", "--today", today)
    assert "1 new reminder in 1 e-mail." in sent
    (email,) = mail.outbox
    assert f"30 September 2021 ({phrase})" in email.body
    assert "No new reminders to send." in call("send_reminders", "--today", today)


def test_send_reminders_sends_then_finds_nothing(make_request, amina):
    make_request()
    assert "Done: 1 sent." in call("send_reminders", "--today", "2021-09-23")
    assert "nothing to send" in call("send_reminders", "--today", "2021-09-23")
    assert len(mail.outbox) == 1


def test_send_reminders_refuses_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call("send_reminders", "--today", "23/09/2021")


def test_compile_summary_once_then_recompile(unit, manager):
    out = call("compile_summary", "--period", "2021-Q3")
    assert "Quarterly summary: The third quarter of 2021: compiled; e-mailed to 1" in out
    out = call("compile_summary", "--period", "2021-Q3")
    assert "already compiled" in out
    first = Summary.objects.get().compiled_at
    call("compile_summary", "--period", "2021-Q3", "--recompile")
    assert Summary.objects.get().compiled_at != first
    assert len(mail.outbox) == 1


def test_compile_summary_dry_run_prints_and_stores_nothing(unit):
    out = call("compile_summary", "--period", "2021-W38", "--dry-run")
    assert "WEEKLY SUMMARY: THE WEEK OF 20 SEPTEMBER 2021" in out
    assert not Summary.objects.exists()


def test_compile_summary_refuses_a_bad_period():
    with pytest.raises(CommandError, match="2021-Q3"):
        call("compile_summary", "--period", "Q3")


def test_default_schedules_exist():
    tasks = dict(PeriodicTask.objects.values_list("task", "kwargs").order_by("name"))
    assert set(tasks) >= {
        "reports.tasks.send_reminders",
        "mandates.tasks.send_outbox",
        "reports.tasks.create_due_occurrences",
        "reports.tasks.publish_summary",
    }
    summaries_by_name = {
        t.name: (json.loads(t.kwargs)["kind"], t.crontab)
        for t in PeriodicTask.objects.filter(task="reports.tasks.publish_summary")
    }
    kinds = {kind: crontab for kind, crontab in summaries_by_name.values()}
    assert kinds["weekly"].day_of_week == "1"
    assert kinds["monthly"].day_of_month == "1"
    assert (kinds["quarterly"].day_of_month, kinds["quarterly"].month_of_year) == ("1", "1,4,7,10")
    reminders_task = PeriodicTask.objects.get(task="reports.tasks.send_reminders")
    assert reminders_task.crontab.hour == "6"


@pytest.fixture
def sent_digest(make_request, amina):
    make_request()
    reminders.send_reminders(today=D(2021, 9, 23))
    return ReminderDigest.objects.get()


def test_admin_pages_of_the_ledger_render(admin_client, sent_digest):
    for name in ("reminderdigest", "reminder", "reminderpreference", "summary"):
        response = admin_client.get(reverse(f"admin:reports_{name}_changelist"))
        assert response.status_code == 200, name
    page = admin_client.get(reverse("admin:reports_reminderdigest_change", args=[sent_digest.pk]))
    assert page.status_code == 200
    assert sent_digest.message_id.encode() in page.content.replace(b"&lt;", b"<").replace(
        b"&gt;", b">"
    )


def test_admin_send_now_sends_a_failed_email(admin_client, sent_digest):
    OutboxMessage.objects.filter(pk=sent_digest.delivery_id).update(
        status=DeliveryStatus.FAILED, sent_at=None, last_error="SMTPServerDisconnected"
    )
    response = admin_client.post(
        reverse("admin:reports_reminderdigest_changelist"),
        {"action": "send_now", "_selected_action": [sent_digest.pk]},
    )
    assert response.status_code == 302
    delivery = OutboxMessage.objects.get(pk=sent_digest.delivery_id)
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.SENT, "")
    assert len(mail.outbox) == 2
    # Sent now: "send now" again sends nothing twice.
    admin_client.post(
        reverse("admin:reports_reminderdigest_changelist"),
        {"action": "send_now", "_selected_action": [sent_digest.pk]},
    )
    assert len(mail.outbox) == 2


def test_managers_read_and_download_summaries(client, manager, unit):
    summary, _ = summaries.summary_compile(period=Period.parse("2021-Q3"))
    client.force_login(manager)
    page = client.get(reverse("admin:reports_summary_change", args=[summary.pk]))
    assert page.status_code == 200
    preview = reverse("admin:reports_summary_preview", args=[summary.pk])
    assert f'src="{preview}"' in page.content.decode()
    assert client.get(preview).content.decode() == summary.html
    for fmt, kind in (("html", "text/html"), ("txt", "text/plain"), ("json", "application/json")):
        response = client.get(reverse("admin:reports_summary_download", args=[summary.pk, fmt]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith(kind)
        assert "summary-quarterly-2021-07-01" in response["Content-Disposition"]
    data = json.loads(
        client.get(reverse("admin:reports_summary_download", args=[summary.pk, "json"])).content
    )
    assert data["period"]["code"] == "2021-Q3"


def test_staff_edit_only_their_own_reminder_preference(client, staff_a, staff_b):
    other = ReminderPreference.objects.create(user=staff_b)
    client.force_login(staff_a)
    listing = client.get(reverse("admin:reports_reminderpreference_changelist"))
    assert listing.status_code == 200
    assert str(staff_b) not in listing.content.decode()
    assert (
        client.get(reverse("admin:reports_reminderpreference_change", args=[other.pk])).status_code
        == 302
    )
    response = client.post(
        reverse("admin:reports_reminderpreference_add"),
        {"digest_frequency": "weekly", "overdue_only": "on"},
    )
    assert response.status_code == 302
    mine = ReminderPreference.objects.get(user=staff_a)
    assert (mine.digest_frequency, mine.overdue_only) == ("weekly", True)
    assert client.get(reverse("admin:reports_reminderdigest_changelist")).status_code == 403


@pytest.mark.parametrize("model", ["reminderdigest", "reminder", "summary", "reminderpreference"])
def test_changelist_queries_do_not_grow_with_rows(
    admin_client, django_assert_num_queries, make_request, unit, model
):
    """Session, user, counts, the page of rows (with recipients, requests and counts joined or
    annotated), and the date hierarchy: the same for one row as for many."""
    url = reverse(f"admin:reports_{model}_changelist")

    def make(first: int, count: int) -> None:
        for n in range(first, first + count):
            person = focal_point(unit, f"person{n}")
            ReminderPreference.objects.create(user=person)
            make_request(reference=f"ledger-{n}")
            summaries.summary_compile(period=Period.parse(f"{2000 + n}-Q1"))
        reminders.send_reminders(today=D(2021, 9, 23))

    make(0, 1)
    with CaptureQueriesContext(connection) as one_row:
        assert admin_client.get(url).status_code == 200
    make(1, 12)
    with django_assert_num_queries(len(one_row.captured_queries)):
        assert admin_client.get(url).status_code == 200
