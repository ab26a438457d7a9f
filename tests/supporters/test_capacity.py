"""Capacity: a supporter with as many active contacts as their capacity takes no more, in
the availability rule itself, on the public list and on the intake form."""

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.roles import ADMINISTRATORS
from matching.models import Assignment
from matching.services import assign_supporter, close_request, hand_back, reassign
from supporters.models import AvailabilityStatus, Supporter
from supporters.selectors import (
    availability_of,
    available_supporters,
    listed_supporters,
    with_availability,
)
from tests.factories import SupporterFactory, SupportRequestFactory, UserFactory

pytestmark = pytest.mark.django_db

VANCOUVER = ZoneInfo("America/Vancouver")
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=VANCOUVER)
TODAY = date(2026, 3, 10)


@pytest.fixture
def admin(db: None) -> User:
    return UserFactory.create(role=ADMINISTRATORS)


def give(supporter: Supporter, count: int, admin: User) -> list[Assignment]:
    """Assign `count` new waiting requests to `supporter`, through the service."""
    return [
        assign_supporter(
            request=SupportRequestFactory.create(submitted_at=NOW - timedelta(hours=1)),
            supporter=supporter,
            assigned_by=admin,
            now=NOW,
        )
        for _ in range(count)
    ]


def status_of(supporter: Supporter, today: date = TODAY) -> AvailabilityStatus:
    return availability_of(supporter, today=today).status


def load_of(supporter: Supporter) -> int:
    row: Any = with_availability(Supporter.objects.filter(pk=supporter.pk), today=TODAY).get()
    return int(row.active_load)


def test_a_supporter_with_as_many_active_contacts_as_their_capacity_is_at_capacity(
    admin: User,
) -> None:
    full = SupporterFactory.create(display_name="Full", capacity=2)
    SupporterFactory.create(display_name="Free", capacity=2)
    give(full, 1, admin)
    assert status_of(full) == AvailabilityStatus.AVAILABLE
    assert load_of(full) == 1

    give(full, 1, admin)

    assert status_of(full) == AvailabilityStatus.AT_CAPACITY
    assert load_of(full) == 2
    assert list(available_supporters(today=TODAY).values_list("display_name", flat=True)) == [
        "Free"
    ]


def test_a_supporter_over_capacity_after_it_was_lowered_is_at_capacity(admin: User) -> None:
    supporter = SupporterFactory.create(capacity=3)
    give(supporter, 2, admin)
    Supporter.objects.filter(pk=supporter.pk).update(capacity=1)

    assert status_of(supporter) == AvailabilityStatus.AT_CAPACITY
    assert not available_supporters(today=TODAY).exists()


def test_ended_assignments_do_not_count_toward_capacity(admin: User) -> None:
    supporter = SupporterFactory.create(capacity=2)
    other = SupporterFactory.create(capacity=3)
    [handed] = give(supporter, 1, admin)
    closed, moved, kept = give(other, 3, admin)
    # A reassignment brings the supporter to two active contacts: at capacity.
    reassign(request=moved.request, supporter=supporter, assigned_by=admin, now=NOW)
    assert status_of(supporter) == AvailabilityStatus.AT_CAPACITY

    hand_back(assignment=handed, reason="no_capacity", handed_back_by=supporter.user, now=NOW)
    close_request(assignment=closed, outcome="declined", closed_by=other.user, now=NOW)

    assert status_of(supporter) == AvailabilityStatus.AVAILABLE
    assert load_of(supporter) == 1
    # The other supporter keeps three rows, of which only one is still active.
    assert Assignment.objects.filter(supporter=other).count() == 3
    assert list(
        Assignment.objects.filter(supporter=other, ended_at__isnull=True).values_list(
            "pk", flat=True
        )
    ) == [kept.pk]
    assert load_of(other) == 1


