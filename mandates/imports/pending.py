"""A sheet kept between its preview and its confirmation, so nobody uploads it twice.

The file is stored under a random name in ``MEDIA_ROOT/import-previews/``; the page gets a
signed token naming it, the person, the kind of import and the file's hash. Confirming needs
the same person and kind within :data:`MAX_AGE` seconds, and the file unchanged; the file is
deleted once imported, and files older than :data:`MAX_AGE` are swept at the next preview.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

SALT = "mandates.imports.pending"
#: How long a preview can be confirmed, in seconds.
MAX_AGE = 3600


class Expired(Exception):
    """The token is unknown, too old, someone else's, or its file is gone."""


def _storage() -> FileSystemStorage:
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "import-previews")


def store(*, data: bytes, user_id: int, kind: str, file_format: str, filename: str) -> str:
    """Keep ``data``; returns the token that gives it back to the same person."""
    storage = _storage()
    _sweep(storage)
    name = storage.save(f"{secrets.token_hex(16)}.{file_format}", ContentFile(data))
    payload = {
        "name": name,
        "user": user_id,
        "kind": kind,
        "format": file_format,
        "filename": filename,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    return signing.dumps(payload, salt=SALT)


def load(token: str, *, user_id: int, kind: str) -> tuple[bytes, str, str]:
    """(data, format, original file name) of the sheet the token names."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        raise Expired from None
    if payload.get("user") != user_id or payload.get("kind") != kind:
        raise Expired
    storage = _storage()
    try:
        with storage.open(payload["name"], "rb") as file:
            data = file.read()
    except (OSError, KeyError, ValueError):
        raise Expired from None
    if hashlib.sha256(data).hexdigest() != payload.get("sha256"):
        raise Expired
    return data, payload["format"], payload.get("filename", "")


def discard(token: str) -> None:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return
    with contextlib.suppress(OSError, KeyError, ValueError):
        _storage().delete(payload["name"])


def _sweep(storage: FileSystemStorage) -> None:
    if not Path(storage.location).is_dir():
        return
    oldest = timezone.now() - datetime.timedelta(seconds=MAX_AGE)
    for name in storage.listdir("")[1]:
        with contextlib.suppress(OSError):
            if storage.get_modified_time(name) < oldest:
                storage.delete(name)
