"""Matching's services: each one's status, timestamp, assignment-row and email effects, and
every transition DESIGN.md's "A request's life" forbids, refused with nothing changed."""

import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.roles import ADMINISTRATORS
from intake.models import SupportRequest
from matching.models import (
    Assignment,
    Conversation,
    DebriefRequest,
    SafetyConcern,
    ScratchNote,
)
from matching.services import (
    MatchingRefused,
    ask_for_debrief,
    assign_supporter,
    close_request,
    destroy_note,
    escalate_overdue,
    flag_safety_concern,
    hand_back,
    log_conversation,
    mark_debrief_handled,
    mark_safety_concern_handled,
    read_note,
    reassign,
    record_first_contact,
    remind_unmatched,
    save_note,
    send_due_reminders,
    withdraw_request,
)
from notifications.models import OutgoingEmail
from programs.models import ClosureDay
from supporters.models import Supporter
from tests.factories import SupporterFactory, SupportRequestFactory, UserFactory
from tests.matching.conftest import TUESDAY, VANCOUVER

pytestmark = pytest.mark.django_db

Status = SupportRequest.Status
EndReason = Assignment.EndReason
LATER = TUESDAY + timedelta(hours=2)
WEDNESDAY = TUESDAY + timedelta(days=1)
# The end of Friday 13 March 2026: three business days after TUESDAY.
DUE_FRIDAY = datetime.combine(date(2026, 3, 13), time.max, tzinfo=VANCOUVER)

STAFF_KINDS = {
    "new_contact",
    "contact_moved",
    "contact_reminder",
    "handed_back",
    "contact_overdue",
    "still_unmatched",
    "safety_concern",
    "debrief_requested",
}


def snapshot(support_request: SupportRequest) -> tuple[Any, ...]:
    """Everything a service could change about one request, read fresh from the database."""
    return (
        SupportRequest.objects.filter(pk=support_request.pk).values().get(),
        list(Assignment.objects.filter(request=support_request).order_by("pk").values()),
        list(OutgoingEmail.objects.order_by("pk").values_list("pk", "kind", "to_address")),
        list(ScratchNote.objects.order_by("pk").values_list("pk", "key_id", "first_written_at")),
        list(Conversation.objects.order_by("pk").values_list("pk", "held_on")),
        list(SafetyConcern.objects.order_by("pk").values_list("pk", "handled_at")),
    )


def emails(kind: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind=kind).order_by("pk"))


def refresh(support_request: SupportRequest) -> SupportRequest:
    return SupportRequest.objects.get(pk=support_request.pk)


def reload(assignment: Assignment) -> Assignment:
    return Assignment.objects.get(pk=assignment.pk)


def contact(assignment: Assignment, *, at: datetime = TUESDAY + timedelta(hours=1)) -> None:
    record_first_contact(
        assignment=assignment, contacted_at=at, means="phone", now=at + timedelta(minutes=5)
    )


def note(assignment: Assignment, *, now: datetime = LATER) -> ScratchNote:
    return save_note(assignment=assignment, text="Ask about sleep next time.", now=now)


# --- assign_supporter ------------------------------------------------------------------


def test_assigning_matches_the_request_with_a_three_business_day_deadline(
    waiting_request: SupportRequest, supporter_profile: Supporter, administrator: User
) -> None:
    assignment = assign_supporter(
        request=waiting_request,
        supporter=supporter_profile,
        assigned_by=administrator,
        now=TUESDAY,
    )

    row = reload(assignment)
    assert (row.request_id, row.supporter_id, row.assigned_by_id) == (
        waiting_request.pk,
        supporter_profile.pk,
        administrator.pk,
    )
    assert row.assigned_at == TUESDAY
    assert row.contact_due_at == DUE_FRIDAY
    assert row.remind_at == datetime(2026, 3, 13, 9, 0, tzinfo=VANCOUVER)
    assert row.ended_at is None and row.end_reason == ""
    assert row.first_contact_at is None and row.reminded_at is None and row.escalated_at is None
    request = refresh(waiting_request)
    assert request.status == Status.MATCHED
    assert request.first_matched_at == TUESDAY
    assert request.first_contact_at is None


def test_assigning_emails_the_supporter_and_tells_the_requester_when_to_expect_them(
    waiting_request: SupportRequest, supporter_profile: Supporter, administrator: User
) -> None:
    assign_supporter(
        request=waiting_request,
        supporter=supporter_profile,
        assigned_by=administrator,
        now=TUESDAY,
    )

    [to_supporter] = emails("new_contact")
    assert (to_supporter.to_address, to_supporter.language) == ("sam@example.org", "en")
    assert to_supporter.request_public_id == waiting_request.public_id
    assert "/portal/" in to_supporter.body_text
    [to_requester] = emails("requester_matched")
    assert (to_requester.to_address, to_requester.language) == (waiting_request.email, "en")
    assert waiting_request.case_code in to_requester.subject
    assert "by the end of Friday 13 March 2026" in to_requester.body_text
    assert "Friday 13 March 2026" in to_requester.body_html
    assert OutgoingEmail.objects.count() == 2


def test_a_french_requester_hears_the_date_in_french(
    supporter_profile: Supporter, administrator: User
) -> None:
    request = SupportRequestFactory.create(interface_language="fr", submitted_at=TUESDAY)

    assign_supporter(
        request=request, supporter=supporter_profile, assigned_by=administrator, now=TUESDAY
    )

    [to_requester] = emails("requester_matched")
    assert to_requester.language == "fr"
    assert "vendredi 13 mars 2026" in to_requester.body_text
    assert "Friday" not in to_requester.body_text and "March" not in to_requester.body_text
    # The supporter still reads their own language.
    assert emails("new_contact")[0].language == "en"


def test_the_requester_is_not_told_when_the_setting_is_off(
    settings: Any,
    waiting_request: SupportRequest,
    supporter_profile: Supporter,
    administrator: User,
) -> None:
    settings.NOTIFY_REQUESTER_ON_MATCH = False

    assign_supporter(
        request=waiting_request,
        supporter=supporter_profile,
        assigned_by=administrator,
        now=TUESDAY,
    )

    assert emails("requester_matched") == []
    assert len(emails("new_contact")) == 1


