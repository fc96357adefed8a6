"""Filter pieces every API list shares: strict booleans, sane times, stable ordering, text
search and incremental sync. The lists' own FilterSets live with their app's API."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField


class StrictBooleanField(forms.NullBooleanField):
    """``true``/``false`` (or 1/0); anything else is an error rather than silently ignored."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value in (None, ""):
            return None
        text = str(value).lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise forms.ValidationError(_("Use true or false."), code="invalid")

    def validate(self, value: Any) -> None:
        return None


class BooleanFilter(df.BooleanFilter):
    field_class = StrictBooleanField


#: Real time zones lie between UTC-12:00 and UTC+14:00.
MAX_UTC_OFFSET = datetime.timedelta(hours=14)


class SafeIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time with a real-world UTC offset, converted to UTC (a value the database
    would reject, such as +22:30, is a 400 here rather than an error there)."""

    def to_python(self, value: Any) -> datetime.datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        offset = parsed.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise forms.ValidationError(_("Use a UTC offset between -12:00 and +14:00."))
        try:
            return parsed.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(_("This time is out of range.")) from None


class IsoDateTimeFilter(df.IsoDateTimeFilter):
    field_class = SafeIsoDateTimeField


class StableOrderingFilter(df.OrderingFilter):
    """``ordering`` with a final tie-break on the id, so pages never overlap or skip rows."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        qs = super().filter(qs, value)
        if value:
            descending = str(value[-1]).startswith("-")
            qs = qs.order_by(*qs.query.order_by, "-pk" if descending else "pk")
        return qs


def ordering(*fields: str) -> StableOrderingFilter:
    return StableOrderingFilter(
        fields=fields, help_text=_("Sort by these fields; prefix with - for descending.")
    )


def text_search(qs: QuerySet, fields: tuple[str, ...], value: str) -> QuerySet:
    query = Q()
    for name in fields:
        query |= Q(**{f"{name}__icontains": value})
    return qs.filter(query)


class UpdatedSinceMixin(df.FilterSet):
    updated_since = IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=_(
            "Only rows changed at or after this time (ISO 8601), for incremental sync: keep the "
            "largest updated_at you received and ask from it next time."
        ),
    )
