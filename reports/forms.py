"""The dashboards' filters. They live in the URL (GET), so a filtered view can be shared."""

from __future__ import annotations

import datetime
import unicodedata
from functools import partial
from html import escape
from typing import Any

from django import forms
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.forms.renderers import get_default_renderer
from django.urls import reverse
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from mandates.base_models import in_language
from mandates.models import Mission, Request, Theme, Unit
from mandates.requests.querysets import RequestQuerySet

PERIODS = {"30": 30, "90": 90, "365": 365}


def unaccented(text: str) -> str:
    """A sort key that files accented letters with their base letter."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


#: A mission or unit menu with more options than this is drawn as a search box (the page
#: would otherwise grow with every unit); the dashboards' script suggests from
#: ``dashboard:menu-options`` as one types, and an acronym typed in full works without it.
MENU_LIMIT = 100
MENU_SUGGESTIONS = 20


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """HTML attributes as Django's ``attrs.html`` writes them (``True``: the bare name)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _escape(text: Any) -> str:
    """Django's ``conditional_escape`` (``html.escape`` unless already safe), without the lazy
    wrapping that costs more than the escaping itself on thousands of options."""
    return text.__html__() if hasattr(text, "__html__") else escape(str(text))


class MenuSelect(forms.Select):
    """A select menu written in Python, as Django's templates write it: Django builds a context
    and renders a template for each option (some 50 microseconds), which the mission and unit
    menus of every dashboard page paid for each of their hundreds, or thousands, of options."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # The filters' menus are a callable: its list as is, not normalised item by item.
        source = self.choices
        choices = list(source.func() if isinstance(source, CallableChoiceIterator) else source)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)  # groups: Django's way
        wanted = set(self.format_value(value))
        rows = []
        for option_value, label in choices:
            key = "" if option_value is None else str(option_value)
            selected = " selected" if key in wanted else ""
            if selected:
                wanted = set()  # one selected option, the first, as Django does
            rows.append(f'\n  <option value="{_escape(key)}"{selected}>{_escape(label)}</option>\n')
        # Every part of the options is escaped above.
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            _attributes(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(rows)),  # noqa: S308  # nosec B308 B703
        )


class MenuOrSearch(MenuSelect):
    """A menu while it is short; past :data:`MENU_LIMIT` options, a search box taking the
    option's value (an acronym), with suggestions from ``dashboard:menu-options``."""

    search_template_name = "reports/dashboard/includes/menu_search.html"

    def __init__(self, *args: Any, menu: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.menu = menu

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        source = self.choices
        choices = list(source.func() if isinstance(source, CallableChoiceIterator) else source)
        if len(choices) - 1 <= MENU_LIMIT:  # the first is "All …"
            return super().render(name, value, attrs, renderer)
        context = self.get_context(name, value, attrs)
        selected = next((str(v) for v in context["widget"]["value"] if v), "")
        context["widget"].update(
            value=selected, suggest_url=reverse("dashboard:menu-options", args=[self.menu])
        )
        # The template engine's output, escaped as it rendered it (as Widget.render marks it).
        html = (renderer or get_default_renderer()).render(self.search_template_name, context)
        return mark_safe(html)  # noqa: S308  # nosec B308 B703


def menu_options(menu: str, query: str, *, limit: int = MENU_SUGGESTIONS) -> list[dict[str, str]]:
    """Up to ``limit`` missions or units whose acronym or name contains ``query``, acronyms
    starting with it first: the suggestions of a menu drawn as a search box (1 query)."""
    model: Any
    model, names = (
        (Mission, ("host_country", "host_country_fr"))
        if menu == "mission"
        else (
            Unit,
            ("name", "name_fr"),
        )
    )
    query = query.strip()[:100]
    found = model.objects.all()
    if query:
        found = found.filter(
            Q(acronym__icontains=query)
            | Q(**{f"{names[0]}__icontains": query})
            | Q(**{f"{names[1]}__icontains": query})
        )
    rows = (
        found.annotate(
            starts=Case(When(acronym__istartswith=query, then=Value(0)), default=Value(1))
        )
        .order_by("starts", "acronym")
        .values_list("acronym", *names)[:limit]
    )
    return [
        {"value": key, "label": menu_label(menu, key, english, french)}
        for key, english, french in rows
    ]


def menu_label(menu: str, key: str, english: str, french: str) -> str:
    """An option's label, as ``str()`` labels the object, in the current language."""
    extra = in_language(english, french)
    if menu == "mission":
        return f"{key} ({extra})"  # Mission.__str__
    if menu == "unit":
        return f"{key} – {extra}"  # Unit.__str__
    return extra  # Theme.__str__


class DashboardFilters(forms.Form):
    """Mission, unit, theme and period. Missions and units are named by acronym in the URL
    (``?mission=MINUSCA``), themes by slug.

    Closed missions (an end date in the past) are left out of the mission menu and of the
    per-mission figures unless "include closed missions" is ticked (``?include_closed=1``); a
    link naming a closed mission still selects it, since its history stays."""

    mission = forms.ModelChoiceField(
        label=_("Mission"),
        queryset=Mission.objects.order_by("acronym"),
        to_field_name="acronym",
        required=False,
        empty_label=_("All missions"),
        widget=MenuOrSearch(menu="mission"),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.order_by("acronym"),
        to_field_name="acronym",
        required=False,
        empty_label=_("All units"),
        widget=MenuOrSearch(menu="unit"),
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All themes"),
        widget=MenuSelect,
    )
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("30", _("Last 30 days")),
            ("90", _("Last 90 days")),
            ("365", _("Last 12 months")),
        ],
        required=False,
        initial="90",
    )
    include_closed = forms.BooleanField(label=_("Include closed missions"), required=False)

    def __init__(self, *args: Any, fields: tuple[str, ...] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fields is not None:
            keep = {*fields, "include_closed"} if "mission" in fields else set(fields)
            for name in list(self.fields):
                if name not in keep:
                    del self.fields[name]
        for name, field in self.fields.items():
            if name != "include_closed":
                field.widget.attrs["class"] = "filter-input"
        self._options: dict[str, list[tuple[str, str]]] | None = None
        for name in ("mission", "unit", "theme"):
            menu = self.fields.get(name)
            if isinstance(menu, forms.ModelChoiceField):
                # A callable: the options are loaded when the form is drawn, all in one query.
                menu.choices = partial(self._choices, name, menu.empty_label)

    def _choices(self, name: str, empty_label: Any) -> list[tuple[str, Any]]:
        """The options of the mission, unit and theme menus, read together in one query (a
        UNION), labelled as ``str()`` labels the objects. Validation still goes through each
        field's queryset."""
        if self._options is None:
            wanted = [n for n in ("mission", "unit", "theme") if n in self.fields]
            parts: list[QuerySet[Any]] = []
            sources: list[tuple[Any, str, str, str, str]] = [
                (Mission, "mission", "acronym", "host_country", "host_country_fr"),
                (Unit, "unit", "acronym", "name", "name_fr"),
                (Theme, "theme", "slug", "name", "name_fr"),
            ]
            for model, menu, key, extra, extra_fr in sources:
                if menu in wanted:
                    objects = model.objects.all()
                    if model is Mission and not self.shows_closed():
                        selected = self.data.get("mission") if self.is_bound else None
                        objects = objects.exclude(
                            Q(end_date__lt=timezone.localdate()) & ~Q(acronym=selected or "")
                        )
                    if model is not Theme:
                        # One more than a menu holds tells that it is a search box: the rest
                        # are not read.
                        first = objects.order_by(key).values("pk")[: MENU_LIMIT + 1]
                        objects = objects.filter(pk__in=first)
                    parts.append(
                        objects.annotate(
                            menu=Value(menu), key=F(key), extra=F(extra), extra_fr=F(extra_fr)
                        )
                        .values_list("menu", "key", "extra", "extra_fr")
                        .order_by()
                    )
            rows = parts[0].union(*parts[1:], all=True) if parts else []
            options: dict[str, list[tuple[str, str]]] = {n: [] for n in wanted}
            for menu, key, english, french in rows:
                options[menu].append((key, menu_label(menu, key, english, french)))
            options.get("mission", []).sort(key=lambda o: o[0])
            options.get("unit", []).sort(key=lambda o: o[0])
            # "État de droit" among the E's, not after the Z's.
            options.get("theme", []).sort(key=lambda o: unaccented(o[1]))
            self._options = options
        return [("", empty_label or ""), *self._options[name]]

    @property
    def values(self) -> dict[str, Any]:
        """Cleaned values, with every field present (invalid ones count as empty)."""
        data = getattr(self, "cleaned_data", None) if self.is_valid() else None
        data = data or {}
        return {name: data.get(name) for name in self.fields}

    def shows_closed(self) -> bool:
        """Show closed missions in the menu and the per-mission figures?"""
        return "include_closed" in self.fields and bool(self.values.get("include_closed"))

    def period_days(self) -> int:
        return PERIODS.get(self.values.get("period") or "90", 90)

    def since(self, today: datetime.date) -> datetime.date:
        return today - datetime.timedelta(days=self.period_days())

    def requests(self) -> RequestQuerySet:
        """The active requests the filters select (no join duplicates: subqueries)."""
        values = self.values
        queryset = Request.objects.active()
        if values.get("mission"):
            queryset = queryset.for_mission(values["mission"].pk)
        if values.get("unit"):
            queryset = queryset.for_units([values["unit"].pk])
        if values.get("theme"):
            queryset = queryset.for_theme(values["theme"].slug)
        return queryset

    def api_query(self) -> dict[str, Any]:
        """The same selection as API filters, for the export links: named as the dashboards'
        own query string names it (acronyms, slug), which the API filters accept too."""
        values = self.values
        query: dict[str, Any] = {}
        if values.get("mission"):
            query["mission"] = values["mission"].acronym
        if values.get("unit"):
            query["unit"] = values["unit"].acronym
        if values.get("theme"):
            query["theme"] = values["theme"].slug
        return query

    def is_filtered(self) -> bool:
        return any(self.values.get(name) for name in ("mission", "unit", "theme"))
