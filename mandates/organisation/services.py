"""Writes of the organisation and its reference data, with their rules: units, missions and
themes (archived and restored, never deleted), memberships, and the routing table imports use.
The admin, the API, imports and jobs call these."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mandates.models import AddresseeRoute, Mission, Theme, Unit, UnitMembership
from ssrtracker.writes import checked_delete, checked_save, service


@service
@transaction.atomic
def reference_save(
    *,
    obj: Unit | Theme | Mission,
    by: User | None,
    m2m: dict[str, Iterable[object]] | None = None,
) -> Unit | Theme | Mission:
    """Add or change a unit, theme or mission (administrators: the role that has the right)."""
    return checked_save(
        obj, by=by, m2m=m2m, refused=_("Only administrators change reference data.")
    )


def _set_archived(
    obj: Unit | Theme, by: User | None, when: datetime.datetime | None, refused: str
) -> None:
    if by is not None and not by.has_perm(f"mandates.change_{obj._meta.model_name}"):
        raise PermissionDenied(refused)
    if (obj.archived_at is None) != (when is None):
        obj.archived_at = when
        obj.save()


@service
def reference_archive(
    *, obj: Unit | Theme, by: User | None, now: datetime.datetime | None = None
) -> None:
    """Archive a unit or theme instead of deleting it: it leaves the choices offered for new
    work, and stays on every request, benchmark and page that already names it."""
    when = obj.archived_at or now or timezone.now()
    _set_archived(obj, by, when, _("Only administrators archive reference data."))


@service
def reference_restore(*, obj: Unit | Theme, by: User | None) -> None:
    _set_archived(obj, by, None, _("Only administrators restore reference data."))


@service
@transaction.atomic
def membership_save(*, membership: UnitMembership, by: User | None) -> UnitMembership:
    """Put a person in a unit, or change their role in it."""
    return checked_save(
        membership, by=by, refused=_("Only administrators change who belongs to a unit.")
    )


@service
@transaction.atomic
def membership_delete(*, membership: UnitMembership, by: User | None) -> None:
    """Take a person out of a unit."""
    checked_delete(
        membership, by=by, refused=_("Only administrators change who belongs to a unit.")
    )


@service
@transaction.atomic
def route_save(
    *,
    route: AddresseeRoute,
    by: User | None,
    supporting_units: Iterable[Unit] | None = None,
) -> AddresseeRoute:
    """Add or change which units an import makes lead and support the requests of an addressee."""
    m2m = None if supporting_units is None else {"supporting_units": supporting_units}
    return checked_save(
        route, by=by, m2m=m2m, refused=_("Only administrators change the routing of imports.")
    )


@service
@transaction.atomic
def route_delete(*, route: AddresseeRoute, by: User | None) -> None:
    checked_delete(route, by=by, refused=_("Only administrators change the routing of imports."))
