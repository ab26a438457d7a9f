"""Settings for Peer Support, read from the environment (CONTRACT.md lists every variable).

A bad value stops the process at start-up with a message naming the variable, so a
deployment never runs half-configured.
"""

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import django_stubs_ext
import environ
import holidays
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

# Lets classes be written with their type arguments (`ModelAdmin[Supporter]`,
# `ModelForm[Supporter]`) as `mypy --strict` asks, at run time too.
django_stubs_ext.monkeypatch()

env = environ.FileAwareEnv()
# `.env` is optional; the environment wins over it. ENV_FILE names another file.
environ.Env.read_env(os.environ.get("ENV_FILE", BASE_DIR / ".env"), overwrite=False)

TRUE_WORDS = {"true", "yes", "on", "1"}
FALSE_WORDS = {"false", "no", "off", "0"}


def _read(name: str, cast: Any, default: Any) -> Any:
    """Read one variable, turning any parse error into a message that names it."""
    try:
        return env(name, cast=cast, default=default)
    except (ValueError, TypeError, ImproperlyConfigured) as error:
        raise ImproperlyConfigured(f"{name}: cannot read {env.str(name, '')!r} ({error})") from None


def _bool(name: str, default: bool) -> bool:
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}: must be True or False, got {raw!r}")


def _positive(name: str, default: int) -> int:
    value = _read(name, int, default)
    if value < 1:
        raise ImproperlyConfigured(f"{name}: must be a whole number of at least 1, got {value}")
    return int(value)


def _non_negative(name: str, default: int) -> int:
    value = _read(name, int, default)
    if value < 0:
        raise ImproperlyConfigured(f"{name}: must be a whole number of 0 or more, got {value}")
    return int(value)


def _crisis_resources() -> list[dict[str, str]] | None:
    """Parse CRISIS_RESOURCES; None means the translated defaults (see programs.crisis)."""
    raw = env.str("CRISIS_RESOURCES", default="").strip()
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"CRISIS_RESOURCES: not valid JSON ({error})") from None
    if (
        not isinstance(value, list)
        or not value
        or not all(
            isinstance(item, dict)
            and isinstance(item.get("label"), str)
            and isinstance(item.get("contact"), str)
            and item["label"].strip()
            and item["contact"].strip()
            for item in value
        )
    ):
        raise ImproperlyConfigured(
            'CRISIS_RESOURCES: must be a non-empty JSON list of {"label": ..., "contact": ...}'
        )
    return [{"label": item["label"], "contact": item["contact"]} for item in value]


# --- Core -------------------------------------------------------------------------------

DEBUG = _bool("DEBUG", False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY: must be set when DEBUG is off (make run writes one)"
        )
    SECRET_KEY = "insecure-development-only-key-set-SECRET_KEY"  # noqa: S105  (DEBUG only)
ALLOWED_HOSTS = _read("ALLOWED_HOSTS", list, ["127.0.0.1", "localhost"])
SITE_URL = _read("SITE_URL", str, "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL: must start with http:// or https://, got {SITE_URL!r}")

# --- The program --------------------------------------------------------------------------

PROGRAM_NAME = _read("PROGRAM_NAME", str, "Physician Peer Support Program")
PROGRAM_TIME_ZONE = _read("PROGRAM_TIME_ZONE", str, "America/Vancouver")
try:
    ZoneInfo(PROGRAM_TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"PROGRAM_TIME_ZONE: unknown time zone {PROGRAM_TIME_ZONE!r}"
    ) from None
HOLIDAYS_COUNTRY = _read("HOLIDAYS_COUNTRY", str, "CA")
HOLIDAYS_SUBDIV = _read("HOLIDAYS_SUBDIV", str, "BC") or None
_supported_calendars = holidays.list_supported_countries()
if HOLIDAYS_COUNTRY not in _supported_calendars or (
    HOLIDAYS_SUBDIV and HOLIDAYS_SUBDIV not in _supported_calendars[HOLIDAYS_COUNTRY]
):
    raise ImproperlyConfigured(
        f"HOLIDAYS_COUNTRY/HOLIDAYS_SUBDIV: unknown calendar {HOLIDAYS_COUNTRY}/{HOLIDAYS_SUBDIV}"
    )
CONTACT_DEADLINE_BUSINESS_DAYS = _positive("CONTACT_DEADLINE_BUSINESS_DAYS", 3)
NOTE_TTL_HOURS = _positive("NOTE_TTL_HOURS", 12)
IDENTIFIER_RETENTION_DAYS = _positive("IDENTIFIER_RETENTION_DAYS", 30)
REFERRAL_CONFIRMATION_REQUIRED = _bool("REFERRAL_CONFIRMATION_REQUIRED", True)
REFERRAL_CONFIRM_DAYS = _positive("REFERRAL_CONFIRM_DAYS", 7)
NOTIFY_REQUESTER_ON_MATCH = _bool("NOTIFY_REQUESTER_ON_MATCH", True)
CRISIS_RESOURCES = _crisis_resources()
INTAKE_LIMIT_PER_IP_PER_HOUR = _positive("INTAKE_LIMIT_PER_IP_PER_HOUR", 10)
INTAKE_LIMIT_PER_HOUR = _positive("INTAKE_LIMIT_PER_HOUR", 200)
TRUSTED_PROXY_COUNT = _non_negative("TRUSTED_PROXY_COUNT", 0)
PROGRAM_CONTACT_EMAIL = _read("PROGRAM_CONTACT_EMAIL", str, "")
# Surveys: the post-support invitation goes this long after closure (0: at the next sweep),
# its link works this long, and results show counts below REPORT_MIN_CELL as "<N".
SURVEY_DELAY_DAYS = _non_negative("SURVEY_DELAY_DAYS", 2)
SURVEY_TOKEN_DAYS = _positive("SURVEY_TOKEN_DAYS", 30)
REPORT_MIN_CELL = _positive("REPORT_MIN_CELL", 5)

