"""Availability is decided once: trained, signed, accepting, present (and active)."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from supporters.models import AvailabilityStatus, Supporter
from supporters.selectors import availability_of, available_supporters, listed_supporters
from tests.factories import SupporterFactory
from tests.supporters.roster import make_roster

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def available_names() -> set[str]:
    return set(available_supporters(today=TODAY).values_list("display_name", flat=True))


def test_a_complete_supporter_is_available() -> None:
    supporter = SupporterFactory(display_name="Ready")
    assert available_names() == {"Ready"}
    assert availability_of(supporter, today=TODAY).status == AvailabilityStatus.AVAILABLE
    assert availability_of(supporter, today=TODAY).label == "Taking new requests"


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"trained_on": None}, AvailabilityStatus.NOT_READY),
        ({"agreement_signed_on": None}, AvailabilityStatus.NOT_READY),
        ({"accepts_new": False}, AvailabilityStatus.NOT_ACCEPTING),
        ({"away_until": TODAY}, AvailabilityStatus.AWAY),
        ({"away_until": TODAY + timedelta(days=30)}, AvailabilityStatus.AWAY),
    ],
    ids=["untrained", "no-agreement", "not-accepting", "away-today", "away-later"],
)
def test_each_disqualifying_condition_makes_a_supporter_unavailable(
    changes: dict[str, Any], status: AvailabilityStatus
) -> None:
    supporter = SupporterFactory(display_name="Not now", **changes)
    SupporterFactory(display_name="Ready")
    assert available_names() == {"Ready"}
    assert availability_of(supporter, today=TODAY).status == status


def test_away_until_yesterday_is_back_and_available() -> None:
    supporter = SupporterFactory(away_until=TODAY - timedelta(days=1))
    assert available_supporters(today=TODAY).get() == supporter
    # The same supporter, a day earlier, was still away (the date is inclusive).
    assert availability_of(supporter, today=TODAY - timedelta(days=1)).is_away


def test_an_inactive_account_is_not_available() -> None:
    supporter = SupporterFactory()
    User.objects.filter(pk=supporter.user_id).update(is_active=False)
    assert not available_supporters(today=TODAY).exists()


def test_away_shows_the_date_it_ends() -> None:
    supporter = SupporterFactory(away_until=date(2026, 4, 2), accepts_new=False)
    availability = availability_of(supporter, today=TODAY)
    assert availability.is_away
    assert availability.label == "Away until April 2, 2026"


def test_the_public_list_holds_listed_trained_and_signed_supporters_only() -> None:
    SupporterFactory(display_name="Listed")
    SupporterFactory(display_name="Listed but away", away_until=TODAY)
    SupporterFactory(display_name="Listed but paused", accepts_new=False)
    SupporterFactory(display_name="Unlisted", is_listed=False)
    SupporterFactory(display_name="Untrained", trained_on=None)
    SupporterFactory(display_name="Unsigned", agreement_signed_on=None)
    rows = {row.display_name: row.availability for row in listed_supporters(today=TODAY)}
    assert set(rows) == {"Listed", "Listed but away", "Listed but paused"}
    assert rows["Listed"].is_available
    assert rows["Listed but away"].label == "Away until March 10, 2026"
    assert rows["Listed but paused"].label == "Not taking new requests"


@pytest.mark.parametrize("count", [5, 300])
def test_the_selectors_run_a_fixed_number_of_queries(
    count: int, django_assert_max_num_queries: Any
) -> None:
    make_roster(count)
    with django_assert_max_num_queries(1):
        available = list(available_supporters(today=TODAY))
    with django_assert_max_num_queries(1):
        listed = [
            (row.display_name, row.region, row.availability)
            for row in listed_supporters(today=TODAY)
        ]
    assert len(available) == count
    assert len(listed) == count


def test_capacity_outside_one_to_twenty_is_refused_by_the_database() -> None:
    supporter = SupporterFactory()
    for capacity in (0, 21):
        with pytest.raises(IntegrityError), transaction.atomic():
            Supporter.objects.filter(pk=supporter.pk).update(capacity=capacity)


def test_an_unknown_language_is_refused_by_the_database() -> None:
    supporter = SupporterFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Supporter.objects.filter(pk=supporter.pk).update(languages=["xx"])