def test_a_requester_without_an_email_address_is_not_emailed(
    supporter_profile: Supporter, administrator: User
) -> None:
    request = SupportRequestFactory.create(
        email="", preferred_contact="phone", submitted_at=TUESDAY
    )

    assign_supporter(
        request=request, supporter=supporter_profile, assigned_by=administrator, now=TUESDAY
    )

    assert emails("requester_matched") == []
    assert refresh(request).status == Status.MATCHED


def _closed_request(supporter: Supporter, administrator: User) -> SupportRequest:
    request = SupportRequestFactory.create(submitted_at=TUESDAY)
    assignment = assign_supporter(
        request=request, supporter=supporter, assigned_by=administrator, now=TUESDAY
    )
    close_request(assignment=assignment, outcome="unreachable", closed_by=supporter.user, now=LATER)
    return request


def _withdrawn_request(supporter: Supporter, administrator: User) -> SupportRequest:
    request = SupportRequestFactory.create(submitted_at=TUESDAY)
    withdraw_request(request=request, reason="spam", withdrawn_by=administrator, now=LATER)
    return request


def _matched_request(supporter: Supporter, administrator: User) -> SupportRequest:
    request = SupportRequestFactory.create(submitted_at=TUESDAY)
    assign_supporter(request=request, supporter=supporter, assigned_by=administrator, now=TUESDAY)
    return request


def _in_contact_request(supporter: Supporter, administrator: User) -> SupportRequest:
    request = SupportRequestFactory.create(submitted_at=TUESDAY)
    contact(
        assign_supporter(
            request=request, supporter=supporter, assigned_by=administrator, now=TUESDAY
        )
    )
    return request


def _unconfirmed_referral(supporter: Supporter, administrator: User) -> SupportRequest:
    return SupportRequestFactory.create(
        source="colleague",
        status=Status.AWAITING_CONFIRMATION,
        referrer_name="Rita Referrer",
        referrer_email="rita@example.org",
        consent_attested_at=TUESDAY,
        submitted_at=TUESDAY,
        confirmed_at=None,
        waiting_since=None,
    )


@pytest.mark.parametrize(
    ("arrange", "status"),
    [
        (_matched_request, "Matched, not reached yet"),
        (_in_contact_request, "In contact"),
        (_closed_request, "Closed"),
        (_withdrawn_request, "Withdrawn"),
        (_unconfirmed_referral, "Awaiting the colleague's confirmation"),
    ],
    ids=["matched", "in_contact", "closed", "withdrawn", "awaiting_confirmation"],
)
def test_only_a_waiting_request_can_be_assigned(
    arrange: Callable[[Supporter, User], SupportRequest],
    status: str,
    supporter_profile: Supporter,
    other_supporter_profile: Supporter,
    administrator: User,
) -> None:
    request = arrange(supporter_profile, administrator)
    before = snapshot(request)

    with pytest.raises(MatchingRefused) as refusal:
        assign_supporter(
            request=request,
            supporter=other_supporter_profile,
            assigned_by=administrator,
            now=WEDNESDAY,
        )

    assert refusal.value.message == (
        f"{request.case_code} is no longer waiting: it is now “{status}”. "
        "Someone else may have just matched it; nothing was changed."
    )
    assert snapshot(request) == before


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"away_until": date(2026, 3, 20)}, "away until march 20, 2026"),
        ({"accepts_new": False}, "not taking new requests"),
        ({"trained_on": None}, "not ready: training or agreement not recorded"),
        ({"agreement_signed_on": None}, "not ready: training or agreement not recorded"),
    ],
    ids=["away", "not-accepting", "untrained", "unsigned"],
)
def test_an_unavailable_supporter_cannot_be_assigned(
    changes: dict[str, Any], reason: str, waiting_request: SupportRequest, administrator: User
) -> None:
    unavailable = SupporterFactory.create(display_name="Dr. Not Now", **changes)
    before = snapshot(waiting_request)

    with pytest.raises(MatchingRefused) as refusal:
        assign_supporter(
            request=waiting_request, supporter=unavailable, assigned_by=administrator, now=TUESDAY
        )

    assert refusal.value.message == f"Dr. Not Now cannot take a new request: {reason}."
    assert snapshot(waiting_request) == before


def test_a_supporter_at_capacity_cannot_be_assigned_until_a_contact_ends(
    administrator: User,
) -> None:
    busy = SupporterFactory.create(display_name="Dr. Busy", capacity=2)
    first, second, third = (SupportRequestFactory.create(submitted_at=TUESDAY) for _ in range(3))
    held = assign_supporter(request=first, supporter=busy, assigned_by=administrator, now=TUESDAY)
    assign_supporter(request=second, supporter=busy, assigned_by=administrator, now=TUESDAY)
    before = snapshot(third)

    with pytest.raises(
        MatchingRefused, match=re.escape("Dr. Busy cannot take a new request: at capacity")
    ):
        assign_supporter(request=third, supporter=busy, assigned_by=administrator, now=TUESDAY)
    assert snapshot(third) == before

    hand_back(assignment=held, reason="no_capacity", handed_back_by=busy.user, now=LATER)
    assign_supporter(request=third, supporter=busy, assigned_by=administrator, now=LATER)
    assert refresh(third).status == Status.MATCHED


def test_a_supporter_the_requester_avoids_cannot_be_assigned(
    supporter_profile: Supporter, administrator: User
) -> None:
    request = SupportRequestFactory.create(submitted_at=TUESDAY, avoid=[supporter_profile])
    before = snapshot(request)

    with pytest.raises(MatchingRefused) as refusal:
        assign_supporter(
            request=request, supporter=supporter_profile, assigned_by=administrator, now=TUESDAY
        )

    assert refusal.value.message == "The requester asked not to be matched with Dr. Sam Lee."
    assert snapshot(request) == before


