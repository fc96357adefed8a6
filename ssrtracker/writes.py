"""Every write of a domain model goes through a service: a function that holds its rules.

A service is marked with :func:`service`. While one runs, :func:`in_service` is true; the tests
connect a guard to the models' save, delete and many-to-many signals that fails any write made
while the admin or the API answers a request and no service runs (``tests/writes_guard.py``).

:func:`writing` marks the rare write that is a service's own business but happens outside a
service function (e.g. a counter the API bumps on each use); give it the reason.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied

P = ParamSpec("P")
R = TypeVar("R")

_active: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "ssrtracker_write_services", default=()
)


def in_service() -> bool:
    """Is a service running (in this thread or task)?"""
    return bool(_active.get())


def active_services() -> tuple[str, ...]:
    """The services running, outermost first (for messages)."""
    return _active.get()


@contextlib.contextmanager
def writing(name: str) -> Iterator[None]:
    """Run the body as the service ``name``."""
    token = _active.set((*_active.get(), name))
    try:
        yield
    finally:
        _active.reset(token)


def service(func: Callable[P, R]) -> Callable[P, R]:
    """Mark ``func`` as a service: the writes made while it runs are its writes."""
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with writing(name):
            return func(*args, **kwargs)

    wrapper.is_service = True  # type: ignore[attr-defined]
    return wrapper


def save_with_history(obj: Any, *, by: Any, reason: str = "") -> None:
    """Save ``obj`` with who (``by``, ``None`` for jobs) and why in its change history."""
    obj._history_user = by
    if reason:
        obj._change_reason = reason[:100]
    obj.save()


def checked_save(
    obj: Any,
    *,
    by: Any,
    refused: str,
    m2m: dict[str, Iterable[Any]] | None = None,
    reason: str = "",
) -> Any:
    """The plain write of a service: ``by`` (``None`` for jobs and commands) needs the model's
    add or change permission, the object passes its own checks (field values, ``clean()``,
    uniqueness), then it is saved with who and why for its history, and its many-to-many
    fields are set from ``m2m``."""
    meta = obj._meta
    action = "add" if obj._state.adding else "change"
    if by is not None and not by.has_perm(f"{meta.app_label}.{action}_{meta.model_name}"):
        raise PermissionDenied(refused)
    obj.full_clean(exclude=list(m2m or ()))
    save_with_history(obj, by=by, reason=reason)
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(list(values))
    return obj


def checked_delete(obj: Any, *, by: Any, refused: str) -> None:
    """Delete ``obj`` if ``by`` (``None`` for jobs) has the model's delete permission."""
    meta = obj._meta
    if by is not None and not by.has_perm(f"{meta.app_label}.delete_{meta.model_name}"):
        raise PermissionDenied(refused)
    obj._history_user = by
    obj.delete()
