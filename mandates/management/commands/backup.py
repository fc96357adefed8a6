"""``manage.py backup FILE``: a backup of the database and of the stored files (see SECURITY.md,
"Backups")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from ssrtracker.backups import SQLITE, BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a backup to FILE: one tar archive holding the database (pg_dump's custom format "
        "for PostgreSQL, a consistent copy for SQLite), every file of the file storage "
        "(FILE_STORAGE) and a manifest of their checksums. Restore it with `manage.py restore "
        "FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to write.")
        parser.add_argument(
            "--force", action="store_true", help="Overwrite FILE if it already exists."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if path.exists() and not options["force"]:
            raise CommandError(f"{path} already exists; choose another name or pass --force.")
        connection = connections["default"]
        raw = None
        if connection.settings_dict["ENGINE"] == SQLITE:
            connection.ensure_connection()
            raw = connection.connection
        try:
            manifest = backup(connection.settings_dict, default_storage, path, connection=raw)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backup written to {path} ({path.stat().st_size} bytes): the database and "
            f"{len(manifest.files)} files."
        )
