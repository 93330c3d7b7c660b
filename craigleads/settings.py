"""craigleads settings: one env-driven module.

The defaults run the console and the whole test suite with no outside service
(SQLite under var/, in-process Celery broker, in-memory channel layer, e-mail to
files). DATABASE_URL, REDIS_URL, EMAIL_URL, SECRET_KEY and ALLOWED_HOSTS switch to
real ones. A malformed value raises ImproperlyConfigured naming the variable.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CRAIGLEADS_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}"
        ) from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def _float(name: str, default: float, *, minimum: float = 0.0) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def _list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _url(name: str, schemes: set[str]) -> str | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in schemes:
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with one of {allowed}:// (got {raw!r})"
        )
    if parts.scheme not in {"sqlite", "file"} and not parts.hostname:
        raise ImproperlyConfigured(f"{name} has no host name: {raw!r}")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a malformed port: {raw!r}") from None
    return raw


# --- core -----------------------------------------------------------------

DEBUG = _bool("DEBUG", False)

_secret = os.environ.get("SECRET_KEY", "")
_embedded_run = not os.environ.get("DATABASE_URL") and not os.environ.get("REDIS_URL")
if not _secret and (DEBUG or _embedded_run):
    # The embedded run keeps a generated key in var/ so sessions survive restarts;
    # a production deployment (DATABASE_URL or REDIS_URL set) must pass SECRET_KEY.
    _secret_file = VAR_DIR / "secret_key"
    if _secret_file.exists():
        _secret = _secret_file.read_text().strip()
    else:
        import secrets

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        _secret = secrets.token_urlsafe(50)
        _secret_file.write_text(_secret)
        _secret_file.chmod(0o600)
if not _secret:
    raise ImproperlyConfigured(
        "SECRET_KEY is required when DEBUG is off and DATABASE_URL or REDIS_URL is set"
    )
if len(_secret) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long")
SECRET_KEY = _secret

ALLOWED_HOSTS = _list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS", [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if urlsplit(_origin).scheme not in {"http", "https"}:
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS entries must start with http:// or https:// "
            f"(got {_origin!r})"
        )

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "channels",
    "csp",
    "craigleads",
    "memory",
    "leads",
    "qualification",
    "scraping",
    "responses",
    "learning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "craigleads.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "craigleads.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "craigleads.urls"
WSGI_APPLICATION = "craigleads.wsgi.application"
ASGI_APPLICATION = "craigleads.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "craigleads.context_processors.console",
            ],
        },
    },
]

# --- database -------------------------------------------------------------

DATABASE_URL = _url("DATABASE_URL", {"postgres", "postgresql", "pgsql", "sqlite"})
if DATABASE_URL:
    try:
        _db: dict[str, Any] = env.db_url_config(DATABASE_URL)
    except Exception as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
    if _db["ENGINE"].endswith("postgresql"):
        _db["CONN_HEALTH_CHECKS"] = True
        _db.setdefault("OPTIONS", {})["connect_timeout"] = 5
        if _bool("DATABASE_POOL", True):
            # One bounded pool per process (psycopg_pool): a request borrows a
            # connection instead of opening one, which cost more than most API
            # answers. Health checks replace connections the server dropped; a
            # database that refuses new ones fails the borrow after `timeout`.
            _db["CONN_MAX_AGE"] = 0
            _db["OPTIONS"]["pool"] = {
                "min_size": 1,
                "max_size": _int("DATABASE_POOL_MAX", 8),
                "timeout": 5,
            }
        else:
            # 0: under ASGI each request may run on a new thread, and connections
            # kept per thread piled up to max_connections in the load test.
            _db["CONN_MAX_AGE"] = _int("DATABASE_CONN_MAX_AGE", 0)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "craigleads.sqlite3",
    }
if _db["ENGINE"].endswith("sqlite3"):
    # WAL lets the in-process worker write while pages read; IMMEDIATE avoids the
    # "database is locked" upgrade deadlock between two writers.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

# --- redis, celery, channels, cache -----------------------------------------

REDIS_URL = _url("REDIS_URL", {"redis", "rediss", "unix"})
EMBEDDED = REDIS_URL is None

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_DEFAULT_QUEUE = "default"

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 500, "expiry": 30},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # A separate database keeps cache flushes away from queued tasks.
            "LOCATION": _url("CACHE_URL", {"redis", "rediss", "unix"}) or REDIS_URL,
            "KEY_PREFIX": "craigleads",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- e-mail -----------------------------------------------------------------

EMAIL_URL = _url(
    "EMAIL_URL", {"smtp", "smtps", "submission", "consolemail", "dummymail"}
)
if EMAIL_URL:
    try:
        vars().update(env.email_url_config(EMAIL_URL))
    except Exception as exc:
        raise ImproperlyConfigured(f"EMAIL_URL is malformed: {exc}") from None
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "outbox"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "craigleads@localhost")

# --- auth -------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "leads:dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = _int("SESSION_COOKIE_AGE", 60 * 60 * 12, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- security headers ---------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# htmx sends the token from the page (hx-headers on <body>), so no script needs to
# read the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG and not EMBEDDED:
    # Production sits behind TLS; the embedded run is plain HTTP on loopback.
    SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https://images.craigslist.org"],
        "connect-src": ["'self'", "ws:", "wss:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- i18n, static -----------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names need `collectstatic` first (the Docker image runs it); a
        # fresh clone serves straight from the finders.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _bool("STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# serve finds files straight from the finders, so a fresh clone needs no collectstatic
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- API ----------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated script gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["craigleads.permissions.RolePermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Throttling protects capacity, not security (DRF's own words); the login
    # lock-out below is the security control.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_RATE_PER_USER", "1000/hour"),
        "anon": "100/hour",
    },
}
# Scrape jobs a user may start per minute (console and API together).
SCRAPE_JOBS_PER_MINUTE = _int("SCRAPE_JOBS_PER_MINUTE", 10, minimum=1)
# Failed logins per username and address before a lock-out, and its length.
LOGIN_FAILURE_LIMIT = _int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_SECONDS = _int("LOGIN_LOCKOUT_SECONDS", 15 * 60, minimum=1)
SPECTACULAR_SETTINGS = {
    "TITLE": "craigleads API",
    "DESCRIPTION": "Leads, scoring, drafts and outcomes for Craigslist work.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_PERMISSIONS": ["craigleads.permissions.RolePermission"],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "LeadStatusEnum": "leads.models.Lead.Status",
        "ScrapeJobStatusEnum": "scraping.models.ScrapeJob.Status",
        "DraftStateEnum": "responses.models.Draft.State",
        "DraftOutcomeEnum": "responses.models.Draft.Outcome",
    },
}

# --- craigleads ---------------------------------------------------------------

CRAIGLEADS_CONTACT_EMAIL = os.environ.get("CRAIGLEADS_CONTACT_EMAIL", "")
if CRAIGLEADS_CONTACT_EMAIL and "@" not in CRAIGLEADS_CONTACT_EMAIL:
    raise ImproperlyConfigured(
        f"CRAIGLEADS_CONTACT_EMAIL must be an e-mail address "
        f"(got {CRAIGLEADS_CONTACT_EMAIL!r})"
    )
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCRAPE_ALLOWED_HOSTS = _list("SCRAPE_ALLOWED_HOSTS", [])
SCRAPE_RATE_PER_HOST = min(_float("SCRAPE_RATE_PER_HOST", 1.0, minimum=0.01), 1.0)
SCRAPE_TEST_HOST_RATE = _float("SCRAPE_TEST_HOST_RATE", 20.0, minimum=0.01)
SCRAPE_MAX_BYTES = _int("SCRAPE_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
SCRAPE_TIMEOUT = _float("SCRAPE_TIMEOUT", 20.0, minimum=0.1)
SCRAPE_MAX_RETRIES = _int("SCRAPE_MAX_RETRIES", 4)
# A scrape task works for at most SCRAPE_CHUNK_SECONDS, then checkpoints; its lease
# on the job outlives a dead worker by at most SCRAPE_LEASE_SECONDS.
SCRAPE_CHUNK_SECONDS = _float("SCRAPE_CHUNK_SECONDS", 60.0, minimum=0.1)
SCRAPE_LEASE_SECONDS = _int("SCRAPE_LEASE_SECONDS", 120, minimum=2)
DEMO_SITE_URL = _url("CRAIGLEADS_DEMO_SITE_URL", {"http"})

# "hashing" (default, no download) or "sentence-transformers:<model>" when such a
# model is installed locally.
MEMORY_EMBEDDER = os.environ.get("MEMORY_EMBEDDER", "hashing")

# --- replies ------------------------------------------------------------------

# Leads graded this or better get a draft reply.
DRAFT_MIN_GRADE = os.environ.get("DRAFT_MIN_GRADE", "B").upper()
if DRAFT_MIN_GRADE not in {"A", "B", "C", "D", "F"}:
    raise ImproperlyConfigured(
        f"DRAFT_MIN_GRADE must be a grade A-F, not {DRAFT_MIN_GRADE!r}"
    )
SEND_DAILY_CAP = _int("SEND_DAILY_CAP", 50)
SEND_WINDOW = os.environ.get("SEND_WINDOW", "00:00-24:00")
try:
    _start, _end = (
        int(part.split(":")[0]) * 60 + int(part.split(":")[1])
        for part in SEND_WINDOW.split("-")
    )
    if not 0 <= _start < _end <= 24 * 60:
        raise ValueError
    SEND_WINDOW_MINUTES = (_start, _end)
except ValueError:
    raise ImproperlyConfigured(
        f"SEND_WINDOW must look like 08:00-18:00 (local time), not {SEND_WINDOW!r}"
    ) from None
SEND_MAX_ATTEMPTS = _int("SEND_MAX_ATTEMPTS", 5, minimum=1)
# Printed in every reply's footer (CAN-SPAM asks for a postal address).
COMPANY_POSTAL_ADDRESS = os.environ.get("COMPANY_POSTAL_ADDRESS", "")
# Where opt-out links in replies point.
PUBLIC_BASE_URL = _url("PUBLIC_BASE_URL", {"http", "https"}) or "http://127.0.0.1:8000"

# Dashboard figures are recomputed at most this often per role (0: every view).
DASHBOARD_CACHE_SECONDS = _int("DASHBOARD_CACHE_SECONDS", 30)

# --- personal data and alerts -------------------------------------------------

# Stored posting HTML and contact details of leads older than this many days are
# purged by the beat (0 keeps them forever).
PERSONAL_DATA_RETENTION_DAYS = _int("PERSONAL_DATA_RETENTION_DAYS", 180)
# Salt for the erasure suppression list's hashes. Set it once and keep it: changing
# it makes earlier erasures unrecognisable (SECRET_KEY is used when it is empty).
SUPPRESSION_SALT = os.environ.get("SUPPRESSION_SALT", "")
# Alert webhooks may only reach public addresses unless this is on (tests, demos).
ALERT_WEBHOOK_ALLOW_PRIVATE = _bool("ALERT_WEBHOOK_ALLOW_PRIVATE", False)
ALERT_WEBHOOK_TIMEOUT = _float("ALERT_WEBHOOK_TIMEOUT", 5.0, minimum=0.1)

# --- logging ------------------------------------------------------------------

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be a logging level name, not {LOG_LEVEL!r}"
    )
LOG_JSON = _bool("LOG_JSON", not DEBUG and not EMBEDDED)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "craigleads.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "()": "craigleads.logging.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "craigleads.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_JSON else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "celery": {"level": "INFO"},
    },
}
