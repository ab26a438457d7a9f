"""The periodic sweeps: reminders to supporters, escalations, unmatched reminders and the
re-escalation of safety concerns nobody handled.

Each selects only due rows (on a partial index), locks them with SKIP LOCKED so a second
run at the same moment passes them by, and claims them with one UPDATE in the same
transaction as their emails: a row is claimed and emailed exactly once, or neither. A
missed tick is caught up by the next run, since "due" is "at or before now", not "now".
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from core.claims import claim_rows
from intake.models import SupportRequest
from intake.selectors import requests
from programs.business_days import Calendar, load_calendar
from programs.program import current
from programs.vocabulary import WithdrawalReason

from .. import emails
from ..deadlines import unmatched_cutoff
from ..models import SafetyConcern
from ..selectors import assignments

SWEEP_BATCH_SIZE = 200


def _claim_due[M: Model](due: QuerySet[M], *, claim: str, order_by: str, now: datetime) -> list[M]:
    """Lock up to a batch of `due` rows not claimed yet, stamp `claim` with `now`, return them."""
    return claim_rows(
        due.filter(**{f"{claim}__isnull": True}),
        order_by=(order_by,),
        limit=SWEEP_BATCH_SIZE,
        values={claim: now},
    )


@transaction.atomic
def send_due_reminders(*, now: datetime | None = None) -> int:
    """Remind each supporter, once, on the deadline's morning when no first contact is in."""
    now = now or timezone.now()
    due = (
        assignments()
        .select_related("supporter__user", "request")
        .filter(ended_at__isnull=True, first_contact_at__isnull=True, remind_at__lte=now)
    )
    claimed = _claim_due(due, claim="reminded_at", order_by="remind_at", now=now)
    for assignment in claimed:
        emails.reminder_to_supporter(assignment)
    return len(claimed)


@transaction.atomic
def escalate_overdue(*, now: datetime | None = None) -> int:
    """Tell the administrators, once, about each contact whose deadline passed unreached."""
    now = now or timezone.now()
    due = (
        assignments()
        .select_related("request")
        .filter(ended_at__isnull=True, first_contact_at__isnull=True, contact_due_at__lt=now)
    )
    claimed = _claim_due(due, claim="escalated_at", order_by="contact_due_at", now=now)
    for assignment in claimed:
        emails.overdue_to_administrators(assignment.request)
    return len(claimed)


@transaction.atomic
def remind_unmatched(*, now: datetime | None = None, calendar: Calendar | None = None) -> int:
    """Tell the administrators, once per stay in the queue, about a request waiting too long.

    Too long is more than one business day since `waiting_since`, counted as the queue
    counts it. A hand-back clears `unmatched_reminded_at`, so the next stay is reminded.
    """
    now = now or timezone.now()
    calendar = calendar or load_calendar()
    due = requests().filter(
        status=SupportRequest.Status.WAITING,
        waiting_since__lte=unmatched_cutoff(now, calendar=calendar),
    )
    claimed = _claim_due(due, claim="unmatched_reminded_at", order_by="waiting_since", now=now)
    for request in claimed:
        emails.unmatched_to_administrators(request)
    return len(claimed)


@transaction.atomic
def withdraw_long_waiting(*, now: datetime | None = None) -> int:
    """Withdraw, as "no longer waiting", requests left waiting `UNMATCHED_WITHDRAW_DAYS`.

    A request never matched, or handed back and not matched again, since `waiting_since`
    that long ago. Side effects: the administrators are told (case code only) and the
    requester, kindly, with the crisis resources and the program's contact; the retention
    scrub then clears its identifiers on the usual schedule.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=current().unmatched_withdraw_days)
    due = requests().filter(status=SupportRequest.Status.WAITING, waiting_since__lte=cutoff)
    claimed = claim_rows(
        due,
        order_by=("waiting_since", "pk"),
        limit=SWEEP_BATCH_SIZE,
        values={
            "status": SupportRequest.Status.WITHDRAWN,
            "withdrawal_reason": WithdrawalReason.NO_LONGER_WAITING,
            "withdrawn_at": now,
        },
    )
    for request in claimed:
        emails.no_longer_waiting(request)
    return len(claimed)


@transaction.atomic
def reescalate_safety_concerns(*, now: datetime | None = None) -> int:
    """Email every administrator again, once, about each safety concern still open
    `SAFETY_REESCALATE_MINUTES` after it was raised; stamp it `reescalated_at`.

    A concern marked handled before then is never emailed again.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=current().safety_reescalate_minutes)
    due = SafetyConcern.objects.select_related("assignment__request").filter(
        handled_at__isnull=True, raised_at__lte=cutoff
    )
    claimed = _claim_due(due, claim="reescalated_at", order_by="raised_at", now=now)
    for concern in claimed:
        emails.safety_concern_to_administrators(concern, again=True)
    return len(claimed)
