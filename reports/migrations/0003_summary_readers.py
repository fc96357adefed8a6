"""SSR staff and API clients read summaries too (the API lists them; warehouses pull them)."""

from django.db import migrations

READERS = ["SSR staff", "API clients"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.get(content_type__app_label="reports", codename="view_summary")
    for group in Group.objects.filter(name__in=READERS):
        group.permissions.add(view)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(content_type__app_label="reports", codename="view_summary")
    for group in Group.objects.filter(name__in=READERS):
        group.permissions.remove(*view)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_schedules_and_permissions")]

    operations = [migrations.RunPython(grant, revoke)]
