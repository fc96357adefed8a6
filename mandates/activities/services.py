"""Services for activities: every write of an :class:`~mandates.models.Activity` (the admin,
the API and the demo data call these).

Rules:

1. ``end_date``, when given, is not before ``start_date`` (the model's check, in the database
   too);
2. SSR staff of a Headquarters unit (the SSR Unit) and administrators record and change any
   activity; a mission focal point only those of their own missions and units, before and
   after the change (:func:`mandates.organisation.permissions.can_record_activity`);
3. managers, API clients with a read token and people with no role write nothing (the roles'
   model permissions).

Jobs and the demo loader pass ``by=None``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from mandates.models import Activity, Mission, Request, Theme, Unit
from mandates.organisation import permissions
from mandates.requests.services import StaleVersion
from ssrtracker.writes import save_with_history, service


def _refuse(by: User, perm: str) -> None:
    if not by.has_perm(f"mandates.{perm}_activity"):
        raise PermissionDenied(_("Your role does not allow recording activities."))
    raise PermissionDenied(_("You can record only the activities of your own missions and units."))


@service
@transaction.atomic
def activity_save(
    *,
    activity: Activity,
    by: User | None,
    missions: Iterable[Mission] | None = None,
    units: Iterable[Unit] | None = None,
    themes: Iterable[Theme] | None = None,
    requests: Iterable[Request] | None = None,
    expected_updated_at: datetime.datetime | None = None,
) -> Activity:
    """Record ``activity`` (not yet saved) or save the changes made to it, with its missions,
    units, themes and the requests it advanced (``None``: keep those it has).
    ``expected_updated_at`` refuses the change if someone saved it after the caller read it
    (raises :class:`StaleVersion`)."""
    adding = activity.pk is None
    stored_missions: set[int] = set()
    stored_units: set[int] = set()
    if not adding:
        stored = Activity.objects.select_for_update().get(pk=activity.pk)
        if expected_updated_at is not None and stored.updated_at != expected_updated_at:
            raise StaleVersion(
                _("This activity was changed by someone else since you opened it."),
                current_version=0,
                changes=[],
            )
        stored_missions, stored_units = permissions.activity_links(stored)
    new_missions = list(missions) if missions is not None else None
    new_units = list(units) if units is not None else None
    mission_ids = {m.pk for m in new_missions} if new_missions is not None else set(stored_missions)
    unit_ids = {u.pk for u in new_units} if new_units is not None else set(stored_units)
    if by is not None:
        perm = "add" if adding else "change"
        allowed = permissions.can_record_activity(by, mission_ids, unit_ids, perm=perm)
        if allowed and not adding:
            allowed = permissions.can_record_activity(by, stored_missions, stored_units, perm=perm)
        if not allowed:
            _refuse(by, perm)
    activity.full_clean()
    save_with_history(activity, by=by)
    m2m: dict[str, Any] = {
        "missions": new_missions,
        "units": new_units,
        "themes": themes,
        "requests": requests,
    }
    for name, values in m2m.items():
        if values is not None:
            getattr(activity, name).set(list(values))
    return activity


@service
@transaction.atomic
def activity_delete(*, activity: Activity, by: User | None) -> None:
    """Delete an activity recorded by mistake (its history keeps it), by the same rule as a
    change."""
    stored = Activity.objects.select_for_update().get(pk=activity.pk)
    if by is not None and not permissions.can_change_activity(by, stored, perm="delete"):
        _refuse(by, "delete")
    stored._history_user = by  # type: ignore[attr-defined]
    stored.delete()