def test_another_supporters_contacts_do_not_count(admin: User) -> None:
    busy = SupporterFactory.create(capacity=1)
    idle = SupporterFactory.create(capacity=1)
    give(busy, 1, admin)

    assert status_of(busy) == AvailabilityStatus.AT_CAPACITY
    assert status_of(idle) == AvailabilityStatus.AVAILABLE
    assert load_of(idle) == 0


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"trained_on": None}, AvailabilityStatus.NOT_READY),
        ({"agreement_signed_on": None}, AvailabilityStatus.NOT_READY),
        ({"away_until": TODAY}, AvailabilityStatus.AWAY),
        ({"away_until": TODAY, "accepts_new": False}, AvailabilityStatus.AWAY),
        ({"accepts_new": False}, AvailabilityStatus.NOT_ACCEPTING),
        ({"away_until": TODAY - timedelta(days=1)}, AvailabilityStatus.AT_CAPACITY),
        ({}, AvailabilityStatus.AT_CAPACITY),
    ],
    ids=[
        "untrained-beats-capacity",
        "unsigned-beats-capacity",
        "away-beats-capacity",
        "away-beats-not-accepting-and-capacity",
        "not-accepting-beats-capacity",
        "back-from-away-is-at-capacity",
        "only-capacity",
    ],
)
def test_the_first_matching_rule_wins_over_at_capacity(
    changes: dict[str, Any], status: AvailabilityStatus, admin: User
) -> None:
    supporter = SupporterFactory.create(capacity=1)
    give(supporter, 1, admin)  # at capacity first, while still assignable
    Supporter.objects.filter(pk=supporter.pk).update(**changes)

    assert status_of(supporter) == status
    assert not available_supporters(today=TODAY).exists()


def test_at_capacity_is_not_taking_new_requests_to_the_public_and_at_capacity_to_staff(
    admin: User,
) -> None:
    supporter = SupporterFactory.create(capacity=1)
    give(supporter, 1, admin)

    availability = availability_of(supporter, today=TODAY)

    assert availability.is_at_capacity and not availability.is_available
    assert availability.label == "Not taking new requests"
    assert availability.staff_label == "At capacity"


def test_the_public_list_shows_an_at_capacity_supporter_as_not_taking_new_requests(
    client: Client, admin: User
) -> None:
    full = SupporterFactory.create(display_name="Dr. Full", slug="dr-full", capacity=1)
    SupporterFactory.create(display_name="Dr. Open", slug="dr-open", capacity=1)
    give(full, 1, admin)

    body = client.get("/supporters/").content.decode()

    card = body[body.index("Dr. Full") :]
    card = card[: card.index("</article>")]
    assert "Not taking new requests" in card
    assert "At capacity" not in body  # how busy a supporter is stays private
    assert "?supporter=dr-full" not in body
    assert 'href="/request/?supporter=dr-open"' in body


def test_an_at_capacity_supporter_cannot_be_chosen_on_the_request_form(
    client: Client, admin: User
) -> None:
    full = SupporterFactory.create(display_name="Dr. Full", slug="dr-full", capacity=1)
    SupporterFactory.create(display_name="Dr. Open", slug="dr-open")
    give(full, 1, admin)

    response = client.get("/request/", {"supporter": "dr-full"})

    form = response.context["form"]
    choices = [str(slug) for slug, _label in form.fields["preferred_supporter"].choices if slug]
    assert choices == ["dr-open"]
    assert "preferred_supporter" not in form.initial
    # Still avoidable: being busy today does not make someone a good match later.
    avoidable = {str(slug) for slug, _label in form.fields["avoid_supporters"].choices}
    assert "dr-full" in avoidable


def _roster_with_load(count: int, admin: User) -> None:
    """`count` listed supporters with capacity 1: half hold a contact, half are free."""
    supporters = [
        SupporterFactory.create(display_name=f"Dr. Roster {number:03d}", capacity=1)
        for number in range(count)
    ]
    for supporter in supporters[::2]:
        give(supporter, 1, admin)


@pytest.mark.parametrize("count", [4, 40])
def test_the_public_list_with_loads_runs_a_fixed_number_of_queries(
    count: int, client: Client, admin: User, django_assert_max_num_queries: Any
) -> None:
    _roster_with_load(count, admin)

    with django_assert_max_num_queries(1):
        response = client.get("/supporters/")

    body = response.content.decode()
    assert body.count("Taking new requests") == count // 2
    assert body.count("Not taking new requests") == count // 2


@pytest.mark.parametrize("count", [4, 40])
def test_the_selectors_count_load_in_the_same_query(
    count: int, admin: User, django_assert_max_num_queries: Any
) -> None:
    _roster_with_load(count, admin)
    today = timezone.localdate()

    with django_assert_max_num_queries(1):
        listed: list[Any] = list(listed_supporters(today=today))
        rows = [(row.display_name, row.active_load, row.availability) for row in listed]

    assert sum(load for _name, load, _availability in rows) == count // 2
    assert sum(availability.is_at_capacity for *_rest, availability in rows) == count // 2
