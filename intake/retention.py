"""Identifiers disappear on schedule (DESIGN.md "Keep it shorter").

- `scrub_closed_requests`: a request closed or withdrawn more than
  `IDENTIFIER_RETENTION_DAYS` ago loses every identifier and every hint that could single
  someone out, in set-based batches; what evaluation needs stays.
- `clean_up`: the same pass removes what would keep identifiers alive elsewhere (old
  access-log rows, the outbox's old rows, expired sessions).
- `compact_touched_tables`: each night, the tables the day's passes touched are rewritten
  (`VACUUM FULL`), because a deleted or blanked value stays in a table's pages until then.
- Legal holds keep one request past the schedule, until their end date.
"""

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.lockout import delete_expired_sign_in_failures
from accounts.models import User
from accounts.services import clear_expired_sessions
from notifications.models import OutgoingEmail
from notifications.services import clean_up_outbox, discard_pending_emails
from programs.program import current

from .lifecycle import Status
from .models import AccessLog, LegalHold, PendingCompaction, SupportRequest
from .selectors import requests
from .services import record_access

logger = logging.getLogger(__name__)

SCRUB_BATCH_SIZE = 500

# Every identifier of a request, and the hints that could single someone out, with the
# value a scrubbed row holds. What evaluation needs (source, reasons, language, modality,
# career stage, region, the step dates, outcome, kind of referral) is not here.
SCRUBBED_VALUES = {
    "name": "",
    "email": "",
    "phone": "",
    "best_times": "",
    "referrer_name": "",
    "referrer_email": "",
    "confirmation_token_hash": "",
    "specialty_group": "",
    "preferred_supporter": None,
}
# The tables a scrub leaves old values in, until the nightly rewrite. The outbox is one:
# a sent email is blanked at once, but its old row version stays in the table's pages.
SCRUBBED_TABLES = (
    SupportRequest._meta.db_table,
    SupportRequest.avoid_supporters.through._meta.db_table,
    LogEntry._meta.db_table,
    OutgoingEmail._meta.db_table,
)


def _held(today: date) -> Exists:
    return Exists(
        LegalHold.objects.filter(
            request=OuterRef("pk"), lifted_at__isnull=True, held_until__gte=today
        )
    )


def scrub_due(*, now: datetime) -> QuerySet[SupportRequest]:
    """Return the ended requests whose identifiers are past their time and not held."""
    cutoff = now - timedelta(days=current().identifier_retention_days)
    return (
        requests()
        .filter(
            Q(status=Status.CLOSED, closed_at__lte=cutoff)
            | Q(status=Status.WITHDRAWN, withdrawn_at__lte=cutoff),
            scrubbed_at__isnull=True,
        )
        .exclude(_held(current().today(now)))
    )


def _scrub_batch(*, now: datetime) -> int:
    """Scrub one batch of due requests in one transaction; return how many."""
    with transaction.atomic():
        batch = list(
            scrub_due(now=now)
            .order_by("pk")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", "public_id")[:SCRUB_BATCH_SIZE]
        )
        if not batch:
            return 0
        ids = [pk for pk, _public_id in batch]
        requests().filter(pk__in=ids).update(**SCRUBBED_VALUES, scrubbed_at=now)
        SupportRequest.avoid_supporters.through.objects.filter(supportrequest_id__in=ids).delete()
        discard_pending_emails(request_public_ids=[public_id for _pk, public_id in batch])
        # The admin's own log names the request it touched: it goes with the identifiers.
        LogEntry.objects.filter(
            content_type__in=ContentType.objects.filter(
                Q(app_label="intake", model="supportrequest")
                # The matching queue's proxy of a request, named (matching sits above).
                | Q(app_label="matching", model="queuedrequest")
            ),
            object_id__in=[str(pk) for pk in ids],
        ).delete()
        record_compaction_due(tables=SCRUBBED_TABLES, now=now)
    return len(batch)


def scrub_closed_requests(*, now: datetime | None = None) -> int:
    """Scrub every request ended more than `IDENTIFIER_RETENTION_DAYS` ago; return how many.

    Batches of `SCRUB_BATCH_SIZE`, each its own transaction that locks its rows with SKIP
    LOCKED, so two runs at once share the work and a long backlog holds no long lock.
    Side effects: the requests' pending emails are discarded, their avoid lists and the
    admin log's entries about them deleted, and the tables marked for the nightly rewrite.
    """
    now = now or timezone.now()
    total = 0
    while done := _scrub_batch(now=now):
        total += done
    if total:
        logger.info("retention: scrubbed %d requests", total)
    return total


def lift_ended_holds(*, now: datetime | None = None) -> int:
    """Mark the holds whose end date has passed as lifted (they no longer hold anyway)."""
    now = now or timezone.now()
    return LegalHold.objects.filter(
        lifted_at__isnull=True, held_until__lt=current().today(now)
    ).update(lifted_at=now)


