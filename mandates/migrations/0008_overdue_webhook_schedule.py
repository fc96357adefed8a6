"""The daily job that queues ``request.overdue`` webhooks. Administrators can change or pause it
under "Periodic tasks"; reversing removes exactly this row."""

import json

from django.conf import settings
from django.db import migrations

NAME = "Webhooks: overdue requests (daily)"
TASK = "mandates.tasks.queue_overdue_webhooks"


def create(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="15",
        hour="6",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.create(name=NAME, task=TASK, kwargs=json.dumps({}), crontab=crontab)


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mandates", "0007_integration_permissions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
