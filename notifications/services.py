"""Queue, render and send email through the outbox.

`queue_email` writes a row inside the caller's transaction and wakes the sender when
that transaction commits; `send_due_emails` claims due rows so that two workers never
send one row twice, and retries failures with backoff up to a cap.
"""

import logging
import uuid
from collections.abc import Iterable, Mapping
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

CLAIM_DURATION = timedelta(minutes=10)
BATCH_SIZE = 50


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


def queue_email(
    *,
    kind: str,
    to: str,
    template: str,
    context: Mapping[str, Any],
    language: str,
    request_public_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> OutgoingEmail:
    """Render an email in `language` and write it to the outbox in the current transaction.

    Side effect: when the transaction commits, the sender task is woken.
    """
    now = now or timezone.now()
    subject, body_text, body_html = render_email(
        template=template, context=context, language=language
    )
    email = OutgoingEmail.objects.create(
        kind=kind,
        to_address=to,
        language=language,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        request_public_id=request_public_id,
        next_attempt_at=now,
        created_at=now,
    )
    transaction.on_commit(wake_sender)
    return email


def wake_sender() -> None:
    """Ask a worker to send now; if the broker is down, the minute sweep will do it."""
    from .tasks import send_pending_emails

    try:
        send_pending_emails.delay()
    except Exception:
        # Fail open: the row is safe in Postgres and the beat sweep sends it later.
        logger.warning("outbox: could not reach the broker; the periodic sweep will send")


def _claim_due(*, now: datetime, limit: int) -> list[OutgoingEmail]:
    """Claim up to `limit` due rows for this worker; concurrent workers skip them."""
    due = OutgoingEmail.objects.filter(
        Q(status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=now)
        | Q(status=OutgoingEmail.Status.SENDING, claimed_until__lt=now)
    )
    with transaction.atomic():
        return claim_rows(
            due,
            order_by=("next_attempt_at", "pk"),
            limit=limit,
            values={"status": OutgoingEmail.Status.SENDING, "claimed_until": now + CLAIM_DURATION},
        )


def _backoff(attempts: int) -> timedelta:
    """Wait 1, 2, 4, 8... minutes between attempts, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def send_due_emails(*, now: datetime | None = None) -> int:
    """Send every due outbox row once; return how many were sent.

    Side effects: sent rows are blanked to kind, times and status; failures are
    rescheduled with backoff, and marked failed after `OUTBOX_MAX_ATTEMPTS`.
    """
    now = now or timezone.now()
    sent = 0
    while True:
        rows = _claim_due(now=now, limit=BATCH_SIZE)
        if not rows:
            return sent
        mailer = mailers.default
        for row in rows:
            if _send_one(row, mailer=mailer, now=now):
                sent += 1
        if len(rows) < BATCH_SIZE:
            return sent


def _send_one(row: OutgoingEmail, *, mailer: Any, now: datetime) -> bool:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to_address],
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    try:
        mailer.send_messages([message])
    except Exception as error:
        attempts = row.attempts + 1
        gave_up = attempts >= settings.OUTBOX_MAX_ATTEMPTS
        OutgoingEmail.objects.filter(pk=row.pk, status=OutgoingEmail.Status.SENDING).update(
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
    OutgoingEmail.objects.filter(pk=row.pk).update(
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
