"""Write matching: assign, reassign, withdraw, first contact, hand back, close, and what a
supporter records about a contact.

Each service is one transaction. It locks the request row first (then the supporter or
the assignment), so two people acting on one request at once are serialised: the second
sees the first's result and gets a clear refusal, never a second row. Emails go through
the outbox in the same transaction. Every service takes `now`.
"""

import logging
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.claims import claim_rows
from intake.models import Outcome, ReferralResource, SupportRequest, WithdrawalReason
from programs.business_days import Calendar, contact_deadline, load_calendar
from supporters.models import Supporter
from supporters.selectors import with_availability

from . import emails
from .models import (
    Assignment,
    ContactMeans,
    Conversation,
    DebriefRequest,
    SafetyConcern,
    ScratchNote,
)

logger = logging.getLogger(__name__)

Status = SupportRequest.Status
EndReason = Assignment.EndReason
REMINDER_TIME = time(9, 0)
# A matched request not reached yet may close only this way (DESIGN.md, a request's life).
MATCHED_OUTCOMES = frozenset({Outcome.UNREACHABLE, Outcome.DECLINED})


class MatchingRefused(Exception):
    """The action does not fit where the request stands now; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _lock_request(request_id: int) -> SupportRequest:
    return SupportRequest.objects.select_for_update().get(pk=request_id)


def _lock_active_assignment(assignment_id: int) -> tuple[SupportRequest, Assignment]:
    """Lock the assignment's request, then the assignment; refuse if it has ended."""
    request_id = Assignment.objects.values_list("request_id", flat=True).get(pk=assignment_id)
    request = _lock_request(request_id)
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("supporter__user")
        .get(pk=assignment_id)
    )
    if assignment.ended_at is not None:
        raise MatchingRefused(
            _("This contact is no longer assigned to this supporter; nothing was changed.")
        )
    assignment.request = request
    return request, assignment


def remind_time(contact_due_at: datetime, *, calendar: Calendar) -> datetime:
    """Return 09:00 local time on the deadline's day: when the supporter is reminded."""
    due_on = calendar.local_date(contact_due_at)
    return datetime.combine(due_on, REMINDER_TIME, tzinfo=calendar.time_zone)


def _check_available(supporter: Supporter, request: SupportRequest, *, today: date) -> Supporter:
    """Lock the supporter and check they may take this request today."""
    locked = with_availability(
        Supporter.objects.filter(pk=supporter.pk), today=today
    ).select_related("user")
    # Lock first, then count the load: FOR UPDATE cannot be combined with the aggregate,
    # and two requests assigned to one supporter at once must not both fit the last slot.
    list(Supporter.objects.select_for_update().filter(pk=supporter.pk).values_list("pk"))
    current = locked.first()
    if current is None:
        raise MatchingRefused(_("This supporter is no longer on the roster."))
    if not current.availability.is_available:
        raise MatchingRefused(
            _("%(name)s cannot take a new request: %(reason)s.")
            % {"name": current.display_name, "reason": current.availability.staff_label.lower()}
        )
    if request.avoid_supporters.filter(pk=supporter.pk).exists():
        raise MatchingRefused(
            _("The requester asked not to be matched with %(name)s.")
            % {"name": current.display_name}
        )
    return current


def _start_assignment(
    request: SupportRequest,
    supporter: Supporter,
    *,
    assigned_by: User,
    now: datetime,
    calendar: Calendar,
) -> Assignment:
    due_at = contact_deadline(now, calendar=calendar)
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                request=request,
                supporter=supporter,
                assigned_by=assigned_by,
                assigned_at=now,
                contact_due_at=due_at,
                remind_at=remind_time(due_at, calendar=calendar),
            )
    except IntegrityError as error:
        # The lock on the request makes this unreachable in practice; the partial unique
        # constraint is the last word if a caller ever skips the lock.
        raise MatchingRefused(
            _("This request already has a supporter. Reload the page to see who.")
        ) from error
    emails.new_contact_to_supporter(assignment)
    emails.expected_contact_to_requester(request, assignment, calendar=calendar)
    return assignment


