"""The guard behind "every write goes through a service" (:mod:`ssrtracker.writes`).

While the admin or the API answers a request (:class:`GuardedSurfaceMiddleware`, added by the
test settings), a save, delete or many-to-many change of one of the project's own models
(the ``mandates`` and ``reports`` apps; their history rows follow their model) must happen
inside a service. Otherwise :class:`WriteOutsideService` is raised at the write, and recorded:
the ``writes_guard`` fixture (autouse, from ``tests/conftest.py``) fails the test at teardown
even if the code under test swallowed the exception.

Signals do not see ``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()``: the guard
wraps those three methods too while it is installed.

Not covered: raw SQL, writes from other surfaces (dashboard pages, commands, jobs: those call
services by convention, not under this guard), and writes of Django's own models (users,
sessions, the admin log).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.signals import m2m_changed, pre_delete, pre_save
from django.http import HttpRequest, HttpResponse

from ssrtracker.writes import in_service

#: The apps whose models are written only through services.
DOMAIN_APPS = frozenset({"mandates", "reports"})
#: Paths of the surfaces under the guard: the admin, the API, the calendar feeds.
GUARDED_PREFIXES = ("/admin/", "/api/", "/calendar/")

_surface: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "write_guard_surface", default=None
)
violations: list[str] = []


class WriteOutsideService(AssertionError):
    """A domain model was written by the admin or the API without a service."""


class GuardedSurfaceMiddleware:
    """Test-only: marks the requests the guard watches (the admin and the API)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(GUARDED_PREFIXES):
            return self.get_response(request)
        token = _surface.set(f"{request.method} {request.path}")
        try:
            return self.get_response(request)
        finally:
            _surface.reset(token)


@contextlib.contextmanager
def surface(name: str) -> Iterator[None]:
    """Act as if answering a request of the admin or the API (for tests of the guard)."""
    token = _surface.set(name)
    try:
        yield
    finally:
        _surface.reset(token)


def is_domain(model: type[Model]) -> bool:
    meta = model._meta
    return meta.app_label in DOMAIN_APPS and not model.__name__.startswith("Historical")


def check(model: type[Model], what: str) -> None:
    where = _surface.get()
    if where is None or in_service() or not is_domain(model):
        return
    message = (
        f"{what} of {model._meta.label} while answering {where}, outside any service: "
        "call the model's service (see ssrtracker/writes.py)."
    )
    violations.append(message)
    raise WriteOutsideService(message)


def _on_save(sender: type[Model], **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        check(sender, "save()")


def _on_delete(sender: type[Model], **kwargs: Any) -> None:
    check(sender, "delete()")


def _on_m2m(sender: type[Model], action: str, **kwargs: Any) -> None:
    if action.startswith("pre_"):
        check(sender, f"many-to-many {action[4:]}")


_ORIGINALS: dict[str, Callable[..., Any]] = {}


def _wrap(name: str) -> Callable[..., Any]:
    original = getattr(QuerySet, name)
    _ORIGINALS[name] = original

    def guarded(self: QuerySet[Any], *args: Any, **kwargs: Any) -> Any:
        check(self.model, f"QuerySet.{name}()")
        return original(self, *args, **kwargs)

    guarded.__name__ = name
    return guarded


def install() -> None:
    """Connect the guard (once per test run)."""
    if _ORIGINALS:
        return
    from django.apps import apps

    pre_save.connect(_on_save, dispatch_uid="tests.writes_guard.save")
    m2m_changed.connect(_on_m2m, dispatch_uid="tests.writes_guard.m2m")
    # Per model: a receiver for every model would stop Django's fast deletes everywhere.
    for model in apps.get_models():
        if is_domain(model):
            pre_delete.connect(_on_delete, sender=model, dispatch_uid=f"guard.{model._meta.label}")
    for name in ("update", "bulk_create", "bulk_update"):
        setattr(QuerySet, name, _wrap(name))
