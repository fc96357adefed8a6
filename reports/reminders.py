"""Deadline reminders: plan, claim in the ledger, then send one digest e-mail per person.

Exactly once, in three steps (each safe to repeat, by a second run, a second scheduler, a retried
message or a restarted worker):

1. **Plan** (read only): for every open request with a due date, the latest reminder point
   reached today (:func:`reports.periods.reminder_point`) for each focal point of its lead unit
   (and of its supporting units when ``REMINDER_SUPPORTING_UNITS`` is on), minus what the
   ledger already holds and what the person opted out of.
2. **Claim** (one transaction, recipients locked): insert one :class:`ReminderDigest` per person
   and one :class:`Reminder` per planned point under the ledger's unique constraint. A reminder
   belongs to exactly one digest from then on, and a digest's content and Message-ID never
   change.
3. **Deliver** (one transaction per digest, the digest row locked with ``SKIP LOCKED``): send
   the e-mail, then mark it sent in the same transaction. A crash after the SMTP server accepted
   the message but before the commit leaves the digest pending; it is sent again later with the
   same Message-ID, so the receiving side sees one message twice at worst, never two different
   messages for one reminder, and nothing is lost. An SMTP error marks it failed with a growing
   backoff; :func:`retry_due_digests` picks it up again until it is sent.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import format_datetime
from enum import StrEnum
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mandates.choices import MembershipRole
from mandates.models import Request, UnitMembership
from reports.choices import DeliveryStatus, DigestFrequency
from reports.models import Reminder, ReminderDigest
from reports.periods import long_date, reminder_point

logger = logging.getLogger(__name__)

#: A backoff never grows past a day.
MAX_BACKOFF = datetime.timedelta(days=1)


class Delivery(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    ALREADY_SENT = "already sent"
    NOT_DUE = "not due yet"
    BUSY = "being sent by another worker"


@dataclass(frozen=True)
class PlannedReminder:
    request_id: int
    recipient_id: int
    due_date: datetime.date
    days_before: int

    @property
    def key(self) -> tuple[int, int, datetime.date, int]:
        return (self.request_id, self.recipient_id, self.due_date, self.days_before)


@dataclass
class ReminderPlan:
    """What a run on ``today`` would claim; ``requests`` and ``recipients`` for display."""

    today: datetime.date
    items: list[PlannedReminder] = field(default_factory=list)
    requests: dict[int, Request] = field(default_factory=dict)
    recipients: dict[int, User] = field(default_factory=dict)

    def by_recipient(self) -> dict[int, list[PlannedReminder]]:
        grouped: dict[int, list[PlannedReminder]] = defaultdict(list)
        for item in self.items:
            grouped[item.recipient_id].append(item)
        return dict(grouped)


@dataclass
class RunResult:
    today: datetime.date
    claimed_reminders: int = 0
    claimed_digests: int = 0
    deliveries: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        done = ", ".join(f"{n} {what}" for what, n in sorted(self.deliveries.items())) or "none"
        return (
            f"{self.today:%Y-%m-%d}: {self.claimed_reminders} new reminders in "
            f"{self.claimed_digests} e-mails; deliveries: {done}"
        )


def _wants(user: User, days_before: int, today: datetime.date) -> bool:
    try:
        preference = user.reminder_preference
    except ObjectDoesNotExist:
        return True
    if preference.overdue_only and days_before >= 0:
        return False
    return not (
        preference.digest_frequency == DigestFrequency.WEEKLY
        and today.weekday() != settings.REMINDER_WEEKLY_DIGEST_WEEKDAY
    )


def plan_reminders(*, today: datetime.date | None = None) -> ReminderPlan:
    """Step 1: the reminders a run on ``today`` would claim (four queries, however many rows).

    Queries: open requests with a due date within reach; supporting units (only when they are
    reminded); focal-point memberships with their users and preferences; the ledger's keys for
    those requests.
    """
    today = today or timezone.localdate()
    days_before = settings.REMINDER_DAYS_BEFORE
    horizon = today + datetime.timedelta(days=max(days_before, default=0))
    candidates = Request.objects.open().filter(due_date__isnull=False, due_date__lte=horizon)
    requests = {r.pk: r for r in candidates.select_related("lead_unit").order_by("due_date", "pk")}
    plan = ReminderPlan(today=today, requests=requests)
    if not requests:
        return plan

    units_of: dict[int, list[int]] = {pk: [r.lead_unit_id] for pk, r in requests.items()}
    if settings.REMINDER_SUPPORTING_UNITS:
        through = Request.supporting_units.through
        for request_id, unit_id in through.objects.filter(
            request_id__in=candidates.values("pk")
        ).values_list("request_id", "unit_id"):
            units_of[request_id].append(unit_id)
    unit_ids = {unit_id for ids in units_of.values() for unit_id in ids}
    focal_points: dict[int, list[User]] = defaultdict(list)
    memberships = (
        UnitMembership.objects.filter(
            unit_id__in=unit_ids, role=MembershipRole.FOCAL_POINT, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user", "user__reminder_preference")
        .order_by("user_id")
    )
    for membership in memberships:
        focal_points[membership.unit_id].append(membership.user)
    claimed = set(
        Reminder.objects.filter(request_id__in=candidates.values("pk")).values_list(
            "request_id", "recipient_id", "due_date", "days_before"
        )
    )

    for request in requests.values():
        due_date: datetime.date = request.due_date  # filtered above
        point = reminder_point(
            due_date=due_date,
            today=today,
            days_before=days_before,
            overdue_every=settings.REMINDER_OVERDUE_EVERY_DAYS,
        )
        if point is None:
            continue
        seen: set[int] = set()
        for unit_id in units_of[request.pk]:
            for user in focal_points.get(unit_id, []):
                if user.pk in seen:
                    continue
                seen.add(user.pk)
                item = PlannedReminder(request.pk, user.pk, due_date, point)
                if item.key in claimed or not _wants(user, point, today):
                    continue
                plan.items.append(item)
                plan.recipients[user.pk] = user
    return plan


def message_id_for(*, recipient_id: int, run_date: datetime.date, sequence: int) -> str:
    """The Message-ID of a digest, a function of its ledger key alone."""
    key = f"reminders:{recipient_id}:{run_date:%Y-%m-%d}:{sequence}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"<reminders.{run_date:%Y%m%d}.{recipient_id}.{sequence}.{digest}@{mail_domain()}>"


def mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


@transaction.atomic
def claim_reminders(*, plan: ReminderPlan, now: datetime.datetime | None = None) -> list[int]:
    """Step 2: record the planned reminders in the ledger; return the new digests' ids.

    The recipients' user rows are locked first, so two runs at once claim one after the other;
    the second finds the first's rows and claims nothing. A digest already created today gets
    no new reminder (it may have been sent): new ones go into a digest with the next sequence.
    """
    now = now or timezone.now()
    grouped = plan.by_recipient()
    if not grouped:
        return []
    recipient_ids = sorted(grouped)
    list(
        User.objects.select_for_update()
        .filter(pk__in=recipient_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    claimed = set(
        Reminder.objects.filter(
            recipient_id__in=recipient_ids, request_id__in=[i.request_id for i in plan.items]
        ).values_list("request_id", "recipient_id", "due_date", "days_before")
    )
    last_sequence = dict(
        ReminderDigest.objects.filter(recipient_id__in=recipient_ids, run_date=plan.today)
        .values("recipient_id")
        .annotate(last=Max("sequence"))
        .values_list("recipient_id", "last")
    )
    digests: list[ReminderDigest] = []
    new_items: dict[int, list[PlannedReminder]] = {}
    for recipient_id in recipient_ids:
        items = [i for i in grouped[recipient_id] if i.key not in claimed]
        if not items:
            continue
        sequence = last_sequence.get(recipient_id, 0) + 1
        digests.append(
            ReminderDigest(
                recipient_id=recipient_id,
                run_date=plan.today,
                sequence=sequence,
                message_id=message_id_for(
                    recipient_id=recipient_id, run_date=plan.today, sequence=sequence
                ),
                created_at=now,
                next_attempt_at=now,
            )
        )
        new_items[recipient_id] = items
    ReminderDigest.objects.bulk_create(digests)
    Reminder.objects.bulk_create(
        [
            Reminder(
                request_id=item.request_id,
                recipient_id=item.recipient_id,
                due_date=item.due_date,
                days_before=item.days_before,
                point_date=item.due_date - datetime.timedelta(days=item.days_before),
                digest=digest,
                created_at=now,
            )
            for digest in digests
            for item in new_items[digest.recipient_id]
        ]
    )
    return [digest.pk for digest in digests]


def _when(due_date: datetime.date, run_date: datetime.date) -> str:
    days = (due_date - run_date).days
    if days > 0:
        return ngettext("due tomorrow", "due in %(days)d days", days) % {"days": days}
    if days == 0:
        return _("due today")
    return ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days}


def build_digest_message(
    digest: ReminderDigest, reminders: list[Reminder]
) -> EmailMultiAlternatives:
    """The digest e-mail, plain text and HTML, grouped by due date; a function of the ledger
    rows and the requests they name, so every attempt sends the same message."""
    groups: dict[datetime.date, list[dict[str, object]]] = defaultdict(list)
    overdue = 0
    for reminder in sorted(reminders, key=lambda r: (r.due_date, r.request.reference)):
        request = reminder.request
        overdue += reminder.due_date < digest.run_date
        groups[reminder.due_date].append(
            {
                "reference": request.reference,
                "title": request.title,
                "lead_unit": request.lead_unit.acronym,
                "status": request.get_status_display(),
                "url": settings.SITE_URL
                + reverse("admin:mandates_request_change", args=[request.pk]),
            }
        )
    context = {
        "recipient": digest.recipient,
        "run_date": long_date(digest.run_date),
        "count": len(reminders),
        "overdue": overdue,
        "groups": [
            {"date": long_date(day), "when": _when(day, digest.run_date), "items": items}
            for day, items in groups.items()
        ],
        "preferences_note": _(
            "You receive this because you are a focal point of the lead unit. You can choose a "
            "weekly digest or overdue reminders only in your reminder preferences."
        ),
    }
    subject = ngettext(
        "ssrtracker: %(count)d request to follow up (%(date)s)",
        "ssrtracker: %(count)d requests to follow up (%(date)s)",
        len(reminders),
    ) % {"count": len(reminders), "date": long_date(digest.run_date)}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reports/email/reminder_digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.recipient.email],
        headers={
            "Message-ID": digest.message_id,
            "Date": format_datetime(digest.created_at),
            "X-Ssrtracker-Reminders": ",".join(str(r.pk) for r in reminders),
        },
    )
    message.attach_alternative(
        render_to_string("reports/email/reminder_digest.html", context), "text/html"
    )
    return message


def backoff(attempts: int) -> datetime.timedelta:
    """Wait before attempt ``attempts + 1``: the base delay doubled each time, at most a day."""
    base = datetime.timedelta(seconds=settings.REMINDER_RETRY_BACKOFF_SECONDS)
    return min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def deliver_digest(
    *, digest_id: int, now: datetime.datetime | None = None, force: bool = False
) -> Delivery:
    """Step 3: send one digest and mark it sent, in one transaction holding its row lock.

    Another worker holding the lock makes this return ``BUSY`` at once (``SKIP LOCKED``); a
    digest already sent is never sent again. ``force`` ignores the backoff (admin "send now").
    """
    now = now or timezone.now()
    with transaction.atomic():
        digest = (
            ReminderDigest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=digest_id)
            .first()
        )
        if digest is None:
            return Delivery.BUSY
        if digest.status == DeliveryStatus.SENT:
            return Delivery.ALREADY_SENT
        if not force and digest.next_attempt_at > now:
            return Delivery.NOT_DUE
        reminders = list(digest.reminders.select_related("request", "request__lead_unit"))
        digest.attempts += 1
        try:
            build_digest_message(digest, reminders).send()
        except (smtplib.SMTPException, OSError) as exc:
            digest.status = DeliveryStatus.FAILED
            digest.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            digest.next_attempt_at = now + backoff(digest.attempts)
            digest.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
            logger.warning("Reminder e-mail %s failed: %s", digest.message_id, digest.last_error)
            return Delivery.FAILED
        digest.status = DeliveryStatus.SENT
        digest.sent_at = timezone.now()
        digest.save(update_fields=["status", "attempts", "sent_at"])
        return Delivery.SENT


def due_digest_ids(*, now: datetime.datetime | None = None, limit: int = 1000) -> list[int]:
    """Unsent digests whose next attempt is due, oldest first."""
    now = now or timezone.now()
    return list(
        ReminderDigest.objects.exclude(status=DeliveryStatus.SENT)
        .filter(next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def retry_due_digests(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Deliver every unsent digest whose next attempt is due (failed ones, and pending ones a
    crashed run left behind)."""
    counts: dict[str, int] = defaultdict(int)
    for digest_id in due_digest_ids(now=now):
        counts[deliver_digest(digest_id=digest_id, now=now).value] += 1
    return dict(counts)


def send_reminders(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> RunResult:
    """One reminder run: plan, claim, then deliver every due digest (this run's and any an
    earlier, interrupted run left unsent)."""
    today = today or timezone.localdate()
    plan = plan_reminders(today=today)
    digest_ids = claim_reminders(plan=plan, now=now)
    result = RunResult(
        today=today,
        claimed_reminders=Reminder.objects.filter(digest_id__in=digest_ids).count(),
        claimed_digests=len(digest_ids),
    )
    result.deliveries = retry_due_digests(now=now)
    return result
