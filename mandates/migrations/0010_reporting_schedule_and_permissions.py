"""The daily reporting job (mandate renewal requests, coverage follow-ups) and who may do what
with reports, coverage and partner support. Reversing removes exactly what this added."""

import json

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

NAME = "Reporting: renewal inputs and coverage follow-ups (daily)"
TASK = "mandates.tasks.reporting_daily"

MODELS = ["secretarygeneralreport", "coverageitem", "partnersupport"]
ROLES = {
    "SSR staff": [f"view_{m}" for m in MODELS]
    + [
        "add_secretarygeneralreport",
        "change_secretarygeneralreport",
        "change_coverageitem",
        "add_partnersupport",
        "change_partnersupport",
    ],
    "Managers": [f"view_{m}" for m in MODELS],
    "API clients": [f"view_{m}" for m in MODELS],
    "Administrators": [f"{a}_{m}" for m in MODELS for a in ("view", "add", "change")]
    + ["delete_partnersupport"],
}


def create(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    if not PeriodicTask.objects.filter(name=NAME).exists():
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="45",
            hour="5",
            day_of_month="*",
            month_of_year="*",
            day_of_week="*",
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.create(name=NAME, task=TASK, kwargs=json.dumps({}), crontab=crontab)

    app_config = apps.get_app_config("mandates")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLES.items():
        perms = Permission.objects.filter(content_type__app_label="mandates", codename__in=codenames)
        if perms.count() != len(codenames):
            raise RuntimeError("Permissions of the reporting models are missing.")
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*perms)


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLES.items():
        perms = Permission.objects.filter(content_type__app_label="mandates", codename__in=codenames)
        for group in Group.objects.filter(name=group_name):
            group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("mandates", "0009_benchmarks_reports_coverage"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, remove)]
