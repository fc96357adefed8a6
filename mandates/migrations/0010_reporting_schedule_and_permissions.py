"""Who may do what with reports, coverage and partner support. Reversing removes exactly what
this added. (The daily reporting job's schedule is declared in ssrtracker/schedules.py now and
synced after every migrate.)"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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
