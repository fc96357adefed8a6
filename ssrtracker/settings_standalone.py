"""Settings for the commands that need neither a database nor a secret: ``parse_document``.

``manage.py`` uses them for these commands when ``DJANGO_SETTINGS_MODULE`` is not set, so that
someone who only wants a document's parse (another system, a person checking a file) need not
configure the app. They are the app's settings with a throwaway secret key, made up for this
process when none is set, and no database: a command that touched one would fail at once, with
Django's "settings.DATABASES is improperly configured".
"""

from __future__ import annotations

import os
import secrets

# Read by the app's settings below, in this process only; nothing is signed with it.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
# Warnings and errors only: the command's own output is what the reader wants.
os.environ.setdefault("LOG_LEVEL", "WARNING")

from ssrtracker.settings import *  # noqa: F403

DATABASES = {"default": {"ENGINE": "django.db.backends.dummy"}}
