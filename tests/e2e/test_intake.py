"""A physician asks for support, in headless Chromium, by mouse and by keyboard alone."""

import re
from typing import Any

import pytest
from django.core import mail

from intake.models import SupportRequest
from notifications.services import send_due_emails
from tests.conftest import assert_no_axe_violations
from tests.factories import SupporterFactory

SENT = re.compile(r"/request/sent/")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_physician_fills_the_form_by_its_labels_and_gets_a_case_code(page: Any) -> None:
    chosen = SupporterFactory(display_name="Dr. Rowan Reid", slug="dr-rowan-reid")
    SupporterFactory(display_name="Dr. Colleague Near", slug="dr-colleague-near")
    page.goto("/")
    page.get_by_role("link", name="Ask for peer support").click()
    assert_no_axe_violations(page)
    # First send it incomplete: the errors are listed and tied to their fields.
    page.get_by_label("What would you like to be called?").fill("Sam")
    page.get_by_role("button", name="Send my request").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    assert "Give an email address or a phone number" in summary.inner_text()
    assert page.get_by_label("What would you like to be called?").input_value() == "Sam"
    assert_no_axe_violations(page)
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Video").check()
    page.get_by_label("Burnout or moral injury").check()
    page.get_by_label("Would you like a particular peer supporter?").select_option("dr-rowan-reid")
    page.get_by_label("Dr. Colleague Near").check()
    page.get_by_label("I understand that peer support is confidential").check()
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url(SENT)
    request = SupportRequest.objects.get()
    assert request.case_code in page.get_by_role("main").inner_text()
    assert request.reasons == ["burnout"]
    assert request.preferred_supporter == chosen
    assert [s.slug for s in request.avoid_supporters.all()] == ["dr-colleague-near"]
    assert_no_axe_violations(page)


def test_the_same_journey_with_the_keyboard_alone(page: Any) -> None:
    page.goto("/request/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Enter")
    focused = lambda: page.evaluate("document.activeElement.name || ''")  # noqa: E731

    def tab_to(name: str) -> None:
        for _ in range(60):
            page.keyboard.press("Tab")
            if focused() == name:
                return
        raise AssertionError(f"Tab never reached {name}")

    tab_to("name")
    page.keyboard.type("Jo")
    tab_to("email")
    page.keyboard.type("jo@example.org")
    tab_to("preferred_contact")
    page.keyboard.press("Space")  # the first option: email
    tab_to("modality")
    page.keyboard.press("Space")  # the first option: in person
    tab_to("acknowledge")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    for _ in range(30):
        if page.evaluate("document.activeElement.type") == "submit":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(SENT)
    assert SupportRequest.objects.get().name == "Jo"


def test_the_referral_form_and_the_colleagues_page_are_accessible(page: Any) -> None:
    page.goto("/refer/")
    assert_no_axe_violations(page)
    page.get_by_label("Your colleague's name").fill("Dr. Morgan")
    page.get_by_label("Your colleague's email address").fill("morgan@example.org")
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("Your name").fill("Casey")
    page.get_by_label("Your email address").fill("casey@example.org")
    page.get_by_label("My colleague knows about this referral").check()
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_url(SENT)
    assert_no_axe_violations(page)
    send_due_emails()
    body = next(m for m in mail.outbox if m.to == ["morgan@example.org"]).body
    path = re.search(r"(/referral/[^/\s]+/)", body).group(1)  # type: ignore[union-attr]
    page.goto(path)
    assert_no_axe_violations(page)
    page.get_by_label("I understand that peer support is confidential").check()
    page.get_by_role("button", name="Yes, I would like peer support").click()
    page.wait_for_url(SENT)
    request = SupportRequest.objects.get()
    assert request.status == SupportRequest.Status.WAITING
    assert request.case_code in page.get_by_role("main").inner_text()


def test_the_rate_limited_page_is_accessible(page: Any, settings: Any) -> None:
    settings.INTAKE_LIMIT_PER_HOUR = 1
    page.goto("/refer/")
    page.get_by_role("button", name="Send the referral").click()
    page.get_by_role("button", name="Send the referral").click()
    assert "too many requests" in page.get_by_role("heading", level=1).inner_text().lower()
    assert_no_axe_violations(page)
