"""Admin for requests and status updates: the screen SSR staff use every week.

One page per request: what the Council asked, who is responsible, the schedule, and a status
update (new status, note, evidence link or file) saved with the rest in one click. Every write
goes through :mod:`mandates.requests.services`; who may change what comes from
:mod:`mandates.organisation.permissions`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mandates.admin.common import (
    LatestRowsFormSet,
    NoDeleteMixin,
    ReadOnlyHistoryAdmin,
    SafeAutocompleteMixin,
    SafeAutocompleteSelectMultiple,
    SafeModelMultipleChoiceField,
    StatusUpdateFields,
    acting_user,
    check_version_seen,
    each_through_service,
    status_badge,
)
from mandates.admin.filters import (
    AutocompleteFiltersMixin,
    EstimatedCountPaginator,
    RangeDateHierarchyMixin,
    autocomplete,
)
from mandates.admin.fulfilment import FulfilmentInline
from mandates.admin.imports import SheetImportMixin
from mandates.admin.lines import line_status_badge, overdue_flag, with_last_update
from mandates.choices import RequestStatus
from mandates.imports.tracker import Kind
from mandates.models import Mission, Request, StatusUpdate
from mandates.organisation import permissions
from mandates.requests.services import (
    ARCHIVED_UNIT_REFUSED,
    EDITABLE_FIELDS,
    EDITABLE_M2M,
    LEAD_UNIT_REFUSED,
    WorkflowError,
    allowed_next_statuses,
    archived_units_named,
    check_transition,
    request_archive,
    request_bulk_update,
    request_create,
    request_edit,
    request_restore,
    request_update_status,
)


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


class ArchivedFilter(admin.SimpleListFilter):
    """Archived requests are hidden unless asked for."""

    title = _("archive")
    parameter_name = "archived"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Archived")), ("all", _("All, archived included"))]

    def choices(self, changelist: Any) -> Any:
        # "Current" (not archived) is the default rather than "All".
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Current"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Request]) -> QuerySet[Request]:
        if self.value() == "yes":
            return queryset.archived()  # type: ignore[attr-defined]
        if self.value() == "all":
            return queryset
        return queryset.active()  # type: ignore[attr-defined]


class MyUnitsFilter(admin.SimpleListFilter):
    title = _("responsibility")
    parameter_name = "mine"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("My units' requests"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Request]) -> QuerySet[Request]:
        if self.value() == "yes":
            return queryset.for_units(permissions.user_unit_ids(request.user))  # type: ignore[attr-defined]
        return queryset


class StatusUpdateInline(admin.TabularInline):
    """The request's timeline, newest first, read-only: updates are added with the form above."""

    model = StatusUpdate
    fields = ["created_at", "display_author", "line", "transition", "note", "evidence"]
    readonly_fields = ["created_at", "display_author", "line", "transition", "note", "evidence"]
    ordering = ["-created_at", "-pk"]
    extra = 0
    can_delete = False
    verbose_name_plural = _("Timeline")
    # The latest updates; the rest on the updates' list, filtered to the request.
    formset = LatestRowsFormSet
    template = "admin/mandates/request/latest_rows_inline.html"
    all_rows_url = "admin:mandates_statusupdate_changelist"
    all_rows_label = _("All updates of this request")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[StatusUpdate]:
        # The row title is str(update), which names the request: load it with the rows.
        return super().get_queryset(request).select_related("author", "request", "mission")

    @admin.display(description=_("author"))
    def display_author(self, obj: StatusUpdate) -> str:
        return obj.display_author

    @admin.display(description=_("mission line"))
    def line(self, obj: StatusUpdate) -> str:
        return obj.mission.acronym if obj.mission is not None else str(_("whole request"))

    @admin.display(description=_("status"))
    def transition(self, obj: StatusUpdate) -> str:
        if obj.status_from == obj.status_to:
            return status_badge(obj.status_to, obj.get_status_to_display())
        return format_html(
            "{} → {}",
            status_badge(obj.status_from, obj.get_status_from_display()),
            status_badge(obj.status_to, obj.get_status_to_display()),
        )

    @admin.display(description=_("evidence"))
    def evidence(self, obj: StatusUpdate) -> str:
        return evidence_links(obj)


def evidence_links(obj: StatusUpdate) -> str:
    links = []
    if obj.evidence_url:
        links.append(
            format_html(
                '<a href="{}" rel="noopener noreferrer">{}</a>', obj.evidence_url, _("link")
            )
        )
    if obj.evidence_file:
        url = reverse("mandates:evidence", args=[obj.pk])
        links.append(format_html('<a href="{}">{}</a>', url, _("file")))
    return format_html_join(" · ", "{}", ((link,) for link in links)) or "–"


