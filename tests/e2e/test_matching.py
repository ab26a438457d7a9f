"""An administrator matches a waiting request from the queue, in headless Chromium."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import formats, timezone

from accounts.roles import ADMINISTRATORS
from intake.models import SupportRequest
from matching.deadlines import contact_deadline
from matching.models import Assignment
from matching.services import assign_supporter, flag_safety_concern
from programs.business_days import load_calendar
from tests.conftest import assert_no_axe_violations
from tests.e2e.sign_in import enter_code, enter_password
from tests.factories import (
    SupporterFactory,
    SupportRequestFactory,
    UserFactory,
    second_factor_device,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_administrator_assigns_the_top_suggestion_and_sees_the_deadline(page: Any) -> None:
    administrator = UserFactory(email="alice@example.org", name="Alice Admin", role=ADMINISTRATORS)
    best = SupporterFactory(display_name="Dr. Best Match", languages=["fr", "en"])
    SupporterFactory(display_name="Dr. Second Choice")
    SupporterFactory(display_name="Dr. Away Now", away_until=timezone.localdate() + timedelta(7))
    now = timezone.now()
    waiting = SupportRequestFactory(language="fr", submitted_at=now - timedelta(days=2))
    # Another request with an open safety concern: the banner is on every admin page.
    other = SupportRequestFactory(submitted_at=now - timedelta(days=5))
    flagged = assign_supporter(
        request=other,
        supporter=SupporterFactory(display_name="Dr. Raised It"),
        assigned_by=administrator,
        now=now - timedelta(days=1),
    )
    flag_safety_concern(assignment=flagged, raised_by=flagged.supporter.user)

    second_factor_device(administrator)
    page.goto("/admin/")
    enter_password(page, "alice@example.org")
    enter_code(page, "alice@example.org")
    alert = page.get_by_role("alert")
    assert f"A supporter needs you about request {other.case_code}" in alert.inner_text()

    page.get_by_role("link", name="Matching queue").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Matching queue"
    queue = page.get_by_role("main").inner_text()
    assert waiting.case_code in queue and "Waiting" in queue
    assert_no_axe_violations(page)

    page.get_by_role("link", name=f"Match {waiting.case_code}").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Match {waiting.case_code}"
    suggestions = page.locator("#matching-suggestions")
    first_row = suggestions.get_by_role("row").nth(1)
    assert "Dr. Best Match" in first_row.inner_text()
    assert "Speaks French" in first_row.inner_text()
    assert "Away" in page.locator("#matching-unavailable").inner_text()
    assert_no_axe_violations(page)

    calendar = load_calendar()
    due_words = formats.date_format(
        calendar.local_date(contact_deadline(timezone.now(), calendar=calendar)), "l j F Y"
    )
    first_row.get_by_role("button", name="Assign").click()
    status = page.locator(".messagelist")
    assert (
        f"Assigned to Dr. Best Match. First contact is due by the end of {due_words}."
        in status.inner_text()
    )
    current = page.get_by_role("region", name="Current assignment")
    assert "Dr. Best Match" in current.inner_text()
    assert due_words in current.inner_text()
    assert_no_axe_violations(page)

    waiting.refresh_from_db()
    assert waiting.status == SupportRequest.Status.MATCHED
    assignment = Assignment.objects.get(request=waiting)
    assert (assignment.supporter, assignment.assigned_by) == (best, administrator)