# --- Applications -------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    # Bottom to top: an app imports only apps above it in this list (CONTRACT.md).
    "notifications",
    "accounts",
    "programs",
    "surveys",
    "supporters",
    "intake",
    "matching",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "peersupport.urls"
WSGI_APPLICATION = "peersupport.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "programs.context_processors.program",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------

try:
    DATABASES = {
        "default": env.db_url(
            "DATABASE_URL", default="postgres://peersupport:peersupport@127.0.0.1:5432/peersupport"
        )
    }
except (ValueError, KeyError, ImproperlyConfigured) as error:
    raise ImproperlyConfigured(f"DATABASE_URL: cannot read it ({error})") from None
if not DATABASES["default"].get("ENGINE", "").endswith("postgresql"):
    raise ImproperlyConfigured(
        "DATABASE_URL: must be a postgres:// URL (Peer Support needs Postgres)"
    )
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = _read("REDIS_URL", str, "redis://127.0.0.1:6379/0")
if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL: must be a redis:// URL, got {REDIS_URL!r}")
# Short timeouts: when Redis is down, pages must fail open quickly (DESIGN.md).
REDIS_SOCKET_TIMEOUT = 1.0
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "peersupport",
        "OPTIONS": {
            "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
            "socket_timeout": REDIS_SOCKET_TIMEOUT,
        },
    }
}
# Sessions live in Postgres: signing in must not depend on Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Accounts -----------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "programs:landing"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # an invitation link is good for three days

# --- Language and time --------------------------------------------------------------------

LANGUAGE_CODE = "en"
# English only until French arrives, so Django's own French never mixes into English pages.
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = PROGRAM_TIME_ZONE
USE_TZ = True

# --- Static files -------------------------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -----------------------------------------------------------------------------

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day; staff sign in again after
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A request body larger than this is refused with a friendly 400 page; the public forms
# are small, so about 64 KB is plenty.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# --- Email --------------------------------------------------------------------------------

try:
    _email = env.email_url("EMAIL_URL", default="consolemail://")
except (ValueError, KeyError, ImproperlyConfigured) as error:
    raise ImproperlyConfigured(f"EMAIL_URL: cannot read it ({error})") from None
_email_options: dict[str, Any] = {}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _email_options = {
        "host": _email.get("EMAIL_HOST") or "localhost",
        "port": _email.get("EMAIL_PORT") or 25,
        "username": _email.get("EMAIL_HOST_USER") or "",
        "password": _email.get("EMAIL_HOST_PASSWORD") or "",
        "use_tls": bool(_email.get("EMAIL_USE_TLS")),
        "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
        "timeout": 20,
    }
elif _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    _email_options = {"file_path": _email.get("EMAIL_FILE_PATH")}
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = _read("DEFAULT_FROM_EMAIL", str, "peer-support@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The outbox retries a failed send with backoff this many times, then marks it failed.
OUTBOX_MAX_ATTEMPTS = 5

# --- Celery -------------------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_timeout": 5,
    "visibility_timeout": 3600,
}
# Publishing must never hold up a page when Redis is down: the outbox sweep catches up.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = PROGRAM_TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "send-pending-emails": {
        "task": "notifications.tasks.send_pending_emails",
        "schedule": timedelta(minutes=1),
    },
    "delete-unconfirmed-referrals": {
        "task": "intake.tasks.delete_unconfirmed_referrals",
        "schedule": timedelta(minutes=15),
    },
    "send-due-reminders": {
        "task": "matching.tasks.send_due_reminders",
        "schedule": timedelta(minutes=15),
    },
    "escalate-overdue": {
        "task": "matching.tasks.escalate_overdue",
        "schedule": timedelta(minutes=15),
    },
    "remind-unmatched": {
        "task": "matching.tasks.remind_unmatched",
        "schedule": timedelta(minutes=15),
    },
    "purge-expired-notes": {
        "task": "matching.tasks.purge_expired_notes",
        "schedule": timedelta(minutes=15),
    },
    "send-survey-invitations": {
        "task": "matching.tasks.send_survey_invitations",
        "schedule": timedelta(hours=1),
    },
    "delete-expired-survey-links": {
        "task": "surveys.tasks.delete_expired_tokens",
        "schedule": timedelta(hours=6),
    },
}

# --- Logging ------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Request lines carry paths only; paths never carry identifiers (DESIGN.md).
        "django.request": {"level": "WARNING"},
    },
}
