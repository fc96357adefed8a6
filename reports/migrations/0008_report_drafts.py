"""Drafts of a mission's SSR section for its next report, and who may do what with them.
Reversing removes the permissions it gave, then the table."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


ROLES = {
    "SSR staff": ["view_reportdraft", "add_reportdraft", "change_reportdraft"],
    "Managers": ["view_reportdraft"],
    "Administrators": [
        f"{action}_reportdraft" for action in ("view", "add", "change", "delete")
    ],
}


def create(apps, schema_editor):
    app_config = apps.get_app_config("reports")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLES.items():
        perms = Permission.objects.filter(content_type__app_label="reports", codename__in=codenames)
        if perms.count() != len(codenames):
            raise RuntimeError("Permissions of report drafts are missing.")
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*perms)


def remove(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLES.items():
        perms = Permission.objects.filter(content_type__app_label="reports", codename__in=codenames)
        for group in Group.objects.filter(name=group_name):
            group.permissions.remove(*perms)


class Migration(migrations.Migration):

    dependencies = [
        ('mandates', '0021_activity_permissions'),
        ('reports', '0007_reader_language'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportDraft',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period_start', models.DateField(verbose_name='period start')),
                ('period_end', models.DateField(verbose_name='period end')),
                ('language', models.CharField(choices=[('en', 'English'), ('fr', 'French')], default='en', max_length=10, verbose_name='language')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('issued', 'Issued')], default='draft', max_length=10, verbose_name='status')),
                ('data', models.JSONField(blank=True, default=dict, editable=False, verbose_name='generated sections')),
                ('texts', models.JSONField(blank=True, default=dict, verbose_name='text of the sections')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created')),
                ('generated_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='generated')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('issued_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='issued')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('mission', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='report_drafts', to='mandates.mission', verbose_name='mission')),
                ('report', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='drafts', to='mandates.secretarygeneralreport', verbose_name='issued as')),
                ('reporting_date', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='drafts', to='mandates.reportingdate', verbose_name='for the report due')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='last edited by')),
            ],
            options={
                'verbose_name': 'report draft',
                'verbose_name_plural': 'report drafts',
                'ordering': ['mission', '-period_start'],
                'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'issued'])), name='reports_reportdraft_status_valid', violation_error_message='status must be one of: draft, issued.'), models.UniqueConstraint(fields=('mission', 'period_start', 'period_end'), name='reports_reportdraft_one_per_period', violation_error_message='This mission already has a draft for this period.'), models.CheckConstraint(condition=models.Q(('period_end__gte', models.F('period_start'))), name='reports_reportdraft_period_ends_after_start', violation_error_message='A period cannot end before it starts.'), models.CheckConstraint(condition=models.Q(models.Q(('issued_at__isnull', True), ('report__isnull', True), ('status', 'draft')), models.Q(('issued_at__isnull', False), ('report__isnull', False), ('status', 'issued')), _connector='OR'), name='reports_reportdraft_issued_iff_report', violation_error_message='An issued draft names its report; a draft does not.')],
            },
        ),
        migrations.RunPython(create, remove),
    ]