def _end(
    assignment: Assignment,
    *,
    reason: str,
    now: datetime,
    ended_by: User | None,
    hand_back_reason: str = "",
) -> None:
    assignment.ended_at = now
    assignment.end_reason = reason
    assignment.hand_back_reason = hand_back_reason
    assignment.ended_by = ended_by
    assignment.save(update_fields=["ended_at", "end_reason", "hand_back_reason", "ended_by"])
    # The contact has ended for this supporter: the note goes with it, at once.
    ScratchNote.objects.filter(assignment=assignment).delete()


def _active(request: SupportRequest) -> Assignment | None:
    return (
        Assignment.objects.select_for_update()
        .select_related("supporter__user")
        .filter(request=request, ended_at__isnull=True)
        .first()
    )


@transaction.atomic
def assign_supporter(
    *,
    request: SupportRequest,
    supporter: Supporter,
    assigned_by: User,
    now: datetime | None = None,
    calendar: Calendar | None = None,
) -> Assignment:
    """Match a waiting request to an available supporter; first contact is due in 3 days.

    Side effects: the request becomes `matched` (its first `first_matched_at` kept); the
    supporter is emailed "you have a new contact — sign in"; the requester, when
    `NOTIFY_REQUESTER_ON_MATCH` and they gave an email, is told by when to expect them.
    Refused, with a message, when the request is no longer waiting (someone else was
    faster) or the supporter cannot take it.
    """
    now = now or timezone.now()
    calendar = calendar or load_calendar()
    locked = _lock_request(request.pk)
    if locked.status != Status.WAITING:
        raise MatchingRefused(
            _(
                "%(code)s is no longer waiting: it is now “%(status)s”. "
                "Someone else may have just matched it; nothing was changed."
            )
            % {"code": locked.case_code, "status": locked.get_status_display()}
        )
    current = _check_available(supporter, locked, today=calendar.local_date(now))
    assignment = _start_assignment(
        locked, current, assigned_by=assigned_by, now=now, calendar=calendar
    )
    locked.status = Status.MATCHED
    locked.first_matched_at = locked.first_matched_at or now
    locked.save(update_fields=["status", "first_matched_at"])
    logger.info("matching: assigned request %s", locked.public_id)
    return assignment


@transaction.atomic
def reassign(
    *,
    request: SupportRequest,
    supporter: Supporter,
    assigned_by: User,
    now: datetime | None = None,
    calendar: Calendar | None = None,
) -> Assignment:
    """Move a matched or in-contact request to another supporter, with a new deadline.

    The active assignment ends as `reassigned` (its note destroyed) and a new one starts;
    the request becomes `matched`, since the new supporter has not reached the person
    yet. Side effects: the new supporter's and the requester's emails as on assignment,
    and a notice to the previous supporter that the contact left their list.
    """
    now = now or timezone.now()
    calendar = calendar or load_calendar()
    locked = _lock_request(request.pk)
    if locked.status not in (Status.MATCHED, Status.IN_CONTACT):
        raise MatchingRefused(
            _("%(code)s cannot be reassigned: it is “%(status)s”. Nothing was changed.")
            % {"code": locked.case_code, "status": locked.get_status_display()}
        )
    previous = _active(locked)
    if previous is None:  # pragma: no cover - the check constraints make this impossible
        raise MatchingRefused(_("This request has no active assignment."))
    if previous.supporter_id == supporter.pk:
        raise MatchingRefused(
            _("%(name)s already has this contact.") % {"name": previous.supporter.display_name}
        )
    current = _check_available(supporter, locked, today=calendar.local_date(now))
    _end(previous, reason=EndReason.REASSIGNED, now=now, ended_by=assigned_by)
    emails.contact_moved_to_supporter(previous)
    assignment = _start_assignment(
        locked, current, assigned_by=assigned_by, now=now, calendar=calendar
    )
    locked.status = Status.MATCHED
    locked.save(update_fields=["status"])
    logger.info("matching: reassigned request %s", locked.public_id)
    return assignment


