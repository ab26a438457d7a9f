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
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
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


PHONE_CHARACTERS = set("0123456789+-(). ")


def _phone(name: str) -> str:
    """Read an optional phone number: digits and + - ( ) . spaces, 3 to 15 digits, or empty.

    Shown as given and dialled from a `tel:` link, so anything else (a name, "ask Sam")
    stops start-up rather than showing a number nobody can call.
    """
    value = _read(name, str, "").strip()
    digits = sum(ch.isdigit() for ch in value)
    if value and (set(value) - PHONE_CHARACTERS or not 3 <= digits <= 15):
        raise ImproperlyConfigured(
            f"{name}: must be a phone number (digits, spaces, + - ( ) .), got {value!r}"
        )
    return str(value)


def _email_address(name: str) -> str:
    """Read an optional email address, or empty."""
    value = _read(name, str, "").strip()
    try:
        if value:
            validate_email(value)
    except ValidationError:
        raise ImproperlyConfigured(f"{name}: must be an email address, got {value!r}") from None
    return str(value)


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
PROGRAM_CONTACT_EMAIL = _email_address("PROGRAM_CONTACT_EMAIL")
PROGRAM_CONTACT_PHONE = _phone("PROGRAM_CONTACT_PHONE")
# Whom a supporter calls now about a safety concern: shown to signed-in supporters only.
PROGRAM_URGENT_PHONE = _phone("PROGRAM_URGENT_PHONE")
# Emails to requesters and colleagues say "Your request PS-..." and never the program's
# name in the subject: subjects show on lock screens and shared screens.
DISCREET_SUBJECT = _bool("DISCREET_SUBJECT", True)
SAFETY_REESCALATE_MINUTES = _positive("SAFETY_REESCALATE_MINUTES", 60)

# --- Retention (DESIGN.md "Keep it shorter") ------------------------------------------------

# A request left waiting, never matched again, this long is withdrawn ("no longer waiting").
UNMATCHED_WITHDRAW_DAYS = _positive("UNMATCHED_WITHDRAW_DAYS", 30)
ACCESS_LOG_RETENTION_DAYS = _positive("ACCESS_LOG_RETENTION_DAYS", 365)
# A failed email keeps its address and body this long (to be retried), then is blanked.
OUTBOX_FAILED_KEEP_DAYS = _positive("OUTBOX_FAILED_KEEP_DAYS", 7)
# A sent email's row (kind, times, status: no content) is deleted after this.
OUTBOX_SENT_KEEP_DAYS = 30
# The Redis that holds the scratch notes' keys. Never flushed by a cache clear; in
# production its own small instance with no RDB/AOF and no replicas (a deploy check).
NOTES_REDIS_URL = _read("NOTES_REDIS_URL", str, "redis://127.0.0.1:6379/2")
if not NOTES_REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"NOTES_REDIS_URL: must be a redis:// URL, got {NOTES_REDIS_URL!r}")
# The nightly compaction of the tables that held identifiers, in the program's off-hours.
COMPACTION_HOUR = 3
# Encrypts second-factor secrets at rest (accounts.encryption). Kept apart from the
# database and its backups, so that a stolen dump yields no second factor.
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="")
if not FIELD_ENCRYPTION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY: must be set when DEBUG is off (make run writes one)"
        )
    FIELD_ENCRYPTION_KEY = "insecure-development-only-field-key"
if len(FIELD_ENCRYPTION_KEY) < 32 and not DEBUG:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY: must be at least 32 characters long")
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
    "django_otp",
    "axes",
    # Bottom to top: an app imports only apps above it in this list (CONTRACT.md).
    "core",
    "notifications",
    "accounts",
    "programs",
    "surveys",
    "supporters",
    "intake",
    "matching",
    "reports",
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
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends sessions idle too long or too old, then lets a half signed-in session
    # reach nothing but the second-factor pages.
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
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
# Sessions live in Postgres: signing in must not depend on Redis. Each row names its user
# (accounts.Session), so that a password change or a deactivation can delete them all.
SESSION_ENGINE = "accounts.sessions"

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
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for an hour
INVITATION_TIMEOUT = 60 * 60 * 24 * 3  # a new supporter's first-password link, three days
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username + IP is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in throttling (django-axes): 5 failures per username + client IP lock that pair out
# for 30 minutes. Both are set here because axes' own defaults differ. The IP is the one
# core.http.client_ip trusts, so behind a proxy one person's failures never lock out
# everyone; IPs are identifiers, so no log of successful sign-ins is kept and failure
# records are deleted after AXES_FAILURE_RETENTION_DAYS (accounts.lockout).
AXES_ENABLED = True
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip_address"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.username_of"
AXES_CLIENT_STR_CALLABLE = "accounts.lockout.client_description"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_RESET_ON_SUCCESS = True
# Thirty minutes from the lockout: a try during it does not start the clock again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_ENABLE_ADMIN = False  # its pages show IP addresses; administrators unlock from Users
AXES_VERBOSE = False
# axes deletes a pair's records once its cool-off has passed, at that pair's next try;
# records of pairs never seen again go after this many days (accounts.lockout).
AXES_FAILURE_RETENTION_DAYS = 90
# Second factor (django-otp): TOTP secrets are encrypted with FIELD_ENCRYPTION_KEY.
OTP_TOTP_ISSUER = PROGRAM_NAME
SECOND_FACTOR_BACKUP_CODES = 10

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
# `__Host-` cookies are refused by browsers unless Secure, path=/ and without a domain,
# so no sibling subdomain can set or shadow them (production only: they need HTTPS).
if not DEBUG:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A session ends after 30 minutes without a request, and 12 hours after sign-in whatever
# happens (accounts.middleware.SessionTimeoutMiddleware); the cookie never outlives either.
SESSION_IDLE_TIMEOUT = 60 * 30
SESSION_ABSOLUTE_TIMEOUT = 60 * 60 * 12
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
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
# A worker's claim on a batch of emails lasts this long before another may take it over:
# a killed worker delays no email much longer than this.
OUTBOX_LEASE_SECONDS = _positive("OUTBOX_LEASE_SECONDS", 60)

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
    "withdraw-long-waiting": {
        "task": "matching.tasks.withdraw_long_waiting",
        "schedule": timedelta(hours=1),
    },
    "scrub-closed-requests": {
        "task": "intake.tasks.scrub_closed_requests",
        "schedule": timedelta(hours=1),
    },
    # Off-hours in the program's time zone (CELERY_TIMEZONE): VACUUM FULL locks briefly.
    "compact-touched-tables": {
        "task": "intake.tasks.compact_touched_tables",
        "schedule": crontab(hour=COMPACTION_HOUR, minute=17),
    },
    # The safety net for password resets whose wake-up never reached a worker.
    "send-password-resets": {
        "task": "accounts.tasks.send_password_resets",
        "schedule": timedelta(minutes=1),
    },
    # Every minute: a safety concern is re-escalated within a minute of its delay. The
    # query reads a partial index of open concerns, nearly always empty.
    "reescalate-safety-concerns": {
        "task": "matching.tasks.reescalate_safety_concerns",
        "schedule": timedelta(minutes=1),
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
        # django-axes tells of every sign-in at INFO; its warnings (lockouts) are enough.
        "axes": {"level": "WARNING"},
    },
}