class RequestAdminForm(StatusUpdateFields, forms.ModelForm):
    """The request's fields, and the fields of a new status update, saved together."""

    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, office document, text or image; 20 MB at most."),
    )

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

    # Set by RequestAdmin.get_form: the person editing.
    user: User | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.status
        self.fields["new_status"].choices = [  # type: ignore[attr-defined]
            (status, RequestStatus(status).label) for status in allowed_next_statuses(current)
        ]
        self.fields["new_status"].initial = current
        self.fields["version_seen"].initial = self.instance.version
        # The missions are the request's mission lines (a link table with fields of its own,
        # which a model form leaves out): chosen here, saved by the service.
        self.fields["missions"] = SafeModelMultipleChoiceField(
            label=_("missions concerned"),
            queryset=Mission.objects.all(),
            required=False,
            widget=SafeAutocompleteSelectMultiple(Request._meta.get_field("missions"), admin.site),
        )
        if self.instance.pk is not None:
            self.fields["missions"].initial = list(
                self.instance.missions.values_list("pk", flat=True)
            )

    def clean_evidence_file(self) -> Any:
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            for validator in StatusUpdate._meta.get_field("evidence_file").validators:
                validator(upload)
        return upload

    def clean_lead_unit(self) -> Any:
        unit = self.cleaned_data.get("lead_unit")
        if (
            unit is not None
            and self.user is not None
            and not permissions.can_make_lead(self.user, self.instance, unit.pk)
        ):
            raise ValidationError(LEAD_UNIT_REFUSED)
        named = archived_units_named(self.instance, lead_unit=unit)
        if named:
            raise ValidationError(ARCHIVED_UNIT_REFUSED % {"units": ", ".join(named)})
        return unit

    def clean_supporting_units(self) -> Any:
        units = self.cleaned_data.get("supporting_units")
        named = archived_units_named(self.instance, supporting_units=units or [])
        if named:
            raise ValidationError(ARCHIVED_UNIT_REFUSED % {"units": ", ".join(named)})
        return units

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            check_transition(
                self.instance.status, cleaned.get("new_status") or self.instance.status
            )
        except WorkflowError as exc:
            self.add_error("new_status", str(exc))
        check_version_seen(self.instance, cleaned.get("version_seen"))
        return cleaned


