"""Small helpers shared by the mandates models."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy


def in_language(english: str, french: str) -> str:
    """A name in the active language: the French form on a French page when there is one,
    otherwise the English (reference data keeps both, as the United Nations names things in
    both working languages)."""
    language = get_language() or ""
    return french if french and language.startswith("fr") else english


def choices_check(field: str, choices: type[models.TextChoices], *, blank: bool = False):
    """A check constraint keeping ``field`` inside ``choices`` (and ``""`` when ``blank``)."""
    allowed = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": allowed}),
        name=f"%(app_label)s_%(class)s_{field}_valid",
        violation_error_message=f"{field} must be one of: {', '.join(v for v in allowed if v)}.",
    )


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False, db_index=True)

    class Meta:
        abstract = True


def referenced_by(instance: models.Model) -> list[str]:
    """The kinds of record that point to ``instance`` (history included), e.g. ``["request"]``."""
    found: list[str] = []
    for relation in instance._meta.related_objects:
        model = relation.related_model
        if not isinstance(model, type):
            continue
        if relation.many_to_many:
            linked = getattr(instance, relation.get_accessor_name() or "").exists()
        else:
            linked = model._default_manager.filter(**{relation.field.name: instance.pk}).exists()
        if linked:
            found.append(str(model._meta.verbose_name))
    return sorted(set(found))


def refuse_deleting_referenced(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    """``pre_delete`` guard for reference data (units, missions, themes, documents, paragraphs).

    Deleting one of them would silently unlink requests (a supporting unit vanishes from a
    request with no version bump and no history), so a row that anything points to is archived,
    never deleted, whatever the path: the admin, a script, a queryset's ``delete()``.
    """
    kinds = referenced_by(instance)
    if kinds:
        raise models.ProtectedError(
            _("%(object)s is not deleted: %(kinds)s point to it. Archive it instead.")
            % {"object": instance, "kinds": ", ".join(kinds)},
            {instance},
        )


class ArchivableModel(models.Model):
    """Reference data that is archived instead of deleted: it leaves choice lists for new
    work and stays wherever it is already used."""

    archived_at = models.DateTimeField(
        _lazy("archived"),
        null=True,
        blank=True,
        editable=False,
        help_text=_lazy("Archived: no longer offered for new work; kept wherever it is used."),
    )

    class Meta:
        abstract = True
