"""Compile a periodic summary by hand: ``compile_summary --period 2021-Q3 [--dry-run]
[--recompile] [--no-email]``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reports import summaries
from reports.periods import QUARTERLY, Period
from ssrtracker.jobs import Skipped
from ssrtracker.progressbar import Progress


def _period(value: str) -> Period:
    try:
        return Period.parse(value)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = (
        "Compile the summary of a week (2021-W38), month (2021-09) or quarter (2021-Q3) and "
        "e-mail it to the managers, once; --recompile compiles an existing one again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period",
            type=_period,
            help="2021-Q3, 2021-09 or 2021-W38 (default: the last complete quarter).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the summary; store and send nothing."
        )
        parser.add_argument(
            "--recompile", action="store_true", help="Compile again a summary already compiled."
        )
        parser.add_argument("--no-email", action="store_true", help="Store it but send nothing.")

    def handle(self, *args, **options) -> None:
        period: Period = options["period"] or Period.last_complete(QUARTERLY, timezone.localdate())
        progress = Progress(3, label=f"{period.code} ")
        if options["dry_run"]:
            data = summaries.compile_data(period)
            progress.advance("compiled")
            _title, _html, text = summaries.render(data)
            progress.advance("rendered")
            progress.advance("not stored (dry run)")
            self.stdout.write(text)
            return
        summary, compiled = summaries.summary_compile(period=period, recompile=options["recompile"])
        progress.advance("compiled" if compiled else "already compiled")
        progress.advance("stored")
        sent = 0
        skipped = Skipped("summaries")
        if not options["no_email"]:
            try:
                sent = summaries.summary_send(summary_id=summary.pk, skipped=skipped)
            except summaries.SummaryDeliveryFailed as exc:
                raise CommandError(f"The summary is stored but the e-mail failed: {exc}") from exc
        progress.advance(f"e-mailed to {sent}" if sent else "not e-mailed")
        state = "compiled" if compiled else "already compiled (use --recompile to compile again)"
        self.stdout.write(self.style.SUCCESS(f"{summary}: {state}; e-mailed to {sent} managers."))
        if skipped:
            self.stdout.write(self.style.WARNING(f"{skipped}."))
