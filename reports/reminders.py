"""Deadline reminders: plan, claim in the ledger, then send one digest e-mail per person.

Exactly once, in three steps (each safe to repeat, by a second run, a second scheduler, a retried
message or a restarted worker):

1. **Plan** (read only): for every open request with a due date, the latest reminder point
   reached today (:func:`reports.periods.reminder_point`) for each focal point of its lead unit
   (and of its supporting units when ``REMINDER_SUPPORTING_UNITS`` is on), minus what the
   ledger already holds and what the person opted out of.
2. **Claim** (one transaction per batch of people, their rows locked, then planned): insert one
   :class:`ReminderDigest` per person and one :class:`Reminder` per planned point under the
   ledger's unique constraint. A reminder belongs to exactly one digest from then on, and a
   digest's content and Message-ID never change.
   Each digest is put in the outbox (:mod:`mandates.integration.outbox`) in the same
   transaction, under a key of its own, so it is queued exactly once.
3. **Deliver**: the run then drains the outbox's reminder e-mails (this run's and any an
   earlier, interrupted run left unsent); the outbox sends each one in a transaction holding its
   row lock (``SKIP LOCKED``) and marks it sent in the same transaction. A crash after the SMTP
   server accepted the message but before the commit leaves it pending; it is sent again later
   with the same Message-ID, so the receiving side sees one message twice at worst, never two
   different messages for one reminder, and nothing is lost. An SMTP error is retried by the
   outbox with a growing backoff (the ``OUTBOX_*`` settings), also by its every-minute sweep.

A bad row does not stop the run (:mod:`ssrtracker.jobs`): a request whose due date lies outside
the dates the app accepts, or whose reminder point does not fit the ledger's column, is skipped
in step 1 and named in the run's result; an e-mail whose recipient has no valid address fails
in step 3 like an SMTP error (kept, retried with backoff, sent once the address is fixed).

Steps 1 and 2 run for ``REMINDER_BATCH_SIZE`` people at a time, reading their requests
:data:`CHUNK_SIZE` at a time, and step 3 one digest at a time, naming at most
``REMINDER_DIGEST_LIMIT`` requests: a run's memory does not grow with the number of requests or
people.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import format_datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Max, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mandates.choices import MembershipRole, OutboxKind
from mandates.integration import outbox
from mandates.models import OutboxMessage, Request, UnitMembership
from reports.choices import DigestFrequency
from reports.models import Reminder, ReminderDigest
from reports.periods import long_date, reminder_point
from ssrtracker.jobs import ROW_ERRORS, BadRow, Skipped, check_date, reason

logger = logging.getLogger(__name__)

#: What the ledger's ``days_before`` column (a smallint) holds, on every database; a point
#: outside it is never computed into a row.
DAYS_BEFORE_RANGE = BaseDatabaseOperations.integer_field_ranges["SmallIntegerField"]

#: Requests a run reads at a time while planning a batch of people.
CHUNK_SIZE = 500


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
class Claim:
    """What claiming a batch of people recorded: the new digests and how many reminders."""

    digest_ids: list[int] = field(default_factory=list)
    reminders: int = 0


@dataclass
class RunResult:
    """What one run did; its text is the task's result. ``skipped`` names the requests it
    could not plan and ``failed`` the e-mails it could not send, with the reasons."""

    today: datetime.date
    claimed_reminders: int = 0
    claimed_digests: int = 0
    deliveries: dict[str, int] = field(default_factory=dict)
    skipped: Skipped = field(default_factory=lambda: Skipped("reminders"))
    failed: Skipped = field(default_factory=lambda: Skipped("reminder e-mails", log=False))

    def __str__(self) -> str:
        done = ", ".join(f"{n} {what}" for what, n in sorted(self.deliveries.items())) or "none"
        text = (
            f"{self.today:%Y-%m-%d}: {self.claimed_reminders} new reminders in "
            f"{self.claimed_digests} e-mails; deliveries: {done}"
        )
        if self.failed:
            text += f"; not sent: {', '.join(self.failed.lines())}"
        if self.skipped:
            text += f"; {self.skipped}"
        return text


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


def _focal_points() -> QuerySet[UnitMembership]:
    """Memberships that receive reminders: focal points, active, with an e-mail address."""
    return UnitMembership.objects.filter(
        role=MembershipRole.FOCAL_POINT, user__is_active=True
    ).exclude(user__email="")


def recipient_count() -> int:
    """How many people a run considers (for a progress bar)."""
    return _focal_points().values("user_id").distinct().count()


def recipient_batches(*, size: int | None = None) -> Iterator[list[int]]:
    """The ids of the people who can receive reminders, ascending, ``size`` at a time
    (``REMINDER_BATCH_SIZE`` by default); one query per batch, resuming after the last id."""
    size = size or settings.REMINDER_BATCH_SIZE
    last = 0
    while True:
        ids = list(
            _focal_points()
            .filter(user_id__gt=last)
            .order_by("user_id")
            .values_list("user_id", flat=True)
            .distinct()[:size]
        )
        if ids:
            yield ids
        if len(ids) < size:
            return
        last = ids[-1]


def _focal_points_by_unit(recipient_ids: list[int]) -> dict[int, list[User]]:
    focal_points: dict[int, list[User]] = defaultdict(list)
    for membership in (
        _focal_points()
        .filter(user_id__in=recipient_ids)
        .select_related("user", "user__reminder_preference")
        .order_by("user_id")
    ):
        focal_points[membership.unit_id].append(membership.user)
    return focal_points


def point_for(*, due_date: datetime.date, today: datetime.date) -> int | None:
    """The reminder point of a due date on ``today`` (:func:`reports.periods.reminder_point`),
    or :class:`~ssrtracker.jobs.BadRow` for a due date out of range or a point the ledger
    cannot hold."""
    check_date(due_date, "due date")
    point = reminder_point(
        due_date=due_date,
        today=today,
        days_before=settings.REMINDER_DAYS_BEFORE,
        overdue_every=settings.REMINDER_OVERDUE_EVERY_DAYS,
    )
    low, high = DAYS_BEFORE_RANGE
    if point is not None and not low <= point <= high:
        raise BadRow(f"reminder point {point} days does not fit the ledger")
    return point


def plan_reminders(
    *,
    today: datetime.date,
    recipient_ids: list[int],
    chunk_size: int = CHUNK_SIZE,
    skipped: Skipped | None = None,
) -> Iterator[list[PlannedReminder]]:
    """Step 1 for a batch of people: the reminders a run on ``today`` would claim for them, in
    lists of at most ``chunk_size`` requests' worth. A request whose reminder point cannot be
    worked out (:func:`point_for`) is left out and added to ``skipped``.

    Queries: the people's focal-point memberships with users and preferences; then per chunk
    of requests (open, with a due date within reach, in those people's units, read in id
    order), their supporting units (only when those are reminded) and the ledger's keys.
    """
    skipped = skipped if skipped is not None else Skipped("reminders")
    focal_points = _focal_points_by_unit(recipient_ids)
    if not focal_points:
        return
    unit_ids = list(focal_points)
    days_before = settings.REMINDER_DAYS_BEFORE
    horizon = today + datetime.timedelta(days=max(days_before, default=0))
    through = Request.supporting_units.through
    supporting = settings.REMINDER_SUPPORTING_UNITS
    reached = Q(lead_unit_id__in=unit_ids)
    if supporting:
        reached |= Q(pk__in=through.objects.filter(unit_id__in=unit_ids).values("request_id"))
    candidates = (
        Request.objects.open()
        .filter(reached, due_date__isnull=False, due_date__lte=horizon)
        .order_by("pk")
        .values_list("pk", "due_date", "lead_unit_id", "reference")
    )
    last = 0
    while True:
        chunk = list(candidates.filter(pk__gt=last)[:chunk_size])
        if not chunk:
            return
        last = chunk[-1][0]
        request_ids = [pk for pk, _due, _lead, _ref in chunk]
        units_of: dict[int, list[int]] = {pk: [lead] for pk, _due, lead, _ref in chunk}
        if supporting:
            for request_id, unit_id in through.objects.filter(
                request_id__in=request_ids, unit_id__in=unit_ids
            ).values_list("request_id", "unit_id"):
                units_of[request_id].append(unit_id)
        claimed = set(
            Reminder.objects.filter(request_id__in=request_ids, recipient_id__in=recipient_ids)
            .order_by()
            .values_list("request_id", "recipient_id", "due_date", "days_before")
        )
        items = []
        for request_id, due_date, _lead, reference in chunk:
            try:
                point = point_for(due_date=due_date, today=today)
            except ROW_ERRORS as exc:
                skipped.add(f"request {reference}", reason(exc))
                continue
            if point is None:
                continue
            seen: set[int] = set()
            for unit_id in units_of[request_id]:
                for user in focal_points.get(unit_id, []):
                    if user.pk in seen:
                        continue
                    seen.add(user.pk)
                    item = PlannedReminder(request_id, user.pk, due_date, point)
                    if item.key not in claimed and _wants(user, point, today):
                        items.append(item)
        if items:
            yield items
        if len(chunk) < chunk_size:
            return


def message_id_for(*, recipient_id: int, run_date: datetime.date, sequence: int) -> str:
    """The Message-ID of a digest, a function of its ledger key alone."""
    key = f"reminders:{recipient_id}:{run_date:%Y-%m-%d}:{sequence}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"<reminders.{run_date:%Y%m%d}.{recipient_id}.{sequence}.{digest}@{mail_domain()}>"


def mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def claim_reminders(
    *,
    today: datetime.date,
    recipient_ids: list[int],
    now: datetime.datetime | None = None,
    skipped: Skipped | None = None,
) -> Claim:
    """Step 2 for a batch of people: plan their reminders and record them in the ledger, in
    one transaction (the requests the plan skips go to ``skipped``).

    The people's user rows are locked first and the plan is read after, so of two runs at
    once the second waits, then finds the first's reminders in the ledger and claims nothing.
    A digest created by an earlier run today gets no new reminder (it may have been sent): new
    ones go into a digest with the next sequence, one per person and run.
    """
    now = now or timezone.now()
    claim = Claim()
    with transaction.atomic():
        list(
            User.objects.select_for_update()
            .filter(pk__in=recipient_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        digests: dict[int, ReminderDigest] = {}
        last_sequence: dict[int, int] | None = None
        for items in plan_reminders(today=today, recipient_ids=recipient_ids, skipped=skipped):
            newcomers = sorted({item.recipient_id for item in items} - digests.keys())
            if newcomers:
                if last_sequence is None:
                    last_sequence = dict(
                        ReminderDigest.objects.filter(
                            recipient_id__in=recipient_ids, run_date=today
                        )
                        .values("recipient_id")
                        .annotate(last=Max("sequence"))
                        .values_list("recipient_id", "last")
                    )
                created = [
                    _new_digest(recipient_id, today, last_sequence.get(recipient_id, 0) + 1, now)
                    for recipient_id in newcomers
                ]
                ReminderDigest.objects.bulk_create(created)
                _enqueue(created, now)
                digests.update((digest.recipient_id, digest) for digest in created)
            Reminder.objects.bulk_create(
                [
                    Reminder(
                        request_id=item.request_id,
                        recipient_id=item.recipient_id,
                        due_date=item.due_date,
                        days_before=item.days_before,
                        point_date=item.due_date - datetime.timedelta(days=item.days_before),
                        digest=digests[item.recipient_id],
                        created_at=now,
                    )
                    for item in items
                ]
            )
            claim.reminders += len(items)
        claim.digest_ids = [digest.pk for digest in digests.values()]
    return claim


def _enqueue(digests: list[ReminderDigest], now: datetime.datetime) -> None:
    """Put the new digests in the outbox and link each to its message (one insert, one update
    per digest, in the claim's transaction)."""
    emails = dict(
        User.objects.filter(pk__in=[d.recipient_id for d in digests]).values_list("pk", "email")
    )
    queued = {
        message.dedup_key: message
        for message in outbox.enqueue_many(
            [
                OutboxMessage(
                    kind=OutboxKind.REMINDER_DIGEST,
                    dedup_key=digest.outbox_key,
                    recipient=emails.get(digest.recipient_id, ""),
                    payload={"digest": digest.pk, "message_id": digest.message_id},
                )
                for digest in digests
            ],
            now=now,
        )
    }
    for digest in digests:
        digest.delivery = queued.get(digest.outbox_key)
    ReminderDigest.objects.bulk_update(digests, ["delivery"])


def _new_digest(
    recipient_id: int, run_date: datetime.date, sequence: int, now: datetime.datetime
) -> ReminderDigest:
    return ReminderDigest(
        recipient_id=recipient_id,
        run_date=run_date,
        sequence=sequence,
        message_id=message_id_for(recipient_id=recipient_id, run_date=run_date, sequence=sequence),
        created_at=now,
    )


def due_phrase(due_date: datetime.date, *, today: datetime.date) -> str:
    """How a due date stands on ``today``, as the digest e-mail and the dry run both say it:
    "2 days overdue", "due today", "due tomorrow", "due in 3 days"."""
    days = (due_date - today).days
    if days > 0:
        return ngettext("due tomorrow", "due in %(days)d days", days) % {"days": days}
    if days == 0:
        return _("due today")
    return ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days}