# --- Deadlines across weekends, holidays and closure days ----------------------------------


def _assign_at(moment: datetime, supporter: Supporter, administrator: User) -> Assignment:
    request = SupportRequestFactory.create(submitted_at=moment - timedelta(hours=1))
    with time_machine.travel(moment, tick=False):
        # No `now`: the service reads the clock, which time-machine moved.
        return assign_supporter(request=request, supporter=supporter, assigned_by=administrator)


def test_assigned_thursday_is_due_at_the_end_of_tuesday_after_the_weekend(
    supporter_profile: Supporter, administrator: User
) -> None:
    thursday = datetime(2026, 3, 12, 15, 30, tzinfo=VANCOUVER)

    assignment = reload(_assign_at(thursday, supporter_profile, administrator))

    assert assignment.assigned_at == thursday
    assert assignment.contact_due_at == datetime.combine(
        date(2026, 3, 17), time.max, tzinfo=VANCOUVER
    )
    assert assignment.remind_at == datetime(2026, 3, 17, 9, 0, tzinfo=VANCOUVER)
    assert "Tuesday 17 March 2026" in emails("requester_matched")[0].body_text


def test_assigned_the_friday_before_family_day_skips_the_holiday(
    supporter_profile: Supporter, administrator: User
) -> None:
    # Family Day in BC: Monday 16 February 2026. Tue 17, Wed 18, Thu 19.
    friday = datetime(2026, 2, 13, 16, 0, tzinfo=VANCOUVER)

    assignment = reload(_assign_at(friday, supporter_profile, administrator))

    assert assignment.contact_due_at == datetime.combine(
        date(2026, 2, 19), time.max, tzinfo=VANCOUVER
    )
    assert assignment.remind_at == datetime(2026, 2, 19, 9, 0, tzinfo=VANCOUVER)
    assert "Thursday 19 February 2026" in emails("requester_matched")[0].body_text


def test_a_program_closure_day_is_skipped_like_a_holiday(
    supporter_profile: Supporter, administrator: User
) -> None:
    ClosureDay.objects.create(date=date(2026, 3, 13), label="Program retreat")

    assignment = reload(_assign_at(TUESDAY, supporter_profile, administrator))

    # Wed 11, Thu 12, (Fri 13 closed, weekend), Mon 16.
    assert assignment.contact_due_at == datetime.combine(
        date(2026, 3, 16), time.max, tzinfo=VANCOUVER
    )
    assert assignment.remind_at == datetime(2026, 3, 16, 9, 0, tzinfo=VANCOUVER)


def test_the_reminder_is_at_nine_local_time_after_the_clocks_change(
    supporter_profile: Supporter, administrator: User
) -> None:
    # Assigned in standard time (Friday 6 March), due in daylight time (Wednesday 11).
    friday = datetime(2026, 3, 6, 11, 0, tzinfo=VANCOUVER)

    assignment = reload(_assign_at(friday, supporter_profile, administrator))

    assert assignment.remind_at == datetime(2026, 3, 11, 9, 0, tzinfo=VANCOUVER)
    assert assignment.remind_at == datetime(2026, 3, 11, 16, 0, tzinfo=UTC)
    assert assignment.contact_due_at == datetime.combine(
        date(2026, 3, 11), time.max, tzinfo=VANCOUVER
    )


# --- reassign --------------------------------------------------------------------------


def test_reassigning_ends_the_old_row_and_starts_a_new_one(
    assignment: Assignment,
    supporter: User,
    other_supporter_profile: Supporter,
    administrator: User,
) -> None:
    note(assignment)
    second_admin = UserFactory.create(role=ADMINISTRATORS)

    new = reassign(
        request=assignment.request,
        supporter=other_supporter_profile,
        assigned_by=second_admin,
        now=WEDNESDAY,
    )

    old = reload(assignment)
    assert old.supporter.user == supporter  # never edited to another supporter
    assert (old.ended_at, old.end_reason, old.ended_by) == (
        WEDNESDAY,
        EndReason.REASSIGNED,
        second_admin,
    )
    assert old.hand_back_reason == ""
    new = reload(new)
    assert new.pk != old.pk and new.public_id != old.public_id
    assert (new.supporter, new.assigned_by, new.assigned_at) == (
        other_supporter_profile,
        second_admin,
        WEDNESDAY,
    )
    assert new.ended_at is None
    # Wednesday → Thu, Fri, Mon.
    assert new.contact_due_at == datetime.combine(date(2026, 3, 16), time.max, tzinfo=VANCOUVER)
    assert Assignment.objects.filter(request=assignment.request).count() == 2
    request = refresh(assignment.request)
    assert request.status == Status.MATCHED
    assert request.first_matched_at == TUESDAY  # the first time, kept
    assert not ScratchNote.objects.exists()


def test_reassigning_tells_the_old_supporter_the_new_one_and_the_requester(
    assignment: Assignment, other_supporter_profile: Supporter, administrator: User
) -> None:
    reassign(
        request=assignment.request,
        supporter=other_supporter_profile,
        assigned_by=administrator,
        now=WEDNESDAY,
    )

    [moved] = emails("contact_moved")
    assert moved.to_address == "sam@example.org"
    assert [email.to_address for email in emails("new_contact")] == [
        "sam@example.org",
        "sky@example.org",
    ]
    to_requester = emails("requester_matched")
    assert len(to_requester) == 2
    assert "Monday 16 March 2026" in to_requester[1].body_text


def test_reassigning_a_request_in_contact_makes_it_matched_and_keeps_first_contact(
    assignment: Assignment, other_supporter_profile: Supporter, administrator: User
) -> None:
    contact(assignment)

    new = reassign(
        request=assignment.request,
        supporter=other_supporter_profile,
        assigned_by=administrator,
        now=WEDNESDAY,
    )

    request = refresh(assignment.request)
    assert request.status == Status.MATCHED
    assert request.first_contact_at == TUESDAY + timedelta(hours=1)
    assert reload(new).first_contact_at is None
    # The new supporter reaching the person later does not move the first time.
    contact(new, at=WEDNESDAY + timedelta(hours=3))
    request = refresh(assignment.request)
    assert request.status == Status.IN_CONTACT
    assert request.first_contact_at == TUESDAY + timedelta(hours=1)


