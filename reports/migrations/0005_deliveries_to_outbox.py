"""Move the delivery state of every reminder e-mail and every e-mailed (or tried) summary into
the outbox, without loss: a digest's status, attempts, error, next attempt and sending time; a
summary's e-mail time, attempts and error. A digest that "failed, will be retried" is a pending
message with its attempts and error. Reversible: the outbox's messages of these kinds go back to
the columns they came from."""

import uuid

from django.db import migrations

BATCH = 500


def _messages(apps):
    return apps.get_model("mandates", "OutboxMessage")


def forward(apps, schema_editor):
    OutboxMessage = _messages(apps)
    ReminderDigest = apps.get_model("reports", "ReminderDigest")
    Summary = apps.get_model("reports", "Summary")
    digests = ReminderDigest.objects.select_related("recipient").order_by("pk")
    last = 0
    while True:
        chunk = list(digests.filter(pk__gt=last)[:BATCH])
        if not chunk:
            break
        last = chunk[-1].pk
        messages = []
        for digest in chunk:
            sent = digest.status == "sent"
            message = OutboxMessage(
                id=uuid.uuid4(),
                kind="reminder_digest",
                dedup_key=f"reminder-digest:{digest.pk}",
                recipient=digest.recipient.email[:500],
                payload={"digest": digest.pk, "message_id": digest.message_id},
                status="sent" if sent else "pending",
                attempts=digest.attempts,
                next_attempt_at=digest.next_attempt_at,
                last_error=digest.last_error,
                created_at=digest.created_at,
                sent_at=digest.sent_at if sent else None,
            )
            digest.delivery_id = message.id
            messages.append(message)
        OutboxMessage.objects.bulk_create(messages)
        ReminderDigest.objects.bulk_update(chunk, ["delivery"])
    for summary in Summary.objects.filter(compiled_at__isnull=False).order_by("pk"):
        if summary.emailed_at is None and not summary.email_attempts:
            continue  # never e-mailed nor tried (stored with --no-email): nothing to move
        sent = summary.emailed_at is not None
        message = OutboxMessage.objects.create(
            id=uuid.uuid4(),
            kind="summary_email",
            dedup_key=f"summary:{summary.pk}",
            payload={"summary": summary.pk, "message_id": summary.message_id},
            status="sent" if sent else "pending",
            attempts=summary.email_attempts,
            next_attempt_at=summary.compiled_at,
            last_error=summary.email_error,
            created_at=summary.compiled_at,
            sent_at=summary.emailed_at,
        )
        summary.delivery_id = message.id
        summary.save(update_fields=["delivery"])


def backward(apps, schema_editor):
    OutboxMessage = _messages(apps)
    ReminderDigest = apps.get_model("reports", "ReminderDigest")
    Summary = apps.get_model("reports", "Summary")
    for digest in ReminderDigest.objects.filter(delivery__isnull=False).select_related("delivery"):
        m = digest.delivery
        if m.status == "sent":
            digest.status = "sent"
        else:
            digest.status = "failed" if (m.status == "failed" or m.attempts) else "pending"
        digest.attempts = m.attempts
        digest.last_error = m.last_error
        digest.next_attempt_at = m.next_attempt_at
        digest.sent_at = m.sent_at if m.status == "sent" else None
        digest.delivery = None
        digest.save()
    for summary in Summary.objects.filter(delivery__isnull=False).select_related("delivery"):
        m = summary.delivery
        summary.emailed_at = m.sent_at if m.status == "sent" else None
        summary.email_attempts = m.attempts
        summary.email_error = m.last_error
        summary.delivery = None
        summary.save()
    OutboxMessage.objects.filter(kind__in=["reminder_digest", "summary_email"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('mandates', '0014_webhook_deliveries_to_outbox'),
        ('reports', '0004_outbox_delivery'),
    ]

    operations = [migrations.RunPython(forward, backward)]
