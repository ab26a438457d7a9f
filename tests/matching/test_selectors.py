"""Matching's selectors: the queue's order and annotations, a supporter's contacts, the one
rule for who may see a contact, and "recently closed"."""

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from intake.models import SupportRequest
from matching.models import Assignment
from matching.selectors import (
    active_assignment,
    assignment_history,
    candidates,
    contact_for,
    contacts_of,
    matching_queue,
    may_see_contact,
    open_safety_concerns,
    recently_closed_of,
)
from matching.services import (
    assign_supporter,
    close_request,
    flag_safety_concern,
    hand_back,
    mark_safety_concern_handled,
    reassign,
    record_first_contact,
    save_note,
    withdraw_request,
)
from programs.models import Region
from supporters.models import Supporter
from tests.factories import SupporterFactory, SupportRequestFactory
from tests.matching.conftest import TUESDAY, VANCOUVER

pytestmark = pytest.mark.django_db

FRIDAY_BEFORE = datetime(2026, 3, 6, 10, 0, tzinfo=VANCOUVER)
MONDAY = datetime(2026, 3, 9, 10, 0, tzinfo=VANCOUVER)
WEDNESDAY = datetime(2026, 3, 11, 10, 0, tzinfo=VANCOUVER)


def assign(request: SupportRequest, supporter: Supporter, admin: User, now: datetime) -> Assignment:
    return assign_supporter(request=request, supporter=supporter, assigned_by=admin, now=now)


def annotated(queryset: QuerySet[Any]) -> list[Any]:
    """Evaluate a selector's rows, typed loosely: the model does not declare annotations."""
    return list(queryset)


def reach(assignment: Assignment, at: datetime) -> None:
    record_first_contact(
        assignment=assignment, contacted_at=at, means="phone", now=at + timedelta(minutes=1)
    )


# --- matching_queue ----------------------------------------------------------------------


def test_the_queue_is_waiting_oldest_first_then_matched_then_in_contact_by_deadline(
    administrator: User, supporter_profile: Supporter, other_supporter_profile: Supporter
) -> None:
    waiting_newer = SupportRequestFactory.create(submitted_at=TUESDAY)
    waiting_older = SupportRequestFactory.create(submitted_at=MONDAY)
    # Waiting longer but matched later: its deadline (Mon 16) is after the other's (Fri 13).
    matched_later = SupportRequestFactory.create(submitted_at=FRIDAY_BEFORE)
    assign(matched_later, supporter_profile, administrator, WEDNESDAY)
    matched_sooner = SupportRequestFactory.create(submitted_at=MONDAY)
    assign(matched_sooner, other_supporter_profile, administrator, TUESDAY)
    contacted_later = SupportRequestFactory.create(submitted_at=FRIDAY_BEFORE - timedelta(days=1))
    reach(assign(contacted_later, supporter_profile, administrator, WEDNESDAY), WEDNESDAY)
    contacted_sooner = SupportRequestFactory.create(submitted_at=FRIDAY_BEFORE)
    reach(assign(contacted_sooner, supporter_profile, administrator, MONDAY), MONDAY)

    codes = [row.case_code for row in matching_queue()]

    assert codes == [
        waiting_older.case_code,
        waiting_newer.case_code,
        matched_sooner.case_code,
        matched_later.case_code,
        contacted_sooner.case_code,
        contacted_later.case_code,
    ]


def test_a_handed_back_request_queues_by_when_it_came_back(
    administrator: User, supporter_profile: Supporter
) -> None:
    handed = SupportRequestFactory.create(submitted_at=FRIDAY_BEFORE - timedelta(days=7))
    assignment = assign(handed, supporter_profile, administrator, FRIDAY_BEFORE)
    hand_back(
        assignment=assignment, reason="other", handed_back_by=supporter_profile.user, now=TUESDAY
    )
    waiting = SupportRequestFactory.create(submitted_at=MONDAY)

    codes = [row.case_code for row in matching_queue()]

    assert codes == [waiting.case_code, handed.case_code]


