"""Filter pieces every API list shares: strict booleans, sane times, stable ordering, text
search and incremental sync. The lists' own FilterSets live with their app's API."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters as df
from django import forms
from django.db.models import Model, Q, QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from ssrtracker.limits import bounded_int


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


#: A label: plain or translated lazily.
Text = str | Promise

#: How much of an unknown value an error repeats.
SHOWN_VALUE_CHARS = 60


class IdOrKeyField(forms.Field):
    """One object named by its id or by its natural key, case-insensitive: ``?mission=12``,
    ``?mission=MINUSCA`` and ``?mission=minusca`` select the same mission.

    Digits are read as an id first, then as a key (a key may be all digits). A value that names
    nothing, or a key two objects share but for case, is a 400 naming the parameter and the
    value. One query (two only for digits that are no id)."""

    widget = forms.TextInput

    def __init__(
        self,
        *,
        queryset: QuerySet[Any],
        key: str,
        noun: Text,
        key_label: Text,
        param: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.queryset = queryset
        self.key = key
        self.noun = noun
        self.key_label = key_label
        self.param = param

    def to_python(self, value: Any) -> Model | None:
        text = "" if value in self.empty_values else str(value).strip()
        if not text:
            return None
        rows: list[Model] = []
        pk = bounded_int(text)
        if pk is not None:
            rows = list(self.queryset.filter(pk=pk)[:1])
        # A NUL names nothing (PostgreSQL refuses it in a text): the 400 below, not a 500.
        if not rows and "\x00" not in text:
            rows = list(self.queryset.filter(**{f"{self.key}__iexact": text}).order_by("pk")[:2])
        if len(rows) == 1:
            return rows[0]
        params = {
            "param": self.param or self.noun,
            "value": text[:SHOWN_VALUE_CHARS] + ("…" if len(text) > SHOWN_VALUE_CHARS else ""),
            "noun": self.noun,
            "key": self.key_label,
        }
        if rows:
            raise forms.ValidationError(
                _('%(param)s: "%(value)s" names more than one %(noun)s; give its id.'),
                code="ambiguous",
                params=params,
            )
        raise forms.ValidationError(
            _('%(param)s: no %(noun)s has the id or %(key)s "%(value)s".'),
            code="invalid_choice",
            params=params,
        )


class IdOrKeyFilter(df.CharFilter):  # a CharFilter to the schema: a string, with its help text
    """A filter on one related object, given by id or natural key (:class:`IdOrKeyField`).
    The value the filter (or its ``method``) receives is the object.

    ``IdOrKeyFilter(queryset=Mission.objects.all(), key="acronym", noun="mission",
    key_label="acronym")``"""

    field_class = IdOrKeyField

    def __init__(
        self,
        field_name: str | None = None,
        lookup_expr: str | None = None,
        *,
        queryset: QuerySet[Any],
        key: str,
        noun: Text,
        key_label: Text,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "help_text",
            format_lazy(_("The {noun}'s id or {key} (any case)."), noun=noun, key=key_label),
        )
        super().__init__(
            field_name,
            lookup_expr,
            queryset=queryset,
            key=key,
            noun=noun,
            key_label=key_label,
            **kwargs,
        )

    @property
    def field(self) -> forms.Field:
        if not hasattr(self, "_field"):
            # The query parameter's name, for the error: the name this filter has in its set.
            parent = getattr(self, "parent", None)
            named = getattr(parent, "filters", {}) if parent is not None else {}
            param = next((n for n, f in named.items() if f is self), self.field_name)
            self.extra["param"] = param or ""
        return super().field


#: Form classes built by :class:`FormClassOnce`, by FilterSet class and language.
_FORM_CLASSES: dict[tuple[type, str | None], type[forms.Form]] = {}


class FormClassOnce(df.FilterSet):
    """A FilterSet whose form class is built once (per language, for its labels) rather than
    on every call: django-filter builds a form field for each of its filters every time, which
    cost a list with many filters more than its queries. Each call still gets its own form
    (a form copies its class's fields). Only for FilterSets whose fields do not depend on the
    request."""

    def get_form_class(self) -> type[forms.Form]:
        key = (type(self), translation.get_language())
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            form_class = _FORM_CLASSES[key] = super().get_form_class()
        return form_class


class UpdatedSinceMixin(df.FilterSet):
    updated_since = IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=_(
            "Only rows changed at or after this time (ISO 8601), for incremental sync: keep the "
            "largest updated_at you received and ask from it next time."
        ),
    )
