"""Used to create the daily job that queues ``request.overdue`` webhooks. The schedules are
declared in ssrtracker/schedules.py now and synced after every migrate, so this does nothing; it
stays for the migrations that depend on it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("mandates", "0007_integration_permissions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