@pytest.mark.parametrize(
    "arrange",
    [_closed_request, _withdrawn_request, _unconfirmed_referral],
    ids=["closed", "withdrawn", "awaiting_confirmation"],
)
def test_only_a_matched_or_in_contact_request_can_be_reassigned(
    arrange: Callable[[Supporter, User], SupportRequest],
    supporter_profile: Supporter,
    other_supporter_profile: Supporter,
    administrator: User,
) -> None:
    request = arrange(supporter_profile, administrator)
    before = snapshot(request)

    with pytest.raises(MatchingRefused, match="cannot be reassigned"):
        reassign(
            request=request,
            supporter=other_supporter_profile,
            assigned_by=administrator,
            now=WEDNESDAY,
        )

    assert snapshot(request) == before


def test_a_waiting_request_cannot_be_reassigned(
    waiting_request: SupportRequest, supporter_profile: Supporter, administrator: User
) -> None:
    before = snapshot(waiting_request)

    with pytest.raises(MatchingRefused) as refusal:
        reassign(
            request=waiting_request,
            supporter=supporter_profile,
            assigned_by=administrator,
            now=WEDNESDAY,
        )

    assert refusal.value.message == (
        f"{waiting_request.case_code} cannot be reassigned: it is “Waiting to be matched”. "
        "Nothing was changed."
    )
    assert snapshot(waiting_request) == before


def test_reassigning_to_the_same_supporter_is_refused(
    assignment: Assignment, supporter_profile: Supporter, administrator: User
) -> None:
    note(assignment)
    before = snapshot(assignment.request)

    with pytest.raises(MatchingRefused) as refusal:
        reassign(
            request=assignment.request,
            supporter=supporter_profile,
            assigned_by=administrator,
            now=WEDNESDAY,
        )

    assert refusal.value.message == "Dr. Sam Lee already has this contact."
    assert snapshot(assignment.request) == before


@pytest.mark.parametrize(
    "changes",
    [{"accepts_new": False}, {"away_until": date(2026, 3, 12)}, {"capacity": 1}],
    ids=["not-accepting", "away", "at-capacity"],
)
def test_reassigning_to_an_unavailable_supporter_is_refused_and_the_old_row_stays(
    changes: dict[str, Any], assignment: Assignment, administrator: User
) -> None:
    target = SupporterFactory.create(display_name="Dr. Full", **changes)
    if changes.get("capacity"):
        assign_supporter(
            request=SupportRequestFactory.create(submitted_at=TUESDAY),
            supporter=target,
            assigned_by=administrator,
            now=TUESDAY,
        )
    note(assignment)
    before = snapshot(assignment.request)

    with pytest.raises(MatchingRefused, match=re.escape("Dr. Full cannot take a new request")):
        reassign(
            request=assignment.request, supporter=target, assigned_by=administrator, now=WEDNESDAY
        )

    assert snapshot(assignment.request) == before
    assert reload(assignment).ended_at is None


def test_reassigning_to_an_avoided_supporter_is_refused(
    supporter_profile: Supporter, other_supporter_profile: Supporter, administrator: User
) -> None:
    request = SupportRequestFactory.create(submitted_at=TUESDAY, avoid=[other_supporter_profile])
    assign_supporter(
        request=request, supporter=supporter_profile, assigned_by=administrator, now=TUESDAY
    )
    before = snapshot(request)

    with pytest.raises(
        MatchingRefused, match=re.escape("asked not to be matched with Dr. Sky Park")
    ):
        reassign(
            request=request,
            supporter=other_supporter_profile,
            assigned_by=administrator,
            now=WEDNESDAY,
        )

    assert snapshot(request) == before


# --- withdraw_request -------------------------------------------------------------------


def test_withdrawing_a_waiting_request_records_the_reason_and_emails_nobody(
    waiting_request: SupportRequest, administrator: User
) -> None:
    withdraw_request(
        request=waiting_request, reason="duplicate", withdrawn_by=administrator, now=LATER
    )

    request = refresh(waiting_request)
    assert (request.status, request.withdrawal_reason, request.withdrawn_at) == (
        Status.WITHDRAWN,
        "duplicate",
        LATER,
    )
    assert request.first_matched_at is None
    assert not OutgoingEmail.objects.exists()


def test_withdrawing_a_matched_request_ends_its_assignment_and_tells_the_supporter(
    assignment: Assignment, administrator: User
) -> None:
    note(assignment)
    already = OutgoingEmail.objects.count()

    withdraw_request(
        request=assignment.request,
        reason="requester_asked",
        withdrawn_by=administrator,
        now=WEDNESDAY,
    )

    request = refresh(assignment.request)
    assert (request.status, request.withdrawal_reason, request.withdrawn_at) == (
        Status.WITHDRAWN,
        "requester_asked",
        WEDNESDAY,
    )
    assert request.first_matched_at == TUESDAY
    ended = reload(assignment)
    assert (ended.ended_at, ended.end_reason, ended.ended_by) == (
        WEDNESDAY,
        EndReason.WITHDRAWN,
        administrator,
    )
    assert not ScratchNote.objects.exists()
    [moved] = emails("contact_moved")
    assert moved.to_address == "sam@example.org"
    assert OutgoingEmail.objects.count() == already + 1