@admin.register(Request)
class RequestAdmin(
    RangeDateHierarchyMixin,
    AutocompleteFiltersMixin,
    SheetImportMixin,
    SafeAutocompleteMixin,
    NoDeleteMixin,
    ReadOnlyHistoryAdmin,
):
    form = RequestAdminForm
    import_kind = Kind.REQUESTS
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
        ArchivedFilter,
        MyUnitsFilter,
        "status",
        DueFilter,
        "priority",
        "recurrence",
        *autocomplete("lead_unit", "missions", "paragraphs__document"),
    ]
    list_select_related = ["lead_unit"]
    search_fields = ["reference", "title", "description", "paragraphs__citation"]
    date_hierarchy = "due_date"
    autocomplete_fields = ["paragraphs", "lead_unit", "supporting_units"]
    readonly_fields = [
        "current_status",
        "mission_lines_table",
        "paragraph_texts",
        "lineage",
        "source_document",
        "created_at",
        "updated_at",
        "closed_at",
        "archived_at",
        "version",
    ]
    # Most pressing first: by due date, requests without one at the end.
    ordering = [F("due_date").asc(nulls_last=True), "reference"]
    actions = ["bulk_status_update", "archive_requests", "restore_requests"]
    inlines = [StatusUpdateInline, FulfilmentInline]
    save_on_top = True

    def get_fieldsets(self, request: HttpRequest, obj: Request | None = None) -> Any:
        update_fields = ["current_status", "new_status", "update_note", "evidence_url"]
        update_fields += ["evidence_file", "version_seen"]
        if obj is not None and not self.has_change_permission(request, obj):
            update_fields = ["current_status"]
        return [
            (_("Status update"), {"fields": update_fields}),
            (
                None,
                {
                    "fields": [
                        "reference",
                        "title",
                        "description",
                        "paragraphs",
                        "paragraph_texts",
                        "lineage",
                    ]
                },
            ),
            (_("Responsibility"), {"fields": ["lead_unit", "supporting_units", "missions"]}),
            (_("Mission lines"), {"fields": ["mission_lines_table"]}),
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
                _("Record"),
                {
                    "classes": ["collapse"],
                    "fields": [
                        "created_at",
                        "updated_at",
                        "closed_at",
                        "archived_at",
                        "source_document",
                        "version",
                    ],
                },
            ),
        ]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = acting_user(request)
        return form

    def get_queryset(self, request: HttpRequest) -> QuerySet[Request]:
        return super().get_queryset(request).prefetch_related("missions")

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not request.user.has_perm("mandates.change_request"):
            for name in ("bulk_status_update", "archive_requests", "restore_requests"):
                actions.pop(name, None)
        return actions

    # --- permissions: read everything, change your units' requests -----------------------

    def has_change_permission(self, request: HttpRequest, obj: Request | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        # An archived request is read-only until it is restored (the restore action is on the
        # list), as the services refuse any edit of it.
        return obj.archived_at is None and permissions.can_change_request(request.user, obj)

    # --- columns -------------------------------------------------------------------------

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj: Request) -> str:
        badge = status_badge(obj.status, obj.get_status_display())
        if obj.archived_at:
            return format_html("{} <em>({})</em>", badge, _("archived"))
        return badge

    @admin.display(description=_("current status"))
    def current_status(self, obj: Request) -> str:
        return self.status_display(obj)

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

    @admin.display(description=_("carried forward"))
    def lineage(self, obj: Request) -> str:
        """Links to the request this one continues, and to those that continue it."""
        links = []
        if obj.predecessor_id:
            url = reverse("admin:mandates_request_change", args=[obj.predecessor_id])
            links.append(format_html('{} <a href="{}">{}</a>', _("from"), url, obj.predecessor))
        for successor in obj.successors.all() if obj.pk else []:
            url = reverse("admin:mandates_request_change", args=[successor.pk])
            links.append(format_html('{} <a href="{}">{}</a>', _("to"), url, successor))
        # Reviewed (bandit B308): a constant separator with no data in it; the links themselves
        # are escaped by format_html.
        separator = mark_safe("<br>")  # nosec B308
        return format_html_join(separator, "{}", ((link,) for link in links)) or "–"

    @admin.display(description=_("each mission's line"))
    def mission_lines_table(self, obj: Request) -> str:
        """The request's mission lines (1 query), each linked to its page, where the mission's
        focal point records updates on it."""
        if obj.pk is None:
            return "–"
        lines = list(
            with_last_update(obj.mission_lines.all())
            .select_related("mission", "focal_point")
            .order_by("mission__acronym")
        )
        if not lines:
            return "–"
        today = timezone.localdate()
        rows = []
        for line in lines:
            line.request = obj
            moment = line.last_update_at  # type: ignore[attr-defined]
            rows.append(
                (
                    reverse("admin:mandates_requestmission_change", args=[line.pk]),
                    line.mission.acronym,
                    line_status_badge(line),
                    line.current_due_date or "–",
                    line.focal_point or "–",
                    overdue_flag(line, today),
                    timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "–",
                )
            )
        head = format_html(
            "<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
            "</tr></thead>",
            _("mission"),
            _("current status"),
            _("due date"),
            _("focal point"),
            _("overdue"),
            _("last line update"),
        )
        body = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
            "<td>{}</td></tr>",
            rows,
        )
        return format_html(
            '<table class="ssr-mission-lines">{}<tbody>{}</tbody></table>', head, body
        )

    @admin.display(description=_("missions"))
    def mission_list(self, obj: Request) -> str:
        return format_html_join(", ", "{}", ((m.acronym,) for m in obj.missions.all()))

    # --- saving: the fields, then the status update, in the admin's one transaction ----------

    def save_model(self, request: HttpRequest, obj: Request, form: Any, change: bool) -> None:
        data = form.cleaned_data
        by = acting_user(request)
        m2m = {name: data[name] for name in EDITABLE_M2M if name in data}
        if change:
            changes = {
                name: data[name]
                for name in form.changed_data
                if name in (*EDITABLE_FIELDS, *EDITABLE_M2M)
            }
            if changes:
                saved = request_edit(request=obj, by=by, changes=changes)
                obj.version = saved.version
        else:
            fields = {
                name: data[name]
                for name in RequestAdminForm.Meta.fields
                if name in data and name not in EDITABLE_M2M
            }
            created = request_create(
                fields=fields,
                paragraphs=m2m.get("paragraphs", ()),
                supporting_units=m2m.get("supporting_units", ()),
                missions=m2m.get("missions", ()),
                by=by,
                reason="Added in the admin",
            )
            obj.pk = created.pk
            obj._state.adding = False
            for name in ("created_at", "updated_at", "version", "status"):
                setattr(obj, name, getattr(created, name))
        new_status = data.get("new_status") or obj.status
        note = data.get("update_note", "")
        if (
            new_status != obj.status
            or note
            or data.get("evidence_url")
            or data.get("evidence_file")
        ):
            request_update_status(
                request=obj,
                status=new_status,
                note=note,
                evidence_url=data.get("evidence_url", ""),
                evidence_file=data.get("evidence_file"),
                by=acting_user(request),
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The many-to-many fields were saved by the service with the rest; the timeline inline
        # is read-only (read through, so the change message can list what it did: nothing).
        for formset in formsets:
            if formset.save(commit=False):
                raise PermissionDenied(_("The timeline is added to with a status update."))

    # --- actions -------------------------------------------------------------------------

    @admin.action(description=_("Record the same status update on the selected requests"))
    def bulk_status_update(
        self, request: HttpRequest, queryset: QuerySet[Request]
    ) -> HttpResponse | None:
        form = BulkUpdateForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            with transaction.atomic():
                result = request_bulk_update(
                    requests=queryset.select_related("lead_unit"),
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    evidence_url=form.cleaned_data["evidence_url"],
                    by=acting_user(request),
                )
            if result.updated:
                self.message_user(
                    request,
                    ngettext(
                        "Updated %(count)d request.",
                        "Updated %(count)d requests.",
                        len(result.updated),
                    )
                    % {"count": len(result.updated)},
                    messages.SUCCESS,
                )
            for refused, reason in result.refused:
                self.message_user(request, f"{refused.reference}: {reason}", messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Record a status update on %(count)d requests")
            % {"count": queryset.count()},
            "opts": self.model._meta,
            "form": form,
            "requests": queryset.select_related("lead_unit"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action": "bulk_status_update",
        }
        return TemplateResponse(request, "admin/mandates/request/bulk_update.html", context)

    @admin.action(description=_("Archive the selected requests"))
    def archive_requests(self, request: HttpRequest, queryset: QuerySet[Request]) -> None:
        self._each(request, queryset, request_archive, _("Archived %(count)d request(s)."))

    @admin.action(description=_("Restore the selected requests from the archive"))
    def restore_requests(self, request: HttpRequest, queryset: QuerySet[Request]) -> None:
        self._each(request, queryset, request_restore, _("Restored %(count)d request(s)."))

    def _each(
        self, request: HttpRequest, queryset: QuerySet[Request], service: Any, done: Any
    ) -> None:
        each_through_service(
            self,
            request,
            queryset,
            lambda obj, by: service(request=obj, by=by),
            done=done,
            name=lambda obj: obj.reference,
        )


class BulkUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(s, label) for s, label in RequestStatus.choices if s != RequestStatus.SUPERSEDED],
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), required=True
    )
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, assume_scheme="https")


