"""The supporter's side of a contact: first contact, conversations, hand back and close.

Each is one transaction that locks the contact's request, then its assignment, and
refuses (with a message) an assignment that has ended meanwhile.
"""

import logging
import uuid
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from intake import lifecycle
from intake.measures import business_days_to_first_contact
from intake.models import SupportRequest
from programs.business_days import Calendar, load_calendar
from programs.vocabulary import Outcome, ReferralResource

from .. import emails
from ..models import Assignment, ContactMeans, Conversation
from ..selectors import has_open_safety_concern
from .common import MatchingRefused, end_assignment, lock_active_assignment

logger = logging.getLogger(__name__)

Status = SupportRequest.Status
EndReason = Assignment.EndReason


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
    locked_request, locked_assignment = lock_active_assignment(assignment.pk)
    if locked_assignment.first_contact_at is not None:
        raise MatchingRefused(_("First contact is already recorded for this contact."))
    if contacted_at < locked_assignment.assigned_at:
        raise MatchingRefused(_("First contact cannot be before the contact was assigned to you."))
    if contacted_at > now:
        raise MatchingRefused(_("First contact cannot be in the future."))
    locked_assignment.first_contact_at = contacted_at
    locked_assignment.first_contact_means = means
    locked_assignment.save(update_fields=["first_contact_at", "first_contact_means"])
    locked_request.status = Status.IN_CONTACT
    if locked_request.first_contact_at is None:
        locked_request.first_contact_at = contacted_at
        locked_request.business_days_to_first_contact = business_days_to_first_contact(
            locked_request.first_matched_at, contacted_at, calendar=load_calendar()
        )
    locked_request.save(
        update_fields=["status", "first_contact_at", "business_days_to_first_contact"]
    )
    return locked_assignment


def _refuse_with_open_concern(assignment: Assignment, *, confirmed: bool, message: str) -> None:
    """Refuse to end a contact whose safety concern is open, unless the supporter confirmed.

    Ending the contact does not handle the concern: it stays open, on the administrators'
    banner and the supporter's portal, until an administrator marks it handled.
    """
    if not confirmed and has_open_safety_concern(assignment):
        raise MatchingRefused(message)


@transaction.atomic
def hand_back(
    *,
    assignment: Assignment,
    reason: str,
    handed_back_by: User,
    open_concern_confirmed: bool = False,
    now: datetime | None = None,
) -> SupportRequest:
    """The supporter hands the contact back: the request returns to the queue.

    The assignment ends as `handed_back` with its reason (conflict of interest, no
    capacity, other), its note destroyed. The request is `waiting` again, from `now`, and
    may be reminded about once more. Side effect: the administrators are told, by case
    code only. Refused while a safety concern on the contact is open, unless
    `open_concern_confirmed`.
    """
    now = now or timezone.now()
    if reason not in Assignment.HandBackReason.values:
        raise MatchingRefused(_("Choose why you are handing the contact back."))
    locked_request, locked_assignment = lock_active_assignment(assignment.pk)
    _refuse_with_open_concern(
        locked_assignment,
        confirmed=open_concern_confirmed,
        message=_(
            "The safety concern you flagged on %(code)s is still open. Confirm that you "
            "know it is open before handing the contact back; nothing was changed."
        )
        % {"code": locked_request.case_code},
    )
    end_assignment(
        locked_assignment,
        reason=EndReason.HANDED_BACK,
        now=now,
        ended_by=handed_back_by,
        hand_back_reason=reason,
    )
    locked_request.status = Status.WAITING
    locked_request.waiting_since = now
    locked_request.unmatched_reminded_at = None
    locked_request.save(update_fields=["status", "waiting_since", "unmatched_reminded_at"])
    emails.handed_back_to_administrators(locked_request)
    logger.info("matching: request %s handed back", locked_request.public_id)
    return locked_request


@transaction.atomic
def close_request(
    *,
    assignment: Assignment,
    outcome: str,
    referred_to: str = "",
    closed_by: User,
    open_concern_confirmed: bool = False,
    now: datetime | None = None,
) -> SupportRequest:
    """Close the contact with its outcome; the request is `closed`.

    A contact not reached yet (`matched`) may close only as unreachable after attempts or
    declined. "Referred on" names the kind of resource. The assignment ends as `closed`
    and its note is destroyed. Refused while a safety concern on the contact is open,
    unless `open_concern_confirmed`.
    """
    now = now or timezone.now()
    if outcome not in Outcome.values:
        raise MatchingRefused(_("Choose an outcome."))
    if outcome == Outcome.REFERRED_ON and referred_to not in ReferralResource.values:
        raise MatchingRefused(_("Choose the kind of resource you referred the person to."))
    if outcome != Outcome.REFERRED_ON:
        referred_to = ""
    locked_request, locked_assignment = lock_active_assignment(assignment.pk)
    if outcome not in lifecycle.outcomes_for(locked_request.status):
        raise MatchingRefused(
            _(
                "Record first contact before closing with this outcome. A person not "
                "reached yet can be closed only as unreachable or declined."
            )
        )
    _refuse_with_open_concern(
        locked_assignment,
        confirmed=open_concern_confirmed,
        message=_(
            "The safety concern you flagged on %(code)s is still open. Confirm that you "
            "know it is open before closing the contact; nothing was changed."
        )
        % {"code": locked_request.case_code},
    )
    end_assignment(locked_assignment, reason=EndReason.CLOSED, now=now, ended_by=closed_by)
    locked_request.status = Status.CLOSED
    locked_request.outcome = outcome
    locked_request.referred_to = referred_to
    locked_request.closed_at = locked_request.closed_at or now
    locked_request.save(update_fields=["status", "outcome", "referred_to", "closed_at"])
    logger.info("matching: request %s closed", locked_request.public_id)
    return locked_request


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
    _locked_request, locked_assignment = lock_active_assignment(assignment.pk)
    if submission_key is not None:
        existing = Conversation.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    if held_on > calendar.local_date(now):
        raise MatchingRefused(_("A conversation cannot be logged for a future date."))
    if held_on < calendar.local_date(locked_assignment.assigned_at):
        raise MatchingRefused(_("A conversation cannot be before the contact was assigned."))
    conversation = Conversation.objects.create(
        assignment=locked_assignment,
        held_on=held_on,
        minutes=minutes,
        modality=modality,
        is_follow_up_planned=is_follow_up_planned,
        logged_at=now,
        submission_key=submission_key,
    )
    return conversation, True
