"""Typed readers for settings that come from the environment.

Every reader fails with ``ImproperlyConfigured`` and a message naming the variable, never with a
``KeyError`` or a ``ValueError`` from deep inside Django. Secrets may also come from a file named
by ``<NAME>_FILE`` (Docker and Kubernetes secrets).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    """Return ``$NAME``, else the contents of the file named by ``$NAME_FILE``, else ``default``."""
    value = os.environ.get(name)
    if value is not None:
        return value
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE points to {file_name!r}, which cannot be read: {exc.strerror}."
            ) from exc
    return default


def env_required(name: str, why: str) -> str:
    value = env_str(name)
    if not value:
        raise ImproperlyConfigured(f"{name} is required {why}. Set {name} or {name}_FILE.")
    return value


#: Keys published as examples (``.env.example``, the docs): never a deployment's secret.
PLACEHOLDER_SECRET_KEYS = frozenset({"change-me-to-a-long-random-string", "change-me", "secret"})
#: Django's own deployment check asks for at least 50 characters, 5 of them different.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_DISTINCT = 5


def check_secret_key(value: str, *, known: list[str] | None = None) -> str:
    """``value`` if it can sign a production site's sessions and tokens; otherwise stop start-up.

    Refused: the placeholders published with the project (``.env.example``, the development
    key, anything in ``known``), Django's generated ``django-insecure-`` keys, and keys shorter
    than :data:`SECRET_KEY_MIN_LENGTH` characters or with fewer than
    :data:`SECRET_KEY_MIN_DISTINCT` different ones. The message never repeats the key.
    """
    how = (
        "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))' "
        "and set SECRET_KEY or SECRET_KEY_FILE."
    )
    key = value.strip()
    if key in PLACEHOLDER_SECRET_KEYS or key in (known or []) or key.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            f"SECRET_KEY is a published placeholder, not a secret; DEBUG is off. {how}"
        )
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_DISTINCT:
        raise ImproperlyConfigured(
            f"SECRET_KEY is too short or too simple for DEBUG off (at least "
            f"{SECRET_KEY_MIN_LENGTH} characters, {SECRET_KEY_MIN_DISTINCT} different). {how}"
        )
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int_item(name: str, raw: str, *, low: int | None = None, high: int | None = None) -> int:
    """One item of a comma-separated list of integers in ``$NAME``, as an integer (between
    ``low`` and ``high`` when given)."""
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} holds {raw!r}, which is not an integer.") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise ImproperlyConfigured(f"{name} holds {value}; each value must be {low} to {high}.")
    return value


def database_from_url(url: str, *, conn_max_age: int) -> dict[str, object]:
    """Parse ``DATABASE_URL`` into a Django ``DATABASES`` entry, with a readable error."""
    import dj_database_url

    scheme = url.split(":", 1)[0] if ":" in url else ""
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL has an unsupported scheme {scheme!r}: use "
            "postgres://USER:PASSWORD@HOST:PORT/NAME or sqlite:///PATH/TO/FILE.sqlite3 "
            "(special characters in the password must be percent-encoded)."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age)
    except (ValueError, KeyError, dj_database_url.ParseError):
        raise ImproperlyConfigured(
            "DATABASE_URL cannot be parsed: check the port is a number and that special "
            "characters in the user name or password are percent-encoded."
        ) from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(
            "DATABASE_URL names no database: add it after the last slash, e.g. "
            "postgres://postgres@127.0.0.1:5432/ssrtracker."
        )
    return dict(config)


#: The values of ``FILE_STORAGE``: where uploaded files (evidence, import previews) are kept.
FILE_STORAGES = ("filesystem", "s3", "azure")


def file_storage_from_env() -> dict[str, Any]:
    """``STORAGES["default"]`` for ``$FILE_STORAGE``, with its variables checked at start-up.

    ``filesystem`` (the default) keeps files under ``MEDIA_ROOT``, which every web process and
    worker must then share; ``s3`` keeps them in an S3 bucket (Amazon S3 or a compatible server
    such as MinIO, with ``AWS_S3_ENDPOINT_URL``), ``azure`` in an Azure Blob Storage container.
    The files are private: the app streams them to people who may read them, never by a link to
    the bucket.
    """
    kind = (env_str("FILE_STORAGE") or "filesystem").strip().lower()
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind == "s3":
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options()}
    if kind == "azure":
        return {
            "BACKEND": "storages.backends.azure_storage.AzureStorage",
            "OPTIONS": _azure_options(),
        }
    raise ImproperlyConfigured(
        f"FILE_STORAGE={kind!r} is not a file storage; use {', '.join(FILE_STORAGES)}."
    )


def _s3_options() -> dict[str, Any]:
    options: dict[str, Any] = {
        "bucket_name": env_required("AWS_STORAGE_BUCKET_NAME", "when FILE_STORAGE=s3"),
        # Private objects (the bucket's own policy applies), never a public-read ACL.
        "default_acl": None,
        # Two uploads of the same name get two objects, as on the file system.
        "file_overwrite": False,
    }
    endpoint = env_str("AWS_S3_ENDPOINT_URL")
    if endpoint:
        if not endpoint.startswith(("http://", "https://")):
            raise ImproperlyConfigured(
                f"AWS_S3_ENDPOINT_URL={endpoint!r} must start with https:// (or http://)."
            )
        options["endpoint_url"] = endpoint
    key_id, secret = env_str("AWS_ACCESS_KEY_ID"), env_str("AWS_SECRET_ACCESS_KEY")
    if bool(key_id) != bool(secret):
        raise ImproperlyConfigured(
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together: set both, or neither to "
            "use the machine's own credentials (an instance role)."
        )
    if key_id and secret:
        options.update(access_key=key_id, secret_key=secret)
    for variable, option in [
        ("AWS_S3_REGION_NAME", "region_name"),
        ("AWS_LOCATION", "location"),
        ("AWS_S3_ADDRESSING_STYLE", "addressing_style"),
    ]:
        value = env_str(variable)
        if value:
            options[option] = value.strip("/") if option == "location" else value
    if options.get("addressing_style") not in {None, "auto", "path", "virtual"}:
        raise ImproperlyConfigured(
            f"AWS_S3_ADDRESSING_STYLE={options['addressing_style']!r} is not one of auto, path, "
            "virtual."
        )
    return options


def _azure_options() -> dict[str, Any]:
    options: dict[str, Any] = {
        "azure_container": env_required("AZURE_CONTAINER", "when FILE_STORAGE=azure"),
        "overwrite_files": False,
    }
    connection_string = env_str("AZURE_CONNECTION_STRING")
    name, key = env_str("AZURE_ACCOUNT_NAME"), env_str("AZURE_ACCOUNT_KEY")
    if connection_string:
        options["connection_string"] = connection_string
    elif name and key:
        options.update(account_name=name, account_key=key)
    else:
        raise ImproperlyConfigured(
            "FILE_STORAGE=azure needs AZURE_CONNECTION_STRING, or AZURE_ACCOUNT_NAME and "
            "AZURE_ACCOUNT_KEY."
        )
    return options
