"""Queue, render and send email through the outbox.

`queue_email` writes a row inside the caller's transaction and wakes the sender when
that transaction commits; `send_due_emails` claims due rows so that two workers never
send one row twice, and retries failures with backoff up to a cap.
"""

import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.claims import claim_rows

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# Small batches, each row's lease renewed just before it is sent: a worker killed in the
# middle of a batch strands at most a few rows, for about one lease.
BATCH_SIZE = 10
URGENT, NORMAL = 0, 1


def render_email(
    *, template: str, context: Mapping[str, Any], language: str
) -> tuple[str, str, str]:
    """Render `emails/<template>_subject.txt`, `_body.txt` and `_body.html` in `language`.

    The outbox knows no program: the caller's `context` says what the email says of it
    (its name, its contact).
    """
    full_context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = str(render_to_string(f"emails/{template}_subject.txt", full_context))
        body_text = str(render_to_string(f"emails/{template}_body.txt", full_context))
        body_html = str(render_to_string(f"emails/{template}_body.html", full_context))
    # A subject is one line, whatever the template's whitespace.
    return " ".join(subject.split())[:255], body_text.strip() + "\n", body_html


@dataclass(frozen=True)
class Email:
    """One email to queue: what `queue_emails` renders and writes."""

    kind: str
    to: str
    template: str
    context: Mapping[str, Any]
    language: str
    request_public_id: uuid.UUID | None = None
    # Sent before the others (a safety concern must not wait behind a batch of reminders).
    urgent: bool = False


def queue_emails(emails: Sequence[Email], *, now: datetime | None = None) -> list[OutgoingEmail]:
    """Render each email in its language and write them all to the outbox with one INSERT,
    in the current transaction.

    Side effect: when the transaction commits, the sender is woken, once per transaction
    however many emails it queued (with the broker down, each wake costs a connect
    timeout, and a physician's request must not wait on them).
    """
    now = now or timezone.now()
    rows = []
    for email in emails:
        subject, body_text, body_html = render_email(
            template=email.template, context=email.context, language=email.language
        )
        rows.append(
            OutgoingEmail(
                kind=email.kind,
                to_address=email.to,
                language=email.language,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                request_public_id=email.request_public_id,
                priority=URGENT if email.urgent else NORMAL,
                next_attempt_at=now,
                created_at=now,
            )
        )
    created = OutgoingEmail.objects.bulk_create(rows)
    if created:
        _wake_sender_on_commit()
    return created


def queue_email(
    *,
    kind: str,
    to: str,
    template: str,
    context: Mapping[str, Any],
    language: str,
    request_public_id: uuid.UUID | None = None,
    urgent: bool = False,
    now: datetime | None = None,
) -> OutgoingEmail:
    """Render one email in `language` and write it to the outbox in the current transaction.

    Side effect: the sender is woken when the transaction commits (once per transaction).
    """
    email = Email(
        kind=kind,
        to=to,
        template=template,
        context=context,
        language=language,
        request_public_id=request_public_id,
        urgent=urgent,
    )
    return queue_emails([email], now=now)[0]


def _wake_sender_on_commit() -> None:
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback is wake_sender for _savepoints, callback, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(wake_sender)


def wake_sender() -> None:
    """Ask a worker to send now; if the broker is down, the minute sweep will do it."""
    from .tasks import send_pending_emails

    try:
        send_pending_emails.delay()
    except Exception:
        # Fail open: the row is safe in Postgres and the beat sweep sends it later.
        logger.warning("outbox: could not reach the broker; the periodic sweep will send")


def lease() -> timedelta:
    """How long a worker's claim on an email lasts before another worker may take it over."""
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def _lease_clock(now: datetime) -> datetime:
    """Leases run on the later of the sweep's `now` and the wall clock: a long batch must
    see time pass to renew its leases, and a test's `now` in the future must count."""
    return max(now, timezone.now())


def _claim_due(*, now: datetime, limit: int) -> tuple[list[OutgoingEmail], datetime]:
    """Claim up to `limit` due rows for this worker, urgent first; others skip them.

    A claim is a short lease: a worker killed mid-batch delays its rows by about a lease,
    since another worker may take over a row whose lease has run out. Return the rows and
    the lease's end, which stands for this claim (a fencing token).
    """
    due = OutgoingEmail.objects.filter(
        Q(status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=now)
        | Q(status=OutgoingEmail.Status.SENDING, claimed_until__lt=_lease_clock(now))
    )
    claimed_until = _lease_clock(now) + lease()
    with transaction.atomic():
        rows = claim_rows(
            due,
            order_by=("priority", "next_attempt_at", "pk"),
            limit=limit,
            values={"status": OutgoingEmail.Status.SENDING, "claimed_until": claimed_until},
        )
    return rows, claimed_until


