"""A sheet kept between its preview and its confirmation, so nobody uploads it twice.

The file is stored under a random name in ``import-previews/`` of the default storage (the
same ``FILE_STORAGE`` as evidence: ``MEDIA_ROOT`` or a bucket every web process reaches, so a
preview made through one web host can be confirmed through another); the page gets a signed
token naming it, the person, the kind of import and the file's hash. Confirming needs the same
person and kind within :data:`MAX_AGE` seconds, and the file unchanged; the file is deleted once
imported, and files older than :data:`MAX_AGE` are swept at the next preview.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import secrets

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.utils import timezone

SALT = "mandates.imports.pending"
#: How long a preview can be confirmed, in seconds.
MAX_AGE = 3600
#: The folder (or key prefix) of the default storage holding the previews.
PREFIX = "import-previews/"


class Expired(Exception):
    """The token is unknown, too old, someone else's, or its file is gone."""


def _storage() -> Storage:
    return default_storage


def _name(payload: dict[str, object]) -> str:
    """The stored file a token names; only ever one under :data:`PREFIX`."""
    name = payload["name"]
    if not isinstance(name, str) or not name.startswith(PREFIX) or ".." in name:
        raise KeyError("name")
    return name


def store(*, data: bytes, user_id: int, kind: str, file_format: str, filename: str) -> str:
    """Keep ``data``; returns the token that gives it back to the same person."""
    storage = _storage()
    _sweep(storage)
    name = storage.save(f"{PREFIX}{secrets.token_hex(16)}.{file_format}", ContentFile(data))
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
        with storage.open(_name(payload), "rb") as file:
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
        _storage().delete(_name(payload))


def _sweep(storage: Storage) -> None:
    """Delete the previews nobody confirmed within :data:`MAX_AGE`."""
    try:
        names = storage.listdir(PREFIX)[1]
    except OSError:  # no preview yet: the folder does not exist
        return
    oldest = timezone.now() - datetime.timedelta(seconds=MAX_AGE)
    for name in names:
        with contextlib.suppress(OSError):
            if storage.get_modified_time(PREFIX + name) < oldest:
                storage.delete(PREFIX + name)