@transaction.atomic
def withdraw_request(
    *,
    request: SupportRequest,
    reason: str,
    withdrawn_by: User,
    now: datetime | None = None,
) -> SupportRequest:
    """Withdraw a waiting or matched request (duplicate, spam, the requester asked, other).

    A request in contact is not withdrawn: its supporter closes it with an outcome
    (DESIGN.md, a request's life). Side effects: an active assignment ends as
    `withdrawn`, its note destroyed, and its supporter is told the contact left their list.
    """
    now = now or timezone.now()
    if reason not in WithdrawalReason.values:
        raise MatchingRefused(_("Choose a reason for withdrawing the request."))
    locked = _lock_request(request.pk)
    if locked.status not in (Status.WAITING, Status.MATCHED):
        raise MatchingRefused(
            _("%(code)s cannot be withdrawn: it is “%(status)s”. Nothing was changed.")
            % {"code": locked.case_code, "status": locked.get_status_display()}
        )
    previous = _active(locked)
    if previous is not None:
        _end(previous, reason=EndReason.WITHDRAWN, now=now, ended_by=withdrawn_by)
        emails.contact_moved_to_supporter(previous)
    locked.status = Status.WITHDRAWN
    locked.withdrawal_reason = reason
    locked.withdrawn_at = locked.withdrawn_at or now
    locked.save(update_fields=["status", "withdrawal_reason", "withdrawn_at"])
    logger.info("matching: withdrew request %s", locked.public_id)
    return locked


@transaction.atomic
def record_first_contact(
    *,
    assignment: Assignment,
    contacted_at: datetime,
    means: str,
    now: datetime | None = None,
) -> Assignment:
    """Record that the supporter reached the person: the reminders and escalation stop.

    `contacted_at` may be neither before the assignment nor in the future. The request
    becomes `in_contact`; its `first_contact_at` keeps the first time anyone reached them.
    """
    now = now or timezone.now()
    if means not in ContactMeans.values:
        raise MatchingRefused(_("Choose how you reached the person."))
    request, locked = _lock_active_assignment(assignment.pk)
    if locked.first_contact_at is not None:
        raise MatchingRefused(_("First contact is already recorded for this contact."))
    if contacted_at < locked.assigned_at:
        raise MatchingRefused(_("First contact cannot be before the contact was assigned to you."))
    if contacted_at > now:
        raise MatchingRefused(_("First contact cannot be in the future."))
    locked.first_contact_at = contacted_at
    locked.first_contact_means = means
    locked.save(update_fields=["first_contact_at", "first_contact_means"])
    request.status = Status.IN_CONTACT
    request.first_contact_at = request.first_contact_at or contacted_at
    request.save(update_fields=["status", "first_contact_at"])
    return locked


@transaction.atomic
def hand_back(
    *,
    assignment: Assignment,
    reason: str,
    handed_back_by: User,
    now: datetime | None = None,
) -> SupportRequest:
    """The supporter hands the contact back: the request returns to the queue.

    The assignment ends as `handed_back` with its reason (conflict of interest, no
    capacity, other), its note destroyed. The request is `waiting` again, from `now`, and
    may be reminded about once more. Side effect: the administrators are told, by case
    code only.
    """
    now = now or timezone.now()
    if reason not in Assignment.HandBackReason.values:
        raise MatchingRefused(_("Choose why you are handing the contact back."))
    request, locked = _lock_active_assignment(assignment.pk)
    _end(
        locked,
        reason=EndReason.HANDED_BACK,
        now=now,
        ended_by=handed_back_by,
        hand_back_reason=reason,
    )
    request.status = Status.WAITING
    request.waiting_since = now
    request.unmatched_reminded_at = None
    request.save(update_fields=["status", "waiting_since", "unmatched_reminded_at"])
    emails.handed_back_to_administrators(request)
    logger.info("matching: request %s handed back", request.public_id)
    return request


