"""Changelist pieces whose cost does not grow with the data.

* :class:`AutocompleteFilter`: a filter on a related object (unit, mission, document) that does
  not list every object in the sidebar (2,000 resolutions, 300 units) but offers the admin's own
  search-as-you-type box, fed by the related admin's autocomplete view (its search fields, its
  permission checks).
* :class:`EstimatedCountPaginator`: on append-only tables (status updates, ledgers), the unfiltered
  list's size from PostgreSQL's statistics instead of a ``COUNT(*)`` over millions of rows.
  Filtered lists are counted exactly.
* :class:`RangeDateHierarchyMixin`: the date drill-down above a list offers the years (months,
  days) from the first row's date to the last's, read with ``MIN``/``MAX`` on the column's index,
  instead of ``SELECT DISTINCT`` over every row (5.5 s over ten million status updates). A
  period with no rows may be offered, and shows an empty list.
"""

from __future__ import annotations

import datetime
from functools import cache
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Max, Min, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property

from mandates.admin.common import SafeAutocompleteSelect

#: Below this many rows (by the statistics) the unfiltered list is counted exactly.
ESTIMATE_ABOVE = 10_000


class AutocompleteFilter(admin.RelatedFieldListFilter):
    """Filter by a related object chosen in a search box: "All", the empty choice where the
    relation may be empty, and the box; no list of every object."""

    template = "admin/mandates/autocomplete_filter.html"

    def __init__(
        self,
        field: Any,
        request: HttpRequest,
        params: dict[str, Any],
        model: Any,
        model_admin: admin.ModelAdmin,
        field_path: str,
    ) -> None:
        self.admin_site = model_admin.admin_site
        super().__init__(field, request, params, model, model_admin, field_path)

    def field_choices(
        self, field: Any, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> list[tuple[str, Any]]:
        return []  # the box asks for choices as the user types

    def has_output(self) -> bool:
        return True

    def widget(self) -> str:
        """The search box, showing the object filtered on."""
        remote: Any = getattr(self.field.remote_field, "model", None)
        choice = forms.ModelChoiceField(
            queryset=remote._default_manager.all(),
            required=False,
            widget=SafeAutocompleteSelect(self.field, self.admin_site),
        )
        value = self.lookup_val[-1] if self.lookup_val else None
        attrs = {
            "id": f"filter-{self.field_path}",
            "data-filter-param": self.lookup_kwarg,
            "data-filter-clear": self.lookup_kwarg_isnull,
            "aria-label": str(self.title),
            "data-width": "100%",
        }
        return choice.widget.render(f"filter-{self.field_path}", value, attrs=attrs)


class AutocompleteFiltersMixin:
    """On a ModelAdmin using :class:`AutocompleteFilter`: the scripts of the search boxes."""

    @property
    def media(self) -> forms.Media:
        model_admin: Any = self
        media: forms.Media = super().media  # type: ignore[misc]
        for item in model_admin.list_filter:
            if isinstance(item, tuple) and issubclass(item[1], AutocompleteFilter):
                field = get_fields_from_path(model_admin.model, item[0])[-1]
                media += AutocompleteSelect(field, model_admin.admin_site).media
                # After jQuery and its django.jQuery alias, which the script uses.
                media += forms.Media(
                    js=["admin/js/jquery.init.js", "mandates/admin/autocomplete_filter.js"]
                )
                break
        return media


def autocomplete(*paths: str) -> list[tuple[str, type[AutocompleteFilter]]]:
    """``list_filter`` entries filtering on each of ``paths`` through a search box."""
    return [(path, AutocompleteFilter) for path in paths]


class EstimatedCountPaginator(Paginator):
    """Counts a filtered list exactly; an unfiltered list on PostgreSQL from the table's
    statistics once they say it is large (an estimate, refreshed by autovacuum)."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if isinstance(queryset, QuerySet) and not queryset.query.where:
            estimate = _estimated_rows(queryset)
            if estimate is not None and estimate > ESTIMATE_ABOVE:
                return estimate
        return super().count


def _estimated_rows(queryset: QuerySet[Any]) -> int | None:
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None and row[0] >= 0 else None


def _periods(
    queryset: QuerySet[Any], field_name: str, kind: str, *, aware: bool
) -> list[datetime.date]:
    """Every year, month or day (``kind``) from the queryset's first ``field_name`` to its last,
    each as the first day (or midnight) of the period (1 query: MIN and MAX)."""
    bounds = queryset.aggregate(first=Min(field_name), last=Max(field_name))
    first, last = bounds["first"], bounds["last"]
    if first is None or last is None:
        return []
    if isinstance(first, datetime.datetime):
        first, last = (timezone.localtime(v) if timezone.is_aware(v) else v for v in (first, last))
        first, last = first.date(), last.date()
    if kind == "year":
        days = [datetime.date(year, 1, 1) for year in range(first.year, last.year + 1)]
    elif kind == "month":
        start, end = first.year * 12 + first.month - 1, last.year * 12 + last.month - 1
        days = [datetime.date(m // 12, m % 12 + 1, 1) for m in range(start, end + 1)]
    else:
        days = [first + datetime.timedelta(n) for n in range((last - first).days + 1)]
    if not aware:
        return days
    return [timezone.make_aware(datetime.datetime.combine(day, datetime.time())) for day in days]


class RangeDates:
    """A queryset whose ``dates()`` and ``datetimes()`` list the periods between its first and
    last date (:func:`_periods`) rather than those that hold a row."""

    def dates(self, field_name: str, kind: str, order: str = "ASC") -> list[Any]:
        return _periods(self, field_name, kind, aware=False)  # type: ignore[arg-type]

    def datetimes(
        self, field_name: str, kind: str, order: str = "ASC", tzinfo: Any = None
    ) -> list[Any]:
        return _periods(self, field_name, kind, aware=True)  # type: ignore[arg-type]


@cache
def _with_range_dates(queryset_class: type) -> type:
    return type(f"{queryset_class.__name__}WithRangeDates", (RangeDates, queryset_class), {})


class _RangeDatesChangeList(ChangeList):
    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        # The rows are read; what is left to read from the queryset is the date drill-down.
        queryset: Any = self.queryset._chain()
        queryset.__class__ = _with_range_dates(queryset.__class__)
        self.queryset = queryset


class RangeDateHierarchyMixin:
    """For a ModelAdmin with ``date_hierarchy`` on a large table: see the module's docstring."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        base = super().get_changelist(request, **kwargs)  # type: ignore[misc]
        return type("RangeDates" + base.__name__, (_RangeDatesChangeList, base), {})
