"""Load the seed data in fixtures/ (idempotent: a second run changes nothing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mandates.seed import DEFAULT_FIXTURES_DIR, SeedError, load_seed


class Command(BaseCommand):
    help = (
        "Load resolutions 2151 and 2553 (and their drafts), the 2008 Secretary-General report, "
        "missions, units, requests and benchmarks from fixtures/. Safe to run again: reference "
        "data is brought in line with the files, requests and benchmarks staff already have are "
        "left as they are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir",
            type=Path,
            default=DEFAULT_FIXTURES_DIR,
            help="Directory holding the seed files (default: the project's fixtures/).",
        )

    def handle(self, *args, **options) -> None:
        verbose = options["verbosity"] >= 1

        def progress(message: str) -> None:
            if verbose:
                self.stdout.write(f"  {message}")

        try:
            report = load_seed(options["dir"], progress=progress)
        except SeedError as exc:
            raise CommandError(f"{exc}\nNothing was loaded.") from None
        if not verbose:
            return
        for line in report.lines():
            self.stdout.write(line)
        if report.changed:
            self.stdout.write(self.style.SUCCESS("Seed data loaded."))
        else:
            self.stdout.write(self.style.SUCCESS("Seed data already loaded: nothing changed."))
