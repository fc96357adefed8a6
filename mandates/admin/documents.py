"""Admin for documents, paragraphs, themes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mandates.admin.common import (
    ArchivedFilter,
    ArchiveInsteadOfDeleteAdmin,
    NoDeleteMixin,
    ReadOnlyHistoryAdmin,
    SafeAutocompleteMixin,
    ServiceAdminMixin,
    acting_user,
    shorten,
)
from mandates.admin.document_tools import DocumentToolsMixin
from mandates.admin.filters import AutocompleteFiltersMixin, autocomplete
from mandates.documents.services import document_save, paragraph_save
from mandates.models import (
    Document,
    Paragraph,
    Theme,
)
from mandates.requests.querysets import without_document_text


@admin.register(Theme)
class ThemeAdmin(ArchiveInsteadOfDeleteAdmin):
    list_display = ["name", "name_fr", "slug", "kind", "paragraph_count", "is_archived"]
    list_filter = [ArchivedFilter, "kind"]
    readonly_fields = ["archived_at"]
    search_fields = ["name", "name_fr", "slug"]
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
    can_delete = False
    show_change_link = True
    formfield_overrides = {
        Paragraph._meta.get_field("text").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 80})
        }
    }

    def get_queryset(self, request: HttpRequest) -> QuerySet[Paragraph]:
        return without_document_text(
            super().get_queryset(request).select_related("parent", "document"), "document"
        )


class DocumentChangeList(ChangeList):
    """The document list, without each document's source text (shown on its own page only)."""

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet:
        return without_document_text(super().get_queryset(request, exclude_parameters))


@admin.register(Document)
class DocumentAdmin(
    ServiceAdminMixin,
    SafeAutocompleteMixin,
    DocumentToolsMixin,
    NoDeleteMixin,
    ReadOnlyHistoryAdmin,
):
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
        # A subquery, not Count("paragraphs"): grouping by every column of the document would
        # read every source text (SQLite groups by all of them, the date links too).
        paragraphs = Paragraph.objects.filter(document=OuterRef("pk")).order_by().values("document")
        count = Subquery(paragraphs.annotate(n=Count("pk")).values("n")[:1])
        return super().get_queryset(request).annotate(_paragraphs=Coalesce(count, 0))

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return DocumentChangeList

    @admin.display(description=_("paragraphs"), ordering="_paragraphs")
    def paragraph_count(self, obj: Document) -> int:
        return obj._paragraphs  # type: ignore[attr-defined]

    @admin.display(description=_("official text"))
    def official_text(self, obj: Document) -> str:
        if not obj.url:
            return "–"
        return format_html('<a href="{}" rel="noopener" target="_blank">{}</a>', obj.url, obj.url)

    def save_through_service(
        self, request: HttpRequest, obj: Document, m2m: dict[str, Any], form: Any, change: bool
    ) -> None:
        document_save(document=obj, by=acting_user(request), m2m=m2m)

    def save_inline(
        self, request: HttpRequest, parent: Document, obj: Paragraph, formset: Any
    ) -> None:
        paragraph_save(paragraph=obj, by=acting_user(request))


@admin.register(Paragraph)
class ParagraphAdmin(
    AutocompleteFiltersMixin,
    ServiceAdminMixin,
    SafeAutocompleteMixin,
    NoDeleteMixin,
    ReadOnlyHistoryAdmin,
):
    list_display = ["citation", "kind", "lead_verb", "short_text", "theme_list"]
    list_display_links = ["citation"]
    list_filter = ["kind", *autocomplete("document"), "themes"]
    list_select_related = ["document"]
    search_fields = ["citation", "text", "lead_verb"]
    autocomplete_fields = ["document", "parent", "themes"]
    readonly_fields = ["ref", "citation", "created_at", "updated_at"]
    ordering = ["document", "order"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Paragraph]:
        return without_document_text(
            super().get_queryset(request).prefetch_related("themes"), "document"
        )

    @admin.display(description=_("text"))
    def short_text(self, obj: Paragraph) -> str:
        return shorten(obj.text)

    @admin.display(description=_("themes"))
    def theme_list(self, obj: Paragraph) -> str:
        return ", ".join(theme.name for theme in obj.themes.all())

    def save_through_service(
        self, request: HttpRequest, obj: Paragraph, m2m: dict[str, Any], form: Any, change: bool
    ) -> None:
        paragraph_save(paragraph=obj, by=acting_user(request), m2m=m2m)
