"""How other systems and calendars reach the data: API tokens, calendar feeds and webhooks."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mandates.base_models import choices_check
from mandates.choices import CalendarScope, DeliveryStatus, OutboxKind, TokenScope
from ssrtracker.limits import sane_date

__all__ = ["ApiToken", "CalendarFeed", "OutboxMessage", "WebhookEndpoint", "hash_secret"]


def hash_secret(secret: str) -> str:
    """SHA-256 of a generated secret. The secrets are 256 random bits, so a fast hash is enough:
    there is nothing to guess from a leaked digest."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A system's credential for the API, acting as ``user`` (its roles and units apply).

    Only a SHA-256 digest is stored; the token is shown once, when it is created. ``prefix`` (the
    first characters, stored in clear) finds the row and lets people recognise a token in lists.
    """

    PREFIX_LENGTH = 8

    name = models.CharField(
        _("name"), max_length=100, help_text=_('What uses it, e.g. "Reporting portal (prod)".')
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_("The token has this account's roles and units, restricted by its scope."),
    )
    scope = models.CharField(
        _("scope"), max_length=20, choices=TokenScope.choices, default=TokenScope.READ
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, unique=True, editable=False)
    digest = models.CharField(_("digest"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField(
        _("expires"),
        null=True,
        blank=True,
        help_text=_("Empty: valid until revoked."),
        validators=[sane_date],
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [choices_check("scope", TokenScope)]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, **fields: object) -> tuple[ApiToken, str]:
        """Create a token; returns it with its clear text, which is never stored or shown again."""
        token = cls(**fields)
        secret = token.set_secret()
        token.save()
        return token, secret

    def set_secret(self) -> str:
        prefix = secrets.token_hex(self.PREFIX_LENGTH // 2)
        secret = f"ssrt_{prefix}_{secrets.token_urlsafe(32)}"
        self.prefix = prefix
        self.digest = hash_secret(secret)
        return secret

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.digest, hash_secret(secret))

    @property
    def is_usable(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    @property
    def read_only(self) -> bool:
        return self.scope == TokenScope.READ


class CalendarFeed(models.Model):
    """A secret iCalendar address listing deadlines, for Outlook or Google Calendar to subscribe.

    Calendar programs cannot log in, so the address itself is the credential: only its digest is
    stored, it is shown once, and revoking the feed makes the address answer 404.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    scope = models.CharField(
        _("deadlines of"), max_length=20, choices=CalendarScope.choices, default=CalendarScope.USER
    )
    unit = models.ForeignKey(
        "mandates.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, null=True, blank=True
    )
    mission = models.ForeignKey(
        "mandates.Mission",
        verbose_name=_("mission"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last fetched"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            choices_check("scope", CalendarScope),
            models.CheckConstraint(
                condition=(Q(scope=CalendarScope.USER) & Q(unit__isnull=True, mission__isnull=True))
                | (Q(scope=CalendarScope.UNIT) & Q(unit__isnull=False, mission__isnull=True))
                | (Q(scope=CalendarScope.MISSION) & Q(unit__isnull=True, mission__isnull=False)),
                name="%(app_label)s_%(class)s_scope_matches_target",
                violation_error_message=_(
                    "A unit feed needs a unit, a mission feed a mission, and a personal feed "
                    "neither."
                ),
            ),
        ]

    def __str__(self) -> str:
        if self.scope == CalendarScope.UNIT and self.unit is not None:
            return _("Deadlines of %(unit)s") % {"unit": self.unit.acronym}
        if self.scope == CalendarScope.MISSION and self.mission is not None:
            return _("Deadlines of %(mission)s") % {"mission": self.mission.acronym}
        return _("Deadlines of %(user)s's units") % {"user": self.owner}

    def set_secret(self) -> str:
        secret = secrets.token_urlsafe(32)
        self.digest = hash_secret(secret)
        return secret


class WebhookEndpoint(models.Model):
    """An address that receives JSON events, signed with HMAC-SHA256 using ``secret``."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        editable=False,
        help_text=_("Shared with the receiver, which checks the X-SSRTracker-Signature header."),
    )
    events = models.JSONField(
        _("events"),
        default=list,
        help_text=_("The events this endpoint receives."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name

    def set_secret(self) -> str:
        self.secret = secrets.token_urlsafe(32)
        return self.secret

    def wants(self, event: str) -> bool:
        return self.is_active and event in self.events


class OutboxMessage(models.Model):
    """One outgoing message (a reminder e-mail, a summary e-mail or a webhook call), sent once.

    Created once under ``dedup_key`` (unique), then sent by the ``send_outbox`` task: a failed
    attempt is retried after a growing wait (``next_attempt_at``) until ``OUTBOX_MAX_ATTEMPTS``,
    then the message is failed and kept for an administrator to send again. The row is the log.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=OutboxKind.choices)
    dedup_key = models.CharField(
        _("key"),
        max_length=200,
        unique=True,
        help_text=_("Identifies what is sent, so that it is queued and sent once."),
    )
    recipient = models.CharField(
        _("recipient"), max_length=500, blank=True, help_text=_("An e-mail address or a URL.")
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("webhook endpoint"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    response_code = models.PositiveSmallIntegerField(_("last response"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        constraints = [
            choices_check("kind", OutboxKind),
            choices_check("status", DeliveryStatus),
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.SENT, sent_at__isnull=False)
                | (~Q(status=DeliveryStatus.SENT) & Q(sent_at__isnull=True)),
                name="%(app_label)s_%(class)s_sent_at_iff_sent",
                violation_error_message=_("A message has a sending time exactly when sent."),
            ),
        ]
        indexes = [
            # The sweep: pending messages whose next attempt is due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="mandates_outbox_due_idx",
            ),
            models.Index(fields=["kind", "status"], name="mandates_outbox_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient or self.dedup_key}"

    @property
    def event(self) -> str:
        """A webhook's event name ("" for an e-mail)."""
        return str(self.payload.get("event", "")) if isinstance(self.payload, dict) else ""
