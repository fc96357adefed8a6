"""``manage.py restore FILE``: replace the database with a backup and bring back its files (see
SECURITY.md, "Backups")."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from ssrtracker.backups import BackupError, Checked, checked_backup, restore_dump, restore_files
from ssrtracker.env import database_from_url


class Command(BaseCommand):
    help = (
        "Replace everything in the database with the backup in FILE (made by `manage.py "
        "backup`), then write the backup's files that the file storage lacks or holds with other "
        "contents. The whole backup is checked against its manifest first; a damaged one "
        "changes nothing. --database-url restores into another database instead, e.g. a scratch "
        "database to check a backup; the files are then left alone unless --files-into names a "
        "folder for them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to restore.")
        parser.add_argument(
            "--database-url",
            help="Restore into this database (postgres://... or sqlite:///...) instead of "
            "DATABASE_URL's. A PostgreSQL database must already exist. The files are checked "
            "but not written, unless --files-into is given.",
        )
        parser.add_argument(
            "--files-into",
            type=Path,
            metavar="FOLDER",
            help="Write the files into this folder instead of the file storage (FILE_STORAGE).",
        )
        parser.add_argument(
            "--delete-other-files",
            action="store_true",
            help="Also delete the files of the storage that the backup does not hold (by "
            "default they are kept, and counted).",
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
        storage = self._storage(options)
        try:
            with checked_backup(database, path) as checked:
                self._restore(checked, database, storage, options)
        except BackupError as exc:
            raise CommandError(str(exc)) from None

    def _storage(self, options: dict[str, Any]) -> Storage | None:
        if options["files_into"]:
            folder = Path(options["files_into"])
            if not folder.is_dir():
                raise CommandError(f"The folder {folder} does not exist.")
            return FileSystemStorage(location=folder)
        return None if options["database_url"] else default_storage

    def _restore(
        self,
        checked: Checked,
        database: dict[str, Any],
        storage: Storage | None,
        options: dict[str, Any],
    ) -> None:
        path = checked.path
        if not options["yes"] and not (sys.stdin.isatty() and self._confirm(database)):
            raise CommandError("Restore cancelled (confirm, or pass --yes); nothing was changed.")
        if not options["database_url"]:
            connections["default"].close()
        try:
            restore_dump(database, checked.dump)
        except BackupError as exc:
            raise CommandError(f"{exc}\nThe database was not changed.") from None
        self.stdout.write(f"Restored {path} into {database['NAME']}.")
        if checked.manifest is None:
            self.stdout.write(
                "This backup holds the database only (an earlier format): no file was touched."
            )
            return
        if storage is None:
            self.stdout.write(
                f"The backup's {len(checked.files)} files match its manifest; they were not "
                "written (--database-url without --files-into)."
            )
            return
        try:
            done = restore_files(checked, storage, delete_others=options["delete_other_files"])
        except Exception as exc:  # the storage's own errors (disk, network, permissions)
            raise CommandError(
                f"The database was restored, but writing the files stopped: {exc}\n"
                "Run the same restore again to finish them."
            ) from None
        self.stdout.write(
            f"Files: {len(done.written)} written, {done.unchanged} already there and unchanged."
        )
        if done.deleted:
            self.stdout.write(f"{len(done.deleted)} files not in the backup were deleted.")
        if done.others_kept:
            self.stdout.write(
                f"{len(done.others_kept)} files not in the backup were kept "
                "(--delete-other-files deletes them)."
            )

    def _confirm(self, database: dict[str, Any]) -> bool:
        answer = input(
            f"This replaces everything in {database['NAME']} with the backup (and brings back "
            "its files). Type 'yes' to go on: "
        )
        return answer.strip().lower() == "yes"
