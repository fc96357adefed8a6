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
from reports.prose import counted
from ssrtracker.jobs import Skipped
from ssrtracker.limits import parse_date
from ssrtracker.progressbar import Progress


def _date(value: str) -> datetime.date:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise CommandError(f"--today: {exc}") from None


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
        dry_run: bool = options["dry_run"]
        reminder_count = people = digests = 0
        skipped = Skipped("reminders")
        progress = Progress(reminders.recipient_count(), label="planning ")
        for recipient_ids in reminders.recipient_batches():
            if dry_run:
                planned = self._show(today, recipient_ids, skipped)
                reminder_count += sum(planned.values())
                people += len(planned)
            else:
                claim = reminders.claim_reminders(
                    today=today, recipient_ids=recipient_ids, skipped=skipped
                )
                reminder_count += claim.reminders
                digests += len(claim.digest_ids)
                people += len(claim.digest_ids)
            progress.advance(f"{reminder_count} reminders", by=len(recipient_ids))
        self.stdout.write(
            f"{long_date(today)}: {counted(reminder_count, 'new reminder')} for "
            f"{counted(people, 'person', 'people')}."
        )
        if skipped:
            self.stdout.write(self.style.WARNING(f"{skipped}."))
        if dry_run:
            self.stdout.write("Dry run: nothing recorded, nothing sent.")
            return

        due = reminders.due_digest_ids()
        self.stdout.write(
            f"Claimed {counted(digests, 'e-mail')}; {len(due)} to send (with earlier unsent ones)."
        )
        counts: dict[str, int] = {}
        failures = Skipped("reminder e-mails", log=False)
        progress = Progress(len(due), label="reminders ")
        for digest_id in due:
            outcome = reminders.deliver_digest(digest_id=digest_id, failures=failures)
            counts[outcome.value] = counts.get(outcome.value, 0) + 1
            progress.advance(outcome.value)
        summary = (
            ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "nothing to send"
        )
        self.stdout.write(self.style.SUCCESS(f"Done: {summary}."))
        for line in failures.lines():
            self.stdout.write(self.style.WARNING(f"Not sent: {line}."))

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
                self.stdout.write(
                    f"    {item.due_date:%Y-%m-%d} ({item.days_before:+d} days) "
                    f"{request.reference}: {request.title}"
                )
        return {recipient_id: len(items) for recipient_id, items in by_person.items()}