def build_digest_message(digest: ReminderDigest) -> EmailMultiAlternatives:
    """The digest e-mail, plain text and HTML, grouped by due date; a function of the ledger
    rows and the requests they name, so every attempt sends the same message.

    It names the first ``REMINDER_DIGEST_LIMIT`` requests by due date and says how many more
    there are, with a link to the person's requests in the admin; the ``X-Ssrtracker-Reminders``
    header lists every ledger row it carries. Three queries, however long the digest.
    """
    limit = settings.REMINDER_DIGEST_LIMIT
    carried = digest.reminders.order_by("pk")
    reminder_ids = list(carried.values_list("pk", flat=True))
    overdue = carried.filter(due_date__lt=digest.run_date).count()
    shown = carried.select_related("request", "request__lead_unit").order_by(
        "due_date", "request__reference", "pk"
    )[:limit]
    groups: dict[datetime.date, list[dict[str, object]]] = defaultdict(list)
    for reminder in shown:
        request = reminder.request
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
    count = len(reminder_ids)
    context = {
        "recipient": digest.recipient,
        "run_date": long_date(digest.run_date),
        "count": count,
        "overdue": overdue,
        "more": max(count - limit, 0),
        "more_url": settings.SITE_URL + reverse("admin:mandates_request_changelist") + "?mine=yes",
        "groups": [
            {"date": long_date(day), "when": due_phrase(day, today=digest.run_date), "items": items}
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
        count,
    ) % {"count": count, "date": long_date(digest.run_date)}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reports/email/reminder_digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.recipient.email],
        headers={
            "Message-ID": digest.message_id,
            "Date": format_datetime(digest.created_at),
            "X-Ssrtracker-Reminders": ",".join(map(str, reminder_ids)),
        },
    )
    message.attach_alternative(
        render_to_string("reports/email/reminder_digest.html", context), "text/html"
    )
    return message


