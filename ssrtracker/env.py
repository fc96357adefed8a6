"""Typed readers for settings that come from the environment.

Every reader fails with ``ImproperlyConfigured`` and a message naming the variable, never with a
``KeyError`` or a ``ValueError`` from deep inside Django. Secrets may also come from a file named
by ``<NAME>_FILE`` (Docker and Kubernetes secrets).
"""

from __future__ import annotations

import os
from pathlib import Path

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
