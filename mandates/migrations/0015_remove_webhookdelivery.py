"""The webhook deliveries live in the outbox now (moved by 0014)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('mandates', '0014_webhook_deliveries_to_outbox'),
    ]

    operations = [
        migrations.DeleteModel(
            name='WebhookDelivery',
        ),
    ]