def test_the_queue_leaves_out_closed_withdrawn_and_unconfirmed_requests(
    administrator: User, supporter_profile: Supporter
) -> None:
    waiting = SupportRequestFactory.create(submitted_at=TUESDAY)
    closed = SupportRequestFactory.create(submitted_at=TUESDAY)
    close_request(
        assignment=assign(closed, supporter_profile, administrator, TUESDAY),
        outcome="declined",
        closed_by=supporter_profile.user,
        now=WEDNESDAY,
    )
    withdrawn = SupportRequestFactory.create(submitted_at=TUESDAY)
    withdraw_request(request=withdrawn, reason="spam", withdrawn_by=administrator, now=TUESDAY)
    SupportRequestFactory.create(
        source="colleague",
        status="awaiting_confirmation",
        referrer_name="Rita",
        referrer_email="rita@example.org",
        consent_attested_at=TUESDAY,
        submitted_at=TUESDAY,
        confirmed_at=None,
        waiting_since=None,
    )

    assert [row.case_code for row in matching_queue()] == [waiting.case_code]


def test_each_queue_row_carries_its_active_assignment_in_one_query(
    administrator: User,
    supporter_profile: Supporter,
    other_supporter_profile: Supporter,
    django_assert_num_queries: Any,
) -> None:
    waiting = SupportRequestFactory.create(submitted_at=MONDAY)
    moved = SupportRequestFactory.create(submitted_at=MONDAY)
    first = assign(moved, supporter_profile, administrator, MONDAY)
    reach(first, MONDAY)
    reassign(
        request=moved,
        supporter=other_supporter_profile,
        assigned_by=administrator,
        now=WEDNESDAY,
    )
    reached = SupportRequestFactory.create(submitted_at=MONDAY)
    reach(assign(reached, supporter_profile, administrator, TUESDAY), TUESDAY)

    with django_assert_num_queries(1):
        rows = {row.case_code: row for row in annotated(matching_queue())}
        values = {
            code: (row.supporter_name, row.contact_due_at, row.assignment_first_contact_at)
            for code, row in rows.items()
        }

    assert values[waiting.case_code] == (None, None, None)
    # The new supporter and the new deadline, not the ended row's.
    assert values[moved.case_code] == (
        "Dr. Sky Park",
        datetime(2026, 3, 16, 23, 59, 59, 999999, tzinfo=VANCOUVER),
        None,
    )
    assert values[reached.case_code] == (
        "Dr. Sam Lee",
        datetime(2026, 3, 13, 23, 59, 59, 999999, tzinfo=VANCOUVER),
        TUESDAY,
    )


# --- active_assignment and assignment_history --------------------------------------------


def test_the_history_keeps_every_row_newest_first_and_one_is_active(
    administrator: User, supporter_profile: Supporter, other_supporter_profile: Supporter
) -> None:
    request = SupportRequestFactory.create(submitted_at=MONDAY)
    first = assign(request, supporter_profile, administrator, MONDAY)
    second = reassign(
        request=request, supporter=other_supporter_profile, assigned_by=administrator, now=TUESDAY
    )

    history = list(assignment_history(request))
    current = active_assignment(request)

    assert [row.pk for row in history] == [second.pk, first.pk]
    assert [row.supporter.display_name for row in history] == ["Dr. Sky Park", "Dr. Sam Lee"]
    assert current is not None and current.pk == second.pk
    withdraw_request(request=request, reason="other", withdrawn_by=administrator, now=WEDNESDAY)
    assert active_assignment(request) is None


# --- candidates ------------------------------------------------------------------------