@pytest.mark.parametrize(
    ("arrange", "status"),
    [
        (_in_contact_request, "In contact"),
        (_closed_request, "Closed"),
        (_withdrawn_request, "Withdrawn"),
        (_unconfirmed_referral, "Awaiting the colleague's confirmation"),
    ],
    ids=["in_contact", "closed", "withdrawn", "awaiting_confirmation"],
)
def test_only_a_waiting_or_matched_request_can_be_withdrawn(
    arrange: Callable[[Supporter, User], SupportRequest],
    status: str,
    supporter_profile: Supporter,
    administrator: User,
) -> None:
    request = arrange(supporter_profile, administrator)
    before = snapshot(request)

    with pytest.raises(MatchingRefused) as refusal:
        withdraw_request(request=request, reason="other", withdrawn_by=administrator, now=WEDNESDAY)

    assert refusal.value.message == (
        f"{request.case_code} cannot be withdrawn: it is “{status}”. Nothing was changed."
    )
    assert snapshot(request) == before


@pytest.mark.parametrize("reason", ["", "bored", "DUPLICATE"])
def test_withdrawing_without_a_listed_reason_is_refused(
    reason: str, waiting_request: SupportRequest, administrator: User
) -> None:
    before = snapshot(waiting_request)

    with pytest.raises(
        MatchingRefused, match=re.escape("Choose a reason for withdrawing the request.")
    ):
        withdraw_request(
            request=waiting_request, reason=reason, withdrawn_by=administrator, now=LATER
        )

    assert snapshot(waiting_request) == before


# --- record_first_contact ---------------------------------------------------------------


def test_recording_first_contact_puts_the_request_in_contact(assignment: Assignment) -> None:
    reached = TUESDAY + timedelta(minutes=90)

    record_first_contact(assignment=assignment, contacted_at=reached, means="video", now=LATER)

    row = reload(assignment)
    assert (row.first_contact_at, row.first_contact_means) == (reached, "video")
    assert row.ended_at is None
    request = refresh(assignment.request)
    assert (request.status, request.first_contact_at) == (Status.IN_CONTACT, reached)


def test_first_contact_may_be_exactly_at_assignment_or_exactly_now(
    supporter_profile: Supporter, administrator: User
) -> None:
    first, second = (SupportRequestFactory.create(submitted_at=TUESDAY) for _ in range(2))
    at_start = assign_supporter(
        request=first, supporter=supporter_profile, assigned_by=administrator, now=TUESDAY
    )
    at_now = assign_supporter(
        request=second, supporter=supporter_profile, assigned_by=administrator, now=TUESDAY
    )

    record_first_contact(assignment=at_start, contacted_at=TUESDAY, means="phone", now=LATER)
    record_first_contact(assignment=at_now, contacted_at=LATER, means="email", now=LATER)

    assert refresh(first).first_contact_at == TUESDAY
    assert refresh(second).first_contact_at == LATER


@pytest.mark.parametrize(
    ("contacted_at", "means", "message"),
    [
        (
            TUESDAY - timedelta(seconds=1),
            "phone",
            "First contact cannot be before the contact was assigned to you.",
        ),
        (LATER + timedelta(seconds=1), "phone", "First contact cannot be in the future."),
        (TUESDAY + timedelta(hours=1), "carrier pigeon", "Choose how you reached the person."),
    ],
    ids=["before-assignment", "in-the-future", "unknown-means"],
)
def test_an_impossible_first_contact_is_refused(
    contacted_at: datetime, means: str, message: str, assignment: Assignment
) -> None:
    before = snapshot(assignment.request)

    with pytest.raises(MatchingRefused) as refusal:
        record_first_contact(
            assignment=assignment, contacted_at=contacted_at, means=means, now=LATER
        )

    assert refusal.value.message == message
    assert snapshot(assignment.request) == before


def test_first_contact_cannot_be_recorded_twice(assignment: Assignment) -> None:
    contact(assignment)
    before = snapshot(assignment.request)

    with pytest.raises(MatchingRefused, match="First contact is already recorded"):
        record_first_contact(
            assignment=assignment, contacted_at=LATER, means="phone", now=WEDNESDAY
        )

    assert snapshot(assignment.request) == before


# --- hand_back --------------------------------------------------------------------------


def test_handing_back_returns_the_request_to_the_queue(
    assignment: Assignment, supporter: User
) -> None:
    note(assignment)
    SupportRequest.objects.filter(pk=assignment.request_id).update(unmatched_reminded_at=TUESDAY)

    hand_back(assignment=assignment, reason="conflict", handed_back_by=supporter, now=WEDNESDAY)

    request = refresh(assignment.request)
    assert request.status == Status.WAITING
    assert request.waiting_since == WEDNESDAY  # reset: a new stay in the queue
    assert request.unmatched_reminded_at is None
    assert request.first_matched_at == TUESDAY  # kept
    assert request.submitted_at == TUESDAY
    ended = reload(assignment)
    assert (ended.ended_at, ended.end_reason, ended.hand_back_reason, ended.ended_by) == (
        WEDNESDAY,
        EndReason.HANDED_BACK,
        "conflict",
        supporter,
    )
    assert ended.supporter.user == supporter
    assert not ScratchNote.objects.exists()


def test_handing_back_tells_every_active_administrator_and_not_the_requester(
    assignment: Assignment, supporter: User, administrator: User
) -> None:
    french = UserFactory.create(email="fran@example.org", role=ADMINISTRATORS, language="fr")
    UserFactory.create(email="gone@example.org", role=ADMINISTRATORS, is_active=False)
    requester_emails = len(emails("requester_matched"))

    hand_back(assignment=assignment, reason="other", handed_back_by=supporter, now=WEDNESDAY)

    handed = emails("handed_back")
    assert [(email.to_address, email.language) for email in handed] == [
        (administrator.email, "en"),
        (french.email, "fr"),
    ]
    assert all(assignment.request.case_code in email.body_text for email in handed)
    assert len(emails("requester_matched")) == requester_emails


def test_a_handed_back_request_matched_again_keeps_its_first_matched_time(
    assignment: Assignment,
    supporter: User,
    other_supporter_profile: Supporter,
    administrator: User,
) -> None:
    hand_back(assignment=assignment, reason="no_capacity", handed_back_by=supporter, now=LATER)

    again = assign_supporter(
        request=assignment.request,
        supporter=other_supporter_profile,
        assigned_by=administrator,
        now=WEDNESDAY,
    )

    request = refresh(assignment.request)
    assert request.status == Status.MATCHED
    assert request.first_matched_at == TUESDAY
    assert request.waiting_since == LATER
    assert reload(again).assigned_at == WEDNESDAY
    assert reload(assignment).end_reason == EndReason.HANDED_BACK


