"""The administrator's side of matching: assign, reassign and withdraw a request.

Each is one transaction that locks the request first, then the supporter, and queues its
emails through the outbox in the same transaction.
"""

import logging
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from intake import lifecycle
from intake.measures import business_days_to_match
from intake.models import SupportRequest
from programs.business_days import Calendar, load_calendar
from programs.vocabulary import WithdrawalReason
from supporters.models import Supporter
from supporters.selectors import roster, with_availability

from .. import emails
from ..deadlines import contact_deadline, remind_time
from ..models import Assignment
from ..selectors import assignments
from .common import MatchingRefused, end_assignment, lock_active_assignment_of, lock_request

logger = logging.getLogger(__name__)

Status = SupportRequest.Status
EndReason = Assignment.EndReason


def _lock_available_supporter(
    supporter: Supporter, request: SupportRequest, *, today: date
) -> Supporter:
    """Lock the supporter and check they may take this request today."""
    # Lock first, then count the load: FOR UPDATE cannot be combined with the aggregate,
    # and two requests assigned to one supporter at once must not both fit the last slot.
    list(roster().select_for_update().filter(pk=supporter.pk).values_list("pk"))
    available = (
        with_availability(roster().filter(pk=supporter.pk), today=today)
        .select_related("user")
        .first()
    )
    if available is None:
        raise MatchingRefused(_("This supporter is no longer on the roster."))
    if not available.availability.is_available:
        raise MatchingRefused(
            _("%(name)s cannot take a new request: %(reason)s.")
            % {
                "name": available.display_name,
                "reason": available.availability.staff_label.lower(),
            }
        )
    if request.avoid_supporters.filter(pk=supporter.pk).exists():
        raise MatchingRefused(
            _("The requester asked not to be matched with %(name)s.")
            % {"name": available.display_name}
        )
    return available


def _start_assignment(
    request: SupportRequest,
    supporter: Supporter,
    *,
    assigned_by: User,
    now: datetime,
    calendar: Calendar,
    previously_due_at: datetime | None,
) -> Assignment:
    due_at = contact_deadline(now, calendar=calendar)
    try:
        with transaction.atomic():
            assignment = assignments().create(
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
    emails.expected_contact_to_requester(
        request, assignment, calendar=calendar, previously_due_at=previously_due_at
    )
    return assignment


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
    `NOTIFY_REQUESTER_ON_MATCH` and they gave an email, is told by when to expect them
    (after a hand-back, only when that date changes). Refused, with a message, when the
    request is no longer waiting (someone else was faster) or the supporter cannot take it.
    """
    now = now or timezone.now()
    calendar = calendar or load_calendar()
    locked_request = lock_request(request.pk)
    if not lifecycle.can_assign(locked_request.status):
        raise MatchingRefused(
            _(
                "%(code)s is no longer waiting: it is now “%(status)s”. "
                "Someone else may have just matched it; nothing was changed."
            )
            % {"code": locked_request.case_code, "status": locked_request.get_status_display()}
        )
    available = _lock_available_supporter(supporter, locked_request, today=calendar.local_date(now))
    # After a hand-back, the requester was already given a date by the last assignment.
    last_due_at = (
        assignments()
        .filter(request=locked_request)
        .order_by("-assigned_at")
        .values_list("contact_due_at", flat=True)
        .first()
    )
    assignment = _start_assignment(
        locked_request,
        available,
        assigned_by=assigned_by,
        now=now,
        calendar=calendar,
        previously_due_at=last_due_at,
    )
    locked_request.status = Status.MATCHED
    if locked_request.first_matched_at is None:
        locked_request.first_matched_at = now
        locked_request.business_days_to_match = business_days_to_match(
            locked_request.confirmed_at, now, calendar=calendar
        )
    locked_request.save(update_fields=["status", "first_matched_at", "business_days_to_match"])
    logger.info("matching: assigned request %s", locked_request.public_id)
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
    yet. Side effects: the new supporter's email; the requester's only when the date to
    expect contact changes (the same date twice is no news, and a second identical email
    would only worry them); and a notice to the previous supporter that the contact left
    their list.
    """
    now = now or timezone.now()
    calendar = calendar or load_calendar()
    locked_request = lock_request(request.pk)
    if not lifecycle.can_reassign(locked_request.status):
        raise MatchingRefused(
            _("%(code)s cannot be reassigned: it is “%(status)s”. Nothing was changed.")
            % {"code": locked_request.case_code, "status": locked_request.get_status_display()}
        )
    previous = lock_active_assignment_of(locked_request)
    if previous is None:  # pragma: no cover - the check constraints make this impossible
        raise MatchingRefused(_("This request has no active assignment."))
    if previous.supporter_id == supporter.pk:
        raise MatchingRefused(
            _("%(name)s already has this contact.") % {"name": previous.supporter.display_name}
        )
    available = _lock_available_supporter(supporter, locked_request, today=calendar.local_date(now))
    end_assignment(previous, reason=EndReason.REASSIGNED, now=now, ended_by=assigned_by)
    emails.contact_moved_to_supporter(previous)
    assignment = _start_assignment(
        locked_request,
        available,
        assigned_by=assigned_by,
        now=now,
        calendar=calendar,
        previously_due_at=previous.contact_due_at,
    )
    locked_request.status = Status.MATCHED
    locked_request.save(update_fields=["status"])
    logger.info("matching: reassigned request %s", locked_request.public_id)
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
    locked_request = lock_request(request.pk)
    if not lifecycle.can_withdraw(locked_request.status):
        raise MatchingRefused(
            _("%(code)s cannot be withdrawn: it is “%(status)s”. Nothing was changed.")
            % {"code": locked_request.case_code, "status": locked_request.get_status_display()}
        )
    previous = lock_active_assignment_of(locked_request)
    if previous is not None:
        end_assignment(previous, reason=EndReason.WITHDRAWN, now=now, ended_by=withdrawn_by)
        emails.contact_moved_to_supporter(previous)
    locked_request.status = Status.WITHDRAWN
    locked_request.withdrawal_reason = reason
    locked_request.withdrawn_at = locked_request.withdrawn_at or now
    locked_request.save(update_fields=["status", "withdrawal_reason", "withdrawn_at"])
    logger.info("matching: withdrew request %s", locked_request.public_id)
    return locked_request