def test_candidates_carry_load_last_assignment_and_time_to_contact_in_one_query(
    administrator: User, django_assert_num_queries: Any
) -> None:
    quick = SupporterFactory.create(display_name="Quick")
    SupporterFactory.create(display_name="Fresh")
    one = assign(SupportRequestFactory.create(submitted_at=MONDAY), quick, administrator, MONDAY)
    reach(one, MONDAY + timedelta(hours=2))
    two = assign(SupportRequestFactory.create(submitted_at=MONDAY), quick, administrator, TUESDAY)
    reach(two, TUESDAY + timedelta(hours=4))
    hand_back(assignment=two, reason="other", handed_back_by=quick.user, now=WEDNESDAY)

    with django_assert_num_queries(1):
        rows = {
            row.display_name: (
                row.active_load,
                row.last_assigned_at,
                row.recent_time_to_contact,
                row.availability.is_available,
                row.region,
                row.user.email,
            )
            for row in annotated(candidates(today=date(2026, 3, 11)))
        }

    assert rows["Quick"][:4] == (1, TUESDAY, timedelta(hours=3), True)
    assert rows["Fresh"][:4] == (0, None, None, True)


# --- contacts_of -------------------------------------------------------------------------


def test_a_supporters_contacts_are_their_active_ones_most_urgent_first(
    administrator: User,
    supporter: User,
    supporter_profile: Supporter,
    other_supporter_profile: Supporter,
    django_assert_num_queries: Any,
) -> None:
    region = Region.objects.create(name="Island")
    later = assign(
        SupportRequestFactory.create(submitted_at=MONDAY, region=region),
        supporter_profile,
        administrator,
        WEDNESDAY,
    )
    sooner = assign(
        SupportRequestFactory.create(submitted_at=MONDAY), supporter_profile, administrator, MONDAY
    )
    handed = assign(
        SupportRequestFactory.create(submitted_at=MONDAY), supporter_profile, administrator, TUESDAY
    )
    hand_back(assignment=handed, reason="other", handed_back_by=supporter, now=WEDNESDAY)
    assign(
        SupportRequestFactory.create(submitted_at=MONDAY),
        other_supporter_profile,
        administrator,
        MONDAY,
    )
    save_note(assignment=later, text="Prepare.", now=WEDNESDAY)
    flag_safety_concern(assignment=sooner, raised_by=supporter, now=WEDNESDAY)

    with django_assert_num_queries(1):
        rows = [
            (
                row.pk,
                row.request.case_code,
                row.request.region.name if row.request.region else None,
                row.note_first_written_at,
                row.has_open_safety_concern,
            )
            for row in annotated(contacts_of(supporter_profile))
        ]

    assert [row[0] for row in rows] == [sooner.pk, later.pk]
    assert rows[0][2:] == (None, None, True)
    assert rows[1][2:] == ("Island", WEDNESDAY, False)


def test_a_handled_safety_concern_is_no_longer_open(
    assignment: Assignment, supporter: User, supporter_profile: Supporter, administrator: User
) -> None:
    concern, _created = flag_safety_concern(assignment=assignment, raised_by=supporter, now=TUESDAY)
    assert [row.pk for row in open_safety_concerns()] == [concern.pk]

    mark_safety_concern_handled(concern=concern, handled_by=administrator, now=WEDNESDAY)

    [row] = annotated(contacts_of(supporter_profile))
    assert not row.has_open_safety_concern
    assert list(open_safety_concerns()) == []


# --- may_see_contact and contact_for -------------------------------------------------------


def test_a_supporter_sees_their_own_active_contact(assignment: Assignment, supporter: User) -> None:
    found = contact_for(supporter, assignment.public_id)

    assert found is not None and found.pk == assignment.pk
    assert may_see_contact(supporter, assignment)


def test_another_supporter_does_not_see_it(assignment: Assignment, other_supporter: User) -> None:
    assert contact_for(other_supporter, assignment.public_id) is None
    assert not may_see_contact(other_supporter, assignment)


@pytest.mark.parametrize("persona", ["administrator", "lead", "outsider"])
def test_people_who_are_not_supporters_see_no_contact(
    persona: str, assignment: Assignment, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)

    assert contact_for(user, assignment.public_id) is None
    assert not may_see_contact(user, assignment)


def test_an_anonymous_visitor_sees_no_contact(assignment: Assignment) -> None:
    assert contact_for(AnonymousUser(), assignment.public_id) is None
    assert not may_see_contact(AnonymousUser(), assignment)


