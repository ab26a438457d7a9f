"""The canary: a request with unique identifiers lives its whole life; then the scrub and
the nightly rewrite leave it nowhere — not in a dump, not in any page of any table, not in
the planner's statistics. A positive control finds it first, so the search is proven to see.

These tests talk to Postgres as its superuser (`postgres`, trust auth on these machines'
local Postgres) for `pg_dump` and `pageinspect`, and use committed data
(`transactional_db`), since another process and `VACUUM` only see what is committed.
"""

import re
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import psycopg
import pytest
from django.db import connection

from accounts.models import User
from intake.models import PendingCompaction
from intake.retention import compact_touched_tables, run_retention
from intake.services import Preferences, confirm_referral, submit_colleague_referral
from matching.services import (
    assign_supporter,
    close_request,
    flag_safety_concern,
    log_conversation,
    record_first_contact,
    save_note,
)
from notifications.services import send_due_emails
from supporters.models import Supporter
from tests.factories import SupporterFactory, UserFactory
from tests.matching.conftest import TUESDAY

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "Quillonbury Zephyrine"
EMAIL = "zephyrine.quillonbury.7731@example.org"
PHONE = "250 555 7319"
REFERRER = "Marchetold Ovidance"
REFERRER_EMAIL = "ovidance.marchetold.4417@example.org"
NOTE = "Vellichor-canary-note: talk about the night shift"
CANARIES = [NAME, EMAIL, PHONE, REFERRER, REFERRER_EMAIL]


def superuser_dsn() -> str:
    settings = connection.settings_dict
    return (
        f"host={settings['HOST'] or '127.0.0.1'} port={settings['PORT'] or 5432} "
        f"dbname={settings['NAME']} user=postgres"
    )