def delete_old_access_logs(*, now: datetime | None = None) -> int:
    """Delete access-log rows older than `ACCESS_LOG_RETENTION_DAYS`."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    deleted, _rows = AccessLog.objects.filter(accessed_at__lt=cutoff).delete()
    if deleted:
        record_compaction_due(tables=[AccessLog._meta.db_table], now=now)
    return deleted


def clean_up(*, now: datetime | None = None) -> dict[str, int]:
    """Remove what would keep identifiers alive past their time; return the counts by kind."""
    now = now or timezone.now()
    outbox = clean_up_outbox(now=now)
    if outbox.blanked or outbox.deleted:
        record_compaction_due(tables=[outbox.table], now=now)
    return {
        "legal holds ended": lift_ended_holds(now=now),
        "access-log rows deleted": delete_old_access_logs(now=now),
        "failed emails blanked": outbox.blanked,
        "sent emails deleted": outbox.deleted,
        "expired sessions deleted": clear_expired_sessions(now=now),
        "sign-in failure records deleted": delete_expired_sign_in_failures(now=now),
    }


def run_retention(*, now: datetime | None = None) -> dict[str, int]:
    """The hourly pass: the scrub, then the clean-ups. Return what each touched."""
    now = now or timezone.now()
    return {"requests scrubbed": scrub_closed_requests(now=now), **clean_up(now=now)}


# --- The nightly rewrite ------------------------------------------------------------------


def record_compaction_due(*, tables: Iterable[str], now: datetime) -> None:
    """Mark `tables` for tonight's rewrite (idempotent; keeps the earliest time)."""
    PendingCompaction.objects.bulk_create(
        [PendingCompaction(table=table, since=now) for table in tables],
        ignore_conflicts=True,
    )


def compact_touched_tables() -> list[str]:
    """Rewrite each table the passes touched since the last night; return their names.

    First a plain `VACUUM`, which removes the dead row versions no transaction of this
    database can still see (a `VACUUM FULL` alone counts its own snapshot, which any long
    transaction anywhere on the server holds back). When some remain (a transaction still
    sees them), the table stays on the list for the next night. Then `VACUUM FULL`, which
    writes a new file without the free space where removed values lingered and deletes the
    old file. It takes a brief exclusive lock (small tables: milliseconds to a second),
    hence the off-hours; it cannot run inside a transaction.
    """
    if connection.in_atomic_block:
        raise RuntimeError("VACUUM cannot run inside a transaction")
    known = set(connection.introspection.table_names())
    compacted = []
    for pending in PendingCompaction.objects.order_by("table"):
        if pending.table in known:
            if not _compact(pending.table):
                logger.warning(
                    "retention: %s still has rows in use; retried tomorrow", pending.table
                )
                continue
            compacted.append(pending.table)
        # Delete only the row read: a pass that marks the table again meanwhile keeps it.
        PendingCompaction.objects.filter(pk=pending.pk, since=pending.since).delete()
    if compacted:
        logger.info("retention: compacted %s", ", ".join(compacted))
    return compacted


def _compact(table: str) -> bool:
    """VACUUM, then VACUUM FULL `table` when no dead row version is left; return whether."""
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {quoted}")
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT coalesce(n_dead_tup, 0) FROM pg_stat_user_tables WHERE relid = %s::regclass",
            [quoted],
        )
        row = cursor.fetchone()
        if row is not None and row[0] > 0:
            return False
        cursor.execute(f"VACUUM FULL {quoted}")
    return True


# --- Legal holds --------------------------------------------------------------------------


@transaction.atomic
def place_legal_hold(
    *,
    request: SupportRequest,
    reason: str,
    held_until: date,
    placed_by: User,
    now: datetime | None = None,
) -> LegalHold:
    """Hold a request's identifiers past the schedule until `held_until` (inclusive).

    Side effect: an access-log row names who placed it, as for any access to identifiers.
    """
    now = now or timezone.now()
    if reason not in LegalHold.Reason.values:
        raise ValueError(f"unknown legal hold reason {reason!r}")
    hold = LegalHold.objects.create(
        request=request, reason=reason, held_until=held_until, placed_by=placed_by, placed_at=now
    )
    record_access(user=placed_by, requests=[request], view="legal hold placed", now=now)
    return hold


@transaction.atomic
def lift_legal_hold(*, hold: LegalHold, lifted_by: User, now: datetime | None = None) -> bool:
    """Lift a hold before its end date; return False when it was lifted already."""
    now = now or timezone.now()
    lifted = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(lifted_at=now)
    if lifted:
        record_access(user=lifted_by, requests=[hold.request], view="legal hold lifted", now=now)
    return lifted > 0
