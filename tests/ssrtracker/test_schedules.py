"""Every periodic job is declared once, in ``ssrtracker/schedules.py``, and synced into the
database scheduler after migrate: the tasks exist, the sync is idempotent, keeps what
administrators changed and removes the retired entries."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from ssrtracker import schedules
from ssrtracker.celery import app as celery_app


def test_every_scheduled_task_exists_in_the_celery_app():
    celery_app.loader.import_default_modules()
    registered = set(celery_app.tasks)
    named = {entry.task for entry in schedules.SCHEDULES}
    assert named <= registered, f"not a task: {sorted(named - registered)}"
    assert "mandates.tasks.send_outbox" in named


def test_names_are_unique_and_none_is_also_retired():
    names = [entry.name for entry in schedules.SCHEDULES]
    assert len(names) == len(set(names))
    assert not set(names) & set(schedules.RETIRED)


def _state() -> list[tuple[str, str, str, str | None, int | None]]:
    return sorted(
        (t.name, t.task, t.kwargs, str(t.crontab) if t.crontab else None, t.interval_id)
        for t in PeriodicTask.objects.select_related("crontab")
    )


@pytest.mark.django_db
def test_migrate_leaves_exactly_the_declared_schedules():
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert names >= {entry.name for entry in schedules.SCHEDULES}
    assert not names & set(schedules.RETIRED)
    outbox = PeriodicTask.objects.get(task="mandates.tasks.send_outbox")
    assert (outbox.interval.every, outbox.interval.period) == (1, "minutes")
    quarterly = PeriodicTask.objects.get(name="Quarterly summary (first day of the quarter)")
    assert json.loads(quarterly.kwargs) == {"kind": "quarterly"}
    assert quarterly.crontab.month_of_year == "1,4,7,10"


@pytest.mark.django_db
def test_the_sync_is_idempotent():
    before = _state()
    assert schedules.sync() == {"created": [], "updated": [], "deleted": []}
    assert _state() == before
    schedules.sync()
    assert _state() == before
    assert CrontabSchedule.objects.count() == len(
        {entry.when for entry in schedules.SCHEDULES if isinstance(entry.when, schedules.Crontab)}
    )


@pytest.mark.django_db
def test_the_sync_recreates_what_is_missing_removes_the_retired_and_keeps_admin_changes():
    PeriodicTask.objects.filter(task="mandates.tasks.send_outbox").delete()
    PeriodicTask.objects.create(
        name=schedules.RETIRED[0],
        task="reports.tasks.retry_reminders",
        interval_id=None,
        crontab=CrontabSchedule.objects.create(minute="*/15"),
    )
    reminders = PeriodicTask.objects.get(task="reports.tasks.send_reminders")
    moved = CrontabSchedule.objects.create(minute="30", hour="7")
    reminders.crontab, reminders.enabled = moved, False  # an administrator's choice
    reminders.save()
    PeriodicTask.objects.create(
        name="Something an administrator added",
        task="reports.tasks.send_reminders",
        crontab=moved,
    )

    done = schedules.sync()

    assert done["created"] == ["Outbox: send e-mails and webhooks (every minute)"]
    assert done["deleted"] == [schedules.RETIRED[0]]
    assert not PeriodicTask.objects.filter(name__in=schedules.RETIRED).exists()
    reminders.refresh_from_db()
    assert (reminders.crontab_id, reminders.enabled) == (moved.pk, False)
    assert PeriodicTask.objects.filter(name="Something an administrator added").exists()


@pytest.mark.django_db
def test_a_changed_task_or_arguments_are_brought_in_line():
    weekly = PeriodicTask.objects.get(name="Weekly summary (Mondays)")
    weekly.kwargs = json.dumps({"kind": "monthly"})
    weekly.save()
    assert schedules.sync()["updated"] == ["Weekly summary (Mondays)"]
    weekly.refresh_from_db()
    assert json.loads(weekly.kwargs) == {"kind": "weekly"}


@pytest.mark.django_db(transaction=True)
def test_migrate_runs_the_sync():
    PeriodicTask.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert set(PeriodicTask.objects.values_list("name", flat=True)) == {
        entry.name for entry in schedules.SCHEDULES
    }
