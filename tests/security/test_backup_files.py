"""Backups hold the stored files: what the archive and its manifest say, restoring files into
the file system or a bucket (moto's S3 server), and backups that are damaged, foreign or
tampered with, refused before anything changes."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from ssrtracker.backups import (
    FORMAT,
    FORMAT_VERSION,
    checked_backup,
    dump_database,
    file_checksums,
    restore_files,
)

pytestmark = pytest.mark.django_db(transaction=True)

FILES = {
    "evidence/2026/01/note.pdf": b"%PDF-1.4 the first note",
    "evidence/2026/02/budget.xlsx": b"PK budget " * 1000,
    "evidence/2026/02/photo one.png": b"\x89PNG photo",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _store(files: dict[str, bytes]) -> None:
    for name, data in files.items():
        assert default_storage.save(name, ContentFile(data)) == name


def _backup(tmp_path: Path, name: str = "ssrtracker.backup") -> Path:
    path = tmp_path / name
    call_command("backup", str(path), verbosity=0)
    return path


def _scratch_sqlite(tmp_path: Path) -> Path:
    """A scratch database with one row of its own, to show when a restore did not touch it."""
    scratch = tmp_path / "scratch.sqlite3"
    with sqlite3.connect(scratch) as db:
        db.execute("CREATE TABLE marker (x)")
        db.execute("INSERT INTO marker VALUES (1)")
    return scratch


def _untouched(scratch: Path) -> bool:
    with sqlite3.connect(scratch) as db:
        return db.execute("SELECT name FROM sqlite_master").fetchall() == [("marker",)]


def _rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> None:
    """Copy the archive ``source`` to ``target``, each member's bytes through ``change`` (None
    leaves the member out)."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for info in old.getmembers():
            handle = old.extractfile(info)
            assert handle is not None
            data = change(info.name, handle.read())
            if data is not None:
                info.size = len(data)
                new.addfile(info, io.BytesIO(data))


def _manifest(path: Path) -> dict:
    with tarfile.open(path) as archive:
        handle = archive.extractfile("manifest.json")
        assert handle is not None
        return json.loads(handle.read())