@pytest.fixture
def superuser(transactional_db: None) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(superuser_dsn(), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        yield conn


def dump() -> str:
    settings = connection.settings_dict
    result = subprocess.run(  # noqa: S603  (fixed arguments)
        [  # noqa: S607  (pg_dump from PATH, as the machine provides it)
            "pg_dump",
            "--data-only",
            "--host",
            settings["HOST"] or "127.0.0.1",
            "--port",
            str(settings["PORT"] or 5432),
            "--username",
            "postgres",
            settings["NAME"],
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def raw_page_hits(conn: psycopg.Connection[Any], needles: list[str]) -> set[tuple[str, str]]:
    """Return (relation, needle) for each needle found in the raw bytes of any page of any
    table, TOAST table or index of the public schema."""
    relations = conn.execute(
        """
        SELECT c.oid::regclass::text, pg_relation_size(c.oid) / 8192
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 't', 'i') AND c.relpersistence = 'p'
          AND (n.nspname = 'public' OR c.oid IN (
              SELECT reltoastrelid FROM pg_class JOIN pg_namespace ns ON ns.oid = relnamespace
              WHERE ns.nspname = 'public'))
        """
    ).fetchall()
    hits = set()
    for relation, blocks in relations:
        for block in range(blocks):
            page = conn.execute("SELECT get_raw_page(%s, %s)", [relation, block]).fetchone()
            assert page is not None
            raw = bytes(page[0])
            for needle in needles:
                if needle.encode() in raw:
                    hits.add((relation, needle))
    return hits


def live_a_whole_life(administrator: User, supporter: User) -> None:
    """Referral, confirmation, assignment, first contact, conversation, note, safety flag,
    closure, and every email sent."""
    referral = submit_colleague_referral(
        colleague_name=NAME,
        colleague_email=EMAIL,
        colleague_phone=PHONE,
        referrer_name=REFERRER,
        referrer_email=REFERRER_EMAIL,
        preferences=Preferences(preferred_contact="phone", modality="phone", language="en"),
        interface_language="en",
        now=TUESDAY - timedelta(hours=5),
    )
    request = confirm_referral(
        token=referral.token,
        preferences=Preferences(
            preferred_contact="phone",
            modality="phone",
            language="en",
            best_times="Evenings after the Quillonbury clinic",
        ),
        now=TUESDAY - timedelta(hours=4),
    )
    assignment = assign_supporter(
        request=request,
        supporter=Supporter.objects.get(user=supporter),
        assigned_by=administrator,
        now=TUESDAY,
    )
    record_first_contact(
        assignment=assignment,
        contacted_at=TUESDAY + timedelta(hours=2),
        means="phone",
        now=TUESDAY + timedelta(hours=2),
    )
    log_conversation(
        assignment=assignment,
        held_on=date(2026, 3, 10),
        minutes=30,
        modality="phone",
        is_follow_up_planned=True,
        now=TUESDAY + timedelta(hours=3),
    )
    save_note(assignment=assignment, text=NOTE, now=TUESDAY + timedelta(hours=3))
    flag_safety_concern(
        assignment=assignment, raised_by=supporter, now=TUESDAY + timedelta(hours=4)
    )
    close_request(
        assignment=assignment,
        outcome="completed",
        closed_by=supporter,
        open_concern_confirmed=True,
        now=TUESDAY + timedelta(days=2),
    )
    assert send_due_emails() > 0


def test_the_canary_is_found_before_the_scrub_and_nowhere_after_it(
    superuser: psycopg.Connection[Any],
) -> None:
    administrator = UserFactory.create(
        email="admin.canary@example.org", role="Program administrators"
    )
    supporter = SupporterFactory.create().user
    live_a_whole_life(administrator, supporter)

    # The positive control: the search sees the canary where it is.
    before = dump()
    assert all(canary in before for canary in CANARIES)
    assert {needle for _relation, needle in raw_page_hits(superuser, CANARIES)} == set(CANARIES)
    # A scratch note is never stored readable, even while it lives.
    assert NOTE not in before
    assert not raw_page_hits(superuser, [NOTE])

    run_retention(now=TUESDAY + timedelta(days=2 + 31))
    compacted = compact_touched_tables()
    assert "intake_supportrequest" in compacted
    assert "notifications_outgoingemail" in compacted

    after = dump()
    assert [canary for canary in CANARIES if canary in after] == []
    assert raw_page_hits(superuser, CANARIES) == set()

    superuser.execute("ANALYZE")
    stats = superuser.execute(
        "SELECT tablename, attname, most_common_vals::text, histogram_bounds::text "
        "FROM pg_stats WHERE schemaname = 'public'"
    ).fetchall()
    text = " ".join(str(row) for row in stats)
    assert [canary for canary in CANARIES if canary in text] == []


# Column names that end in a word naming an identifier (`referrer_email`, `bio`,
# `published_contact`, `ip_address`), whichever app adds them.
IDENTIFIER_NAMES = re.compile(
    r"(^|_)(name|email|phone|address|times|bio|contact|subject|body|body_text|body_html|"
    r"repr|message|data|ip|username|pronouns|slug|hash|text|text_en|text_fr)$"
)
# Columns that match the pattern but hold no identifier of a person, and why.
NOT_IDENTIFIERS = {
    "auth_group.name": "a role's name",
    "django_migrations.name": "a migration's name",
    "intake_supportrequest.preferred_contact": "a way of contact (email, phone, text), not one",
    "intake_supportrequest.business_days_to_first_contact": "a number of business days",
    "auth_permission.name": "a permission's name",
    "programs_region.name": "a region of the program",
    "accounts_user.password": "a hash, not an identifier",
    "accounts_totpdevice.name": "the device's label, such as 'Authenticator app'",
    "accounts_backupcodedevice.name": "the device's label",
    "notifications_outgoingemail.last_error": "an exception's class name only",
    "surveys_question.text_en": "survey wording written by the program",
    "surveys_question.text_fr": "survey wording written by the program",
    "surveys_choice.text_en": "survey wording written by the program",
    "surveys_choice.text_fr": "survey wording written by the program",
    "surveys_survey.name": "a survey's name",
}


def test_every_identifier_column_is_kept_out_of_the_planners_statistics(
    transactional_db: None,
) -> None:
    """A new column that looks like an identifier must be given statistics 0 (a migration
    with `ALTER COLUMN … SET STATISTICS 0`) or be listed above with the reason it is not."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, a.attname, a.attstattarget
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'r'
              AND a.attnum > 0 AND NOT a.attisdropped
            """
        )
        columns = cursor.fetchall()
    looks_identifying = [
        (f"{table}.{column}", target)
        for table, column, target in columns
        if IDENTIFIER_NAMES.search(column) and f"{table}.{column}" not in NOT_IDENTIFIERS
    ]
    assert looks_identifying, "the pattern finds nothing: the test would prove nothing"
    collected = [column for column, target in looks_identifying if target != 0]
    assert collected == [], "\n".join(collected)


def test_a_table_a_transaction_still_reads_is_compacted_the_next_night_instead(
    superuser: psycopg.Connection[Any],
) -> None:
    administrator = UserFactory.create(
        email="admin.canary@example.org", role="Program administrators"
    )
    supporter = SupporterFactory.create().user
    live_a_whole_life(administrator, supporter)
    with psycopg.connect(superuser_dsn()) as reader:
        # A long transaction (a backup, say) that took its snapshot before the scrub.
        reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        reader.execute("SELECT count(*) FROM intake_supportrequest")
        run_retention(now=TUESDAY + timedelta(days=2 + 31))

        assert "intake_supportrequest" not in compact_touched_tables()
        assert PendingCompaction.objects.filter(table="intake_supportrequest").exists()
        reader.rollback()

    assert "intake_supportrequest" in compact_touched_tables()
    assert not PendingCompaction.objects.exists()
    assert raw_page_hits(superuser, CANARIES) == set()