@pytest.mark.parametrize("reason", ["", "tired", "reassigned"])
def test_handing_back_needs_a_listed_reason(
    reason: str, assignment: Assignment, supporter: User
) -> None:
    before = snapshot(assignment.request)

    with pytest.raises(
        MatchingRefused, match=re.escape("Choose why you are handing the contact back.")
    ):
        hand_back(assignment=assignment, reason=reason, handed_back_by=supporter, now=LATER)

    assert snapshot(assignment.request) == before


# --- close_request ----------------------------------------------------------------------


def test_closing_a_contact_records_its_outcome_and_ends_the_assignment(
    assignment: Assignment, supporter: User
) -> None:
    contact(assignment)
    note(assignment)

    close_request(assignment=assignment, outcome="completed", closed_by=supporter, now=WEDNESDAY)

    request = refresh(assignment.request)
    assert (request.status, request.outcome, request.referred_to, request.closed_at) == (
        Status.CLOSED,
        "completed",
        "",
        WEDNESDAY,
    )
    assert request.first_matched_at == TUESDAY
    assert request.first_contact_at == TUESDAY + timedelta(hours=1)
    ended = reload(assignment)
    assert (ended.ended_at, ended.end_reason, ended.ended_by) == (
        WEDNESDAY,
        EndReason.CLOSED,
        supporter,
    )
    assert not ScratchNote.objects.exists()


def test_referred_on_records_the_kind_of_resource(assignment: Assignment, supporter: User) -> None:
    contact(assignment)

    close_request(
        assignment=assignment,
        outcome="referred_on",
        referred_to="physician_health",
        closed_by=supporter,
        now=WEDNESDAY,
    )

    request = refresh(assignment.request)
    assert (request.outcome, request.referred_to) == ("referred_on", "physician_health")


def test_a_resource_given_with_another_outcome_is_not_kept(
    assignment: Assignment, supporter: User
) -> None:
    contact(assignment)

    close_request(
        assignment=assignment,
        outcome="completed",
        referred_to="eap",
        closed_by=supporter,
        now=WEDNESDAY,
    )

    assert refresh(assignment.request).referred_to == ""


@pytest.mark.parametrize("referred_to", ["", "a named psychiatrist"])
def test_referred_on_without_a_listed_resource_is_refused(
    referred_to: str, assignment: Assignment, supporter: User
) -> None:
    contact(assignment)
    before = snapshot(assignment.request)

    with pytest.raises(MatchingRefused, match="Choose the kind of resource"):
        close_request(
            assignment=assignment,
            outcome="referred_on",
            referred_to=referred_to,
            closed_by=supporter,
            now=WEDNESDAY,
        )

    assert snapshot(assignment.request) == before


@pytest.mark.parametrize(("outcome", "referred_to"), [("completed", ""), ("referred_on", "eap")])
def test_a_person_not_reached_yet_cannot_close_as_completed_or_referred_on(
    outcome: str, referred_to: str, assignment: Assignment, supporter: User
) -> None:
    note(assignment)
    before = snapshot(assignment.request)

    with pytest.raises(MatchingRefused) as refusal:
        close_request(
            assignment=assignment,
            outcome=outcome,
            referred_to=referred_to,
            closed_by=supporter,
            now=WEDNESDAY,
        )

    assert refusal.value.message.startswith("Record first contact before closing")
    assert snapshot(assignment.request) == before


@pytest.mark.parametrize("outcome", ["unreachable", "declined"])
def test_a_person_not_reached_yet_may_close_as_unreachable_or_declined(
    outcome: str, assignment: Assignment, supporter: User
) -> None:
    close_request(assignment=assignment, outcome=outcome, closed_by=supporter, now=WEDNESDAY)

    request = refresh(assignment.request)
    assert (request.status, request.outcome, request.closed_at) == (
        Status.CLOSED,
        outcome,
        WEDNESDAY,
    )
    assert request.first_contact_at is None


def test_an_unknown_outcome_is_refused(assignment: Assignment, supporter: User) -> None:
    contact(assignment)
    before = snapshot(assignment.request)

    with pytest.raises(MatchingRefused, match=re.escape("Choose an outcome.")):
        close_request(assignment=assignment, outcome="cured", closed_by=supporter, now=WEDNESDAY)

    assert snapshot(assignment.request) == before


# --- Services on an assignment that has ended ------------------------------------------


def _end_by_reassigning(assignment: Assignment, other: Supporter, admin: User) -> None:
    reassign(request=assignment.request, supporter=other, assigned_by=admin, now=LATER)


def _end_by_handing_back(assignment: Assignment, other: Supporter, admin: User) -> None:
    hand_back(
        assignment=assignment,
        reason="other",
        handed_back_by=assignment.supporter.user,
        now=LATER,
    )


def _end_by_closing(assignment: Assignment, other: Supporter, admin: User) -> None:
    close_request(
        assignment=assignment, outcome="declined", closed_by=assignment.supporter.user, now=LATER
    )


def _end_by_withdrawing(assignment: Assignment, other: Supporter, admin: User) -> None:
    withdraw_request(request=assignment.request, reason="other", withdrawn_by=admin, now=LATER)


AFTER = WEDNESDAY

ON_AN_ASSIGNMENT: dict[str, Callable[[Assignment], object]] = {
    "record_first_contact": lambda a: record_first_contact(
        assignment=a, contacted_at=AFTER, means="phone", now=AFTER
    ),
    "hand_back": lambda a: hand_back(
        assignment=a, reason="other", handed_back_by=a.supporter.user, now=AFTER
    ),
    "close_request": lambda a: close_request(
        assignment=a, outcome="declined", closed_by=a.supporter.user, now=AFTER
    ),
    "log_conversation": lambda a: log_conversation(
        assignment=a,
        held_on=date(2026, 3, 11),
        minutes=30,
        modality="phone",
        is_follow_up_planned=False,
        now=AFTER,
    ),
    "save_note": lambda a: save_note(assignment=a, text="Late note.", now=AFTER),
    "destroy_note": lambda a: destroy_note(assignment=a),
    "flag_safety_concern": lambda a: flag_safety_concern(
        assignment=a, raised_by=a.supporter.user, now=AFTER
    ),
}


