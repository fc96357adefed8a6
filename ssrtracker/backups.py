"""Backing up and restoring the database and the stored files (the ``backup`` and ``restore``
commands).

A backup is one tar archive holding:

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite,
  a consistent snapshot taken with its online backup API, even while the app writes);
- ``files/NAME`` for every file of the default storage (``FILE_STORAGE``: ``MEDIA_ROOT``, an S3
  bucket or an Azure container), walked through the storage API; import previews, kept an hour
  at most, are left out;
- ``manifest.json``, last: the format and its version, when and from which engine the backup
  was made, the app's version, and each member's name, size and SHA-256.

The archive is written to a temporary file next to the target and renamed when complete, so an
interrupted backup never leaves a file that looks whole. A restore checks the manifest and every
checksum before it touches anything; then it restores the database (PostgreSQL in one
transaction: if it fails, the database is left as it was) and writes the files that are missing
or different. Files of the storage that the backup does not hold are kept unless asked
otherwise. A database-only backup of the earlier format (a bare dump or SQLite file) is still
restored, database only.

PostgreSQL needs its client tools (``pg_dump``, ``pg_restore``) on the PATH, of the server's
major version or newer.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3

# Reviewed (bandit B404, B603; ruff S603): pg_dump and pg_restore are run from their full path
# with an argument list built here (no shell); only file and database names vary.
import subprocess  # nosec B404
import tarfile
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage

SQLITE = "django.db.backends.sqlite3"
POSTGRESQL = "django.db.backends.postgresql"

#: What ``manifest.json`` says it is, and the version of its layout this code reads and writes.
FORMAT = "ssrtracker-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES = "files/"
#: The dump's name in the archive, per engine.
DUMPS = {POSTGRESQL: "database.dump", SQLITE: "database.sqlite3"}
ENGINE_NAMES = {POSTGRESQL: "postgresql", SQLITE: "sqlite"}
#: Folders of the storage a backup leaves out: transient files (mandates.imports.pending).
SKIPPED_PREFIXES = ("import-previews/",)
_CHUNK = 1024 * 1024
_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


@dataclass(frozen=True)
class Member:
    """A file of the archive, as the manifest lists it."""

    name: str
    size: int
    sha256: str

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "size": self.size, "sha256": self.sha256}


@dataclass
class Manifest:
    engine: str
    created_at: str
    database: Member
    files: list[Member] = field(default_factory=list)
    app_version: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "engine": ENGINE_NAMES[self.engine],
            "app_version": self.app_version,
            "database": self.database.as_json(),
            "files": [member.as_json() for member in self.files],
        }


@dataclass
class Checked:
    """A backup whose manifest and checksums were checked (:func:`checked_backup`).

    ``dump`` is the database dump, extracted to a temporary folder for an archive (the backup
    itself for a database-only backup of the earlier format, whose ``manifest`` is None).
    """

    path: Path
    dump: Path
    manifest: Manifest | None

    @property
    def files(self) -> list[Member]:
        return self.manifest.files if self.manifest else []


@dataclass
class FilesRestored:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    #: Files of the storage the backup does not hold: deleted, or kept and counted.
    deleted: list[str] = field(default_factory=list)
    others_kept: list[str] = field(default_factory=list)


# --- The database ----------------------------------------------------------------------------


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


def dump_database(database: dict[str, Any], path: Path, *, connection: Any = None) -> None:
    """Write the database alone to ``path``: pg_dump's custom format, or an SQLite snapshot.

    For SQLite, ``connection`` (an open ``sqlite3.Connection``) is used when given, so that an
    in-memory database can be backed up too.
    """
    if _engine(database) == POSTGRESQL:
        _run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={path}",
            ],
            database,
        )
        return
    source = connection or sqlite3.connect(str(database["NAME"]))
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()
        if connection is None:
            source.close()


def check_dump(database: dict[str, Any], path: Path) -> None:
    """Fail with a clear message unless ``path`` is a readable dump for ``database``'s engine."""
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


def restore_dump(database: dict[str, Any], path: Path) -> None:
    """Replace everything in ``database`` with the dump at ``path``."""
    check_dump(database, path)
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


# --- The files -------------------------------------------------------------------------------