@transaction.atomic
def close_request(
    *,
    assignment: Assignment,
    outcome: str,
    referred_to: str = "",
    closed_by: User,
    now: datetime | None = None,
) -> SupportRequest:
    """Close the contact with its outcome; the request is `closed`.

    A contact not reached yet (`matched`) may close only as unreachable after attempts or
    declined. "Referred on" names the kind of resource. The assignment ends as `closed`
    and its note is destroyed.
    """
    now = now or timezone.now()
    if outcome not in Outcome.values:
        raise MatchingRefused(_("Choose an outcome."))
    if outcome == Outcome.REFERRED_ON and referred_to not in ReferralResource.values:
        raise MatchingRefused(_("Choose the kind of resource you referred the person to."))
    if outcome != Outcome.REFERRED_ON:
        referred_to = ""
    request, locked = _lock_active_assignment(assignment.pk)
    if request.status == Status.MATCHED and outcome not in MATCHED_OUTCOMES:
        raise MatchingRefused(
            _(
                "Record first contact before closing with this outcome. A person not "
                "reached yet can be closed only as unreachable or declined."
            )
        )
    _end(locked, reason=EndReason.CLOSED, now=now, ended_by=closed_by)
    request.status = Status.CLOSED
    request.outcome = outcome
    request.referred_to = referred_to
    request.closed_at = request.closed_at or now
    request.save(update_fields=["status", "outcome", "referred_to", "closed_at"])
    logger.info("matching: request %s closed", request.public_id)
    return request


@transaction.atomic
def log_conversation(
    *,
    assignment: Assignment,
    held_on: date,
    minutes: int,
    modality: str,
    is_follow_up_planned: bool,
    submission_key: uuid.UUID | None = None,
    now: datetime | None = None,
    calendar: Calendar | None = None,
) -> tuple[Conversation, bool]:
    """Record that a conversation happened (for volunteer hours); return it and whether new.

    No content is recorded. The same form sent twice (`submission_key`) logs one
    conversation. The date may be neither before the assignment nor in the future.
    """
    now = now or timezone.now()
    calendar = calendar or load_calendar()
    _request, locked = _lock_active_assignment(assignment.pk)
    if submission_key is not None:
        existing = Conversation.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    if held_on > calendar.local_date(now):
        raise MatchingRefused(_("A conversation cannot be logged for a future date."))
    if held_on < calendar.local_date(locked.assigned_at):
        raise MatchingRefused(_("A conversation cannot be before the contact was assigned."))
    conversation = Conversation.objects.create(
        assignment=locked,
        held_on=held_on,
        minutes=minutes,
        modality=modality,
        is_follow_up_planned=is_follow_up_planned,
        logged_at=now,
        submission_key=submission_key,
    )
    return conversation, True


@transaction.atomic
def save_note(*, assignment: Assignment, text: str, now: datetime | None = None) -> ScratchNote:
    """Write or replace the contact's scratch note; its destruction time never moves."""
    now = now or timezone.now()
    _request, locked = _lock_active_assignment(assignment.pk)
    note = ScratchNote.objects.select_for_update().filter(assignment=locked).first()
    if note is not None and note.first_written_at <= now - note_lifetime():
        # Expired but not yet swept: it is gone, and a new note starts a new life.
        note.delete()
        note = None
    if note is None:
        return ScratchNote.objects.create(
            assignment=locked, text=text, first_written_at=now, updated_at=now
        )
    note.text = text
    note.updated_at = now
    note.save(update_fields=["text", "updated_at"])
    return note


@transaction.atomic
def destroy_note(*, assignment: Assignment) -> bool:
    """Destroy the contact's scratch note at once; return whether there was one."""
    _request, locked = _lock_active_assignment(assignment.pk)
    deleted, _rows = ScratchNote.objects.filter(assignment=locked).delete()
    return deleted > 0


def note_lifetime() -> timedelta:
    return timedelta(hours=settings.NOTE_TTL_HOURS)


def purge_expired_notes(*, now: datetime | None = None) -> int:
    """Delete every note first written `NOTE_TTL_HOURS` ago or more: one set-based DELETE."""
    now = now or timezone.now()
    deleted, _rows = ScratchNote.objects.filter(
        first_written_at__lte=now - note_lifetime()
    ).delete()
    if deleted:
        logger.info("matching: purged %d expired notes", deleted)
    return deleted


@transaction.atomic
def flag_safety_concern(
    *, assignment: Assignment, raised_by: User, now: datetime | None = None
) -> tuple[SafetyConcern, bool]:
    """Raise a safety concern about a contact; return it and whether it is new.

    Side effect: an immediate email to every administrator with the case code only. While
    a concern on this contact is open, pressing again tells nobody twice.
    """
    now = now or timezone.now()
    request, locked = _lock_active_assignment(assignment.pk)
    existing = SafetyConcern.objects.filter(assignment=locked, handled_at__isnull=True).first()
    if existing is not None:
        return existing, False
    concern = SafetyConcern.objects.create(assignment=locked, raised_by=raised_by, raised_at=now)
    emails.safety_concern_to_administrators(request)
    logger.warning("matching: safety concern raised on request %s", request.public_id)
    return concern, True


