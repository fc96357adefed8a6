"""Who may do what with activities. Reversing removes exactly what this added."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "SSR staff": ["view_activity", "add_activity", "change_activity", "delete_activity"],
    "Managers": ["view_activity"],
    "API clients": ["view_activity", "add_activity", "change_activity"],
    "Administrators": [
        f"{action}_activity" for action in ("view", "add", "change", "delete")
    ],
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
            raise RuntimeError("Permissions of activities are missing.")
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
    dependencies = [
        ("mandates", "0020_activities"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, remove)]