def storage_files(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name of ``storage`` (sorted, folders walked with ``listdir``), import previews
    left out."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a file system storage whose MEDIA_ROOT was never written
        if folder:
            raise
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        if not (prefix + name).startswith(SKIPPED_PREFIXES):
            yield prefix + name
    for name in sorted(folders):
        if not f"{prefix}{name}/".startswith(SKIPPED_PREFIXES):
            yield from storage_files(storage, prefix + name)


def _copy(source: IO[bytes], target: IO[bytes] | None = None) -> Member:
    """Size and SHA-256 of what is read from ``source``, written to ``target`` if given."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
        if target is not None:
            target.write(chunk)
        size += len(chunk)
    return Member(name="", size=size, sha256=digest.hexdigest())


def _sha256(path: Path) -> Member:
    with path.open("rb") as file:
        return _copy(file)


def _app_version() -> str | None:
    try:
        with _PYPROJECT.open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return None


def _add(archive: tarfile.TarFile, name: str, file: IO[bytes], size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, file)


# --- Backup ----------------------------------------------------------------------------------


def _walk(storage: Storage) -> list[str]:
    try:
        return list(storage_files(storage))
    except Exception as exc:  # the storage's own errors: disk, network, credentials
        raise BackupError(f"The file storage cannot be listed: {exc}") from exc


@contextlib.contextmanager
def _reading(storage: Storage, name: str) -> Iterator[IO[bytes]]:
    try:
        file = storage.open(name, "rb")
    except Exception as exc:  # the storage's own errors: disk, network, credentials
        raise BackupError(f"{name} cannot be read from the file storage: {exc}") from exc
    with file:
        yield file


def backup(
    database: dict[str, Any], storage: Storage, path: Path, *, connection: Any = None
) -> Manifest:
    """Write a backup of ``database`` (a ``DATABASES`` entry) and of every file of ``storage``
    to the archive ``path``; returns its manifest."""
    engine = _engine(database)
    path = Path(path)
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    partial = path.with_name(f".{path.name}.partial")
    try:
        with (
            tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name}.") as scratch,
            tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive,
        ):
            created_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
            dump = Path(scratch) / DUMPS[engine]
            dump_database(database, dump, connection=connection)
            checked = _sha256(dump)
            with dump.open("rb") as file:
                _add(archive, DUMPS[engine], file, checked.size)
            dump.unlink()
            manifest = Manifest(
                engine=engine,
                created_at=created_at,
                database=Member(DUMPS[engine], checked.size, checked.sha256),
                app_version=_app_version(),
            )
            for name in _walk(storage):
                # Through a temporary file: its size and checksum are those of the bytes read.
                with (
                    _reading(storage, name) as source,
                    tempfile.TemporaryFile(dir=scratch) as copy,
                ):
                    member = _copy(source, copy)
                    copy.seek(0)
                    _add(archive, FILES + name, copy, member.size)
                manifest.files.append(Member(name, member.size, member.sha256))
            text = json.dumps(manifest.as_json(), indent=2).encode()
            _add(archive, MANIFEST, io.BytesIO(text), len(text))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


# --- Checking and restoring ----------------------------------------------------------------


def _safe_name(name: object) -> str:
    """A stored file's name from a manifest, refused unless it is a plain relative path."""
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name:
        raise BackupError(f"The manifest names a file {name!r} that cannot be restored.")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or any(part in {"", ".", ".."} for part in parts):
        raise BackupError(f"The manifest names a file {name!r} that cannot be restored.")
    return name


def _member(raw: object, what: str) -> Member:
    if not isinstance(raw, dict):
        raise BackupError(f"The manifest's entry for {what} is not readable.")
    size, sha256 = raw.get("size"), raw.get("sha256")
    if not isinstance(size, int) or not isinstance(sha256, str) or len(sha256) != 64:
        raise BackupError(f"The manifest's entry for {what} is not readable.")
    return Member(_safe_name(raw.get("name")), size, sha256)


def _read_manifest(archive: tarfile.TarFile, path: Path) -> Manifest:
    foreign = f"{path} is not a backup made by the backup command (it has no {MANIFEST})."
    try:
        handle = archive.extractfile(MANIFEST)
    except KeyError:
        raise BackupError(foreign) from None
    if handle is None:
        raise BackupError(foreign)
    try:
        raw = json.loads(handle.read())
    except (ValueError, UnicodeDecodeError):
        raise BackupError(f"{path} is damaged: its {MANIFEST} is not readable.") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise BackupError(foreign)
    if raw.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is a backup of format {raw.get('format_version')!r}; this version of "
            f"ssrtracker reads format {FORMAT_VERSION}."
        )
    engines = {name: engine for engine, name in ENGINE_NAMES.items()}
    engine = engines.get(raw.get("engine"))  # type: ignore[arg-type]
    files = raw.get("files")
    if engine is None or not isinstance(files, list):
        raise BackupError(f"{path} is damaged: its {MANIFEST} is not readable.")
    database = _member(raw.get("database"), "the database")
    members = [_member(entry, "a file") for entry in files]
    if len({member.name for member in members}) != len(members):
        raise BackupError(f"{path} is damaged: its {MANIFEST} names a file twice.")
    return Manifest(
        engine=engine,
        created_at=str(raw.get("created_at")),
        database=database,
        files=members,
        app_version=raw.get("app_version"),
    )


