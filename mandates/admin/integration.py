"""Admin for what connects the app to other systems: API tokens, calendar feeds, webhooks.

Administrators manage tokens and webhooks. Every staff user manages their own calendar feeds.
A secret (token or feed address) is shown once, in the message after saving, and never again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mandates.admin.common import SafeAutocompleteMixin, acting_user
from mandates.admin.filters import EstimatedCountPaginator, RangeDateHierarchyMixin
from mandates.choices import WebhookEvent
from mandates.integration import outbox
from mandates.integration.services import (
    api_token_create,
    api_token_save,
    calendar_feed_create,
    secret_revoke,
    webhook_endpoint_delete,
    webhook_endpoint_save,
)
from mandates.models import ApiToken, CalendarFeed, OutboxMessage, WebhookEndpoint
from mandates.organisation.permissions import can_read_requests, is_administrator


class RevocableAdmin(admin.ModelAdmin):
    """Secrets are revoked, not deleted, so their use stays explainable."""

    actions = ["revoke"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected items"))
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        now = timezone.now()
        count = sum(
            secret_revoke(obj=obj, by=acting_user(request), now=now)
            for obj in queryset.filter(revoked_at__isnull=True)
        )
        self.message_user(
            request, ngettext("%d revoked.", "%d revoked.", count) % count, messages.SUCCESS
        )

    @admin.display(boolean=True, description=_("usable"))
    def usable(self, obj: Any) -> bool:
        return obj.revoked_at is None and getattr(obj, "is_usable", True)


@admin.register(ApiToken)
class ApiTokenAdmin(SafeAutocompleteMixin, RevocableAdmin):
    list_display = ["name", "prefix", "user", "scope", "usable", "expires_at", "last_used_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    fields = ["name", "user", "scope", "expires_at", "prefix", "created_at", "created_by"]
    readonly_fields = ["prefix", "created_at", "created_by", "revoked_at", "last_used_at"]
    autocomplete_fields = ["user"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["name", "user", "scope", "expires_at"]
        return [*ApiTokenAdmin.fields, "revoked_at", "last_used_at"]

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            api_token_save(token=obj, by=acting_user(request))
            return
        secret = api_token_create(token=obj, by=acting_user(request))
        self.message_user(
            request,
            format_html(
                str(_("Copy this token now; it will not be shown again: {}")),
                format_html("<code>{}</code>", secret),
            ),
            messages.WARNING,
        )


class CalendarFeedForm(forms.ModelForm):
    class Meta:
        model = CalendarFeed
        fields = ["scope", "unit", "mission"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(SafeAutocompleteMixin, RevocableAdmin):
    """Each person's own calendar subscriptions (administrators see everyone's)."""

    form = CalendarFeedForm
    list_display = ["__str__", "owner", "usable", "created_at", "last_used_at"]
    list_select_related = ["owner", "unit", "mission"]
    autocomplete_fields = ["unit", "mission"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarFeed]:
        queryset = super().get_queryset(request)
        if is_administrator(request.user):
            return queryset
        return queryset.filter(owner=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        # Feeds list deadlines: only for people whose role lets them read requests.
        return request.user.is_staff and can_read_requests(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A feed is not edited: revoke it and make another.
        return obj is None and self.has_module_permission(request)

    def save_model(self, request: HttpRequest, obj: CalendarFeed, form: Any, change: bool) -> None:
        secret = calendar_feed_create(feed=obj, by=request.user)  # type: ignore[arg-type]
        url = request.build_absolute_uri(reverse("calendar-feed", kwargs={"secret": secret}))
        self.message_user(
            request,
            format_html(
                str(
                    _(
                        "Subscribe to this address in Outlook or Google Calendar; it is shown "
                        "only now: {}"
                    )
                ),
                format_html("<code>{}</code>", url),
            ),
            messages.WARNING,
        )


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "event_list", "is_active", "created_at"]
    list_filter = ["is_active"]
    readonly_fields = ["signing_secret", "created_at", "created_by"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["name", "url", "events", "is_active"]
        return fields if obj is None else [*fields, "signing_secret", "created_at", "created_by"]

    @admin.display(description=_("events"))
    def event_list(self, obj: WebhookEndpoint) -> str:
        labels = dict(WebhookEvent.choices)
        return ", ".join(str(labels.get(e, e)) for e in obj.events)

    @admin.display(description=_("signing secret"))
    def signing_secret(self, obj: WebhookEndpoint) -> str:
        return format_html("<code>{}</code>", obj.secret)

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        webhook_endpoint_save(endpoint=obj, by=acting_user(request))

    def delete_model(self, request: HttpRequest, obj: WebhookEndpoint) -> None:
        webhook_endpoint_delete(endpoint=obj, by=acting_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for obj in queryset:
            webhook_endpoint_delete(endpoint=obj, by=acting_user(request))


@admin.register(OutboxMessage)
class OutboxMessageAdmin(RangeDateHierarchyMixin, admin.ModelAdmin):
    """Every outgoing message (reminder e-mails, summary e-mails, webhooks) and how its sending
    went: the webhook log is its "Webhook" kind. Read-only; "send again" queues a message anew."""

    # An append-only ledger: no count of the whole table (estimated when unfiltered).
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    list_display = [
        "created_at",
        "kind",
        "recipient_short",
        "event",
        "status",
        "attempts",
        "response_code",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["kind", "status", "endpoint"]
    list_select_related = ["endpoint"]
    search_fields = ["dedup_key", "recipient", "id"]
    readonly_fields = [
        "id",
        "kind",
        "dedup_key",
        "recipient",
        "endpoint",
        "payload",
        "status",
        "attempts",
        "response_code",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    actions = ["send_again"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("recipient"), ordering="recipient")
    def recipient_short(self, obj: OutboxMessage) -> str:
        return obj.recipient[:80]

    @admin.action(description=_("Send the selected messages again"), permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = outbox.resend(queryset)
        self.message_user(
            request,
            ngettext("%d message queued.", "%d messages queued.", count) % count,
            messages.SUCCESS,
        )
