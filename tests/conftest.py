"""Shared fixtures: one user per role, and the switch between skipping and requiring services.

Tests marked ``postgres`` need the database to be PostgreSQL (``DATABASE_URL=postgres://...``),
tests marked ``redis`` need ``CELERY_BROKER_URL=redis://...`` and tests marked ``browser`` need
Chromium (``CHROMIUM_PATH``, default ``/usr/bin/chromium``) and tests marked ``compose`` need
Docker Compose (the ``docker compose`` plugin, or ``docker-compose``). Without them they are skipped
with the reason shown in the summary; with ``REQUIRE_SERVICES=1`` (CI) they fail instead, so a CI
run can never pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command

from mandates.choices import MembershipRole
from mandates.organisation import roles
from tests import writes_guard
from tests.factories import UnitFactory, UserFactory

pytest_plugins = ["tests.robustness", "tests.faults", "tests.s3"]

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@cache
def compose_command() -> list[str] | None:
    """How to run Docker Compose here: the ``docker compose`` plugin, else ``docker-compose``
    (Debian's 1.29 checks a compose file without a Docker daemon), else None."""
    docker = shutil.which("docker")
    if docker:
        plugin = subprocess.run(  # noqa: S603 - fixed argv
            [docker, "compose", "version"], capture_output=True, check=False, timeout=60
        )
        if plugin.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def _service_problem(marker: str) -> str | None:
    if marker == "postgres" and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        return "needs PostgreSQL: set DATABASE_URL=postgres://USER@HOST:PORT/NAME"
    if marker == "browser" and not Path(CHROMIUM_PATH).exists():
        return f"needs Chromium at {CHROMIUM_PATH} (set CHROMIUM_PATH)"
    if marker == "redis" and not settings.CELERY_BROKER_URL.startswith("redis"):
        return "needs Redis: set CELERY_BROKER_URL=redis://HOST:PORT/0"
    if marker == "compose" and compose_command() is None:
        return "needs Docker Compose (the docker compose plugin, or docker-compose)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for marker in ("postgres", "redis", "browser", "compose"):
            if marker not in item.keywords:
                continue
            problem = _service_problem(marker)
            if problem is None:
                continue
            if REQUIRE_SERVICES:
                item.user_properties.append(("service_missing", problem))
            else:
                item.add_marker(pytest.mark.skip(reason=problem))


@pytest.fixture(autouse=True)
def writes_guard_fixture() -> Iterator[list[str]]:
    """Fails a test in which the admin or the API wrote a model outside its service
    (``tests/writes_guard.py``), even if the code under test caught the error."""
    writes_guard.install()
    writes_guard.violations.clear()
    yield writes_guard.violations
    found = list(writes_guard.violations)
    writes_guard.violations.clear()
    if found:
        pytest.fail("Writes outside a service:\n" + "\n".join(found), pytrace=False)


def pytest_runtest_setup(item: pytest.Item) -> None:
    for name, problem in item.user_properties:
        if name == "service_missing":
            pytest.fail(f"REQUIRE_SERVICES=1 but this test {problem}", pytrace=False)


def ensure_roles() -> None:
    """A transactional test before this one flushed the tables, roles included: migrate the
    data migrations again to bring back the roles and their permissions."""
    if Group.objects.filter(name=roles.MANAGERS).exists():
        return
    call_command("migrate", "mandates", "0001", verbosity=0)
    call_command("migrate", verbosity=0)


def _member(unit_acronym: str, *, role: str) -> object:
    user = UserFactory.create(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    unit = UnitFactory.create(acronym=unit_acronym)
    unit.memberships.create(user=user, role=MembershipRole.FOCAL_POINT)
    return user


@pytest.fixture
def staff_a(db):
    """SSR staff, focal point of unit UNIT-A."""
    return _member("UNIT-A", role=roles.SSR_STAFF)


@pytest.fixture
def staff_b(db):
    """SSR staff, focal point of unit UNIT-B."""
    return _member("UNIT-B", role=roles.SSR_STAFF)


@pytest.fixture
def manager(db):
    user = UserFactory.create(is_staff=True)
    user.groups.add(Group.objects.get(name=roles.MANAGERS))
    return user


@pytest.fixture
def api_client_user(db):
    user = UserFactory.create(is_staff=False)
    user.groups.add(Group.objects.get(name=roles.API_CLIENTS))
    return user


@pytest.fixture
def administrator(db):
    user = UserFactory.create(is_staff=True, is_superuser=True)
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATORS))
    return user


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit and token-failure counters live in the cache: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
