"""Admin for reminders (preferences, the ledger, the e-mails) and the periodic summaries.

The ledger is read-only: people see what went out, when, and what failed; an administrator can
send an e-mail again (the sending itself is the outbox's, under "Outgoing messages").
Summaries are read as rendered, downloaded as HTML, text or JSON, and recompiled on request.
Every write goes through :mod:`reports.reminders` or :mod:`reports.summaries`.
"""

from __future__ import annotations

import json
from typing import Any

from csp.decorators import csp_replace
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin

from mandates.admin.common import acting_user, shorten
from mandates.admin.filters import (
    AutocompleteFiltersMixin,
    EstimatedCountPaginator,
    RangeDateHierarchyMixin,
    autocomplete,
)
from mandates.choices import DeliveryStatus
from mandates.integration import outbox
from mandates.models import OutboxMessage
from reports.models import Reminder, ReminderDigest, ReminderPreference, ReportDraft, Summary
from reports.periods import Period
from reports.services import manages_reminders, reminder_preference_save
from reports.summaries import SummaryDeliveryFailed, summary_compile, summary_send

_BADGE = {"pending": "on_hold", "sent": "completed", "failed": "cancelled"}


def _manages_reminders(request: HttpRequest) -> bool:
    return manages_reminders(request.user)  # type: ignore[arg-type]


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    """Everyone edits their own preference; administrators edit anyone's."""

    list_display = ["user", "digest_frequency", "overdue_only", "language", "updated_at"]
    list_filter = ["digest_frequency", "overdue_only", "language"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReminderPreference]:
        queryset = super().get_queryset(request)
        return queryset if _manages_reminders(request) else queryset.filter(user=request.user.pk)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["digest_frequency", "overdue_only", "language"]
        return ["user", *fields] if _manages_reminders(request) else fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        if not super().has_add_permission(request):
            return False
        own = ReminderPreference.objects.filter(user=request.user.pk).exists()
        return _manages_reminders(request) or not own

    def save_model(
        self, request: HttpRequest, obj: ReminderPreference, form: Any, change: bool
    ) -> None:
        reminder_preference_save(preference=obj, by=acting_user(request))


class ReminderInline(admin.TabularInline):
    model = Reminder
    fields = readonly_fields = ("request", "due_date", "point", "point_date")
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reminder]:
        # Each row's title names the request and the recipient.
        return super().get_queryset(request).select_related("request", "recipient")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("reminder point"))
    def point(self, obj: Reminder) -> str:
        return obj.point_label


def _badge(message: OutboxMessage | None) -> str:
    if message is None:
        return "–"
    return format_html(
        '<span class="ssr-status ssr-status--{}">{}</span>',
        _BADGE.get(message.status, message.status),
        message.get_status_display(),
    )


