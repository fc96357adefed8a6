"""Every periodic job, declared once: :data:`SCHEDULES`, synced into django-celery-beat after
each ``migrate`` (the ``post_migrate`` signal, connected by the mandates app).

The sync creates an entry that is missing and brings an existing one's task and arguments in
line with the table, but keeps its timing and whether it is enabled, which administrators change
in the admin under "Periodic tasks". It deletes the entries named in :data:`RETIRED` (jobs the
project no longer runs) and nothing else. Running it again changes nothing. Crontabs run in
``TIME_ZONE``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction


@dataclass(frozen=True)
class Crontab:
    minute: str = "0"
    hour: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    day_of_week: str = "*"


@dataclass(frozen=True)
class Every:
    minutes: int


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    when: Crontab | Every
    kwargs: dict[str, Any] = field(default_factory=dict)


SCHEDULES: tuple[Schedule, ...] = (
    Schedule(
        "Outbox: send e-mails and webhooks (every minute)", "mandates.tasks.send_outbox", Every(1)
    ),
    Schedule(
        "Dashboard overview: recount its figures (every few minutes)",
        "reports.tasks.refresh_overview",
        Every(settings.OVERVIEW_REFRESH_MINUTES),
    ),
    Schedule(
        "Recurring requests: next occurrences (daily)",
        "reports.tasks.create_due_occurrences",
        Crontab(minute="30", hour="5"),
    ),
    Schedule(
        "Reporting: renewal inputs and coverage follow-ups (daily)",
        "mandates.tasks.reporting_daily",
        Crontab(minute="45", hour="5"),
    ),
    Schedule(
        "Deadline reminders (daily)", "reports.tasks.send_reminders", Crontab(minute="0", hour="6")
    ),
    Schedule(
        "Webhooks: overdue requests (daily)",
        "mandates.tasks.queue_overdue_webhooks",
        Crontab(minute="15", hour="6"),
    ),
    Schedule(
        "Weekly summary (Mondays)",
        "reports.tasks.publish_summary",
        Crontab(minute="0", hour="7", day_of_week="1"),
        {"kind": "weekly"},
    ),
    Schedule(
        "Monthly summary (first day of the month)",
        "reports.tasks.publish_summary",
        Crontab(minute="0", hour="7", day_of_month="1"),
        {"kind": "monthly"},
    ),
    Schedule(
        "Quarterly summary (first day of the quarter)",
        "reports.tasks.publish_summary",
        Crontab(minute="0", hour="7", day_of_month="1", month_of_year="1,4,7,10"),
        {"kind": "quarterly"},
    ),
)

#: Entries of jobs the project no longer runs: the sync deletes them.
RETIRED: tuple[str, ...] = (
    # The outbox retries reminder e-mails now (every minute, with its own back-off).
    "Reminder e-mails: retry failed (every 15 minutes)",
)


def sync(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """Bring django-celery-beat in line with :data:`SCHEDULES`; return the names created,
    updated and deleted."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    done: dict[str, list[str]] = {"created": [], "updated": [], "deleted": []}
    with transaction.atomic(using=using):
        retired = PeriodicTask.objects.using(using).filter(name__in=RETIRED)
        done["deleted"] = sorted(retired.values_list("name", flat=True))
        retired.delete()
        for entry in SCHEDULES:
            kwargs = json.dumps(entry.kwargs, sort_keys=True)
            existing = PeriodicTask.objects.using(using).filter(name=entry.name).first()
            if existing is not None:
                if (
                    existing.task != entry.task
                    or json.loads(existing.kwargs or "{}") != entry.kwargs
                ):
                    existing.task, existing.kwargs = entry.task, kwargs
                    existing.save(update_fields=["task", "kwargs"])
                    done["updated"].append(entry.name)
                continue
            timing: dict[str, Any]
            if isinstance(entry.when, Every):
                timing = {
                    "interval": IntervalSchedule.objects.using(using).get_or_create(
                        every=entry.when.minutes, period=IntervalSchedule.MINUTES
                    )[0]
                }
            else:
                timing = {
                    "crontab": CrontabSchedule.objects.using(using).get_or_create(
                        minute=entry.when.minute,
                        hour=entry.when.hour,
                        day_of_month=entry.when.day_of_month,
                        month_of_year=entry.when.month_of_year,
                        day_of_week=entry.when.day_of_week,
                        timezone=settings.TIME_ZONE,
                    )[0]
                }
            PeriodicTask.objects.using(using).create(
                name=entry.name, task=entry.task, kwargs=kwargs, **timing
            )
            done["created"].append(entry.name)
    return done


def sync_on_migrate(*, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """The ``post_migrate`` receiver: sync once django-celery-beat's tables exist."""
    from django_celery_beat.models import PeriodicTask

    if PeriodicTask._meta.db_table in connections[using].introspection.table_names():
        sync(using=using)
