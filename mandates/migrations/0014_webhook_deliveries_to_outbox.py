"""Move every webhook delivery (pending, sent or failed) into the outbox, keeping its id (the
receiver's X-SSRTracker-Delivery), payload, attempts, last response and error; and let the
Administrators read and resend outgoing messages as they did webhook deliveries. Reversible: the
outbox's webhook messages go back to deliveries."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

BATCH = 1000
PERMISSIONS = ["view_outboxmessage"]


def _key(endpoint_id, event_key):
    return f"webhook:{endpoint_id}:{event_key}"


def forward(apps, schema_editor):
    WebhookDelivery = apps.get_model("mandates", "WebhookDelivery")
    OutboxMessage = apps.get_model("mandates", "OutboxMessage")
    batch = []
    for d in WebhookDelivery.objects.select_related("endpoint").order_by("created_at", "pk").iterator(
        chunk_size=BATCH
    ):
        batch.append(
            OutboxMessage(
                id=d.id,
                kind="webhook",
                dedup_key=_key(d.endpoint_id, d.event_key),
                recipient=d.endpoint.url[:500],
                endpoint_id=d.endpoint_id,
                payload=d.payload,
                status=d.status,
                attempts=d.attempts,
                next_attempt_at=d.created_at,
                response_code=d.response_code,
                last_error=d.last_error,
                created_at=d.created_at,
                sent_at=d.delivered_at if d.status == "sent" else None,
            )
        )
        if len(batch) >= BATCH:
            OutboxMessage.objects.bulk_create(batch)
            batch = []
    OutboxMessage.objects.bulk_create(batch)

    app_config = apps.get_app_config("mandates")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Administrators")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="mandates", codename__in=PERMISSIONS)
    )


def backward(apps, schema_editor):
    WebhookDelivery = apps.get_model("mandates", "WebhookDelivery")
    OutboxMessage = apps.get_model("mandates", "OutboxMessage")
    webhooks = OutboxMessage.objects.filter(kind="webhook")
    batch = []
    for m in webhooks.order_by("created_at", "pk").iterator(chunk_size=BATCH):
        prefix = f"webhook:{m.endpoint_id}:"
        event_key = m.dedup_key[len(prefix):] if m.dedup_key.startswith(prefix) else m.dedup_key
        batch.append(
            WebhookDelivery(
                id=m.id,
                endpoint_id=m.endpoint_id,
                event=(m.payload or {}).get("event", ""),
                event_key=event_key[:120],
                payload=m.payload,
                status=m.status,
                attempts=m.attempts,
                response_code=m.response_code,
                last_error=m.last_error,
                created_at=m.created_at,
                delivered_at=m.sent_at,
            )
        )
        if len(batch) >= BATCH:
            WebhookDelivery.objects.bulk_create(batch)
            batch = []
    WebhookDelivery.objects.bulk_create(batch)
    webhooks.delete()
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Administrators").first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="mandates", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('mandates', '0013_outbox'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [migrations.RunPython(forward, backward)]
