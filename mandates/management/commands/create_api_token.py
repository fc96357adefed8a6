"""Issue an API token from the command line (the admin does the same under "API tokens")."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mandates.choices import TokenScope
from mandates.models import ApiToken
from ssrtracker import limits


class Command(BaseCommand):
    help = (
        "Create an API token acting as USER and print it once. The token has the user's roles "
        "and units, limited to reading unless --scope read_write."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The account the token acts as.")
        parser.add_argument("--name", required=True, help='What uses it, e.g. "Portal (prod)".')
        parser.add_argument(
            "--scope", choices=TokenScope.values, default=TokenScope.READ, help="Default: read."
        )
        parser.add_argument(
            "--expires-in-days", type=int, default=None, help="Default: valid until revoked."
        )

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        if not user.is_active:
            raise CommandError(f"The account {user.get_username()!r} is disabled.")
        days = options["expires_in_days"]
        longest = (limits.LATEST_DATE - timezone.localdate()).days
        if days is not None and not 1 <= days <= longest:
            raise CommandError(
                f"--expires-in-days must be between 1 and {longest} "
                f"(tokens expire by {limits.LATEST_DATE.isoformat()} at the latest)."
            )
        expires = timezone.now() + datetime.timedelta(days=days) if days else None
        token, secret = ApiToken.issue(
            name=options["name"], user=user, scope=options["scope"], expires_at=expires
        )
        self.stderr.write(
            f"Token {token.prefix}… for {user.get_username()} ({token.get_scope_display()}"
            + (f", expires {expires:%Y-%m-%d}" if expires else "")
            + "). It is shown only now:"
        )
        self.stdout.write(secret)
