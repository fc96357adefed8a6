"""WSGI entry point (gunicorn ssrtracker.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssrtracker.settings")

application = get_wsgi_application()
