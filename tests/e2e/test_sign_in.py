"""Signing in on a phone-sized screen: enrolment once, then codes, a backup code, and the
lockout page — each page checked by axe-core at 360 x 740."""

import re
from collections.abc import Iterator
from typing import Any

import pytest

from accounts.models import BackupCode, TOTPDevice
from tests.conftest import assert_no_axe_violations
from tests.e2e.sign_in import (
    CODE_LABEL,
    current_code,
    enter_code,
    enter_password,
    key_on_enrolment_page,
)
from tests.factories import SupporterFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PORTAL = re.compile(r"/portal/$")


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").first.click()


def test_a_supporter_enrols_once_then_signs_in_with_codes_and_a_backup_code(phone: Any) -> None:
    SupporterFactory(user__email="sam@example.org", display_name="Dr. Sam Lee")
    page = phone
    page.goto("/portal/")
    assert "/accounts/login/" in page.url
    assert_no_axe_violations(page)
    enter_password(page, "sam@example.org")

    # Enrolment: the QR code and the key, a wrong code first, then the right one.
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-step sign-in"
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    assert_no_axe_violations(page)
    key = key_on_enrolment_page(page)
    wrong = f"{(int(current_code(key)) + 1) % 1_000_000:06d}"
    page.get_by_label(CODE_LABEL).fill(wrong)
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert "That code does not match" in page.get_by_role("alert").inner_text()
    assert not TOTPDevice.objects.exists()
    assert_no_axe_violations(page)
    page.get_by_label(CODE_LABEL).fill(current_code(key))
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    # The backup codes, shown once.
    assert page.get_by_role("heading", level=1).inner_text() == "Save your backup codes"
    codes = page.get_by_role("list", name="Backup codes").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    assert_no_axe_violations(page)
    page.get_by_role("link", name="I have saved them: continue").click()
    page.wait_for_url(PORTAL)
    assert page.get_by_role("heading", level=1).inner_text() == "My contacts"

    # Next time: the password, then the app's code.
    sign_out(page)
    page.goto("/accounts/login/")
    enter_password(page, "sam@example.org")
    assert page.get_by_role("heading", level=1).inner_text() == "Enter your code"
    assert_no_axe_violations(page)
    enter_code(page, "sam@example.org", key)
    page.wait_for_url(re.compile(r"/portal/"))
    assert page.get_by_role("heading", level=1).inner_text() == "My contacts"

    # Without the phone: a backup code, which then is used up.
    sign_out(page)
    page.goto("/accounts/login/")
    enter_password(page, "sam@example.org")
    page.get_by_role("link", name="No phone with you? Use a backup code").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Use a backup code"
    assert_no_axe_violations(page)
    page.get_by_label("Backup code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/portal/"))
    assert "You have 9 backup codes left." in page.get_by_role("main").inner_text()
    assert BackupCode.objects.count() == 9
    assert_no_axe_violations(page)

    sign_out(page)
    page.goto("/accounts/login/")
    enter_password(page, "sam@example.org")
    page.get_by_role("link", name="No phone with you? Use a backup code").click()
    page.get_by_label("Backup code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    assert "That code did not work" in page.get_by_role("alert").inner_text()
    assert_no_axe_violations(page)


def test_five_wrong_passwords_show_the_lockout_page(phone: Any) -> None:
    SupporterFactory(user__email="sam@example.org")
    page = phone
    page.goto("/accounts/login/")
    for _ in range(5):
        enter_password(page, "sam@example.org", "not-the-password")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in paused"
    assert "program@example.org" in page.get_by_role("main").inner_text()
    assert_no_axe_violations(page)
