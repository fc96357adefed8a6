"""Default schedules for the jobs, and the reports permissions of each role.

Administrators edit the schedules afterwards in the admin ("Periodic tasks"); this migration only
creates the rows it does not find, and removes exactly those rows when reversed. Crontabs run in
the project's time zone (``TIME_ZONE``).
"""

import json

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

# name: (task, kwargs, crontab (minute, hour, day of month, month, day of week) or minutes)
SCHEDULES = {
    "Deadline reminders (daily)": ("reports.tasks.send_reminders", {}, ("0", "6", "*", "*", "*")),
    "Reminder e-mails: retry failed (every 15 minutes)": ("reports.tasks.retry_reminders", {}, 15),
    "Recurring requests: next occurrences (daily)": (
        "reports.tasks.create_due_occurrences",
        {},
        ("30", "5", "*", "*", "*"),
    ),
    "Weekly summary (Mondays)": (
        "reports.tasks.publish_summary",
        {"kind": "weekly"},
        ("0", "7", "*", "*", "1"),
    ),
    "Monthly summary (first day of the month)": (
        "reports.tasks.publish_summary",
        {"kind": "monthly"},
        ("0", "7", "1", "*", "*"),
    ),
    "Quarterly summary (first day of the quarter)": (
        "reports.tasks.publish_summary",
        {"kind": "quarterly"},
        ("0", "7", "1", "1,4,7,10", "*"),
    ),
}

ROLES = {
    "SSR staff": {"reports": ["view_reminderpreference", "add_reminderpreference", "change_reminderpreference"]},
    "Managers": {
        "reports": [
            "view_summary",
            "view_reminderpreference",
            "add_reminderpreference",
            "change_reminderpreference",
        ]
    },
    "Administrators": {
        "reports": [
            f"{action}_{model}"
            for model in ("reminderpreference", "reminderdigest", "reminder", "summary")
            for action in ("view", "add", "change", "delete")
            if not (model == "reminder" and action in {"add", "change", "delete"})
        ],
        "django_celery_beat": [
            f"{action}_{model}"
            for model in (
                "periodictask",
                "crontabschedule",
                "intervalschedule",
                "solarschedule",
                "clockedschedule",
            )
            for action in ("view", "add", "change", "delete")
        ],
    },
}


def create(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    for name, (task, kwargs, when) in SCHEDULES.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        if isinstance(when, int):
            schedule = {
                "interval": IntervalSchedule.objects.get_or_create(every=when, period="minutes")[0]
            }
        else:
            minute, hour, day_of_month, month_of_year, day_of_week = when
            schedule = {
                "crontab": CrontabSchedule.objects.get_or_create(
                    minute=minute,
                    hour=hour,
                    day_of_month=day_of_month,
                    month_of_year=month_of_year,
                    day_of_week=day_of_week,
                    timezone=settings.TIME_ZONE,
                )[0]
            }
        PeriodicTask.objects.create(name=name, task=task, kwargs=json.dumps(kwargs), **schedule)

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, by_app in ROLES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, codenames in by_app.items():
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=SCHEDULES).delete()
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, by_app in ROLES.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for app_label, codenames in by_app.items():
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_reminders_summaries"),
        ("mandates", "0002_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
