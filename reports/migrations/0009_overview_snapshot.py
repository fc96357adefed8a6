"""The overview's stored snapshots (reports.overview). Reversing drops the table."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0008_report_drafts'),
    ]

    operations = [
        migrations.CreateModel(
            name='OverviewSnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(blank=True, max_length=500, unique=True, verbose_name='selection')),
                ('data', models.JSONField(blank=True, default=dict, verbose_name='data')),
                ('computed_at', models.DateTimeField(verbose_name='computed')),
                ('computed_on', models.DateField(verbose_name='figures for')),
                ('viewed_at', models.DateTimeField(db_index=True, verbose_name='last viewed')),
            ],
            options={
                'verbose_name': 'overview snapshot',
                'verbose_name_plural': 'overview snapshots',
            },
        ),
    ]