@pytest.mark.parametrize("service", list(ON_AN_ASSIGNMENT))
@pytest.mark.parametrize(
    "end",
    [_end_by_reassigning, _end_by_handing_back, _end_by_closing, _end_by_withdrawing],
    ids=["reassigned", "handed_back", "closed", "withdrawn"],
)
def test_no_service_acts_on_an_assignment_that_has_ended(
    service: str,
    end: Callable[[Assignment, Supporter, User], None],
    assignment: Assignment,
    other_supporter_profile: Supporter,
    administrator: User,
) -> None:
    end(assignment, other_supporter_profile, administrator)
    stale = reload(assignment)
    before = snapshot(assignment.request)

    with pytest.raises(MatchingRefused) as refusal:
        ON_AN_ASSIGNMENT[service](stale)

    assert refusal.value.message == (
        "This contact is no longer assigned to this supporter; nothing was changed."
    )
    assert snapshot(assignment.request) == before


# --- Conversations, the scratch note, safety concerns and debriefs ---------------------


def test_a_conversation_is_logged_once_per_form_and_only_on_a_possible_date(
    assignment: Assignment,
) -> None:
    key = uuid.uuid4()

    def log(held_on: date, submission_key: uuid.UUID | None = None) -> tuple[Conversation, bool]:
        return log_conversation(
            assignment=assignment,
            held_on=held_on,
            minutes=30,
            modality="video",
            is_follow_up_planned=True,
            submission_key=submission_key,
            now=WEDNESDAY,
        )

    first, created = log(date(2026, 3, 11), key)
    again, created_again = log(date(2026, 3, 11), key)

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    row = Conversation.objects.get()
    assert (row.held_on, row.minutes, row.modality, row.is_follow_up_planned) == (
        date(2026, 3, 11),
        30,
        "video",
        True,
    )
    assert row.logged_at == WEDNESDAY
    with pytest.raises(MatchingRefused, match="future date"):
        log(date(2026, 3, 12))
    with pytest.raises(MatchingRefused, match="before the contact was assigned"):
        log(date(2026, 3, 9))
    assert Conversation.objects.count() == 1


def test_editing_the_scratch_note_does_not_move_its_destruction_time(
    assignment: Assignment,
) -> None:
    first = save_note(assignment=assignment, text="First thoughts.", now=TUESDAY)
    edited = save_note(assignment=assignment, text="Second thoughts.", now=LATER)

    row = ScratchNote.objects.get()
    assert edited.pk == first.pk == row.pk
    assert (read_note(row), row.first_written_at, row.updated_at) == (
        "Second thoughts.",
        TUESDAY,
        LATER,
    )


def test_a_note_past_its_lifetime_but_not_yet_swept_starts_a_new_life_when_written(
    settings: Any, assignment: Assignment
) -> None:
    save_note(assignment=assignment, text="Old.", now=TUESDAY)
    after = TUESDAY + timedelta(hours=settings.NOTE_TTL_HOURS)

    save_note(assignment=assignment, text="New.", now=after)

    row = ScratchNote.objects.get()
    assert (read_note(row), row.first_written_at) == ("New.", after)


def test_destroying_the_note_deletes_it_at_once(assignment: Assignment) -> None:
    note(assignment)

    assert destroy_note(assignment=assignment) is True
    assert not ScratchNote.objects.exists()
    assert destroy_note(assignment=assignment) is False


def test_a_safety_concern_tells_the_administrators_once_while_open(
    assignment: Assignment, supporter: User, administrator: User
) -> None:
    concern, created = flag_safety_concern(assignment=assignment, raised_by=supporter, now=LATER)
    again, created_again = flag_safety_concern(
        assignment=assignment, raised_by=supporter, now=WEDNESDAY
    )

    assert (created, created_again) == (True, False)
    assert again.pk == concern.pk
    [alert] = emails("safety_concern")
    assert alert.to_address == administrator.email
    assert assignment.request.case_code in alert.subject + alert.body_text
    assert mark_safety_concern_handled(concern=concern, handled_by=administrator, now=WEDNESDAY)
    assert not mark_safety_concern_handled(concern=concern, handled_by=administrator)
    handled = SafetyConcern.objects.get()
    assert (handled.handled_at, handled.handled_by) == (WEDNESDAY, administrator)
    _new, created_after = flag_safety_concern(
        assignment=assignment, raised_by=supporter, now=WEDNESDAY + timedelta(hours=1)
    )
    assert created_after
    assert len(emails("safety_concern")) == 2


def test_a_debrief_request_tells_the_administrators_once_while_open(
    supporter_profile: Supporter, administrator: User
) -> None:
    debrief, created = ask_for_debrief(supporter=supporter_profile, now=LATER)
    _again, created_again = ask_for_debrief(supporter=supporter_profile, now=WEDNESDAY)

    assert (created, created_again) == (True, False)
    assert [email.to_address for email in emails("debrief_requested")] == [administrator.email]
    assert mark_debrief_handled(debrief=debrief, handled_by=administrator, now=WEDNESDAY)
    assert DebriefRequest.objects.get().handled_by == administrator
    ask_for_debrief(supporter=supporter_profile, now=WEDNESDAY + timedelta(hours=1))
    assert len(emails("debrief_requested")) == 2


# --- No staff email holds an identifier or a reason ------------------------------------


