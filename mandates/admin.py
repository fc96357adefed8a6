"""The Django admin: where SSR staff and focal points record their work.

Every changelist loads what its columns show with ``list_select_related``, a prefetch or an
annotation, so its query count does not grow with the number of rows (tests/mandates/test_admin.py).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from mandates.choices import Rating, RequestStatus
from mandates.models import (
    Benchmark,
    BenchmarkAssessment,
    Document,
    Mission,
    Paragraph,
    Request,
    StatusUpdate,
    Theme,
    Unit,
    UnitMembership,
)
from mandates.services import request_update_status


def _shorten(text: str, length: int = 90) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def status_badge(status: str, label: Any) -> str:
    # The label is always printed: colour adds meaning but never carries it alone.
    return format_html('<span class="ssr-status ssr-status--{}">{}</span>', status, label)


# --- Documents, paragraphs, themes -----------------------------------------------------------


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "paragraph_count"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Theme]:
        return super().get_queryset(request).annotate(_paragraphs=Count("paragraphs"))

    @admin.display(description=_("paragraphs"), ordering="_paragraphs")
    def paragraph_count(self, obj: Theme) -> int:
        return obj._paragraphs  # type: ignore[attr-defined]


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    fk_name = "document"
    fields = ["ref", "kind", "number", "label", "parent", "lead_verb", "text", "order"]
    readonly_fields = ["ref", "parent"]
    ordering = ["order"]
    extra = 0
    show_change_link = True
    formfield_overrides = {
        Paragraph._meta.get_field("text").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 80})
        }
    }

    def get_queryset(self, request: HttpRequest) -> QuerySet[Paragraph]:
        return super().get_queryset(request).select_related("parent", "document")


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ["symbol", "kind", "date", "title", "paragraph_count", "official_text"]
    list_filter = ["kind", "body"]
    search_fields = ["symbol", "title", "citation_label"]
    date_hierarchy = "date"
    autocomplete_fields = ["draft_of", "predecessor"]
    readonly_fields = ["official_text", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["kind", "symbol", "citation_label", "body", "date", "title"]}),
        (_("Links"), {"fields": ["official_text", "draft_of", "predecessor"]}),
        (_("Source text"), {"classes": ["collapse"], "fields": ["source_text"]}),
        (_("Record"), {"classes": ["collapse"], "fields": ["created_at", "updated_at"]}),
    ]
    inlines = [ParagraphInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        return super().get_queryset(request).annotate(_paragraphs=Count("paragraphs"))

    @admin.display(description=_("paragraphs"), ordering="_paragraphs")
    def paragraph_count(self, obj: Document) -> int:
        return obj._paragraphs  # type: ignore[attr-defined]

    @admin.display(description=_("official text"))
    def official_text(self, obj: Document) -> str:
        if not obj.url:
            return "–"
        return format_html('<a href="{}" rel="noopener" target="_blank">{}</a>', obj.url, obj.url)


@admin.register(Paragraph)
class ParagraphAdmin(SimpleHistoryAdmin):
    list_display = ["citation", "kind", "lead_verb", "short_text", "theme_list"]
    list_display_links = ["citation"]
    list_filter = ["kind", "document", "themes"]
    list_select_related = ["document"]
    search_fields = ["citation", "text", "lead_verb"]
    autocomplete_fields = ["document", "parent", "themes"]
    readonly_fields = ["ref", "citation", "created_at", "updated_at"]
    ordering = ["document", "order"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Paragraph]:
        return super().get_queryset(request).prefetch_related("themes")

    @admin.display(description=_("text"))
    def short_text(self, obj: Paragraph) -> str:
        return _shorten(obj.text)

    @admin.display(description=_("themes"))
    def theme_list(self, obj: Paragraph) -> str:
        return ", ".join(theme.name for theme in obj.themes.all())


# --- Missions and units ----------------------------------------------------------------------


class ActiveMissionFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("active", _("Active")), ("closed", _("Closed"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Mission]) -> QuerySet[Mission]:
        today = timezone.localdate()
        if self.value() == "active":
            return queryset.exclude(end_date__lt=today)
        if self.value() == "closed":
            return queryset.filter(end_date__lt=today)
        return queryset


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = [
        "acronym",
        "name",
        "kind",
        "host_country",
        "start_date",
        "end_date",
        "mandate_expiry",
        "reporting_cycle_months",
        "open_requests",
    ]
    list_filter = [ActiveMissionFilter, "kind"]
    search_fields = ["acronym", "name", "host_country"]
    date_hierarchy = "start_date"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Mission]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                _open=Count(
                    "requests",
                    filter=Q(requests__status__in=RequestStatus.open()),
                    distinct=True,
                )
            )
        )

    @admin.display(description=_("open requests"), ordering="_open")
    def open_requests(self, obj: Mission) -> int:
        return obj._open  # type: ignore[attr-defined]


class UnitMembershipInline(admin.TabularInline):
    model = UnitMembership
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "kind", "parent", "mission", "member_count"]
    list_filter = ["kind", "mission"]
    list_select_related = ["parent", "mission"]
    search_fields = ["acronym", "name"]
    autocomplete_fields = ["parent", "mission"]
    inlines = [UnitMembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Unit]:
        return super().get_queryset(request).annotate(_members=Count("memberships"))

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, obj: Unit) -> int:
        return obj._members  # type: ignore[attr-defined]


@admin.register(UnitMembership)
class UnitMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit"]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__acronym"]
    autocomplete_fields = ["user", "unit"]


# --- Requests and status updates -------------------------------------------------------------


class DueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("overdue", _("Overdue")),
            ("30", _("Due in the next 30 days")),
            ("90", _("Due in the next 90 days")),
            ("none", _("No due date")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Request]) -> QuerySet[Request]:
        value = self.value()
        if value == "overdue":
            return queryset.overdue()  # type: ignore[attr-defined]
        if value in {"30", "90"}:
            return queryset.due_within(int(value))  # type: ignore[attr-defined]
        if value == "none":
            return queryset.filter(due_date__isnull=True)
        return queryset


class StatusUpdateInline(admin.TabularInline):
    """The request's timeline, read-only: updates are added with the fields above it."""

    model = StatusUpdate
    fields = ["created_at", "display_author", "status_from", "status_to", "note", "evidence_url"]
    readonly_fields = ["created_at", "display_author", "status_from", "status_to", "note"]
    readonly_fields += ["evidence_url"]
    ordering = ["-created_at", "-pk"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[StatusUpdate]:
        return super().get_queryset(request).select_related("author")

    @admin.display(description=_("author"))
    def display_author(self, obj: StatusUpdate) -> str:
        return obj.display_author


class RequestAdminForm(forms.ModelForm):
    """The request form with the fields of a new status update."""

    new_status = forms.ChoiceField(
        label=_("New status"), choices=RequestStatus.choices, required=False
    )
    update_note = forms.CharField(
        label=_("Update note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done. Saved as a status update with your name and the time."),
    )
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, assume_scheme="https")

    class Meta:
        model = Request
        fields = [
            "reference",
            "title",
            "description",
            "paragraphs",
            "lead_unit",
            "supporting_units",
            "missions",
            "priority",
            "due_date",
            "recurrence",
            "recurrence_months",
            "recurrence_anchor",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_status"].initial = self.instance.status


@admin.register(Request)
class RequestAdmin(SimpleHistoryAdmin):
    form = RequestAdminForm
    list_display = [
        "reference",
        "title",
        "status_display",
        "priority",
        "due_date",
        "due_display",
        "lead_unit_display",
        "mission_list",
    ]
    list_display_links = ["reference", "title"]
    list_filter = [
        "status",
        DueFilter,
        "priority",
        "recurrence",
        "lead_unit",
        "missions",
        "paragraphs__document",
    ]
    list_select_related = ["lead_unit"]
    search_fields = ["reference", "title", "description", "paragraphs__citation"]
    date_hierarchy = "due_date"
    autocomplete_fields = ["paragraphs", "lead_unit", "supporting_units", "missions"]
    readonly_fields = [
        "status_display",
        "paragraph_texts",
        "created_at",
        "updated_at",
        "closed_at",
        "version",
    ]
    # Most pressing first: by due date, requests without one at the end.
    ordering = [F("due_date").asc(nulls_last=True), "reference"]
    fieldsets = [
        (None, {"fields": ["reference", "title", "description", "paragraphs", "paragraph_texts"]}),
        (_("Responsibility"), {"fields": ["lead_unit", "supporting_units", "missions"]}),
        (
            _("Schedule"),
            {
                "fields": [
                    "priority",
                    "due_date",
                    "recurrence",
                    "recurrence_months",
                    "recurrence_anchor",
                ]
            },
        ),
        (
            _("Status update"),
            {"fields": ["status_display", "new_status", "update_note", "evidence_url"]},
        ),
        (
            _("Record"),
            {
                "classes": ["collapse"],
                "fields": ["created_at", "updated_at", "closed_at", "version"],
            },
        ),
    ]
    inlines = [StatusUpdateInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Request]:
        return super().get_queryset(request).prefetch_related("missions")

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj: Request) -> str:
        return status_badge(obj.status, obj.get_status_display())

    @admin.display(description=_("due"))
    def due_display(self, obj: Request) -> str:
        days = obj.days_until_due()
        if days is None or not obj.is_open:
            return ""
        if days < 0:
            return format_html('<span class="ssr-due ssr-due--overdue">{}</span>', _("overdue"))
        if days <= 30:
            return format_html('<span class="ssr-due ssr-due--soon">{}</span>', _("due soon"))
        return ""

    @admin.display(description=_("lead unit"), ordering="lead_unit__acronym")
    def lead_unit_display(self, obj: Request) -> str:
        return obj.lead_unit.acronym

    @admin.display(description=_("what the Council asked"))
    def paragraph_texts(self, obj: Request) -> str:
        paragraphs = obj.paragraphs.order_by("document__date", "order") if obj.pk else []
        return (
            format_html_join(
                "",
                '<p class="ssr-paragraph"><strong>{}</strong> {}</p>',
                ((p.citation, p.text) for p in paragraphs),
            )
            or "–"
        )

    @admin.display(description=_("missions"))
    def mission_list(self, obj: Request) -> str:
        return format_html_join(", ", "{}", ((m.acronym,) for m in obj.missions.all()))

    def save_model(self, request: HttpRequest, obj: Request, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        new_status = form.cleaned_data.get("new_status") or obj.status
        note = form.cleaned_data.get("update_note", "")
        evidence = form.cleaned_data.get("evidence_url", "")
        if new_status != obj.status or note or evidence:
            request_update_status(
                request=obj,
                status=new_status,
                note=note,
                evidence_url=evidence,
                by=request.user if isinstance(request.user, User) else None,
            )


@admin.register(StatusUpdate)
class StatusUpdateAdmin(admin.ModelAdmin):
    """Status updates are append-only: listed and read here, added from their request."""

    list_display = ["created_at", "request", "status_from", "status_to", "display_author"]
    list_filter = ["status_to", "request__lead_unit"]
    list_select_related = ["request", "author"]
    search_fields = ["request__reference", "request__title", "note", "author_name"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("author"))
    def display_author(self, obj: StatusUpdate) -> str:
        return obj.display_author


# --- Benchmarks ------------------------------------------------------------------------------


class BenchmarkAssessmentInline(admin.TabularInline):
    model = BenchmarkAssessment
    fields = ["period_start", "period_end", "rating", "value", "narrative", "source_report"]
    autocomplete_fields = ["source_report"]
    ordering = ["-period_start"]
    extra = 0
    formfield_overrides = {
        BenchmarkAssessment._meta.get_field("narrative").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 50})
        }
    }


