"""Test settings: the project's one settings module, with test-only defaults for its variables.

Variables already set (DATABASE_URL, CELERY_BROKER_URL, ...) win, so CI points the same tests at
PostgreSQL and Redis.
"""

import os

# Tests always run with the production defaults, whatever the shell has.
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment-of-ssrtracker")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Tasks enqueued by the code under test go to an in-memory broker unless a real one is named.
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

from ssrtracker.settings import *  # noqa: F403

# Hashing cost is not what the tests are about; a fast hasher keeps the suite quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The guard that fails any write of the admin or the API made outside a service
# (tests/writes_guard.py) needs to know which requests those are.
MIDDLEWARE = ["tests.writes_guard.GuardedSurfaceMiddleware", *MIDDLEWARE]  # noqa: F405

# The overview counts on every view: the consistency tests compare its figures with the data they
# have just written. Tests of its snapshot set a maximum age themselves.
OVERVIEW_MAX_AGE = 0
