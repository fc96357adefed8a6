"""Who may read and record mandate renewals: SSR staff record them (the services limit them to
the missions their units report for), administrators change them, everyone else reads.
Reversing removes exactly what this added."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODEL = "mandaterenewal"
ROLES = {
    "SSR staff": [f"view_{MODEL}", f"add_{MODEL}"],
    "Managers": [f"view_{MODEL}"],
    "API clients": [f"view_{MODEL}"],
    "Administrators": [f"{a}_{MODEL}" for a in ("view", "add", "change", "delete")],
}


def create(apps, schema_editor):
    app_config = apps.get_app_config("mandates")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLES.items():
        perms = Permission.objects.filter(content_type__app_label="mandates", codename__in=codenames)
        if perms.count() != len(codenames):
            raise RuntimeError("Permissions of the renewal model are missing.")
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*perms)


def remove(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLES.items():
        perms = Permission.objects.filter(content_type__app_label="mandates", codename__in=codenames)
        for group in Group.objects.filter(name=group_name):
            group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [("mandates", "0017_calendar_fulfilment_permissions")]

    operations = [migrations.RunPython(create, remove)]