def check_address(user: User) -> None:
    """Raise :class:`~ssrtracker.jobs.BadRow` unless ``user`` has an address mail can go to
    (it may have been deleted or spoiled since the reminders were claimed)."""
    if not user.email:
        raise BadRow("the recipient has no e-mail address")
    try:
        validate_email(user.email)
    except ValidationError:
        raise BadRow(f"{user.email!r} is not a valid e-mail address") from None


def send_digest_message(message: OutboxMessage) -> None:
    """The outbox's sender for reminder e-mails: build the digest's message from the ledger and
    send it. A recipient without a valid address fails like an SMTP error (retried)."""
    digest = (
        ReminderDigest.objects.select_related("recipient")
        .filter(pk=message.payload.get("digest"))
        .first()
    )
    if digest is None:
        raise outbox.GiveUp("The reminder e-mail no longer exists.")
    check_address(digest.recipient)
    build_digest_message(digest).send()


def send_reminders(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> RunResult:
    """One reminder run: plan and claim a batch of people at a time, then send every due
    reminder e-mail in the outbox (this run's and any an earlier, interrupted run left unsent).
    The requests skipped and the e-mails that failed are in the result, with the reasons."""
    today = today or timezone.localdate()
    result = RunResult(today=today)
    for recipient_ids in recipient_batches():
        claim = claim_reminders(
            today=today, recipient_ids=recipient_ids, now=now, skipped=result.skipped
        )
        result.claimed_digests += len(claim.digest_ids)
        result.claimed_reminders += claim.reminders
    result.deliveries = outbox.drain(
        now=now, kind=OutboxKind.REMINDER_DIGEST, failures=result.failed
    )
    return result
