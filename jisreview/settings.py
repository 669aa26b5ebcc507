"""Settings, all read from the environment. Defaults give a zero-set-up development machine:
SQLite and a filesystem Celery broker under var/. Production sets DATABASE_URL, CELERY_BROKER_URL,
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS."""

import datetime as dt
from pathlib import Path

import csp.constants as csp
import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from jisreview.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
# Runtime files (development database, broker, e-mail). Loading the settings creates nothing: each
# folder is made by what writes to it, when it first does (jisreview.folders).
VAR_DIR = Path(env_str("JISREVIEW_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
DEMO_MODE = env_bool("JISREVIEW_DEMO", DEBUG)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            "(or set DJANGO_DEBUG=1 for a development machine)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"
elif not DEBUG and len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is shorter than 32 characters.")
elif not DEBUG and "change-me" in SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is still the placeholder from .env.example.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is empty; list the host names, comma-separated."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "standards",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jisreview.middleware.JapaneseFirstLocaleMiddleware",
    # before anything reads the body (CSRF reads a form), after the language is chosen
    "jisreview.middleware.BodySizeLimitMiddleware",
    "jisreview.middleware.Utf8InputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # after the login check: a signed-in user who owes a second factor sees only that step
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # last, as django-axes requires: it answers a locked-out login with the lock-out page
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "jisreview.urls"
WSGI_APPLICATION = "jisreview.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "standards:list"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "reviews.reminders.context_processors.notifications",
            ],
        },
    },
]

# Database: DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/jisreview
if not DEBUG and not env_str("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set; production needs PostgreSQL (postgres://…)."
    )
_default_db = f"sqlite:///{VAR_DIR / 'jisreview.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(env_str("DATABASE_URL") or _default_db, conn_max_age=60)
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if not DATABASES["default"].get("NAME"):
    raise ImproperlyConfigured(
        "DATABASE_URL names no database (e.g. postgres://host:5432/jisreview)."
    )
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite, making the database file's folder on first connection.
    DATABASES["default"]["ENGINE"] = "jisreview.sqlite3"
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: sessions are cached so a page costs no session query. Redis in production.
# Redis down must cost a page a little time, not the page: django-redis reads an error as a miss
# and drops writes (logged), and sockets give up quickly. Sessions are cached_db, so the database
# still holds every session while the cache is away.
_cache_url = env_str("CACHE_URL", "")
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": _cache_url,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
elif _cache_url in ("", "locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL={_cache_url!r} must be redis://… or locmem://.")
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# The progress report and plan summary are kept in a shared cache until a write to what they count
# commits (reviews.common.figures); off only to measure what they cost without it.
FIGURES_CACHE = env_bool("JISREVIEW_FIGURES_CACHE", True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password reset by e-mail: the link works once, for JISREVIEW_PASSWORD_RESET_MINUTES. Requests are
# limited per address and per client address (the one the login lock-out uses) within an hour.
PASSWORD_RESET_TIMEOUT = 60 * env_int("JISREVIEW_PASSWORD_RESET_MINUTES", 60, minimum=5)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("JISREVIEW_PASSWORD_RESET_PER_ADDRESS", 3, minimum=1)
PASSWORD_RESET_LIMIT_PER_CLIENT = env_int("JISREVIEW_PASSWORD_RESET_PER_CLIENT", 20, minimum=1)
# An invitation's link (reviews.people) sets a first password once, for JISREVIEW_INVITATION_DAYS
# after its e-mail was written.
INVITATION_DAYS = env_int("JISREVIEW_INVITATION_DAYS", 14, minimum=1, maximum=365)

# Two-factor authentication (django-otp, TOTP with recovery codes) is available to everyone and,
# when required, must be set up by coordinators and administrators before anything else. Required
# unless in demo mode, where the demo users sign in with their published passwords alone.
REQUIRE_2FA = env_bool("JISREVIEW_REQUIRE_2FA", not DEMO_MODE)
# the name authenticator apps show next to the code
OTP_TOTP_ISSUER = "jisreview"
# administrators may delete a lost device in the admin, but not read its secret
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Japanese first, English selectable; dates in Japan time.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

# E-mail: SMTP when EMAIL_HOST is set; otherwise files under var/mail/ with debug on.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "jisreview@localhost")
SITE_URL = env_str("JISREVIEW_SITE_URL", "http://127.0.0.1:8000")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
else:
    raise ImproperlyConfigured(
        "EMAIL_HOST is not set; production needs an SMTP server for reminders."
    )

# Celery: an embedded filesystem broker under var/ unless CELERY_BROKER_URL names a server.
if not DEBUG and not env_str("CELERY_BROKER_URL"):
    raise ImproperlyConfigured("CELERY_BROKER_URL is not set; production needs Redis (redis://…).")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if not CELERY_BROKER_URL.startswith(("filesystem://", "redis://", "rediss://", "memory://")):
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL={CELERY_BROKER_URL!r} is not supported; use redis://host:6379/0 "
        "or leave it unset for the embedded filesystem broker."
    )
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The folders are made when Celery first reads these settings (jisreview.celery).
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # The broker is a doorbell (the rows are the record): with Redis down, enqueueing must fail
    # within about a second so the caller logs and carries on, not hang a request. One connection
    # attempt (max_retries 0) per publish; a socket that stops answering gives up after 3 s, above
    # the worker's 1 s BRPOP.
    CELERY_BROKER_CONNECTION_TIMEOUT = 1
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 1,
        "socket_timeout": 3,
        "max_retries": 0,
    }
    CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_IGNORE_RESULT = True