@admin.register(StatusUpdate)
class StatusUpdateAdmin(
    RangeDateHierarchyMixin,
    AutocompleteFiltersMixin,
    SheetImportMixin,
    NoDeleteMixin,
    admin.ModelAdmin,
):
    """Status updates are append-only: listed and read here, added from their request (or
    imported from a sheet of them)."""

    import_kind = Kind.STATUS_UPDATES
    list_display = [
        "created_at",
        "request",
        "mission",
        "status_from",
        "status_to",
        "display_author",
    ]
    list_filter = ["status_to", *autocomplete("request__lead_unit", "mission")]
    # Millions of rows: no count of the whole table (estimated when unfiltered).
    paginator = EstimatedCountPaginator
    # Newest first, on the index of the time: the model's order (by request, then time) sorted
    # every update joined with its request to show a page (seconds at ten million updates).
    ordering = ["-created_at", "-pk"]
    show_full_result_count = False
    list_select_related = ["request", "author", "mission"]
    search_fields = ["request__reference", "request__title", "note", "author_name"]
    date_hierarchy = "created_at"
    # The file is shown as a link through the app (evidence_links), which checks the reader;
    # the admin's own widget would print the storage's URL of it (a bucket's signed link).
    exclude = ["evidence_file"]
    readonly_fields = ["evidence"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("author"))
    def display_author(self, obj: StatusUpdate) -> str:
        return obj.display_author

    @admin.display(description=_("evidence"))
    def evidence(self, obj: StatusUpdate) -> str:
        return evidence_links(obj)
