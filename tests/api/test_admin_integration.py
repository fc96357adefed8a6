"""Admin pages for tokens, calendar feeds and webhooks; secrets are shown once."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mandates.models import ApiToken, CalendarFeed, OutboxMessage, WebhookEndpoint
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_issues_a_token_and_sees_it_once(client, administrator, api_client_user):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:mandates_apitoken_add"),
        {"name": "Portal", "user": api_client_user.pk, "scope": "read_write"},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    (message,) = [str(m) for m in get_messages(response.wsgi_request) if "<code>" in str(m)]
    secret = message.split("<code>")[1].split("</code>")[0]
    assert token.matches(secret)
    page = client.get(reverse("admin:mandates_apitoken_change", args=[token.pk]))
    assert secret.encode() not in page.content
    assert token.created_by == administrator


def test_revoking_tokens_in_the_admin(client, administrator, api_client_user):
    token, _secret = ApiToken.issue(name="old", user=api_client_user)
    client.force_login(administrator)
    client.post(
        reverse("admin:mandates_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_staff_manage_only_their_own_calendar_feeds(client, staff_a, staff_b):
    theirs = CalendarFeed(owner=staff_b, scope="user")
    theirs.set_secret()
    theirs.save()
    client.force_login(staff_a)
    response = client.post(
        reverse("admin:mandates_calendarfeed_add"), {"scope": "user"}, follow=True
    )
    assert response.status_code == 200
    feed = CalendarFeed.objects.get(owner=staff_a)
    (message,) = [str(m) for m in get_messages(response.wsgi_request) if "<code>" in str(m)]
    url = message.split("<code>")[1].split("</code>")[0]
    assert client.get(url).status_code == 200
    listing = client.get(reverse("admin:mandates_calendarfeed_changelist"))
    assert list(listing.context["cl"].result_list) == [feed]
    assert client.get(
        reverse("admin:mandates_calendarfeed_change", args=[theirs.pk])
    ).status_code in (302, 404)


def test_managers_cannot_see_tokens_or_webhooks(client, manager):
    client.force_login(manager)
    assert client.get(reverse("admin:mandates_apitoken_changelist")).status_code == 403
    assert client.get(reverse("admin:mandates_webhookendpoint_changelist")).status_code == 403


def test_webhook_endpoint_gets_a_secret_and_chosen_events(client, administrator):
    client.force_login(administrator)
    client.post(
        reverse("admin:mandates_webhookendpoint_add"),
        {
            "name": "Portal",
            "url": "http://127.0.0.1:9999/hook",
            "events": ["request.created", "request.overdue"],
            "is_active": "on",
        },
    )
    hook = WebhookEndpoint.objects.get()
    assert len(hook.secret) > 30
    assert hook.events == ["request.created", "request.overdue"]


@pytest.mark.parametrize("model", ["apitoken", "calendarfeed", "webhookendpoint", "outboxmessage"])
def test_changelists_query_count_does_not_grow(client, administrator, model):
    def build(n: int) -> None:
        user = UserFactory.create()
        hook = WebhookEndpoint.objects.create(name="h", url="http://127.0.0.1/", secret="s")
        for i in range(n):
            ApiToken.issue(name=f"t{i}", user=user)
            feed = CalendarFeed(owner=administrator, scope="user")
            feed.set_secret()
            feed.save()
            OutboxMessage.objects.create(
                kind="webhook",
                endpoint=hook,
                recipient=hook.url,
                dedup_key=f"webhook:{hook.pk}:k{i}",
                payload={"event": "request.created"},
            )

    client.force_login(administrator)
    url = reverse(f"admin:mandates_{model}_changelist")
    build(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    build(30)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(one) == len(many)


def test_create_api_token_command(api_client_user, capsys):
    call_command("create_api_token", api_client_user.username, name="CLI", scope="read_write")
    secret = capsys.readouterr().out.strip()
    assert ApiToken.objects.get().matches(secret)
