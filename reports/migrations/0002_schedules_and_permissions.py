"""The reports permissions of each role.

This migration used to create the default schedules too; they are declared in
ssrtracker/schedules.py now and synced after every migrate, so its schedule part does nothing.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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
