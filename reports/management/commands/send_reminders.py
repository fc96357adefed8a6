"""Run the deadline reminders once, by hand: ``send_reminders --today 2021-09-23 [--dry-run]``."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mandates.models import Request
from reports import reminders
from reports.periods import long_date
from ssrtracker.jobs import Skipped
from ssrtracker.limits import parse_date

NOTHING_NEW = "No new reminders to send."


def _count(n: int, singular: str, plural: str) -> str:
    """``1 reminder``, ``2 reminders``: digits, so a count reads the same in every line."""
    return f"{n} {singular if n == 1 else plural}"


def _date(value: str) -> datetime.date:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise CommandError(f"--today: {exc}") from None


def dry_run_line(due_date: datetime.date, request: Request, *, today: datetime.date) -> str:
    """One reminder as the dry run shows it; its "2 days overdue" is the e-mail's own words
    (:func:`reports.reminders.due_phrase`, from the same day)."""
    when = reminders.due_phrase(due_date, today=today)
    return f"{due_date:%Y-%m-%d} ({when}) {request.reference}: {request.title}"


class Command(BaseCommand):
    help = (
        "Send the deadline reminders due on a day (today by default) as the daily job does: "
        "each reminder once, one digest e-mail per person."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=_date, help="Run as if today were YYYY-MM-DD.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show who would receive what; send nothing."
        )

    def handle(self, *args, **options) -> None:
        today: datetime.date = options["today"] or timezone.localdate()
        if options["dry_run"]:
            self._dry_run(today)
            return
        # The daily job's service, and nothing else: claim, queue in the outbox, send.
        result = reminders.send_reminders(today=today)
        if result.claimed_reminders:
            self.stdout.write(
                f"{long_date(today)}: "
                f"{_count(result.claimed_reminders, 'new reminder', 'new reminders')} in "
                f"{_count(result.claimed_digests, 'e-mail', 'e-mails')}."
            )
        else:
            self.stdout.write(f"{long_date(today)}: {NOTHING_NEW}")
        if result.skipped:
            self.stdout.write(self.style.WARNING(f"{result.skipped}."))
        done = (
            ", ".join(f"{n} {what}" for what, n in sorted(result.deliveries.items()))
            or "nothing to send"
        )
        self.stdout.write(self.style.SUCCESS(f"Done: {done}."))
        for line in result.failed.lines():
            self.stdout.write(self.style.WARNING(f"Not sent: {line}."))

    def _dry_run(self, today: datetime.date) -> None:
        reminder_count = people = 0
        skipped = Skipped("reminders")
        for recipient_ids in reminders.recipient_batches():
            planned = self._show(today, recipient_ids, skipped)
            reminder_count += sum(planned.values())
            people += len(planned)
        if reminder_count:
            self.stdout.write(
                f"{long_date(today)}: {_count(reminder_count, 'reminder', 'reminders')} for "
                f"{_count(people, 'person', 'people')}."
            )
        else:
            self.stdout.write(f"{long_date(today)}: {NOTHING_NEW}")
        if skipped:
            self.stdout.write(self.style.WARNING(f"{skipped}."))
        self.stdout.write("Dry run: nothing recorded, nothing sent.")

    def _show(
        self, today: datetime.date, recipient_ids: list[int], skipped: Skipped
    ) -> dict[int, int]:
        """Print what a batch of people would receive; return how many reminders each."""
        by_person: dict[int, list[reminders.PlannedReminder]] = defaultdict(list)
        for items in reminders.plan_reminders(
            today=today, recipient_ids=recipient_ids, skipped=skipped
        ):
            for item in items:
                by_person[item.recipient_id].append(item)
        users = User.objects.in_bulk(list(by_person))
        requests = Request.objects.in_bulk(
            {item.request_id for items in by_person.values() for item in items}
        )
        for recipient_id, items in by_person.items():
            user = users[recipient_id]
            self.stdout.write(f"  {user.get_username()} <{user.email}>")
            for item in sorted(items, key=lambda i: (i.due_date, i.request_id)):
                request = requests[item.request_id]
                self.stdout.write(f"    {dry_run_line(item.due_date, request, today=today)}")
        return {recipient_id: len(items) for recipient_id, items in by_person.items()}
