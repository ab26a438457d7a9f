"""The safety path in Chromium: a supporter on a phone flags a concern and sees whom to call;
the administrator follows the banner to the concern and marks it handled."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.roles import ADMINISTRATORS
from matching.models import SafetyConcern
from matching.services import assign_supporter
from notifications.models import OutgoingEmail
from tests.conftest import assert_no_axe_violations
from tests.e2e.sign_in import sign_in
from tests.factories import SupporterFactory, SupportRequestFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE_SCREEN = {"width": 360, "height": 740}


def test_a_supporter_flags_a_concern_on_a_phone_and_the_administrator_handles_it(
    page: Any, browser: Any, live_server: Any, settings: Any
) -> None:
    settings.PROGRAM_URGENT_PHONE = "604 555 0199"
    administrator = UserFactory(email="alice@example.org", name="Alice Admin", role=ADMINISTRATORS)
    supporter = SupporterFactory(
        user__email="sam@example.org", display_name="Dr. Sam Lee", phone="604 555 0142"
    )
    request = SupportRequestFactory(name="Dr. Jordan Moss", email="jordan@example.org")
    assign_supporter(
        request=request,
        supporter=supporter,
        assigned_by=administrator,
        now=timezone.now() - timedelta(minutes=5),
    )

    # The supporter, on a phone-sized screen.
    phone = browser.new_context(
        base_url=live_server.url, viewport=PHONE_SCREEN, is_mobile=True, has_touch=True
    )
    on_phone = phone.new_page()
    on_phone.set_default_timeout(10_000)
    sign_in(on_phone, "sam@example.org")
    on_phone.get_by_role("link", name="Dr. Jordan Moss").click()
    on_phone.get_by_role("button", name="Flag a safety concern").click()

    guidance = on_phone.get_by_role("region", name=re.compile("You flagged a safety concern"))
    call = guidance.get_by_role("link", name="604 555 0199")
    assert call.get_attribute("href") == "tel:6045550199"
    assert call.is_visible()
    box = call.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_SCREEN["width"]
    assert box["height"] >= 24  # large enough to tap (WCAG 2.2 target size)
    assert "Call now:" in guidance.inner_text()
    assert on_phone.get_by_role("region", name="If you need help right now").is_visible()
    # Nothing runs off the side of the small screen.
    assert on_phone.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    assert_no_axe_violations(on_phone)
    phone.close()

    concern = SafetyConcern.objects.get()
    assert OutgoingEmail.objects.filter(kind="safety_concern").count() == 1

    # The administrator follows the banner straight to the concern.
    sign_in(page, "alice@example.org")
    page.goto("/admin/")
    banner = page.get_by_role("alert")
    banner.get_by_role(
        "link", name=f"A supporter needs you about request {request.case_code}"
    ).click()
    assert page.url.endswith(f"/admin/matching/safetyconcern/{concern.pk}/change/")
    main = page.locator("#content")
    assert "Dr. Sam Lee" in main.inner_text()
    assert main.get_by_role("link", name="604 555 0142").get_attribute("href") == "tel:6045550142"
    assert main.get_by_role("link", name=re.compile(request.case_code)).is_visible()
    assert "Dr. Jordan Moss" not in page.content()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Mark handled").click()
    assert "Marked handled." in page.locator(".messagelist").inner_text()
    assert "Handled on" in main.inner_text() and "by Alice Admin" in main.inner_text()
    assert page.get_by_role("button", name="Mark handled").count() == 0
    assert page.get_by_role("alert").count() == 0  # the banner is gone
    assert_no_axe_violations(page)
    concern.refresh_from_db()
    assert concern.handled_by == administrator
