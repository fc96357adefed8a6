"""Run the deadline reminders once, by hand: ``send_reminders --today 2021-09-23 [--dry-run]``."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mandates.progress import Progress
from reports import reminders
from reports.periods import long_date


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today {value!r} is not a date: use YYYY-MM-DD.") from None


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
        plan = reminders.plan_reminders(today=today)
        grouped = plan.by_recipient()
        self.stdout.write(
            f"{long_date(today)}: {len(plan.items)} new reminders for {len(grouped)} people."
        )
        if options["dry_run"]:
            for recipient_id, items in grouped.items():
                user = plan.recipients[recipient_id]
                self.stdout.write(f"  {user.get_username()} <{user.email}>")
                for item in items:
                    request = plan.requests[item.request_id]
                    self.stdout.write(
                        f"    {item.due_date:%Y-%m-%d} ({item.days_before:+d} days) "
                        f"{request.reference}: {request.title}"
                    )
            self.stdout.write("Dry run: nothing recorded, nothing sent.")
            return

        digest_ids = reminders.claim_reminders(plan=plan)
        due = reminders.due_digest_ids()
        self.stdout.write(
            f"Claimed {len(digest_ids)} e-mails; {len(due)} to send (with earlier unsent ones)."
        )
        counts: dict[str, int] = {}
        progress = Progress(len(due), label="reminders ")
        for digest_id in due:
            outcome = reminders.deliver_digest(digest_id=digest_id)
            counts[outcome.value] = counts.get(outcome.value, 0) + 1
            progress.advance(outcome.value)
        summary = (
            ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "nothing to send"
        )
        self.stdout.write(self.style.SUCCESS(f"Done: {summary}."))
