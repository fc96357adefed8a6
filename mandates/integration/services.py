"""Writes of the integration secrets and endpoints, with their rules: API tokens, calendar feeds
and webhook endpoints (their deliveries are written by :mod:`mandates.integration.webhooks`).
The admin and the API call these."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mandates.models import ApiToken, CalendarFeed, WebhookEndpoint
from mandates.organisation import permissions
from ssrtracker.writes import checked_delete, checked_save, service


@service
@transaction.atomic
def api_token_create(*, token: ApiToken, by: User | None) -> str:
    """Save ``token`` (name, user, scope, expiry) as a new token; returns its secret, shown once."""
    token.created_by = by
    secret = token.set_secret()
    checked_save(token, by=by, refused=_("Only administrators issue API tokens."))
    return secret


@service
@transaction.atomic
def api_token_save(*, token: ApiToken, by: User | None) -> ApiToken:
    """Save the changes made to a token's name, scope or expiry (its secret never changes)."""
    return checked_save(token, by=by, refused=_("Only administrators change API tokens."))


@service
def api_token_used(*, token: ApiToken, now: datetime.datetime) -> None:
    """Note when a token was last used (one UPDATE, without touching anything else)."""
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


@service
def calendar_feed_used(*, feed: CalendarFeed, now: datetime.datetime) -> None:
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)


@service
@transaction.atomic
def calendar_feed_create(*, feed: CalendarFeed, by: User) -> str:
    """Save ``feed`` (scope, unit, mission set) as a new feed of ``by``'s; returns its secret.

    A feed lists deadlines, so only a person who may read requests subscribes; the address
    checks it again each time it is fetched (``mandates.api.calendar``).
    """
    if not permissions.can_read_requests(by):
        raise PermissionDenied(
            _("Your role does not include reading requests, so you cannot subscribe to deadlines.")
        )
    feed.owner = by
    secret = feed.set_secret()
    feed.full_clean()
    feed.save()
    return secret


@service
@transaction.atomic
def secret_revoke(
    *, obj: ApiToken | CalendarFeed, by: User | None, now: datetime.datetime | None = None
) -> bool:
    """Revoke a token or a feed (kept, so its use stays explainable); False if it already was.
    A feed's owner revokes their own feed; anything else needs the change permission."""
    meta = obj._meta
    own_feed = isinstance(obj, CalendarFeed) and by is not None and obj.owner_id == by.pk
    if by is not None and not own_feed and not by.has_perm(f"mandates.change_{meta.model_name}"):
        raise PermissionDenied(_("You can revoke only your own calendar feeds."))
    if obj.revoked_at is not None:
        return False
    obj.revoked_at = now or timezone.now()
    obj.save(update_fields=["revoked_at"])
    return True


@service
@transaction.atomic
def webhook_endpoint_save(*, endpoint: WebhookEndpoint, by: User | None) -> WebhookEndpoint:
    """Add an endpoint (with a new signing secret) or save the changes made to one."""
    if endpoint.pk is None:
        endpoint.created_by = by
        endpoint.set_secret()
    return checked_save(endpoint, by=by, refused=_("Only administrators change webhook endpoints."))


@service
@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, by: User | None) -> None:
    """Remove an endpoint (and the record of its deliveries)."""
    checked_delete(endpoint, by=by, refused=_("Only administrators remove webhook endpoints."))
