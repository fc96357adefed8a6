"""Create the four roles as groups with their model permissions.

Row-level rules (staff change only their units' requests) are enforced in code; these are the
model-level permissions each role starts from. The definitions are frozen here on purpose: a later
migration changes them, never an edit of this one.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANDATES_MODELS = [
    "document",
    "paragraph",
    "theme",
    "mission",
    "unit",
    "unitmembership",
    "request",
    "statusupdate",
    "benchmark",
    "benchmarkassessment",
]

ROLES = {
    "SSR staff": {
        "view": MANDATES_MODELS,
        "add": ["request", "statusupdate", "benchmark", "benchmarkassessment"],
        "change": ["request", "benchmark", "benchmarkassessment"],
        "delete": [],
    },
    "Managers": {"view": MANDATES_MODELS, "add": [], "change": [], "delete": []},
    "API clients": {
        "view": MANDATES_MODELS,
        "add": ["statusupdate", "benchmarkassessment"],
        "change": ["request"],
        "delete": [],
    },
    "Administrators": {
        "view": MANDATES_MODELS,
        "add": MANDATES_MODELS,
        "change": [m for m in MANDATES_MODELS if m != "statusupdate"],
        "delete": [m for m in MANDATES_MODELS if m not in {"statusupdate", "request"}],
    },
}
ADMIN_AUTH_PERMISSIONS = [
    f"{action}_{model}" for model in ("user", "group") for action in ("view", "add", "change")
]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for action, models in actions.items() for model in models]
        perms = list(
            Permission.objects.filter(content_type__app_label="mandates", codename__in=codenames)
        )
        if name == "Administrators":
            perms += list(
                Permission.objects.filter(
                    content_type__app_label="auth", codename__in=ADMIN_AUTH_PERMISSIONS
                )
            )
        missing = set(codenames) - {p.codename for p in perms if p.content_type.app_label == "mandates"}
        if missing:
            raise RuntimeError(f"Permissions missing for role {name}: {sorted(missing)}")
        group.permissions.set(perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mandates", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