def _backoff(attempts: int) -> timedelta:
    """Wait 1, 2, 4, 8... minutes between attempts, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def send_due_emails(*, now: datetime | None = None) -> int:
    """Send every due outbox row once; return how many were sent.

    Delivery is at least once: a worker killed after the mail server accepted a message
    and before the row is marked sent sends it again after the lease. Each row carries a
    stable Message-ID, so mail clients fold such a duplicate, and each row's lease is
    renewed just before its message goes, so the window is one message per worker.

    Side effects: sent rows are blanked to kind, times and status; failures are
    rescheduled with backoff, and marked failed after `OUTBOX_MAX_ATTEMPTS`.
    """
    now = now or timezone.now()
    sent = 0
    while True:
        rows, claimed_until = _claim_due(now=now, limit=BATCH_SIZE)
        if not rows:
            return sent
        mailer = mailers.default
        for row in rows:
            lease_end = _renew_lease(row, claimed_until, now=now)
            if lease_end is not None and _send_one(row, mailer=mailer, now=now, lease=lease_end):
                sent += 1
        if len(rows) < BATCH_SIZE:
            return sent


def _renew_lease(row: OutgoingEmail, claimed_until: datetime, *, now: datetime) -> datetime | None:
    """Extend this worker's lease on `row` before sending it; None when it was taken over."""
    renewed_until = _lease_clock(now) + lease()
    renewed = OutgoingEmail.objects.filter(
        pk=row.pk, status=OutgoingEmail.Status.SENDING, claimed_until=claimed_until
    ).update(claimed_until=renewed_until)
    return renewed_until if renewed else None


def message_id(row: OutgoingEmail) -> str:
    """Return the row's Message-ID: the same at every attempt, unique to the row."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"
    return f"<outbox.{row.pk}.{int(row.created_at.timestamp())}@{domain}>"


def _send_one(row: OutgoingEmail, *, mailer: Any, now: datetime, lease: datetime) -> bool:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_address],
        headers={"Message-ID": message_id(row)},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    ours = OutgoingEmail.objects.filter(
        pk=row.pk, status=OutgoingEmail.Status.SENDING, claimed_until=lease
    )
    try:
        mailer.send_messages([message])
    except Exception as error:
        attempts = row.attempts + 1
        gave_up = attempts >= settings.OUTBOX_MAX_ATTEMPTS
        ours.update(
            status=OutgoingEmail.Status.FAILED if gave_up else OutgoingEmail.Status.PENDING,
            attempts=attempts,
            next_attempt_at=now + _backoff(attempts),
            claimed_until=None,
            # The exception's class only: SMTP errors can echo the recipient's address.
            last_error=type(error).__name__[:255],
        )
        logger.warning(
            "outbox: sending email %s (%s) failed, attempt %s%s",
            row.pk,
            row.kind,
            attempts,
            ", giving up" if gave_up else "",
        )
        return False
    # Marked sent even if the lease ran out meanwhile: the message did go.
    OutgoingEmail.objects.filter(pk=row.pk).exclude(status=OutgoingEmail.Status.SENT).update(
        status=OutgoingEmail.Status.SENT,
        attempts=row.attempts + 1,
        sent_at=now,
        claimed_until=None,
        to_address="",
        subject="",
        body_text="",
        body_html="",
        last_error="",
    )
    logger.info("outbox: sent email %s (%s)", row.pk, row.kind)
    return True


def retry_failed_emails(*, ids: list[int], now: datetime | None = None) -> int:
    """Put failed rows back in the queue for another round of attempts."""
    now = now or timezone.now()
    count = OutgoingEmail.objects.filter(pk__in=ids, status=OutgoingEmail.Status.FAILED).update(
        status=OutgoingEmail.Status.PENDING, attempts=0, next_attempt_at=now
    )
    if count:
        transaction.on_commit(wake_sender)
    return count


def discard_pending_emails(*, request_public_ids: Iterable[uuid.UUID] | QuerySet[Any]) -> int:
    """Delete the unsent emails about these requests, in one statement; return how many.

    `request_public_ids` may be a queryset of public ids, which runs as a subquery, so a
    caller deleting many requests never loads them.
    """
    deleted, _ = (
        OutgoingEmail.objects.filter(request_public_id__in=request_public_ids)
        .exclude(status=OutgoingEmail.Status.SENT)
        .delete()
    )
    return deleted


@dataclass(frozen=True)
class OutboxCleanUp:
    blanked: int
    deleted: int
    table: str = OutgoingEmail._meta.db_table


def clean_up_outbox(*, now: datetime | None = None) -> OutboxCleanUp:
    """Blank failed emails kept `OUTBOX_FAILED_KEEP_DAYS`, delete sent rows kept 30 days.

    A failed email keeps its address and body only as long as an administrator may
    retry it; a sent row holds no content, and after a month not even its kind and times.
    """
    now = now or timezone.now()
    blanked = (
        OutgoingEmail.objects.filter(
            status=OutgoingEmail.Status.FAILED,
            created_at__lt=now - timedelta(days=settings.OUTBOX_FAILED_KEEP_DAYS),
        )
        .exclude(to_address="", body_text="", body_html="", subject="")
        .update(to_address="", subject="", body_text="", body_html="")
    )
    deleted, _rows = OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.SENT,
        sent_at__lt=now - timedelta(days=settings.OUTBOX_SENT_KEEP_DAYS),
    ).delete()
    return OutboxCleanUp(blanked=blanked, deleted=deleted)