def test_the_archive_holds_the_database_the_files_and_their_manifest(tmp_path: Path):
    _store(FILES)
    default_storage.save("import-previews/abc.csv", ContentFile(b"a,b\n"))
    path = _backup(tmp_path)

    manifest = _manifest(path)
    assert (manifest["format"], manifest["format_version"]) == (FORMAT, FORMAT_VERSION)
    assert manifest["engine"] == {"sqlite": "sqlite", "postgresql": "postgresql"}[connection.vendor]
    assert manifest["app_version"] == "0.1.0"
    assert manifest["created_at"].endswith("+00:00")
    assert manifest["files"] == [
        {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for name, data in sorted(FILES.items())
    ]
    with tarfile.open(path) as archive:
        names = archive.getnames()
        dump = archive.extractfile(manifest["database"]["name"])
        assert dump is not None
        assert hashlib.sha256(dump.read()).hexdigest() == manifest["database"]["sha256"]
    assert names[-1] == "manifest.json"
    assert sorted(names) == sorted(
        [manifest["database"]["name"], "manifest.json", *(f"files/{name}" for name in FILES)]
    )
    # Written under a temporary name and renamed: nothing else is left in the folder.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media", "ssrtracker.backup"]


def test_an_empty_storage_gives_a_backup_without_files(tmp_path: Path, media: Path):
    assert not media.exists()
    assert _manifest(_backup(tmp_path))["files"] == []


def test_a_restore_writes_missing_and_changed_files_and_keeps_the_others(
    tmp_path: Path, monkeypatch
):
    _store(FILES)
    path = _backup(tmp_path)
    restored_dumps: list[Path] = []
    monkeypatch.setattr(
        "mandates.management.commands.restore.restore_dump",
        lambda database, dump: restored_dumps.append(dump),
    )
    default_storage.delete("evidence/2026/01/note.pdf")
    default_storage.delete("evidence/2026/02/budget.xlsx")
    default_storage.save("evidence/2026/02/budget.xlsx", ContentFile(b"changed since"))
    default_storage.save("evidence/2026/03/newer.pdf", ContentFile(b"uploaded since"))

    out = io.StringIO()
    call_command("restore", str(path), yes=True, stdout=out)

    assert len(restored_dumps) == 1
    assert "Files: 2 written, 1 already there and unchanged." in out.getvalue()
    assert "1 files not in the backup were kept (--delete-other-files deletes them)." in (
        out.getvalue()
    )
    expected = {name: hashlib.sha256(data).hexdigest() for name, data in FILES.items()}
    expected["evidence/2026/03/newer.pdf"] = hashlib.sha256(b"uploaded since").hexdigest()
    assert file_checksums(default_storage) == expected

    out = io.StringIO()
    call_command("restore", str(path), yes=True, delete_other_files=True, stdout=out)
    assert "Files: 0 written, 3 already there and unchanged." in out.getvalue()
    assert "1 files not in the backup were deleted." in out.getvalue()
    assert set(file_checksums(default_storage)) == set(FILES)


def test_backup_and_restore_with_files_in_a_bucket(tmp_path: Path, use_s3, s3_client, s3_bucket):
    """The drill's files half on S3: every file of bucket A, restored into bucket B and into a
    folder, with the same names and checksums."""
    source = use_s3()
    _store(FILES)
    path = _backup(tmp_path)
    assert [f["name"] for f in _manifest(path)["files"]] == sorted(FILES)
    expected = file_checksums(default_storage)

    use_s3()  # another, empty bucket: the new site's
    s3_client.put_object(Bucket=source, Key="evidence/2099/01/later.pdf", Body=b"later")
    with checked_backup(connection.settings_dict, path) as checked:
        done = restore_files(checked, default_storage)
    assert (len(done.written), done.unchanged, done.others_kept) == (3, 0, [])
    assert file_checksums(default_storage) == expected

    folder = tmp_path / "restored-files"
    folder.mkdir()
    with checked_backup(connection.settings_dict, path) as checked:
        restore_files(checked, FileSystemStorage(location=folder))
    assert file_checksums(FileSystemStorage(location=folder)) == expected


def test_a_scratch_restore_leaves_the_live_files_alone(tmp_path: Path):
    if connection.vendor != "sqlite":
        pytest.skip("restores into a scratch SQLite database")
    _store(FILES)
    path = _backup(tmp_path)
    default_storage.delete("evidence/2026/01/note.pdf")
    scratch = tmp_path / "scratch.sqlite3"

    out = io.StringIO()
    call_command("restore", str(path), database_url=f"sqlite:///{scratch}", yes=True, stdout=out)

    assert "The backup's 3 files match its manifest; they were not written" in out.getvalue()
    assert not default_storage.exists("evidence/2026/01/note.pdf")


def test_an_earlier_database_only_backup_is_still_restored(tmp_path: Path):
    _store(FILES)
    old = tmp_path / "old.backup"
    connection.ensure_connection()
    raw = connection.connection if connection.vendor == "sqlite" else None
    dump_database(connection.settings_dict, old, connection=raw)
    with checked_backup(connection.settings_dict, old) as checked:
        assert (checked.manifest, checked.dump, checked.files) == (None, old, [])
    if connection.vendor != "sqlite":
        return  # restoring a bare pg_dump file is the PostgreSQL drill's restore
    scratch = tmp_path / "scratch.sqlite3"

    out = io.StringIO()
    call_command("restore", str(old), database_url=f"sqlite:///{scratch}", yes=True, stdout=out)

    assert "holds the database only (an earlier format): no file was touched" in out.getvalue()
    with sqlite3.connect(scratch) as db:
        assert db.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 0


def _changed_file(name: str, data: bytes) -> bytes:
    return data.replace(b"first", b"fir5t") if name.startswith("files/") else data


def _manifest_edit(edit: Callable[[dict], None]) -> Callable[[str, bytes], bytes]:
    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    return change


def _escape(manifest: dict) -> None:
    manifest["files"][0]["name"] = "../../outside.pdf"


def _other_engine(manifest: dict) -> None:
    manifest["engine"] = "postgresql" if manifest["engine"] == "sqlite" else "sqlite"


def _newer(manifest: dict) -> None:
    manifest["format_version"] = FORMAT_VERSION + 1


def _drop_file(manifest: dict) -> None:
    manifest["files"].pop()


TAMPERED = {
    "a file changed": (_changed_file, "files/evidence/2026/01/note.pdf does not match"),
    "no manifest": (
        lambda name, data: None if name == "manifest.json" else data,
        "not a backup made by the backup command",
    ),
    "a file not in the manifest": (_manifest_edit(_drop_file), "which its manifest does not"),
    "a name outside the storage": (_manifest_edit(_escape), "cannot be restored"),
    "another engine": (_manifest_edit(_other_engine), "Restore it into a database of the same"),
    "a newer format": (_manifest_edit(_newer), "this version of ssrtracker reads format 1"),
    "a file missing": (
        lambda name, data: None if name.endswith("photo one.png") else data,
        "photo one.png is missing",
    ),
}


@pytest.mark.parametrize(("change", "message"), TAMPERED.values(), ids=TAMPERED.keys())
def test_a_tampered_backup_is_refused_and_nothing_changes(
    tmp_path: Path, monkeypatch, change, message
):
    _store(FILES)
    path = _backup(tmp_path)
    tampered = tmp_path / "tampered.backup"
    _rewrite(path, tampered, change)
    default_storage.delete("evidence/2026/01/note.pdf")
    before = file_checksums(default_storage)
    restored: list[Path] = []
    monkeypatch.setattr(
        "mandates.management.commands.restore.restore_dump",
        lambda database, dump: restored.append(dump),
    )

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(tampered), yes=True)

    assert restored == []  # the database was not touched
    assert file_checksums(default_storage) == before