# The daily reminder sweep (Asia/Tokyo) and the pass that re-offers unsent reminders.
REMINDER_SWEEP_HOUR = env_int("JISREVIEW_REMINDER_HOUR", 9, minimum=0, maximum=23)
REMINDER_SWEEP_MINUTE = env_int("JISREVIEW_REMINDER_MINUTE", 0, minimum=0, maximum=59)
CELERY_BEAT_SCHEDULE = {
    "reminder-sweep": {
        "task": "reviews.tasks.sweep_reminders",
        "schedule": crontab(hour=REMINDER_SWEEP_HOUR, minute=REMINDER_SWEEP_MINUTE),
    },
    "reminder-redelivery": {"task": "reviews.tasks.redeliver_reminders", "schedule": 300.0},
    "priority-refresh": {
        "task": "reviews.tasks.refresh_priorities",
        "schedule": crontab(hour=5, minute=0),
    },
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated request gets 401 with WWW-Authenticate, not 403.
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "jisreview.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "jisreview.pagination.PageNumberPagination",
    # Not "iso-8601", which reads with fromisoformat and so takes 2026-W01-1 and 20260101; the
    # catalog's own date fields also take 令和 dates (standards.api_fields.JapaneseDateField).
    "DATE_INPUT_FORMATS": ["%Y-%m-%d"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
# API tokens (django-rest-knox): a new one per sign-in, hashed, expiring after
# JISREVIEW_API_TOKEN_DAYS; revoked by sign-out, by their owner, or by a new password.
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=env_int("JISREVIEW_API_TOKEN_DAYS", 30, minimum=1)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "jisreview API",
    "DESCRIPTION": "The catalog of JIS and their review for public procurement.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "jisreview.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "standards.models.Status",
        "FollowUpStatusEnum": "reviews.models.FollowUp.Status",
    },
}

# Content security policy (django-csp): only this site's own scripts, styles, fonts and images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

# Login throttling (django-axes): after JISREVIEW_LOGIN_FAILURES wrong passwords for one username
# from one address, that pair is locked out for JISREVIEW_LOGIN_LOCKOUT_MINUTES (pages and API).
AXES_FAILURE_LIMIT = env_int("JISREVIEW_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("JISREVIEW_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
# The address a lock-out keys on. Behind JISREVIEW_TRUSTED_PROXIES reverse proxies, each appending
# the address it received the request from to X-Forwarded-For, the client is the N-th entry from
# the right; whatever the client itself put further left is ignored. 0 (no proxy): REMOTE_ADDR,
# and X-Forwarded-For is not read at all, since any client could write it.
TRUSTED_PROXIES = env_int("JISREVIEW_TRUSTED_PROXIES", 0, minimum=0, maximum=10)
if TRUSTED_PROXIES:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    # django-ipware counts the hops listed after the client; the nearest proxy is REMOTE_ADDR, not
    # in the header. Not strict: a longer chain is a client that wrote the header itself.
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXIES - 1
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# Catalog import limits.
IMPORT_MAX_BYTES = env_int("JISREVIEW_IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
IMPORT_MAX_ROWS = env_int("JISREVIEW_IMPORT_MAX_ROWS", 50_000, minimum=1)
# Reading stops after this long with a message: below gunicorn's 30 s, so the page says why
# rather than losing its worker. A 50,000-row XLSX reads in about 15 s, the same CSV in 2 s.
IMPORT_MAX_SECONDS = env_int("JISREVIEW_IMPORT_MAX_SECONDS", 25, minimum=1)
# A second import waits this long for the one running to finish, then is told it is running.
IMPORT_LOCK_WAIT_SECONDS = env_int("JISREVIEW_IMPORT_LOCK_WAIT_SECONDS", 10, minimum=0)
# Specification documents scanned for JIS citations (standards/documents.py): larger files, or
# PDFs with more pages, are reported as too large and skipped.
SCAN_MAX_BYTES = env_int("JISREVIEW_SCAN_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
SCAN_MAX_PAGES = env_int("JISREVIEW_SCAN_MAX_PAGES", 2000, minimum=1)
# Request bodies (jisreview.middleware.BodySizeLimitMiddleware): 5 MiB, or for an upload an
# import file plus room for the form's other fields. The reverse proxy's limit must be at least this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_BYTES = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Under gunicorn, a body that stops arriving for this long (a Content-Length larger than what is
# sent) is answered 408 instead of holding a worker thread until gunicorn's timeout.
REQUEST_BODY_SECONDS = env_int("JISREVIEW_REQUEST_BODY_SECONDS", 10, minimum=1, maximum=60)

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading asks browsers to hard-code HTTPS for the whole domain, subdomains included, and
    # takes months to undo: the domain's owner opts in; without it, the deploy check's reminder
    # (security.W021) is a decision taken, not a warning.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
