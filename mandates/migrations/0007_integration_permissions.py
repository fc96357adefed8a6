"""Administrators manage API tokens, calendar feeds and webhooks (and read the delivery log)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    "view_apitoken",
    "add_apitoken",
    "change_apitoken",
    "view_calendarfeed",
    "change_calendarfeed",
    "view_webhookendpoint",
    "add_webhookendpoint",
    "change_webhookendpoint",
    "view_webhookdelivery",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("mandates")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="mandates", codename__in=PERMISSIONS)
    if perms.count() != len(PERMISSIONS):
        raise RuntimeError("Permissions of the integration models are missing.")
    group, _ = Group.objects.get_or_create(name="Administrators")
    group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="mandates", codename__in=PERMISSIONS)
    for group in Group.objects.filter(name="Administrators"):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [("mandates", "0006_integration"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, revoke)]