def test_a_truncated_backup_is_refused_before_the_scratch_database_changes(tmp_path: Path):
    if connection.vendor != "sqlite":
        pytest.skip("restores into a scratch SQLite database")
    _store(FILES)
    path = _backup(tmp_path)
    data = path.read_bytes()
    truncated = tmp_path / "truncated.backup"
    # Cut inside the last file: the manifest at the end is gone too.
    truncated.write_bytes(data[: data.index(b"PK budget") + 100])
    scratch = _scratch_sqlite(tmp_path)
    files = tmp_path / "restored-files"
    files.mkdir()

    with pytest.raises(CommandError, match=r"damaged|not a backup"):
        call_command(
            "restore",
            str(truncated),
            database_url=f"sqlite:///{scratch}",
            files_into=files,
            yes=True,
        )

    assert _untouched(scratch)
    assert list(files.iterdir()) == []


def test_a_changed_byte_inside_the_archive_is_found(tmp_path: Path):
    if connection.vendor != "sqlite":
        pytest.skip("restores into a scratch SQLite database")
    _store(FILES)
    path = _backup(tmp_path)
    data = bytearray(path.read_bytes())
    data[data.index(b"the first note")] ^= 0x01
    path.write_bytes(bytes(data))
    scratch = _scratch_sqlite(tmp_path)

    with pytest.raises(CommandError, match="does not match the checksum of its manifest"):
        call_command("restore", str(path), database_url=f"sqlite:///{scratch}", yes=True)

    assert _untouched(scratch)


def test_a_storage_that_cannot_be_read_fails_the_backup_with_one_line(tmp_path: Path, monkeypatch):
    _store(FILES)

    def unreachable(self, name, mode="rb"):
        raise ConnectionError("the storage did not answer")

    monkeypatch.setattr(FileSystemStorage, "open", unreachable)
    with pytest.raises(CommandError, match="cannot be read from the file storage: the storage"):
        _backup(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media"]  # no archive, no leftovers
