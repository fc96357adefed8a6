"""Backing up and restoring the whole database (the ``backup`` and ``restore`` commands).

PostgreSQL goes through ``pg_dump --format=custom`` and ``pg_restore`` (the client tools must be
on the PATH, of the server's major version or newer); SQLite through its online backup API,
which copies a consistent snapshot even while the app writes.

A backup is written to a temporary file next to the target and renamed when complete, so an
interrupted backup never leaves a file that looks whole. A PostgreSQL restore runs in one
transaction: if it fails, the target database is left as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3

# Reviewed (bandit B404, B603; ruff S603): pg_dump and pg_restore are run from their full path
# with an argument list built here (no shell); only file and database names vary.
import subprocess  # nosec B404
from pathlib import Path
from typing import Any

SQLITE = "django.db.backends.sqlite3"
POSTGRESQL = "django.db.backends.postgresql"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def _engine(database: dict[str, Any]) -> str:
    engine = str(database["ENGINE"])
    if engine not in {SQLITE, POSTGRESQL}:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")
    return engine


def _pg_env(database: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for ``database`` (the password never appears on a command line)."""
    env = dict(os.environ)
    for variable, key in [
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ]:
        if database.get(key):
            env[variable] = str(database[key])
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed or not on the PATH (PostgreSQL client tools).")
    return path


def _run(command: list[str], database: dict[str, Any]) -> None:
    # Reviewed (bandit B404, B603; ruff S603): pg_dump and pg_restore are run from their full
    # path with an argument list built here (no shell); only file and database names vary.
    result = subprocess.run(  # noqa: S603  # nosec B603
        command, env=_pg_env(database), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.returncode}")


def backup_database(database: dict[str, Any], path: Path, *, connection: Any = None) -> None:
    """Write a backup of ``database`` (a ``DATABASES`` entry) to ``path``.

    For SQLite, ``connection`` (an open ``sqlite3.Connection``) is used when given, so that an
    in-memory database can be backed up too.
    """
    engine = _engine(database)
    path = Path(path)
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    partial = path.with_name(f".{path.name}.partial")
    try:
        if engine == POSTGRESQL:
            _run(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={partial}",
                ],
                database,
            )
        else:
            source = connection or sqlite3.connect(str(database["NAME"]))
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
            finally:
                target.close()
                if connection is None:
                    source.close()
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def check_backup(database: dict[str, Any], path: Path) -> None:
    """Fail with a clear message unless ``path`` is a readable backup for ``database``'s engine."""
    engine = _engine(database)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no file {path}.")
    if engine == POSTGRESQL:
        try:
            _run([_tool("pg_restore"), "--list", str(path)], database)
        except BackupError:
            message = f"{path} is not a PostgreSQL backup made by the backup command."
            raise BackupError(message) from None
        return
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as snapshot:
            (status,) = snapshot.execute("PRAGMA integrity_check").fetchone()
            migrated = snapshot.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
    except sqlite3.DatabaseError:
        migrated, status = None, "ok"
    if status != "ok":
        raise BackupError(f"{path} is damaged: {status}")
    # An empty or foreign file opens as an empty SQLite database: restoring it would wipe
    # everything, so a backup must hold the app's tables.
    if migrated is None:
        raise BackupError(f"{path} is not an SQLite backup made by the backup command.")


def restore_database(database: dict[str, Any], path: Path) -> None:
    """Replace everything in ``database`` with the backup at ``path``."""
    check_backup(database, path)
    if _engine(database) == POSTGRESQL:
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={database['NAME']}",
                str(path),
            ],
            database,
        )
        return
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = sqlite3.connect(str(database["NAME"]))
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