@transaction.atomic
def mark_safety_concern_handled(
    *, concern: SafetyConcern, handled_by: User, now: datetime | None = None
) -> bool:
    """Mark an open safety concern handled, which clears the admin's banner."""
    return _mark_handled(SafetyConcern.objects.filter(pk=concern.pk), handled_by, now)


@transaction.atomic
def ask_for_debrief(
    *, supporter: Supporter, now: datetime | None = None
) -> tuple[DebriefRequest, bool]:
    """A supporter asks for a debrief for themselves; return it and whether it is new.

    Side effect: the administrators are told a supporter asked, with no details. While a
    request is open, asking again tells nobody twice.
    """
    now = now or timezone.now()
    list(Supporter.objects.select_for_update().filter(pk=supporter.pk).values_list("pk"))
    existing = DebriefRequest.objects.filter(supporter=supporter, handled_at__isnull=True).first()
    if existing is not None:
        return existing, False
    debrief = DebriefRequest.objects.create(supporter=supporter, requested_at=now)
    emails.debrief_to_administrators()
    return debrief, True


@transaction.atomic
def mark_debrief_handled(
    *, debrief: DebriefRequest, handled_by: User, now: datetime | None = None
) -> bool:
    """Mark a debrief request handled; asking again is possible from then on."""
    return _mark_handled(DebriefRequest.objects.filter(pk=debrief.pk), handled_by, now)


def _mark_handled(rows: QuerySet[Any], handled_by: User, now: datetime | None) -> bool:
    """Stamp an open row handled; return False when someone else already had."""
    updated = rows.filter(handled_at__isnull=True).update(
        handled_at=now or timezone.now(), handled_by=handled_by
    )
    return updated > 0


# The periodic sweeps. Each selects only due rows (on a partial index), locks them with
# SKIP LOCKED so a second run at the same moment passes them by, and claims them with
# one conditional UPDATE in the same transaction as their emails: a row is claimed and
# emailed exactly once, or neither. A missed tick is caught up by the next run, since
# "due" is "at or before now", not "now".
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
    due = Assignment.objects.select_related("supporter__user", "request").filter(
        ended_at__isnull=True, first_contact_at__isnull=True, remind_at__lte=now
    )
    claimed = _claim_due(due, claim="reminded_at", order_by="remind_at", now=now)
    for assignment in claimed:
        emails.reminder_to_supporter(assignment)
    return len(claimed)


@transaction.atomic
def escalate_overdue(*, now: datetime | None = None) -> int:
    """Tell the administrators, once, about each contact whose deadline passed unreached."""
    now = now or timezone.now()
    due = Assignment.objects.select_related("request").filter(
        ended_at__isnull=True, first_contact_at__isnull=True, contact_due_at__lt=now
    )
    claimed = _claim_due(due, claim="escalated_at", order_by="contact_due_at", now=now)
    for assignment in claimed:
        emails.overdue_to_administrators(assignment.request)
    return len(claimed)


UNMATCHED_AFTER_BUSINESS_DAYS = 2  # "more than one business day"


@transaction.atomic
def remind_unmatched(*, now: datetime | None = None, calendar: Calendar | None = None) -> int:
    """Tell the administrators, once per stay in the queue, about a request waiting too long.

    Too long is more than one business day since `waiting_since`, counted as the queue
    counts it. A hand-back clears `unmatched_reminded_at`, so the next stay is reminded.
    """
    now = now or timezone.now()
    calendar = calendar or load_calendar()
    cutoff = calendar.latest_start_waited(now, UNMATCHED_AFTER_BUSINESS_DAYS)
    due = SupportRequest.objects.filter(status=Status.WAITING, waiting_since__lte=cutoff)
    claimed = _claim_due(due, claim="unmatched_reminded_at", order_by="waiting_since", now=now)
    for request in claimed:
        emails.unmatched_to_administrators(request)
    return len(claimed)
