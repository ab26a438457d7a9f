"""Evaluation's measures on the request: business days stored as each step first happens,
backfilled for older rows, and the de-identified tally of referrals that ended unconfirmed."""

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import User
from intake.models import ReferralTally, SupportRequest
from intake.services import (
    Preferences,
    decline_referral,
    delete_unconfirmed_referrals,
    submit_colleague_referral,
)
from matching.services import assign_supporter, hand_back, reassign, record_first_contact
from supporters.models import Supporter
from tests.factories import SupporterFactory, SupportRequestFactory
from tests.matching.conftest import TUESDAY

pytestmark = pytest.mark.django_db

FRIDAY = TUESDAY + timedelta(days=3)
NEXT_TUESDAY = TUESDAY + timedelta(days=7)


def test_matching_and_first_contact_store_their_business_days_once(
    supporter: User, administrator: User
) -> None:
    request = SupportRequestFactory.create(submitted_at=TUESDAY)
    assignment = assign_supporter(
        request=request,
        supporter=Supporter.objects.get(user=supporter),
        assigned_by=administrator,
        now=FRIDAY,
    )
    request.refresh_from_db()
    assert request.business_days_to_match == 3  # Wednesday, Thursday, Friday
    record_first_contact(
        assignment=assignment, contacted_at=NEXT_TUESDAY, means="phone", now=NEXT_TUESDAY
    )
    request.refresh_from_db()
    assert request.business_days_to_first_contact == 2  # Monday, Tuesday

    # A reassignment and a later first contact change neither: they count first times.
    other = SupporterFactory.create()
    again = reassign(request=request, supporter=other, assigned_by=administrator, now=NEXT_TUESDAY)
    record_first_contact(
        assignment=again,
        contacted_at=NEXT_TUESDAY + timedelta(days=2),
        means="phone",
        now=NEXT_TUESDAY + timedelta(days=2),
    )
    request.refresh_from_db()
    assert (request.business_days_to_match, request.business_days_to_first_contact) == (3, 2)


def test_a_hand_back_keeps_the_first_match_measure(supporter: User, administrator: User) -> None:
    request = SupportRequestFactory.create(submitted_at=TUESDAY)
    assignment = assign_supporter(
        request=request,
        supporter=Supporter.objects.get(user=supporter),
        assigned_by=administrator,
        now=TUESDAY,
    )
    hand_back(assignment=assignment, reason="no_capacity", handed_back_by=supporter, now=FRIDAY)
    assign_supporter(
        request=request,
        supporter=SupporterFactory.create(),
        assigned_by=administrator,
        now=NEXT_TUESDAY,
    )
    request.refresh_from_db()
    assert request.business_days_to_match == 0


def test_the_backfill_fills_older_rows_once_and_touches_nothing_else() -> None:
    old = SupportRequestFactory.create(
        submitted_at=TUESDAY,
        status="in_contact",
        first_matched_at=FRIDAY,
        first_contact_at=NEXT_TUESDAY,
    )
    waiting = SupportRequestFactory.create(submitted_at=TUESDAY)
    out = StringIO()
    call_command("backfill_business_days", stdout=out)
    assert "requests filled: 1" in out.getvalue()
    old.refresh_from_db()
    waiting.refresh_from_db()
    assert (old.business_days_to_match, old.business_days_to_first_contact) == (3, 2)
    assert waiting.business_days_to_match is None
    again = StringIO()
    call_command("backfill_business_days", stdout=again)
    assert "requests filled: 0" in again.getvalue()


def referral(now: Any) -> Any:
    return submit_colleague_referral(
        colleague_name="Robin",
        colleague_email="robin@example.org",
        colleague_phone="",
        referrer_name="Casey",
        referrer_email="casey@example.org",
        preferences=Preferences(preferred_contact="email", modality="phone", language="en"),
        interface_language="en",
        now=now,
    )


def test_declined_and_lapsed_referrals_leave_only_a_monthly_count(settings: Any) -> None:
    first = referral(TUESDAY)
    decline_referral(token=first.token, now=TUESDAY + timedelta(hours=1))
    for _number in range(3):
        referral(TUESDAY)
    referral(TUESDAY + timedelta(days=30))  # April: not lapsed yet
    assert delete_unconfirmed_referrals(now=TUESDAY + timedelta(days=8)) == 3
    assert not SupportRequest.objects.filter(submitted_at=TUESDAY).exists()
    assert set(ReferralTally.objects.values_list("month", "outcome", "count")) == {
        (date(2026, 3, 1), "declined", 1),
        (date(2026, 3, 1), "lapsed", 3),
    }
    referral(TUESDAY + timedelta(days=1))
    delete_unconfirmed_referrals(now=TUESDAY + timedelta(days=9))
    assert ReferralTally.objects.get(outcome="lapsed").count == 4
