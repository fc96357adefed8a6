"""The filters of every API list (and of the exports). Only what is declared here filters: no
query parameter ever reaches the ORM as a keyword. An invalid value is a 400 naming the field."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mandates.choices import (
    ActivityKind,
    CoverageElement,
    CoverageState,
    DocumentBody,
    DocumentKind,
    MissionKind,
    OwnershipElement,
    ParagraphKind,
    PartnerKind,
    Priority,
    Rating,
    Recurrence,
    RequestStatus,
    ThemeKind,
    UnitKind,
)
from mandates.models import (
    Activity,
    Benchmark,
    BenchmarkAssessment,
    Document,
    Mission,
    Paragraph,
    PartnerSupport,
    Request,
    RequestMission,
    SecretaryGeneralReport,
    StatusUpdate,
    Theme,
    Unit,
)
from mandates.requests import selectors as request_selectors
from mandates.requests.querysets import without_document_text
from ssrtracker.api.filters import (
    BooleanFilter,
    FormClassOnce,
    IdOrKeyField,
    IdOrKeyFilter,
    IsoDateTimeFilter,
    UpdatedSinceMixin,
    ordering,
    text_search,
)

# --- Related objects by id or natural key -----------------------------------------------------
# Every filter on a related object takes its id or its natural key, in any case: the dashboards'
# links say ?mission=MINUSCA, scripts often hold ids. The README's API section has the table.


def _mission_key() -> dict[str, Any]:
    return {
        "queryset": Mission.objects.all(),
        "key": "acronym",
        "noun": _("mission"),
        "key_label": _("acronym"),
    }


def mission_filter(**kwargs: Any) -> IdOrKeyFilter:
    kwargs.setdefault("help_text", _("Mission id or acronym (e.g. MINUSCA)."))
    return IdOrKeyFilter(**_mission_key(), **kwargs)


def mission_by_id_or_acronym(value: str, *, param: str = "mission") -> Mission | None:
    """The mission a query parameter names (None when it is empty), read as the filters read
    it; a ValidationError naming ``param`` and the value when it names none (for actions
    without a FilterSet)."""
    return IdOrKeyField(**_mission_key(), param=param, required=False).clean(value)


def unit_filter(**kwargs: Any) -> IdOrKeyFilter:
    kwargs.setdefault("help_text", _("Unit id or acronym (e.g. SSRU)."))
    return IdOrKeyFilter(
        queryset=Unit.objects.all(), key="acronym", noun=_("unit"), key_label=_("acronym"), **kwargs
    )


def document_filter(**kwargs: Any) -> IdOrKeyFilter:
    kwargs.setdefault("help_text", _('Document id or symbol (e.g. "S/RES/2553 (2020)").'))
    return IdOrKeyFilter(
        queryset=without_document_text(Document.objects.all()),
        key="symbol",
        noun=_("document"),
        key_label=_("symbol"),
        **kwargs,
    )


def paragraph_filter(**kwargs: Any) -> IdOrKeyFilter:
    kwargs.setdefault("help_text", _('Paragraph id or citation (e.g. "2553 (2020) OP20(e)").'))
    return IdOrKeyFilter(
        queryset=Paragraph.objects.all(),
        key="citation",
        noun=_("paragraph"),
        key_label=_("citation"),
        **kwargs,
    )


def request_filter(**kwargs: Any) -> IdOrKeyFilter:
    kwargs.setdefault("help_text", _("Request id or reference (e.g. 2553-OP20e)."))
    return IdOrKeyFilter(
        queryset=Request.objects.all(),
        key="reference",
        noun=_("request"),
        key_label=_("reference"),
        **kwargs,
    )


def benchmark_filter(**kwargs: Any) -> IdOrKeyFilter:
    kwargs.setdefault("help_text", _("Benchmark id or reference."))
    return IdOrKeyFilter(
        queryset=Benchmark.objects.all(),
        key="reference",
        noun=_("benchmark"),
        key_label=_("reference"),
        **kwargs,
    )


class ThemeFilter(df.FilterSet):
    kind = df.ChoiceFilter(choices=ThemeKind.choices)
    q = df.CharFilter(method="search", help_text=_("Text in the slug or name."))
    ordering = ordering("name", "slug", "kind")

    class Meta:
        model = Theme
        fields = ["kind"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return text_search(qs, ("slug", "name"), value)


class MissionFilter(UpdatedSinceMixin):
    kind = df.ChoiceFilter(choices=MissionKind.choices)
    active = BooleanFilter(
        method="filter_active", help_text=_("true: missions without an end date in the past.")
    )
    include_closed = BooleanFilter(
        method="filter_include_closed",
        help_text=_(
            "true: closed missions too (left out by default unless `active` is given); they "
            "stay in history."
        ),
    )
    q = df.CharFilter(method="search", help_text=_("Text in the acronym, name or host country."))
    ordering = ordering("acronym", "name", "mandate_expiry", "updated_at")

    class Meta:
        model = Mission
        fields = ["kind"]

    def filter_active(self, qs: QuerySet, name: str, value: bool) -> QuerySet:
        ended = Q(end_date__lt=timezone.localdate())
        return qs.exclude(ended) if value else qs.filter(ended)

    def filter_include_closed(self, qs: QuerySet, name: str, value: bool) -> QuerySet:
        return qs  # the view leaves closed missions out of the list unless this is true

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return text_search(qs, ("acronym", "name", "host_country"), value)


class UnitFilter(UpdatedSinceMixin):
    kind = df.ChoiceFilter(choices=UnitKind.choices)
    mission = mission_filter()
    q = df.CharFilter(method="search", help_text=_("Text in the acronym or name."))
    ordering = ordering("acronym", "name", "updated_at")

    class Meta:
        model = Unit
        fields = ["kind", "mission"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return text_search(qs, ("acronym", "name"), value)


class DocumentFilter(UpdatedSinceMixin):
    kind = df.ChoiceFilter(choices=DocumentKind.choices)
    body = df.ChoiceFilter(choices=DocumentBody.choices)
    symbol = df.CharFilter(help_text=_('Exact symbol, e.g. "S/RES/2553 (2020)".'))
    date = df.DateFromToRangeFilter(help_text=_("date_after / date_before (YYYY-MM-DD)."))
    q = df.CharFilter(method="search", help_text=_("Text in the symbol or title."))
    ordering = ordering("date", "symbol", "updated_at")

    class Meta:
        model = Document
        fields = ["kind", "body", "symbol"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return text_search(qs, ("symbol", "title"), value)


class ParagraphFilter(UpdatedSinceMixin):
    document = document_filter()
    document_symbol = df.CharFilter(
        field_name="document__symbol",
        help_text=_("Exact symbol (the same as document=, kept for older clients)."),
    )
    kind = df.ChoiceFilter(choices=ParagraphKind.choices)
    citation = df.CharFilter(
        lookup_expr="istartswith",
        help_text=_('Start of the citation: "2553 (2020) OP20" matches OP20 and OP20(a)–(f).'),
    )
    theme = df.CharFilter(
        field_name="themes__slug", method="filter_theme", help_text=_("Theme slug.")
    )
    q = df.CharFilter(method="search", help_text=_("Text in the paragraph."))
    ordering = ordering("order", "citation", "updated_at")

    class Meta:
        model = Paragraph
        fields = ["document", "kind"]

    def filter_theme(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        through = Paragraph.themes.through.objects.filter(theme__slug=value)
        return qs.filter(pk__in=through.values("paragraph_id"))

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return text_search(qs, ("text",), value)


class RequestFilter(FormClassOnce, UpdatedSinceMixin):
    # distinct=False: a column of the request itself cannot duplicate rows, and SELECT DISTINCT
    # over every column made the count and the page cost twice as much at 100k requests.
    status = df.MultipleChoiceFilter(
        choices=RequestStatus.choices,
        distinct=False,
        help_text=_("One or more statuses (repeat the parameter)."),
    )
    open = BooleanFilter(
        method="filter_open", help_text=_("true: not started, in progress or on hold.")
    )
    priority = df.MultipleChoiceFilter(choices=Priority.choices, distinct=False)
    recurrence = df.ChoiceFilter(choices=Recurrence.choices)
    mission = mission_filter(method="filter_mission")
    line_status = df.MultipleChoiceFilter(
        choices=RequestStatus.choices,
        method="filter_line_status",
        help_text=_(
            "Requests with a mission line in one of these statuses (its current status: its own, "
            "or the request's while it follows it); with mission=, that mission's line."
        ),
    )
    unit = unit_filter(
        method="filter_unit",
        help_text=_("Unit id or acronym: requests it leads or supports."),
    )
    lead_unit = unit_filter(help_text=_("Unit id or acronym: requests it leads."))
    document = document_filter(
        method="filter_document",
        help_text=_("Document id or symbol: requests resting on its paragraphs."),
    )
    citation = df.CharFilter(
        method="filter_citation",
        help_text=_('Start of a source paragraph\'s citation, e.g. "2553 (2020) OP20".'),
    )
    theme = df.CharFilter(method="filter_theme", help_text=_("Theme slug of a source paragraph."))
    due_date = df.DateFromToRangeFilter(
        help_text=_("due_date_after / due_date_before (YYYY-MM-DD, inclusive).")
    )
    overdue = BooleanFilter(
        method="filter_overdue", help_text=_("true: open and due before today.")
    )
    archived = BooleanFilter(
        method="filter_archived",
        help_text=_("Archived requests are left out unless archived=true (only them)."),
    )
    q = df.CharFilter(method="search", help_text=_("Text in the reference, title or description."))
    ordering = ordering("due_date", "reference", "priority", "status", "updated_at", "created_at")

    class Meta:
        model = Request
        fields = ["lead_unit", "recurrence"]

    @property
    def qs(self) -> QuerySet:
        queryset = super().qs
        if "archived" not in self.data:
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset

    def filter_open(self, qs: QuerySet, name: str, value: bool) -> QuerySet:
        query = request_selectors.OPEN
        return qs.filter(query) if value else qs.exclude(query)

    def filter_mission(self, qs: QuerySet, name: str, value: Mission) -> QuerySet:
        return qs.for_mission(value.pk)  # type: ignore[attr-defined]

    def filter_line_status(self, qs: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return qs
        lines = RequestMission.objects.with_state().filter(line_status__in=value)
        mission = self.form.cleaned_data.get("mission")
        if mission is not None:
            lines = lines.filter(mission=mission)
        return qs.filter(pk__in=lines.values("request_id"))

    def filter_unit(self, qs: QuerySet, name: str, value: Unit) -> QuerySet:
        return qs.for_units([value.pk])  # type: ignore[attr-defined]

    def filter_document(self, qs: QuerySet, name: str, value: Document) -> QuerySet:
        return qs.for_document(value.pk)  # type: ignore[attr-defined]

    def filter_citation(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.citing(value)  # type: ignore[attr-defined]

    def filter_theme(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.for_theme(value)  # type: ignore[attr-defined]

    def filter_overdue(self, qs: QuerySet, name: str, value: bool) -> QuerySet:
        query = request_selectors.overdue_on(timezone.localdate())
        return qs.filter(query) if value else qs.exclude(query)

    def filter_archived(self, qs: QuerySet, name: str, value: bool) -> QuerySet:
        return qs.filter(archived_at__isnull=not value)

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return text_search(qs, ("reference", "title", "description"), value)


class StatusUpdateFilter(df.FilterSet):
    request = request_filter()
    status_to = df.MultipleChoiceFilter(choices=RequestStatus.choices)
    mission = mission_filter(method="filter_mission")
    unit = unit_filter(
        method="filter_unit",
        help_text=_("Unit id or acronym: updates on requests it leads or supports."),
    )
    created_since = IsoDateTimeFilter(
        field_name="created_at",
        lookup_expr="gte",
        help_text=_("Only updates recorded at or after this time (updates never change)."),
    )
    q = df.CharFilter(field_name="note", lookup_expr="icontains", help_text=_("Text in the note."))
    ordering = ordering("created_at")

    class Meta:
        model = StatusUpdate
        fields = ["request"]

    def filter_mission(self, qs: QuerySet, name: str, value: Mission) -> QuerySet:
        return qs.filter(request_id__in=Request.objects.for_mission(value.pk).values("pk"))

    def filter_unit(self, qs: QuerySet, name: str, value: Unit) -> QuerySet:
        return qs.filter(request_id__in=Request.objects.for_units([value.pk]).values("pk"))


class BenchmarkFilter(UpdatedSinceMixin):
    mission = mission_filter()
    responsible_unit = unit_filter()
    paragraph = paragraph_filter()
    ownership_element = df.ChoiceFilter(choices=OwnershipElement.choices)
    theme = df.CharFilter(field_name="component__slug", help_text=_("Component theme slug."))
    q = df.CharFilter(method="search", help_text=_("Text in the reference or indicator."))
    ordering = ordering("reference", "target_date", "updated_at")

    class Meta:
        model = Benchmark
        fields = ["mission", "responsible_unit", "paragraph", "ownership_element"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return text_search(qs, ("reference", "indicator"), value)


class AssessmentFilter(UpdatedSinceMixin):
    benchmark = benchmark_filter()
    mission = mission_filter(field_name="benchmark__mission")
    rating = df.MultipleChoiceFilter(choices=Rating.choices)
    period_start = df.DateFromToRangeFilter(
        help_text=_("period_start_after / period_start_before (YYYY-MM-DD).")
    )
    ordering = ordering("period_start", "updated_at")

    class Meta:
        model = BenchmarkAssessment
        fields = ["benchmark", "rating"]


class SecretaryGeneralReportFilter(UpdatedSinceMixin):
    mission = mission_filter()
    date = df.DateFromToRangeFilter(help_text=_("date_after / date_before (YYYY-MM-DD)."))
    missing = df.ChoiceFilter(
        choices=CoverageElement.choices,
        method="filter_missing",
        help_text=_("Only reports where this element is recorded as missing."),
    )
    state = df.ChoiceFilter(
        choices=CoverageState.choices,
        method="filter_state",
        help_text=_("Only reports with at least one element in this state."),
    )
    q = df.CharFilter(method="search", help_text=_("Text in the symbol or title."))
    ordering = ordering("date", "symbol", "updated_at")

    class Meta:
        model = SecretaryGeneralReport
        fields = ["mission"]

    def filter_missing(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(
            coverage_items__element=value, coverage_items__state=CoverageState.MISSING
        ).distinct()

    def filter_state(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(coverage_items__state=value).distinct()

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return text_search(qs, ("symbol", "title"), value)


class PartnerSupportFilter(UpdatedSinceMixin):
    mission = mission_filter()
    partner_kind = df.MultipleChoiceFilter(choices=PartnerKind.choices)
    area = df.CharFilter(field_name="area__slug", help_text=_("Area theme slug."))
    active_on = df.DateFilter(
        method="filter_active_on", help_text=_("Only support under way on this date.")
    )
    q = df.CharFilter(method="search", help_text=_("Text in the partner, country or note."))
    ordering = ordering("period_start", "partner", "updated_at")

    class Meta:
        model = PartnerSupport
        fields = ["mission"]

    def filter_active_on(self, qs: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return qs.filter(period_start__lte=value).exclude(period_end__lt=value)

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return text_search(qs, ("partner", "country", "note"), value)


def theme_filter(**kwargs: Any) -> IdOrKeyFilter:
    kwargs.setdefault("help_text", _("Theme id or slug (e.g. gender)."))
    return IdOrKeyFilter(
        queryset=Theme.objects.all(), key="slug", noun=_("theme"), key_label=_("slug"), **kwargs
    )


class ActivityFilter(UpdatedSinceMixin):
    mission = mission_filter(field_name="missions")
    unit = unit_filter(field_name="units")
    theme = theme_filter(field_name="themes")
    request = request_filter(field_name="requests")
    kind = df.MultipleChoiceFilter(choices=ActivityKind.choices)
    start_date = df.DateFromToRangeFilter(
        help_text=_("start_date_after / start_date_before (YYYY-MM-DD).")
    )
    active_on = df.DateFilter(
        method="filter_active_on", help_text=_("Only activities under way on this date.")
    )
    q = df.CharFilter(method="search", help_text=_("Text in the title, story or partners."))
    ordering = ordering("start_date", "title", "updated_at")

    class Meta:
        model = Activity
        fields = ["kind"]

    def filter_active_on(self, qs: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return qs.filter(start_date__lte=value).filter(
            Q(end_date__gte=value) | Q(end_date__isnull=True, start_date=value)
        )

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return text_search(qs, ("title", "story", "partners"), value)
