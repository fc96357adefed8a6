"""Running it in containers: the image, the compose file, the secret key and the health check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.test import Client

from ssrtracker.env import check_secret_key
from tests.ssrtracker.test_settings import run_manage

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3Y-" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def env_example_key() -> str:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    match = re.search(r"^SECRET_KEY=(.*)$", text, re.MULTILINE)
    assert match
    return match.group(1)


# --- the secret key --------------------------------------------------------------------------


def test_start_up_refuses_the_env_example_key_when_debug_is_off():
    result = run_manage("check", SECRET_KEY=env_example_key(), DEBUG="0")
    assert result.returncode == 2
    assert "SECRET_KEY is a published placeholder" in result.stderr
    assert env_example_key() not in result.stderr  # the message never repeats a key
    assert "Traceback" not in result.stderr


def test_start_up_refuses_a_short_key_when_debug_is_off():
    result = run_manage("check", SECRET_KEY="ci-only", DEBUG="0")
    assert result.returncode == 2
    assert "SECRET_KEY is too short or too simple" in result.stderr


def test_start_up_accepts_a_long_random_key():
    result = run_manage("check", SECRET_KEY=GOOD_KEY, DEBUG="0")
    assert result.returncode == 0, result.stderr


def test_debug_still_runs_on_the_env_example_key():
    # Development may use anything; only production refuses.
    assert run_manage("check", SECRET_KEY=env_example_key(), DEBUG="1").returncode == 0


@pytest.mark.parametrize(
    "key",
    [
        "insecure-development-key-do-not-use-in-production",
        "django-insecure-" + "x1y2z3" * 10,
        "a" * 80,  # long, but one character
        "short-but-random-7f3a",
    ],
)
def test_unsafe_keys_are_refused(key):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is"):
        check_secret_key(key, known=["insecure-development-key-do-not-use-in-production"])


def test_a_generated_key_is_accepted():
    assert check_secret_key(GOOD_KEY) == GOOD_KEY


# --- the health check ------------------------------------------------------------------------


@pytest.mark.django_db
def test_health_check_answers_whatever_the_host_header(settings):
    settings.ALLOWED_HOSTS = ["ssrtracker.example.org"]
    foreign = Client(HTTP_HOST="127.0.0.1:8000").get("/healthz")
    assert foreign.status_code == 200
    assert foreign.json() == {"status": "ok"}
    assert foreign["Cache-Control"] == "no-store"
    # Every other path still validates the host.
    assert Client(HTTP_HOST="127.0.0.1:8000").get("/admin/login/").status_code == 400


@pytest.mark.django_db
def test_health_check_is_not_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/admin/login/").status_code == 301


@pytest.mark.django_db
def test_health_check_keeps_the_security_headers():
    response = Client(HTTP_HOST="203.0.113.9").get("/healthz")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_health_check_tells_nothing_when_the_database_is_down(monkeypatch):
    def broken(self, sql, params=None):
        raise DatabaseError("password authentication failed for user secret-detail")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", broken)
    response = Client(HTTP_HOST="203.0.113.9").get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert b"secret-detail" not in response.content


@pytest.mark.django_db
def test_only_get_and_head_are_answered_early(settings):
    settings.ALLOWED_HOSTS = ["ssrtracker.example.org"]
    # A POST goes the usual way, through host validation.
    assert Client(HTTP_HOST="127.0.0.1").post("/healthz").status_code == 400
    assert Client(HTTP_HOST="127.0.0.1").head("/healthz").status_code == 200


# --- the image and the compose file ----------------------------------------------------------


def test_dockerignore_keeps_secrets_and_local_data_out_of_the_image():
    lines = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".env.*", "var", ".venv", "artifacts"} <= lines


def test_compose_shares_one_media_volume_between_web_and_worker():
    data = compose()
    services = data["services"]

    def media_mounts(name: str) -> set[str]:
        mounts = services[name].get("volumes", [])
        return {m for m in mounts if m.endswith(":/var/lib/ssrtracker/media")}

    assert media_mounts("web") == media_mounts("worker") == {"media:/var/lib/ssrtracker/media"}
    assert "media" in data["volumes"]  # a named volume, not a container's own directory


def test_media_volume_is_mounted_on_the_images_media_root():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "VAR_DIR=/var/lib/ssrtracker" in dockerfile
    # settings: MEDIA_ROOT defaults to VAR_DIR / "media"
    assert 'MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")' in (
        ROOT / "ssrtracker" / "settings.py"
    ).read_text(encoding="utf-8")


def test_image_has_pg_dump_of_the_servers_major_version():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    client = re.search(r"postgresql-client-(\d+)", dockerfile)
    server = re.fullmatch(r"postgres:(\d+)(?:[.-].*)?", compose()["services"]["db"]["image"])
    assert client
    assert server
    assert client.group(1) == server.group(1)


def test_env_example_counts_the_lines_it_names():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    _before, _sep, rest = text.partition("remove these ")
    count_word = rest.split()[0]
    following = rest.split("\n", 2)[2].splitlines()
    block = []
    for line in following:
        if not line or line.startswith("#") or "=" not in line:
            break
        if not line.startswith(("SECURE_", "SESSION_", "CSRF_COOKIE")):
            break
        block.append(line)
    words = {"two": 2, "three": 3, "four": 4, "five": 5}
    assert words[count_word] == len(block) == 4