def test_no_staff_email_holds_the_requesters_name_address_phone_times_or_reasons(
    supporter: User, other_supporter: User, administrator: User
) -> None:
    request = SupportRequestFactory.create(
        name="Zebulon Quartermaine",
        email="zebulon.quartermaine@example.net",
        phone="+1 604 555 0199",
        best_times="Thursdays after the kids sleep",
        reasons=["adverse_event", "complaint", "discrimination"],
        submitted_at=TUESDAY,
    )
    sam = Supporter.objects.get(user=supporter)
    sky = Supporter.objects.get(user=other_supporter)
    first = assign_supporter(request=request, supporter=sam, assigned_by=administrator, now=TUESDAY)
    second = reassign(request=request, supporter=sky, assigned_by=administrator, now=LATER)
    flag_safety_concern(assignment=second, raised_by=other_supporter, now=LATER)
    ask_for_debrief(supporter=sky, now=LATER)
    send_due_reminders(now=datetime(2026, 3, 13, 9, 0, tzinfo=VANCOUVER))
    escalate_overdue(now=datetime(2026, 3, 14, 9, 0, tzinfo=VANCOUVER))
    hand_back(
        assignment=second,
        reason="conflict",
        handed_back_by=other_supporter,
        open_concern_confirmed=True,
        now=datetime(2026, 3, 16, 9, 0, tzinfo=VANCOUVER),
    )
    remind_unmatched(now=datetime(2026, 3, 19, 9, 0, tzinfo=VANCOUVER))
    assert reload(first).end_reason == EndReason.REASSIGNED

    staff = list(OutgoingEmail.objects.filter(kind__in=STAFF_KINDS))
    assert {email.kind for email in staff} == STAFF_KINDS
    forbidden = [
        "Zebulon",
        "Quartermaine",
        "zebulon.quartermaine@example.net",
        "example.net",
        "604 555 0199",
        "6045550199",
        "555 0199",
        "Thursdays after the kids sleep",
        "kids sleep",
        "adverse",
        "An adverse clinical event",
        "A patient or college complaint",
        "complaint",
        "Discrimination",
        "alienated",
        "Conflict of interest",
    ]
    for email in staff:
        text = f"{email.subject}\n{email.body_text}\n{email.body_html}".lower()
        for value in forbidden:
            assert value.lower() not in text, (email.kind, value)
    # The case code is how staff find the request.
    for email in staff:
        if email.kind in {"handed_back", "contact_overdue", "still_unmatched", "safety_concern"}:
            assert request.case_code in email.subject + email.body_text


# --- The database's own checks, with no service in the way ------------------------------


def test_the_database_refuses_a_closed_request_without_an_outcome(
    waiting_request: SupportRequest,
) -> None:
    rows = SupportRequest.objects.filter(pk=waiting_request.pk)
    with pytest.raises(IntegrityError, match="request_closed_has_outcome"), transaction.atomic():
        rows.update(status=Status.CLOSED, closed_at=LATER)
    with pytest.raises(IntegrityError, match="request_closed_has_closed_at"), transaction.atomic():
        rows.update(status=Status.CLOSED, outcome="declined")
    rows.update(status=Status.CLOSED, closed_at=LATER, outcome="declined")
    assert refresh(waiting_request).status == Status.CLOSED


def test_the_database_refuses_referred_on_without_a_resource(
    waiting_request: SupportRequest,
) -> None:
    rows = SupportRequest.objects.filter(pk=waiting_request.pk)
    with (
        pytest.raises(IntegrityError, match="request_referred_on_has_resource"),
        transaction.atomic(),
    ):
        rows.update(status=Status.CLOSED, closed_at=LATER, outcome="referred_on")


def test_the_database_refuses_a_withdrawn_request_without_a_reason(
    waiting_request: SupportRequest,
) -> None:
    rows = SupportRequest.objects.filter(pk=waiting_request.pk)
    with pytest.raises(IntegrityError, match="request_withdrawn_has_reason"), transaction.atomic():
        rows.update(status=Status.WITHDRAWN, withdrawn_at=LATER)
    with (
        pytest.raises(IntegrityError, match="request_withdrawn_has_withdrawn_at"),
        transaction.atomic(),
    ):
        rows.update(status=Status.WITHDRAWN, withdrawal_reason="spam")
    rows.update(status=Status.WITHDRAWN, withdrawn_at=LATER, withdrawal_reason="spam")
    assert refresh(waiting_request).status == Status.WITHDRAWN


def test_the_database_refuses_a_second_active_assignment_for_one_request(
    assignment: Assignment, other_supporter_profile: Supporter, administrator: User
) -> None:
    second = {
        "request": assignment.request,
        "supporter": other_supporter_profile,
        "assigned_by": administrator,
        "assigned_at": LATER,
        "contact_due_at": DUE_FRIDAY,
        "remind_at": DUE_FRIDAY.replace(hour=9, minute=0, second=0, microsecond=0),
    }
    with (
        pytest.raises(IntegrityError, match="assignment_one_active_per_request"),
        transaction.atomic(),
    ):
        Assignment.objects.create(**second)
    assert Assignment.objects.filter(request=assignment.request).count() == 1
    # An ended row beside the active one is what a reassignment leaves: allowed.
    Assignment.objects.create(**second, ended_at=WEDNESDAY, end_reason=EndReason.REASSIGNED)
    assert Assignment.objects.filter(request=assignment.request).count() == 2


def test_the_database_refuses_an_assignment_ended_without_its_reasons(
    assignment: Assignment,
) -> None:
    rows = Assignment.objects.filter(pk=assignment.pk)
    with pytest.raises(IntegrityError, match="assignment_ended_has_reason"), transaction.atomic():
        rows.update(ended_at=LATER)
    with (
        pytest.raises(IntegrityError, match="assignment_hand_back_has_reason"),
        transaction.atomic(),
    ):
        rows.update(ended_at=LATER, end_reason=EndReason.HANDED_BACK)
    with (
        pytest.raises(IntegrityError, match="assignment_first_contact_after_assignment"),
        transaction.atomic(),
    ):
        rows.update(first_contact_at=TUESDAY - timedelta(minutes=1), first_contact_means="phone")
    assert reload(assignment).ended_at is None
