"""Configuration from the environment: clear messages for bad input, secure production defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ssrtracker.env import database_from_url, env_bool, env_int, env_str

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run manage.py in a clean environment holding only ``env`` (plus PATH)."""
    clean = {"PATH": os.environ.get("PATH", ""), "VAR_DIR": "/nonexistent-var", **env}
    return subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/db", "unsupported scheme 'mysql'"),
        ("localhost:5432", "unsupported scheme"),
        ("postgres://postgres@127.0.0.1:5432/", "names no database"),
        ("postgres://postgres@127.0.0.1:notaport/ssr", "port is a number"),
    ],
)
def test_malformed_database_url_is_explained(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_url(url, conn_max_age=0)


def test_postgres_url_is_parsed():
    config = database_from_url("postgres://ssr:p%40ss@db.internal:6543/ssrtracker", conn_max_age=5)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("ssrtracker", "ssr", "p@ss")
    assert (config["HOST"], config["PORT"], config["CONN_MAX_AGE"]) == ("db.internal", 6543, 5)


def test_env_bool_rejects_unclear_values(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG='maybe' is not a boolean"):
        env_bool("SOME_FLAG", default=False)


def test_env_int_rejects_text(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER='ten' is not an integer"):
        env_int("SOME_NUMBER", 1)


def test_secret_read_from_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.delenv("MY_SECRET", raising=False)
    monkeypatch.setenv("MY_SECRET_FILE", str(secret))
    assert env_str("MY_SECRET") == "from-a-file"


def test_unreadable_secret_file_is_explained(monkeypatch, tmp_path):
    monkeypatch.delenv("MY_SECRET", raising=False)
    monkeypatch.setenv("MY_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="MY_SECRET_FILE points to"):
        env_str("MY_SECRET")


def test_secret_key_is_required_without_debug():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_database_url_gives_one_line_not_a_traceback():
    result = run_manage("check", DEBUG="1", DATABASE_URL="postgres//missing-colon")
    assert result.returncode == 2
    assert result.stderr.startswith("Configuration error: DATABASE_URL has an unsupported scheme")
    assert "Traceback" not in result.stderr


def test_deploy_check_with_production_variables_reports_nothing():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="ssrtracker.example.org",
        DATABASE_URL="postgres://ssr@db:5432/ssrtracker",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_debug_is_off_by_default(settings):
    # tests.settings switches DEBUG off: the suite runs with the production defaults.
    assert os.environ["DEBUG"] == "0"
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.SECURE_HSTS_SECONDS >= 31_536_000


@pytest.mark.parametrize("raw", ["40000", "-1", "367"])
def test_reminder_offsets_beyond_a_year_are_refused_at_start(raw):
    """An offset the reminder ledger cannot store stopped every reminder run instead."""
    from ssrtracker.env import env_int_item

    with pytest.raises(ImproperlyConfigured, match="0 to 366"):
        env_int_item("REMINDER_DAYS_BEFORE", raw, low=0, high=366)
    result = run_manage("check", SECRET_KEY="x", DEBUG="1", REMINDER_DAYS_BEFORE=f"7,{raw}")
    assert result.returncode != 0
    assert "REMINDER_DAYS_BEFORE" in result.stderr
