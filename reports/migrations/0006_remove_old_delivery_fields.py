"""The delivery state of reminder and summary e-mails lives in the outbox now (moved by 0005)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0005_deliveries_to_outbox'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='reminderdigest',
            name='reports_reminderdigest_status_valid',
        ),
        migrations.RemoveConstraint(
            model_name='reminderdigest',
            name='reports_reminderdigest_sent_at_iff_sent',
        ),
        migrations.RemoveIndex(
            model_name='reminderdigest',
            name='reports_digest_unsent_idx',
        ),
        migrations.RemoveField(
            model_name='reminderdigest',
            name='attempts',
        ),
        migrations.RemoveField(
            model_name='reminderdigest',
            name='last_error',
        ),
        migrations.RemoveField(
            model_name='reminderdigest',
            name='next_attempt_at',
        ),
        migrations.RemoveField(
            model_name='reminderdigest',
            name='sent_at',
        ),
        migrations.RemoveField(
            model_name='reminderdigest',
            name='status',
        ),
        migrations.RemoveField(
            model_name='summary',
            name='email_attempts',
        ),
        migrations.RemoveField(
            model_name='summary',
            name='email_error',
        ),
        migrations.RemoveField(
            model_name='summary',
            name='emailed_at',
        ),
    ]
