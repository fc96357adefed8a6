"""Settings for ssrtracker, all read from the environment (see README, "Configuration").

With no variable set and ``DEBUG=1`` the app runs on its embedded defaults: a SQLite file under
``var/``, a file-system Celery broker and e-mail printed to the console. Production sets
``SECRET_KEY``, ``DATABASE_URL``, ``ALLOWED_HOSTS``, ``CELERY_BROKER_URL`` and the e-mail
variables; the secure defaults below then apply without further switches.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ssrtracker import limits
from ssrtracker.env import (
    check_secret_key,
    database_from_url,
    env_bool,
    env_int,
    env_int_item,
    env_list,
    env_required,
    env_str,
    file_storage_from_env,
)
from ssrtracker.proxy import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", default=False)

# Reviewed: the development key, published here and so refused when DEBUG is off.
_DEVELOPMENT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105  # nosec B105
if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY") or _DEVELOPMENT_SECRET_KEY
else:
    SECRET_KEY = check_secret_key(
        env_required("SECRET_KEY", "when DEBUG is off"), known=[_DEVELOPMENT_SECRET_KEY]
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed: the login lockout,
# the API rate limits and the security log then count the client behind them. Empty: nobody's;
# the client is REMOTE_ADDR (ssrtracker.proxy).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
parse_networks(TRUSTED_PROXIES)  # a bad value stops start-up, naming the variable

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # intcomma: counts grouped as the language writes them (22,533; 22 533).
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "csp",
    "axes",
    "mandates",
    "reports",
]

MIDDLEWARE = [
    # First, so that every log line of the request (and every response) carries the id.
    "ssrtracker.security.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ssrtracker.security.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    # /healthz, answered before host validation (CommonMiddleware, CSRF): a container's health
    # check on 127.0.0.1 passes whatever ALLOWED_HOSTS says (SECURE_REDIRECT_EXEMPT keeps it off
    # the HTTPS redirect); the security headers above still apply. It answers nothing else.
    "ssrtracker.health.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a lockout raised during login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ssrtracker.urls"
WSGI_APPLICATION = "ssrtracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ssrtracker" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ssrtracker.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo's web process and Celery worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (API rate limits) -------------------------------------------------------------------
# Per process by default; set CACHE_URL=redis://... so that all web processes share the limits.
_CACHE_URL = env_str("CACHE_URL")
if _CACHE_URL and not _CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// address, not {_CACHE_URL!r}.")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Authentication --------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failed logins for one user name, or from
# one address, further attempts are refused (429) for AXES_COOLOFF_MINUTES, even with the right
# password. Attempts are kept in the database (Admin → Axes) so every web process sees them.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The address is the client's (ssrtracker.proxy): REMOTE_ADDR, or behind a proxy listed in
# TRUSTED_PROXIES what that proxy wrote in X-Forwarded-For; never what a client wrote there.
AXES_CLIENT_IP_CALLABLE = "ssrtracker.proxy.client_ip"

# API tokens: after API_TOKEN_FAILURE_LIMIT invalid tokens from one address within
# API_TOKEN_FAILURE_WINDOW_SECONDS, that address gets 429 until the window has passed.
API_TOKEN_FAILURE_LIMIT = env_int("API_TOKEN_FAILURE_LIMIT", 20)
API_TOKEN_FAILURE_WINDOW_SECONDS = env_int("API_TOKEN_FAILURE_WINDOW_SECONDS", 900)

# --- History ---------------------------------------------------------------------------------
# History is a record, not an undo button: nobody reverts or edits it through the app.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Uploads ---------------------------------------------------------------------------------
# The largest body of fields (JSON or form) Django reads; larger ones are refused (413 in the API).
DATA_UPLOAD_MAX_MEMORY_SIZE = limits.MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ssrtracker.formats"]
TIME_ZONE = env_str("TIME_ZONE") or "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "static")
# Uploaded files (evidence, import previews): FILE_STORAGE=filesystem (MEDIA_ROOT, shared by every
# process), s3 or azure (see ssrtracker.env.file_storage_from_env). Always through the storage
# API, and never served at MEDIA_URL: evidence is streamed by the app to people who may read it.
STORAGES = {
    "default": file_storage_from_env(),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "media/"

# --- Security (secure unless DEBUG; each can be switched by its variable) ----------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The health check is asked over plain HTTP from inside the container (ssrtracker.health).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Powerful browser features the app never uses are switched off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)
# Content-Security-Policy: scripts and styles only from our own origin (no inline script or
# style, no eval), no plugins, no framing, forms post only to us. Two responses widen it for
# themselves: the Swagger UI and ReDoc pages allow inline styles, which their scripts set
# (ssrtracker/api/urls.py), and the admin's sandboxed preview of a summary e-mail
# (reports/admin.py). ReDoc runs its search in a worker created from a blob.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if env_bool("USE_X_FORWARDED_PROTO", default=False):
    # Only behind a proxy that sets this header itself, as nginx and traefik do (docker compose:
    # "proxy" passes on "https" from a TLS proxy in front, else says "http"; deploy/nginx.conf).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "ssrtracker <noreply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ----------------------------------------------------------------------------------
# Embedded default: a broker in files under var/, so the demo needs no server.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "filesystem://"
_CELERY_FS = VAR_DIR / "celery"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = (
    {
        "data_folder_in": str(_CELERY_FS / "queue"),
        "data_folder_out": str(_CELERY_FS / "queue"),
        "processed_folder": str(_CELERY_FS / "processed"),
        # Broadcast messages (worker control); by default a "control" folder in the working
        # directory.
        "control_folder": str(_CELERY_FS / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
if CELERY_BROKER_URL.startswith(("redis", "rediss")):
    # A message whose worker died unacknowledged goes back to the queue after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    }
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE") or "celery"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Schedules live in the database and are edited in the admin (django-celery-beat); the defaults
# are declared in ssrtracker/schedules.py and synced after every migrate.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Scheduled jobs: reminders and summaries ----------------------------------------------------
# Absolute links in e-mails, webhooks and calendar feeds start with this.
SITE_URL = (env_str("SITE_URL") or "http://localhost:8000").rstrip("/")
# Days before the due date on which a reminder goes out; 0 is the due date itself.
REMINDER_DAYS_BEFORE = sorted(
    {
        # A year ahead at most: the reminder ledger stores the offset in a small integer.
        env_int_item("REMINDER_DAYS_BEFORE", item, low=0, high=366)
        for item in env_list("REMINDER_DAYS_BEFORE", [])
    }
    or {30, 14, 7, 1, 0},
    reverse=True,
)
# Once overdue, a reminder every this many days while the request stays open.
REMINDER_OVERDUE_EVERY_DAYS = env_int("REMINDER_OVERDUE_EVERY_DAYS", 7)
# Focal points of supporting units receive reminders too (the lead unit's always do).
REMINDER_SUPPORTING_UNITS = env_bool("REMINDER_SUPPORTING_UNITS", default=False)
# Weekday (0 = Monday) on which people who chose a weekly digest receive it.
REMINDER_WEEKLY_DIGEST_WEEKDAY = env_int("REMINDER_WEEKLY_DIGEST_WEEKDAY", 0)
# A run plans and claims reminders for this many people at a time: its memory depends on this,
# not on the size of the database.
REMINDER_BATCH_SIZE = max(1, env_int("REMINDER_BATCH_SIZE", 50))
# A digest e-mail names at most this many requests, then says how many more and links to the
# person's requests in the admin.
REMINDER_DIGEST_LIMIT = max(1, env_int("REMINDER_DIGEST_LIMIT", 50))
# A summary names at most this many requests (or benchmarks) in each list; its figures count
# them all, and the deadlines dashboard lists every late or coming request.
SUMMARY_LIST_LIMIT = max(1, env_int("SUMMARY_LIST_LIMIT", 25))
# The mission spotlight covers the most active missions, this many; the others are named.
SUMMARY_SPOTLIGHT_LIMIT = max(1, env_int("SUMMARY_SPOTLIGHT_LIMIT", 12))
# The summaries' PDF is set in a Unicode TrueType font (French needs more than Latin-1): DejaVu
# Sans from the system's fonts-dejavu-core package unless these name others.
_DEJAVU = "/usr/share/fonts/truetype/dejavu"
SUMMARY_PDF_FONT = env_str("SUMMARY_PDF_FONT", f"{_DEJAVU}/DejaVuSans.ttf")
SUMMARY_PDF_FONT_BOLD = env_str("SUMMARY_PDF_FONT_BOLD", f"{_DEJAVU}/DejaVuSans-Bold.ttf")

# --- The dashboards' overview -------------------------------------------------------------------
# Its figures come from a stored snapshot at most this many seconds old (0: counted on every view).
OVERVIEW_MAX_AGE = max(0, env_int("OVERVIEW_MAX_AGE", 300))
# The job recounting the snapshots of the overviews viewed in the last day runs this often (its
# default schedule; administrators change it under "Periodic tasks").
OVERVIEW_REFRESH_MINUTES = max(1, env_int("OVERVIEW_REFRESH_MINUTES", 5))
# Rows of its tables by mission, unit and resolution; a link leads to all of them.
OVERVIEW_TABLE_ROWS = max(1, env_int("OVERVIEW_TABLE_ROWS", 15))

# --- The outbox: reminder e-mails, summary e-mails and webhooks ---------------------------------
# A failed message is retried after this many seconds, doubling with each attempt...
OUTBOX_RETRY_BACKOFF_SECONDS = max(1, env_int("OUTBOX_RETRY_BACKOFF_SECONDS", 60))
# ... up to this wait between two attempts...
OUTBOX_RETRY_BACKOFF_MAX_SECONDS = max(
    OUTBOX_RETRY_BACKOFF_SECONDS, env_int("OUTBOX_RETRY_BACKOFF_MAX_SECONDS", 3600)
)
# ... and it is failed after this many attempts (an administrator can send it again).
OUTBOX_MAX_ATTEMPTS = max(1, env_int("OUTBOX_MAX_ATTEMPTS", 10))

# --- Reporting cycles and mandate renewals (2553 OP20(e)/(f)) -----------------------------------
# The request for the SSR input to a mandate renewal falls due this many weeks before the expiry.
RENEWAL_INPUT_WEEKS_BEFORE = env_int("RENEWAL_INPUT_WEEKS_BEFORE", 6)
# Who leads coverage follow-ups and renewal inputs of a mission without an SSR section (acronym).
REPORTING_DEFAULT_LEAD_UNIT = env_str("REPORTING_DEFAULT_LEAD_UNIT") or "SSRU"

# --- REST framework and the API schema -------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its authenticate_header makes a request without credentials a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ssrtracker.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "ssrtracker.api.permissions.TokenScopePermission",
        "ssrtracker.api.permissions.RolePermission",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Bounded: size and JSON depth are checked before a body is decoded (ssrtracker.api.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "ssrtracker.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "ssrtracker.api.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "ssrtracker.api.pagination.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["ssrtracker.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_THROTTLE_RATE") or "1200/min"},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "EXCEPTION_HANDLER": "ssrtracker.api.errors.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ssrtracker API",
    "DESCRIPTION": (
        "Requests of the Security Council on security sector reform, their progress, missions, "
        "units and benchmarks. Authenticate with `Authorization: Bearer <token>` (tokens are "
        "issued by administrators) or, in a browser, with your session. Every detail response "
        "has an `ETag`; PATCH and PUT need it back in `If-Match`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RequestStatusEnum": "mandates.choices.RequestStatus",
        "DocumentKindEnum": "mandates.choices.DocumentKind",
        "ParagraphKindEnum": "mandates.choices.ParagraphKind",
        "ThemeKindEnum": "mandates.choices.ThemeKind",
        "MissionKindEnum": "mandates.choices.MissionKind",
        "UnitKindEnum": "mandates.choices.UnitKind",
        "CalendarScopeEnum": "mandates.choices.CalendarScope",
        "SummaryKindEnum": "reports.choices.SummaryKind",
        "RatingEnum": "mandates.choices.Rating",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ssrtracker.api.schema.drop_backend_bounds",
        "ssrtracker.api.schema.add_error_responses",
    ],
    # No request to another site: Swagger UI would otherwise show a badge from its online
    # validator for a schema served from any host but localhost.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Logging ---------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL") or "INFO"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ssrtracker.security.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}
