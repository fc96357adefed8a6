"""``manage.py restore FILE``: replace the database with a backup (see SECURITY.md, "Backups")."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from ssrtracker.backups import BackupError, check_backup, restore_database
from ssrtracker.env import database_from_url


class Command(BaseCommand):
    help = (
        "Replace everything in the database with the backup in FILE (made by `manage.py "
        "backup`). --database-url restores into another database instead, e.g. a scratch "
        "database to check a backup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to restore.")
        parser.add_argument(
            "--database-url",
            help="Restore into this database (postgres://... or sqlite:///...) instead of "
            "DATABASE_URL's. A PostgreSQL database must already exist.",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Do not ask for confirmation (the target's current data is lost).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if options["database_url"]:
            try:
                database = database_from_url(options["database_url"], conn_max_age=0)
            except Exception as exc:  # ImproperlyConfigured with a readable message
                raise CommandError(str(exc)) from None
        else:
            database = connections["default"].settings_dict
        try:
            check_backup(database, path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if not options["yes"] and not (sys.stdin.isatty() and self._confirm(database)):
            raise CommandError("Restore cancelled (confirm, or pass --yes); nothing was changed.")
        if not options["database_url"]:
            connections["default"].close()
        try:
            restore_database(database, path)
        except BackupError as exc:
            raise CommandError(f"{exc}\nThe database was not changed.") from None
        self.stdout.write(f"Restored {path} into {database['NAME']}.")

    def _confirm(self, database: dict[str, Any]) -> bool:
        answer = input(
            f"This replaces everything in {database['NAME']} with the backup. Type 'yes' to go on: "
        )
        return answer.strip().lower() == "yes"
