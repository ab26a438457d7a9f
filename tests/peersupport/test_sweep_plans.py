"""A periodic job with nothing to do returns on an index: at 100,000 requests and 100,000
outbox rows, no query of any sweep reads `intake_supportrequest` or the outbox from end to
end (`EXPLAIN` shows no sequential scan of either)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import send_password_resets
from intake.retention import run_retention
from intake.services import delete_unconfirmed_referrals
from matching.services import (
    escalate_overdue,
    purge_expired_notes,
    reescalate_safety_concerns,
    remind_unmatched,
    send_due_reminders,
    send_survey_invitations,
    withdraw_long_waiting,
)
from notifications.services import send_due_emails
from surveys.services import delete_expired_tokens

pytestmark = pytest.mark.django_db

ROWS = 100_000
WATCHED = ("intake_supportrequest", "notifications_outgoingemail")

SWEEPS: dict[str, Callable[[], Any]] = {
    "send_due_emails": send_due_emails,
    "send_due_reminders": send_due_reminders,
    "escalate_overdue": escalate_overdue,
    "remind_unmatched": remind_unmatched,
    "withdraw_long_waiting": withdraw_long_waiting,
    "reescalate_safety_concerns": reescalate_safety_concerns,
    "send_survey_invitations": send_survey_invitations,
    "purge_expired_notes": purge_expired_notes,
    "delete_unconfirmed_referrals": delete_unconfirmed_referrals,
    "run_retention": run_retention,
    "send_password_resets": send_password_resets,
    "delete_expired_tokens": delete_expired_tokens,
}


def seed_history() -> None:
    """Three years of requests, long closed and scrubbed, and a month of sent emails."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO intake_supportrequest (
                public_id, case_code, source, status, name, email, phone, best_times,
                preferred_contact, referrer_name, referrer_email, modality, language,
                interface_language, career_stage, specialty_group, reasons,
                confirmation_token_hash, outcome, referred_to, withdrawal_reason,
                submitted_at, confirmed_at, waiting_since, first_matched_at, first_contact_at,
                closed_at, scrubbed_at, no_survey, survey_invited_at
            )
            SELECT gen_random_uuid(), 'PS-' || upper(lpad(to_hex(g), 8, '0')), 'self',
                'closed', '', '', '', '', 'email', '', '', 'phone', 'en', 'en', 'mid', '',
                ARRAY['burnout'], '', 'completed', '', '',
                now() - interval '3 years' + g * interval '15 minutes',
                now() - interval '3 years' + g * interval '15 minutes',
                now() - interval '3 years' + g * interval '15 minutes',
                now() - interval '3 years' + g * interval '16 minutes',
                now() - interval '3 years' + g * interval '17 minutes',
                now() - interval '3 years' + g * interval '15 minutes' + interval '3 days',
                now() - interval '3 years' + g * interval '15 minutes' + interval '40 days',
                false, now() - interval '3 years' + g * interval '15 minutes' + interval '5 days'
            FROM generate_series(1, %s) AS g
            """,
            [ROWS],
        )
        cursor.execute(
            """
            INSERT INTO notifications_outgoingemail (
                kind, to_address, language, subject, body_text, body_html, status, attempts,
                priority, next_attempt_at, last_error, created_at, sent_at
            )
            SELECT 'new_request', '', 'en', '', '', '', 'sent', 1, 1,
                now() - g * interval '20 seconds', '', now() - g * interval '20 seconds',
                now() - g * interval '20 seconds'
            FROM generate_series(1, %s) AS g
            """,
            [ROWS],
        )
        cursor.execute("ANALYZE intake_supportrequest")
        cursor.execute("ANALYZE notifications_outgoingemail")


def plans_of(statements: list[str]) -> list[tuple[str, str]]:
    plans = []
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
                continue
            if not any(table in sql for table in WATCHED):
                continue
            cursor.execute(f"EXPLAIN {sql}")
            plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def test_every_sweep_with_nothing_due_reads_only_indexes_at_100k_rows() -> None:
    seed_history()
    seen = []
    for name, sweep in SWEEPS.items():
        with CaptureQueriesContext(connection) as captured:
            sweep()
        for sql, plan in plans_of([query["sql"] for query in captured.captured_queries]):
            seen.append(name)
            for table in WATCHED:
                assert f"Seq Scan on {table}" not in plan, f"{name}:\n{sql}\n{plan}"
    # The check saw the queries it is about.
    assert {"send_due_emails", "run_retention", "remind_unmatched"} <= set(seen)