@admin.register(Benchmark)
class BenchmarkAdmin(SimpleHistoryAdmin):
    list_display = [
        "reference",
        "mission",
        "ownership_element",
        "component",
        "short_indicator",
        "target_date",
        "latest_rating",
    ]
    list_filter = ["mission", "ownership_element", "component"]
    list_select_related = ["mission", "component"]
    search_fields = ["reference", "indicator", "mission__acronym"]
    autocomplete_fields = ["mission", "paragraph", "component", "responsible_unit"]
    inlines = [BenchmarkAssessmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Benchmark]:
        latest = BenchmarkAssessment.objects.filter(benchmark=OuterRef("pk")).order_by(
            "-period_start"
        )
        return (
            super()
            .get_queryset(request)
            .annotate(_latest_rating=Subquery(latest.values("rating")[:1]))
        )

    @admin.display(description=_("indicator"))
    def short_indicator(self, obj: Benchmark) -> str:
        return _shorten(obj.indicator, 70)

    @admin.display(description=_("latest rating"), ordering="_latest_rating")
    def latest_rating(self, obj: Benchmark) -> str:
        value = obj._latest_rating  # type: ignore[attr-defined]
        if not value:
            return "–"
        return status_badge(value, Rating(value).label)


@admin.register(BenchmarkAssessment)
class BenchmarkAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["benchmark", "mission", "period_start", "period_end", "rating_display", "value"]
    list_filter = ["rating", "benchmark__mission"]
    list_select_related = ["benchmark__mission"]
    search_fields = ["benchmark__reference", "benchmark__indicator", "narrative"]
    date_hierarchy = "period_start"
    autocomplete_fields = ["benchmark", "source_report"]

    @admin.display(description=_("mission"), ordering="benchmark__mission__acronym")
    def mission(self, obj: BenchmarkAssessment) -> str:
        return obj.benchmark.mission.acronym

    @admin.display(description=_("rating"), ordering="rating")
    def rating_display(self, obj: BenchmarkAssessment) -> str:
        return status_badge(obj.rating, obj.get_rating_display())