def _check_member(
    archive: tarfile.TarFile, path: Path, name: str, expected: Member, copy_to: Path | None
) -> None:
    damaged = f"{path} is damaged: {name} "
    try:
        info = archive.getmember(name)
    except KeyError:
        raise BackupError(damaged + "is missing.") from None
    handle = archive.extractfile(info) if info.isreg() else None
    if handle is None:
        raise BackupError(damaged + "is not a file.")
    with handle, contextlib.ExitStack() as stack:
        target = stack.enter_context(copy_to.open("wb")) if copy_to else None
        found = _copy(handle, target)
    if (found.size, found.sha256) != (expected.size, expected.sha256):
        raise BackupError(damaged + "does not match the checksum of its manifest.")


@contextlib.contextmanager
def checked_backup(database: dict[str, Any], path: Path) -> Iterator[Checked]:
    """Check the backup at ``path`` for a restore into ``database``, touching nothing: its
    manifest, the checksum of every member, and its dump (``pg_restore --list``, or SQLite's
    integrity check). Fails with one clear line; the dump is extracted until the block ends."""
    _engine(database)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no file {path}.")
    if not tarfile.is_tarfile(path):
        # A backup of the earlier format: the dump alone.
        check_dump(database, path)
        yield Checked(path=path, dump=path, manifest=None)
        return
    with tempfile.TemporaryDirectory(prefix="ssrtracker-restore-") as scratch:
        try:
            manifest = _check_archive(database, path, Path(scratch))
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(f"{path} is damaged or incomplete: {exc}") from None
        dump = Path(scratch) / manifest.database.name
        check_dump(database, dump)
        yield Checked(path=path, dump=dump, manifest=manifest)


def _check_archive(database: dict[str, Any], path: Path, scratch: Path) -> Manifest:
    """The manifest of the archive at ``path``, once every member matches it; the dump is
    extracted into ``scratch``."""
    engine = _engine(database)
    with tarfile.open(path, "r:") as archive:
        manifest = _read_manifest(archive, path)
        if manifest.engine != engine:
            raise BackupError(
                f"{path} holds a {ENGINE_NAMES[manifest.engine]} database; the target is "
                f"{ENGINE_NAMES[engine]}. Restore it into a database of the same kind."
            )
        if manifest.database.name != DUMPS[engine]:
            raise BackupError(f"{path} is damaged: its {MANIFEST} is not readable.")
        expected = {MANIFEST, manifest.database.name}
        expected |= {FILES + member.name for member in manifest.files}
        extra = sorted(set(archive.getnames()) - expected)
        if extra:
            raise BackupError(f"{path} holds {extra[0]}, which its manifest does not list.")
        dump = scratch / manifest.database.name
        _check_member(archive, path, manifest.database.name, manifest.database, dump)
        for member in manifest.files:
            _check_member(archive, path, FILES + member.name, member, None)
    return manifest


def restore_files(
    backup: Checked, storage: Storage, *, delete_others: bool = False
) -> FilesRestored:
    """Write the backup's files that ``storage`` lacks or holds with other contents. Files of
    the storage the backup does not hold are deleted with ``delete_others``, else kept (and
    listed in the result)."""
    done = FilesRestored()
    if backup.manifest is None:
        return done
    wanted = {member.name: member for member in backup.manifest.files}
    with tarfile.open(backup.path, "r:") as archive:
        for name, member in wanted.items():
            if storage.exists(name) and _stored(storage, name) == (member.size, member.sha256):
                done.unchanged += 1
                continue
            handle = archive.extractfile(FILES + name)
            if handle is None:  # checked by checked_backup
                raise BackupError(f"{backup.path} is damaged: {FILES + name} is not a file.")
            with handle:
                if storage.exists(name):
                    storage.delete(name)
                content = File(handle, name=name)
                content.size = member.size  # checked; never guessed from a local path
                saved = storage.save(name, content)
            if saved != name:
                raise BackupError(f"The storage saved {name} as {saved}; restore stopped.")
            done.written.append(name)
    for name in storage_files(storage):
        if name in wanted:
            continue
        if delete_others:
            storage.delete(name)
            done.deleted.append(name)
        else:
            done.others_kept.append(name)
    return done


def _stored(storage: Storage, name: str) -> tuple[int, str]:
    with storage.open(name, "rb") as file:
        found = _copy(file)
    return found.size, found.sha256


def file_checksums(storage: Storage) -> dict[str, str]:
    """Every file of ``storage`` (import previews aside) and its SHA-256: what a restore drill
    compares."""
    return {name: _stored(storage, name)[1] for name in storage_files(storage)}
