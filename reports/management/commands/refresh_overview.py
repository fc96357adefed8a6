"""Recount the dashboards' overview once, by hand, as the job does: ``refresh_overview``."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reports import overview


class Command(BaseCommand):
    help = (
        "Recount the overview's figures now, as the job does every few minutes: the unfiltered "
        "overview and every selection viewed in the last day; drop the ones nobody viewed."
    )

    def handle(self, *args, **options) -> None:
        done = overview.refresh()
        self.stdout.write(
            self.style.SUCCESS(
                f"Recounted {done['recounted']} overview(s), dropped {done['dropped']}."
            )
        )
