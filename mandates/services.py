"""Writes that carry a rule. The admin, the API, imports and jobs all call these."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from mandates.choices import RequestStatus
from mandates.models import Request, StatusUpdate


@transaction.atomic
def request_update_status(
    *,
    request: Request,
    status: str,
    note: str = "",
    evidence_url: str = "",
    by: User | None = None,
    author_name: str = "",
    now: datetime.datetime | None = None,
) -> StatusUpdate:
    """Record a status update on ``request`` and move it to ``status``.

    Writes one append-only :class:`StatusUpdate` (also for a note without a status change),
    keeps ``closed_at`` in step with the status and saves the request (which bumps its version).
    """
    now = now or timezone.now()
    if status not in RequestStatus.values:
        raise ValueError(f"Unknown status {status!r}.")
    update = StatusUpdate.objects.create(
        request=request,
        author=by if by is not None and by.is_authenticated else None,
        author_name=author_name or _display_name(by),
        created_at=now,
        status_from=request.status,
        status_to=status,
        note=note,
        evidence_url=evidence_url,
    )
    if status != request.status:
        request.status = status
        request.closed_at = now if status in RequestStatus.closed() else None
        request.save()
    return update


def _display_name(user: User | None) -> str:
    if user is None or not user.is_authenticated:
        return ""
    full_name = getattr(user, "get_full_name", lambda: "")()
    return full_name or user.get_username()
