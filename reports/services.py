"""Writes of the reports app that people make, with their rules: reminder preferences. (Digests,
reminders and summaries are written by the jobs in :mod:`reports.reminders` and
:mod:`reports.summaries`.)"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from reports.models import ReminderPreference
from ssrtracker.writes import checked_save, service


def manages_reminders(user: User) -> bool:
    """May ``user`` set anyone's reminder preference (and send digests)?"""
    return user.has_perm("reports.change_reminderdigest")


@service
@transaction.atomic
def reminder_preference_save(
    *, preference: ReminderPreference, by: User | None
) -> ReminderPreference:
    """Save a person's reminder preference: their own, unless ``by`` manages reminders."""
    if by is not None and not manages_reminders(by):
        if preference.pk is not None:
            stored = ReminderPreference.objects.select_for_update().get(pk=preference.pk)
            if stored.user_id != by.pk:
                raise PermissionDenied(_("You can change only your own reminder preference."))
        preference.user = by
    return checked_save(
        preference, by=by, refused=_("Your role does not allow changing reminder preferences.")
    )