def test_a_deactivated_supporter_sees_no_contact(assignment: Assignment, supporter: User) -> None:
    User.objects.filter(pk=supporter.pk).update(is_active=False)
    user = User.objects.get(pk=supporter.pk)

    assert contact_for(user, assignment.public_id) is None
    assert not may_see_contact(user, assignment)


def test_an_unknown_id_is_nobodys_contact(assignment: Assignment, supporter: User) -> None:
    assert contact_for(supporter, uuid.uuid4()) is None


def test_after_a_reassignment_the_old_link_is_nobodys_and_the_new_one_is_the_new_supporters(
    assignment: Assignment,
    supporter: User,
    other_supporter: User,
    other_supporter_profile: Supporter,
    administrator: User,
) -> None:
    new = reassign(
        request=assignment.request,
        supporter=other_supporter_profile,
        assigned_by=administrator,
        now=WEDNESDAY,
    )
    ended = Assignment.objects.select_related("supporter").get(pk=assignment.pk)

    assert contact_for(supporter, assignment.public_id) is None
    assert contact_for(other_supporter, assignment.public_id) is None
    assert not may_see_contact(supporter, ended)
    found = contact_for(other_supporter, new.public_id)
    assert found is not None and found.pk == new.pk
    assert contact_for(supporter, new.public_id) is None


@pytest.mark.parametrize("how", ["closed", "handed_back", "withdrawn"])
def test_an_ended_contact_is_nobodys(
    how: str, assignment: Assignment, supporter: User, administrator: User
) -> None:
    if how == "closed":
        close_request(assignment=assignment, outcome="declined", closed_by=supporter, now=WEDNESDAY)
    elif how == "handed_back":
        hand_back(assignment=assignment, reason="other", handed_back_by=supporter, now=WEDNESDAY)
    else:
        withdraw_request(
            request=assignment.request, reason="other", withdrawn_by=administrator, now=WEDNESDAY
        )
    ended = Assignment.objects.select_related("supporter").get(pk=assignment.pk)

    assert contact_for(supporter, assignment.public_id) is None
    assert not may_see_contact(supporter, ended)


# --- recently_closed_of ------------------------------------------------------------------


def test_recently_closed_holds_the_last_seven_days_of_closures_newest_first(
    administrator: User,
    supporter: User,
    supporter_profile: Supporter,
    other_supporter_profile: Supporter,
    django_assert_num_queries: Any,
) -> None:
    now = datetime(2026, 3, 20, 12, 0, tzinfo=VANCOUVER)

    def closed_at(moment: datetime, supporter: Supporter = supporter_profile) -> SupportRequest:
        request = SupportRequestFactory.create(submitted_at=MONDAY)
        assignment = assign(request, supporter, administrator, MONDAY)
        reach(assignment, MONDAY)
        close_request(
            assignment=assignment,
            outcome="referred_on",
            referred_to="eap",
            closed_by=supporter.user,
            now=moment,
        )
        return request

    edge = closed_at(now - timedelta(days=7))
    newest = closed_at(now - timedelta(hours=1))
    closed_at(now - timedelta(days=7, seconds=1))  # just too old
    closed_at(now - timedelta(hours=2), other_supporter_profile)  # someone else's
    handed = assign(
        SupportRequestFactory.create(submitted_at=MONDAY), supporter_profile, administrator, MONDAY
    )
    hand_back(assignment=handed, reason="other", handed_back_by=supporter, now=now)
    withdrawn = SupportRequestFactory.create(submitted_at=MONDAY)
    assign(withdrawn, supporter_profile, administrator, MONDAY)
    withdraw_request(request=withdrawn, reason="other", withdrawn_by=administrator, now=now)

    with django_assert_num_queries(1):
        rows = [
            (row.request.case_code, row.request.outcome, row.request.referred_to, row.ended_at)
            for row in recently_closed_of(supporter_profile, now=now)
        ]

    assert rows == [
        (newest.case_code, "referred_on", "eap", now - timedelta(hours=1)),
        (edge.case_code, "referred_on", "eap", now - timedelta(days=7)),
    ]
