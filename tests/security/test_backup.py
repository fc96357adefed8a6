"""``backup`` then ``restore`` into a scratch database gives back every row, history included,
and every stored file with its checksum (the restore drill); a damaged or foreign backup changes
nothing."""

from __future__ import annotations

import random
import sqlite3
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from mandates.models import Request, StatusUpdate
from mandates.requests.services import request_update_status
from ssrtracker.backups import file_checksums


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _seed() -> None:
    """The real seed data, plus status updates made through the service (more history), two
    with an evidence file, and an import preview (left out of backups: it lives an hour)."""
    call_command("load_seed", verbosity=0)
    requests = Request.objects.filter(status="not_started").order_by("pk")[:2]
    assert len(requests) == 2
    request_update_status(
        request=requests[0], status="in_progress", note="Work started", author_name="Backup test"
    )
    for number, request in enumerate(requests):
        request_update_status(
            request=request,
            status="in_progress",
            note="Evidence",
            evidence_file=ContentFile(b"%PDF-1.4 evidence " * (number + 1), name="note.pdf"),
            author_name="Backup test",
        )
    default_storage.save("import-previews/0123.csv", ContentFile(b"a,b\n"))


def _assert_files_restored(folder: Path) -> None:
    """The drill's files half: the same names and checksums as the storage, previews aside."""
    here = file_checksums(default_storage)
    restored = file_checksums(FileSystemStorage(location=folder))
    assert len(here) == StatusUpdate.objects.exclude(evidence_file="").count() == 2
    assert restored == here
    assert not (folder / "import-previews").exists()


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names(include_views=False))


def _rows_here(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
        return sorted(cursor.fetchall(), key=repr)


def _assert_history_is_there(tables: list[str], counts: dict[str, int]) -> None:
    history = [table for table in tables if "historical" in table]
    assert "mandates_historicalrequest" in history
    assert counts["mandates_historicalrequest"] >= Request.objects.count() > 0
    assert counts["mandates_statusupdate"] == StatusUpdate.objects.count() > 0


# Committed data, as in real life: SQLite cannot copy a database that has a write pending.
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_every_row_and_every_history_record(tmp_path: Path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant; the PostgreSQL one is below")
    _seed()
    backup = tmp_path / "ssrtracker.backup"
    scratch = tmp_path / "scratch.sqlite3"

    files = tmp_path / "restored-files"
    files.mkdir()
    call_command("backup", str(backup), verbosity=0)
    call_command(
        "restore", str(backup), database_url=f"sqlite:///{scratch}", files_into=files, yes=True
    )

    _assert_files_restored(files)
    tables = _tables()
    # Django's converters (booleans, timestamps) apply to both sides of the comparison.
    with sqlite3.connect(scratch, detect_types=sqlite3.PARSE_DECLTYPES) as restored:
        counts = {}
        for table in tables:
            rows = sorted(restored.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)  # noqa: S608
            assert rows == _rows_here(table), f"{table} differs after the restore"
            counts[table] = len(rows)
    _assert_history_is_there(tables, counts)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_every_row_and_every_history_record(tmp_path: Path):
    import psycopg

    _seed()
    backup = tmp_path / "ssrtracker.dump"
    settings = connection.settings_dict
    scratch = f"{settings['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    params = {
        key: settings[name]
        for key, name in [("host", "HOST"), ("port", "PORT"), ("user", "USER")]
        if settings.get(name)
    }
    if settings.get("PASSWORD"):
        params["password"] = settings["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        call_command("backup", str(backup), verbosity=0)
        url = "postgres://{user}@{host}:{port}/{name}".format(
            user=settings["USER"], host=settings["HOST"], port=settings["PORT"], name=scratch
        )
        files = tmp_path / "restored-files"
        files.mkdir()
        call_command("restore", str(backup), database_url=url, files_into=files, yes=True)
        _assert_files_restored(files)

        tables = _tables()
        counts = {}
        # Each row as PostgreSQL's text of it, in UTC on both sides.
        query = 'SELECT t::text FROM "{}" t ORDER BY 1'
        with psycopg.connect(dbname=scratch, **params) as restored, connection.cursor() as here:
            restored.execute("SET TIME ZONE 'UTC'")
            here.execute("SET TIME ZONE 'UTC'")
            for table in tables:
                rows = restored.execute(query.format(table)).fetchall()
                here.execute(query.format(table))
                assert rows == here.fetchall(), f"{table} differs after the restore"
                counts[table] = len(rows)
        _assert_history_is_there(tables, counts)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path: Path):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all\n" * 100)

    with pytest.raises(CommandError, match=r"not an? .*backup"):
        call_command("restore", str(junk), yes=True)


def test_restore_asks_before_replacing_the_data(transactional_db, tmp_path: Path):
    backup = tmp_path / "ssrtracker.backup"
    call_command("backup", str(backup), verbosity=0)

    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(backup))


def test_backup_never_overwrites_without_force(db, tmp_path: Path):
    backup = tmp_path / "ssrtracker.backup"
    backup.write_text("an older backup")

    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(backup), verbosity=0)
    assert backup.read_text() == "an older backup"


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00"], ids=["empty", "header-only"])
def test_restore_refuses_an_empty_file_instead_of_wiping_the_database(
    db, tmp_path: Path, content: bytes
):
    """An empty file opens as an empty SQLite database; restoring it replaced everything
    with nothing. On PostgreSQL pg_restore refuses it the same way."""
    empty = tmp_path / "empty.backup"
    empty.write_bytes(content)
    target = tmp_path / "target.sqlite3"
    with pytest.raises(CommandError, match=r"not an? .*backup"):
        call_command("restore", str(empty), database_url=f"sqlite:///{target}", yes=True)


def test_restore_refuses_random_files(db, tmp_path: Path, robustness):
    """Fuzz: random bytes (some with an SQLite header) are refused with one clear line."""
    rng = random.Random(22)  # noqa: S311 - made-up test data, not a secret
    target = tmp_path / "target.sqlite3"
    tried = 0
    for n in range(40):
        junk = tmp_path / f"junk-{n}.backup"
        head = b"SQLite format 3\x00" if n % 2 else b""
        junk.write_bytes(head + rng.randbytes(rng.randrange(0, 20_000)))
        with pytest.raises(CommandError):
            call_command("restore", str(junk), database_url=f"sqlite:///{target}", yes=True)
        tried += 1
    robustness.record("files: restore a random backup file", cases=tried, failures=0)
