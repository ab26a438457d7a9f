"""Fixtures for matching: a waiting request, and one assigned through the service."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from intake.models import SupportRequest
from matching.models import Assignment
from matching.services import assign_supporter
from supporters.models import Supporter
from tests.factories import SupportRequestFactory

VANCOUVER = ZoneInfo("America/Vancouver")
# A Tuesday morning with no holiday near it: the deadline is Friday's end.
TUESDAY = datetime(2026, 3, 10, 10, 0, tzinfo=VANCOUVER)


@pytest.fixture
def waiting_request(db: None) -> SupportRequest:
    return SupportRequestFactory.create(submitted_at=TUESDAY)


@pytest.fixture
def assignment(waiting_request: SupportRequest, supporter: User, administrator: User) -> Assignment:
    """The `supporter` persona's active contact, assigned on TUESDAY (due Friday)."""
    return assign_supporter(
        request=waiting_request,
        supporter=Supporter.objects.get(user=supporter),
        assigned_by=administrator,
        now=TUESDAY,
    )


@pytest.fixture
def supporter_profile(supporter: User) -> Supporter:
    """The `supporter` persona's roster profile (Dr. Sam Lee)."""
    return Supporter.objects.get(user=supporter)


@pytest.fixture
def other_supporter_profile(other_supporter: User) -> Supporter:
    """The `other_supporter` persona's roster profile (Dr. Sky Park)."""
    return Supporter.objects.get(user=other_supporter)
