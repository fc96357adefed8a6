"""Reminder e-mails and summary e-mails are sent through the outbox: each links to its message.
0005 moves their delivery state into the outbox; 0006 removes the old columns."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mandates', '0013_outbox'),
        ('reports', '0003_summary_readers'),
    ]

    operations = [
        migrations.AddField(
            model_name='reminderdigest',
            name='delivery',
            field=models.OneToOneField(blank=True, editable=False, help_text='The e-mail in the outbox: sent, pending or failed.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='mandates.outboxmessage', verbose_name='delivery'),
        ),
        migrations.AddField(
            model_name='summary',
            name='delivery',
            field=models.OneToOneField(blank=True, editable=False, help_text='The e-mail to the managers in the outbox: sent, pending or failed.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='mandates.outboxmessage', verbose_name='e-mail'),
        ),
    ]
