"""Settings come from the environment; defaults are CONTRACT.md's; bad values stop start-up."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRINT = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({name: str(getattr(settings, name)) for name in %r}))"
)


def load(names: list[str], **environment: str) -> subprocess.CompletedProcess[str]:
    """Start Django in a fresh process with only `environment` set, and read settings."""
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "peersupport.settings",
        "SECRET_KEY": "test-secret",
        "FIELD_ENCRYPTION_KEY": "test-field-encryption-key-of-32-characters",
        "ENV_FILE": "/dev/null",  # a developer's .env must not leak into these checks
        **environment,
    }
    return subprocess.run(  # noqa: S603  (our own interpreter, fixed arguments)
        [sys.executable, "-c", PRINT % (names,)],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def read(names: list[str], **environment: str) -> dict[str, str]:
    result = load(names, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_are_the_contracts() -> None:
    values = read(
        [
            "DEBUG",
            "PROGRAM_NAME",
            "PROGRAM_TIME_ZONE",
            "TIME_ZONE",
            "HOLIDAYS_COUNTRY",
            "HOLIDAYS_SUBDIV",
            "CONTACT_DEADLINE_BUSINESS_DAYS",
            "NOTE_TTL_HOURS",
            "IDENTIFIER_RETENTION_DAYS",
            "REFERRAL_CONFIRMATION_REQUIRED",
            "REFERRAL_CONFIRM_DAYS",
            "NOTIFY_REQUESTER_ON_MATCH",
            "INTAKE_LIMIT_PER_IP_PER_HOUR",
            "INTAKE_LIMIT_PER_HOUR",
            "TRUSTED_PROXY_COUNT",
            "DEFAULT_FROM_EMAIL",
            "SITE_URL",
            "PROGRAM_CONTACT_EMAIL",
            "PROGRAM_CONTACT_PHONE",
            "PROGRAM_URGENT_PHONE",
            "DISCREET_SUBJECT",
            "SAFETY_REESCALATE_MINUTES",
            "REDIS_URL",
            "ALLOWED_HOSTS",
            "SESSION_COOKIE_SECURE",
            "MAILERS",
            "CRISIS_RESOURCES",
        ]
    )
    assert values == {
        "DEBUG": "False",
        "PROGRAM_NAME": "Physician Peer Support Program",
        "PROGRAM_TIME_ZONE": "America/Vancouver",
        "TIME_ZONE": "America/Vancouver",
        "HOLIDAYS_COUNTRY": "CA",
        "HOLIDAYS_SUBDIV": "BC",
        "CONTACT_DEADLINE_BUSINESS_DAYS": "3",
        "NOTE_TTL_HOURS": "12",
        "IDENTIFIER_RETENTION_DAYS": "30",
        "REFERRAL_CONFIRMATION_REQUIRED": "True",
        "REFERRAL_CONFIRM_DAYS": "7",
        "NOTIFY_REQUESTER_ON_MATCH": "True",
        "INTAKE_LIMIT_PER_IP_PER_HOUR": "10",
        "INTAKE_LIMIT_PER_HOUR": "200",
        "TRUSTED_PROXY_COUNT": "0",
        "DEFAULT_FROM_EMAIL": "peer-support@localhost",
        "SITE_URL": "http://127.0.0.1:8000",
        "PROGRAM_CONTACT_EMAIL": "",
        "PROGRAM_CONTACT_PHONE": "",
        "PROGRAM_URGENT_PHONE": "",
        "DISCREET_SUBJECT": "True",
        "SAFETY_REESCALATE_MINUTES": "60",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "ALLOWED_HOSTS": "['127.0.0.1', 'localhost']",
        "SESSION_COOKIE_SECURE": "True",
        "MAILERS": str(
            {
                "default": {
                    "BACKEND": "django.core.mail.backends.console.EmailBackend",
                    "OPTIONS": {},
                }
            }
        ),
        "CRISIS_RESOURCES": "None",
    }


def test_database_url_default_is_the_local_peersupport_database() -> None:
    values = read(["DATABASES"])
    database = values["DATABASES"]
    assert "'NAME': 'peersupport'" in database
    assert "'HOST': '127.0.0.1'" in database
    assert "'PORT': 5432" in database


def test_environment_overrides_the_defaults() -> None:
    resources = [{"label": "Local line", "contact": "1-800-555-0100"}]
    values = read(
        ["PROGRAM_TIME_ZONE", "TIME_ZONE", "HOLIDAYS_SUBDIV", "NOTE_TTL_HOURS", "CRISIS_RESOURCES"],
        PROGRAM_TIME_ZONE="America/Toronto",
        HOLIDAYS_SUBDIV="ON",
        NOTE_TTL_HOURS="6",
        CRISIS_RESOURCES=json.dumps(resources),
    )
    assert values["TIME_ZONE"] == "America/Toronto"
    assert values["HOLIDAYS_SUBDIV"] == "ON"
    assert values["NOTE_TTL_HOURS"] == "6"
    assert "Local line" in values["CRISIS_RESOURCES"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NOTE_TTL_HOURS", "twelve"),
        ("NOTE_TTL_HOURS", "0"),
        ("CONTACT_DEADLINE_BUSINESS_DAYS", "-1"),
        ("PROGRAM_TIME_ZONE", "Mars/Olympus"),
        ("HOLIDAYS_COUNTRY", "XX"),
        ("HOLIDAYS_SUBDIV", "ZZ"),
        ("CRISIS_RESOURCES", "not json"),
        ("CRISIS_RESOURCES", '[{"label": "no contact"}]'),
        ("DATABASE_URL", "mysql://u:p@localhost/db"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("DEBUG", "perhaps"),
        ("PROGRAM_CONTACT_EMAIL", "write to us"),
        ("PROGRAM_CONTACT_PHONE", "ask Sam at the front desk"),
        ("PROGRAM_URGENT_PHONE", "12"),
        ("PROGRAM_URGENT_PHONE", "1" * 16),
        ("DISCREET_SUBJECT", "sometimes"),
        ("SAFETY_REESCALATE_MINUTES", "0"),
        ("SAFETY_REESCALATE_MINUTES", "an hour"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(name: str, value: str) -> None:
    result = load(["DEBUG"], **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_the_program_contact_and_safety_settings_are_read() -> None:
    values = read(
        [
            "PROGRAM_CONTACT_EMAIL",
            "PROGRAM_CONTACT_PHONE",
            "PROGRAM_URGENT_PHONE",
            "DISCREET_SUBJECT",
            "SAFETY_REESCALATE_MINUTES",
        ],
        PROGRAM_CONTACT_EMAIL=" help@example.org ",
        PROGRAM_CONTACT_PHONE="+1 (604) 555-0100",
        PROGRAM_URGENT_PHONE="604.555.0199",
        DISCREET_SUBJECT="off",
        SAFETY_REESCALATE_MINUTES="30",
    )
    assert values == {
        "PROGRAM_CONTACT_EMAIL": "help@example.org",
        "PROGRAM_CONTACT_PHONE": "+1 (604) 555-0100",
        "PROGRAM_URGENT_PHONE": "604.555.0199",
        "DISCREET_SUBJECT": "False",
        "SAFETY_REESCALATE_MINUTES": "30",
    }


def test_secret_key_is_required_when_debug_is_off() -> None:
    result = load(["DEBUG"], SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_retention_settings_have_the_contracts_defaults() -> None:
    values = read(
        [
            "UNMATCHED_WITHDRAW_DAYS",
            "ACCESS_LOG_RETENTION_DAYS",
            "OUTBOX_FAILED_KEEP_DAYS",
            "NOTES_REDIS_URL",
        ]
    )
    assert values == {
        "UNMATCHED_WITHDRAW_DAYS": "30",
        "ACCESS_LOG_RETENTION_DAYS": "365",
        "OUTBOX_FAILED_KEEP_DAYS": "7",
        "NOTES_REDIS_URL": "redis://127.0.0.1:6379/2",
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("UNMATCHED_WITHDRAW_DAYS", "0"),
        ("ACCESS_LOG_RETENTION_DAYS", "a year"),
        ("OUTBOX_FAILED_KEEP_DAYS", "-7"),
        ("NOTES_REDIS_URL", "http://127.0.0.1:6379/2"),
    ],
)
def test_a_bad_retention_value_stops_start_up_naming_it(name: str, value: str) -> None:
    result = load(["DEBUG"], **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_field_encryption_key_is_required_when_debug_is_off() -> None:
    result = load(["DEBUG"], FIELD_ENCRYPTION_KEY="")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY" in result.stderr
    too_short = load(["DEBUG"], FIELD_ENCRYPTION_KEY="short")
    assert too_short.returncode != 0
    assert "FIELD_ENCRYPTION_KEY" in too_short.stderr
    assert read(["DEBUG"], FIELD_ENCRYPTION_KEY="", DEBUG="True")["DEBUG"] == "True"


def test_passwords_keep_argon2_and_every_validator() -> None:
    values = read(["PASSWORD_HASHERS", "AUTH_PASSWORD_VALIDATORS", "PASSWORD_RESET_TIMEOUT"])
    assert values["PASSWORD_HASHERS"].startswith(
        "['django.contrib.auth.hashers.Argon2PasswordHasher'"
    )
    for validator in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator', 'OPTIONS': {'min_length': 12}",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ):
        assert validator in values["AUTH_PASSWORD_VALIDATORS"]
    assert values["PASSWORD_RESET_TIMEOUT"] == "3600"


def test_production_cookies_carry_the_host_prefix_and_development_ones_do_not() -> None:
    production = read(["SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE"])
    assert production == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SESSION_COOKIE_SECURE": "True",
    }
    development = read(["SESSION_COOKIE_NAME"], DEBUG="True")
    assert development["SESSION_COOKIE_NAME"] == "sessionid"


def test_survey_settings_default_to_the_contracts_and_reach_the_program() -> None:
    assert read(["SURVEY_DELAY_DAYS", "SURVEY_TOKEN_DAYS", "REPORT_MIN_CELL"]) == {
        "SURVEY_DELAY_DAYS": "2",
        "SURVEY_TOKEN_DAYS": "30",
        "REPORT_MIN_CELL": "5",
    }
    values = read(
        ["SURVEY_DELAY_DAYS", "SURVEY_TOKEN_DAYS", "REPORT_MIN_CELL"],
        SURVEY_DELAY_DAYS="0",
        SURVEY_TOKEN_DAYS="14",
        REPORT_MIN_CELL="10",
    )
    assert values == {"SURVEY_DELAY_DAYS": "0", "SURVEY_TOKEN_DAYS": "14", "REPORT_MIN_CELL": "10"}


def test_the_program_reads_the_survey_settings(settings: Any) -> None:
    from programs.program import current

    settings.SURVEY_DELAY_DAYS = 5
    settings.SURVEY_TOKEN_DAYS = 9
    settings.REPORT_MIN_CELL = 3
    program = current()
    assert (program.survey_delay_days, program.survey_token_days, program.report_min_cell) == (
        5,
        9,
        3,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SURVEY_DELAY_DAYS", "-1"),
        ("SURVEY_DELAY_DAYS", "two"),
        ("SURVEY_TOKEN_DAYS", "0"),
        ("REPORT_MIN_CELL", "0"),
        ("REPORT_MIN_CELL", "5.5"),
    ],
)
def test_a_bad_survey_setting_stops_start_up_naming_it(name: str, value: str) -> None:
    result = load(["DEBUG"], **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_the_survey_jobs_are_on_the_beat() -> None:
    from datetime import timedelta

    from django.conf import settings

    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks["matching.tasks.send_survey_invitations"] == timedelta(hours=1)
    assert "surveys.tasks.delete_expired_tokens" in tasks