@admin.register(ReminderDigest)
class ReminderDigestAdmin(RangeDateHierarchyMixin, admin.ModelAdmin):
    """The reminder e-mails: pending, sent, or failed (their sending is the outbox's)."""

    # An append-only ledger: no count of the whole table (estimated when unfiltered).
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    list_display = [
        "__str__",
        "status_badge",
        "reminder_count",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "error",
    ]
    list_filter = ["delivery__status", "run_date"]
    list_select_related = ["recipient", "delivery"]
    search_fields = ["recipient__username", "recipient__email", "message_id"]
    date_hierarchy = "run_date"
    fields = readonly_fields = (
        "recipient",
        "run_date",
        "sequence",
        "message_id",
        "status_badge",
        "attempts",
        "error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    )
    inlines = [ReminderInline]
    actions = ["send_now"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReminderDigest]:
        # The rows' recipients and deliveries are joined by list_select_related.
        return super().get_queryset(request).annotate(reminder_count=Count("reminders"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("status"), ordering="delivery__status")
    def status_badge(self, obj: ReminderDigest) -> str:
        return _badge(obj.delivery)

    @admin.display(description=_("reminders"), ordering="reminder_count")
    def reminder_count(self, obj: ReminderDigest) -> int:
        return obj.reminder_count  # type: ignore[attr-defined]

    @admin.display(description=_("attempts"))
    def attempts(self, obj: ReminderDigest) -> int:
        return obj.delivery.attempts if obj.delivery else 0

    @admin.display(description=_("next attempt"))
    def next_attempt_at(self, obj: ReminderDigest) -> Any:
        return obj.delivery.next_attempt_at if obj.delivery else None

    @admin.display(description=_("sent"), ordering="delivery__sent_at")
    def sent_at(self, obj: ReminderDigest) -> Any:
        return obj.delivery.sent_at if obj.delivery else None

    @admin.display(description=_("last error"))
    def error(self, obj: ReminderDigest) -> str:
        return shorten(obj.delivery.last_error, 60) if obj.delivery else ""

    @admin.action(description=_("Send the selected e-mails now"), permissions=["change"])
    def send_now(self, request: HttpRequest, queryset: QuerySet[ReminderDigest]) -> None:
        results: dict[str, int] = {}
        for message in OutboxMessage.objects.filter(pk__in=queryset.values("delivery_id")).order_by(
            "created_at"
        ):
            if message.status != DeliveryStatus.SENT:  # a sent e-mail is never sent twice
                outbox.resend([message], kick=False)
            outcome = outbox.send(message.pk, force=True)
            results[outcome.value] = results.get(outcome.value, 0) + 1
        sent = results.get(outbox.Outcome.SENT.value, 0)
        level = messages.SUCCESS if sent == sum(results.values()) else messages.WARNING
        text = ", ".join(f"{n} {what}" for what, n in sorted(results.items()))
        self.message_user(request, text or _("Nothing to send."), level)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The ledger, one row per reminder point per person; read-only."""

    # An append-only ledger: no count of the whole table (estimated when unfiltered).
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    list_display = ["request", "recipient", "due_date", "point", "point_date", "digest_link"]
    list_filter = ["digest__delivery__status", "days_before"]
    list_select_related = ["request", "recipient", "digest", "digest__delivery"]
    search_fields = ["request__reference", "recipient__username"]
    date_hierarchy = "point_date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("reminder point"), ordering="days_before")
    def point(self, obj: Reminder) -> str:
        return obj.point_label

    @admin.display(description=_("e-mail"))
    def digest_link(self, obj: Reminder) -> str:
        url = reverse("admin:reports_reminderdigest_change", args=[obj.digest_id])
        return format_html('<a href="{}">{}</a>', url, _badge(obj.digest.delivery))


@admin.register(Summary)
class SummaryAdmin(admin.ModelAdmin):
    """Summaries as managers read them, with downloads and a recompile action."""

    list_display = [
        "__str__",
        "kind",
        "period_start",
        "period_end",
        "compiled_at",
        "emailed_at",
        "downloads",
    ]
    list_filter = ["kind"]
    list_select_related = ["delivery"]
    date_hierarchy = "period_start"
    fields = readonly_fields = (
        "kind",
        "period_start",
        "period_end",
        "compiled_at",
        "emailed_at",
        "email_status",
        "email_error",
        "downloads",
        "rendered",
    )
    actions = ["recompile", "email_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Summary, form: Any, change: bool) -> None:
        # Every field is read-only: a summary changes only by being compiled again (an action).
        return

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.download)
        preview = self.admin_site.admin_view(self.preview)
        return [
            path("<int:pk>/download/<str:fmt>/", view, name="reports_summary_download"),
            path("<int:pk>/preview/", preview, name="reports_summary_preview"),
            *super().get_urls(),
        ]

    @method_decorator(xframe_options_sameorigin)
    @method_decorator(
        # The e-mail's inline styles (what mail programs read), in a frame of the change page
        # only, sandboxed: no script runs in it. Every other page refuses inline styles.
        csp_replace(
            {"style-src": ["'unsafe-inline'"], "frame-ancestors": ["'self'"], "sandbox": True}
        )
    )
    def preview(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The summary's e-mail, as sent."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        summary = get_object_or_404(Summary, pk=pk)
        return HttpResponse(summary.html, content_type="text/html; charset=utf-8")

    def download(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        summary = get_object_or_404(Summary, pk=pk)
        name = f"summary-{summary.kind}-{summary.period_start:%Y-%m-%d}"
        if fmt == "html":
            response = HttpResponse(summary.html, content_type="text/html; charset=utf-8")
        elif fmt == "txt":
            response = HttpResponse(summary.text, content_type="text/plain; charset=utf-8")
        elif fmt == "json":
            body = json.dumps(summary.data, indent=2, ensure_ascii=False)
            response = HttpResponse(body, content_type="application/json")
        else:
            raise PermissionDenied
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response

    @admin.display(description=_("e-mailed"), ordering="delivery__sent_at")
    def emailed_at(self, obj: Summary) -> Any:
        return obj.emailed_at

    @admin.display(description=_("e-mail"))
    def email_status(self, obj: Summary) -> str:
        return _badge(obj.delivery)

    @admin.display(description=_("last e-mail error"))
    def email_error(self, obj: Summary) -> str:
        return obj.delivery.last_error if obj.delivery else ""

    @admin.display(description=_("download"))
    def downloads(self, obj: Summary) -> str:
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:reports_summary_download", args=[obj.pk, fmt]), label)
                for fmt, label in (("html", "HTML"), ("txt", _("text")), ("json", "JSON"))
            ),
        )

    @admin.display(description=_("summary"))
    def rendered(self, obj: Summary) -> str:
        # The stored HTML is a whole e-mail rendered by our template, with inline styles: shown
        # from an address of its own, whose policy allows them (a srcdoc frame would inherit
        # this page's, which does not).
        return format_html(
            '<iframe title="{}" src="{}" sandbox class="ssr-summary-preview"></iframe>',
            obj.title,
            reverse("admin:reports_summary_preview", args=[obj.pk]),
        )

    @admin.action(
        description=_("Recompile the selected summaries from today's data"), permissions=["change"]
    )
    def recompile(self, request: HttpRequest, queryset: QuerySet[Summary]) -> None:
        for summary in queryset:
            summary_compile(
                period=Period.containing(summary.kind, summary.period_start), recompile=True
            )
        count = queryset.count()
        self.message_user(
            request, ngettext("%d summary recompiled.", "%d summaries recompiled.", count) % count
        )

    @admin.action(
        description=_("E-mail the selected summaries to the managers again"), permissions=["change"]
    )
    def email_again(self, request: HttpRequest, queryset: QuerySet[Summary]) -> None:
        for summary in queryset:
            try:
                sent = summary_send(summary_id=summary.pk, force=True)
            except SummaryDeliveryFailed as exc:
                self.message_user(request, f"{summary}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{summary}: {sent} recipients.")


@admin.register(ReportDraft)
class ReportDraftAdmin(AutocompleteFiltersMixin, admin.ModelAdmin):
    """Drafts of missions' SSR sections, read-only here: they are generated, edited and issued on
    their page (:mod:`reports.drafts.views`), through :mod:`reports.drafts.services`."""

    list_display = ("__str__", "mission", "period_start", "period_end", "status", "report", "page")
    list_filter = ["status", *autocomplete("mission")]
    list_select_related = ("mission", "report")
    date_hierarchy = "period_start"

    @admin.display(description=_("page"))
    def page(self, obj: ReportDraft) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Open the draft"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
