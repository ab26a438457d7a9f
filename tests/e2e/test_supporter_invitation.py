"""A new supporter's first day: the invitation, a password, My profile, away for a while."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

from notifications.services import send_due_emails
from supporters.services import invite_supporter
from tests.conftest import assert_no_axe_violations
from tests.e2e.sign_in import CODE_LABEL, current_code, enter_password, key_on_enrolment_page
from tests.factories import SupporterFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LINK_PATH = re.compile(r"https?://[^/\s]+(/accounts/reset/\S+/)")
PASSWORD = "a-long-new-passphrase-2026"


def test_an_invited_supporter_sets_a_password_and_marks_themselves_away(page: Any) -> None:
    SupporterFactory(display_name="Dr. Listed Colleague", slug="dr-listed-colleague")
    # The administrator's invitation, through the service the admin's add form calls.
    invite_supporter(
        email="noor@example.org",
        display_name="Dr. Noor Ahmed",
        languages=["en", "ar"],
        modalities=["video"],
        trained_on=timezone.localdate(),
        agreement_signed_on=timezone.localdate(),
        is_listed=True,
    )
    assert send_due_emails() == 1
    match = LINK_PATH.search(mail.outbox[0].body)
    assert match, mail.outbox[0].body

    # The public list, before anything else.
    page.goto("/supporters/")
    assert page.get_by_role("heading", level=1).inner_text() == "Our peer supporters"
    assert page.get_by_role("link", name="Ask for Dr. Listed Colleague").is_visible()
    assert_no_axe_violations(page)

    # Following the emailed link (by its path: live_server is not SITE_URL).
    page.goto(match.group(1))
    assert page.url.endswith("/set-password/")
    assert page.get_by_role("heading", level=1).inner_text() == "Choose your password"
    assert_no_axe_violations(page)
    page.get_by_label(re.compile(r"^\s*New password\W*$")).fill(PASSWORD)
    page.get_by_label("New password again").fill(PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your password is set"

    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    enter_password(page, "noor@example.org", PASSWORD)

    # First sign-in: two-step sign-in is set up, once, with the key the page shows.
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-step sign-in"
    key = key_on_enrolment_page(page)
    page.get_by_label(CODE_LABEL).fill(current_code(key))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Save your backup codes"
    assert page.get_by_role("list", name="Backup codes").get_by_role("listitem").count() == 10
    page.get_by_role("link", name="I have saved them: continue").click()

    # Home sends a supporter to their contacts, which link to My profile.
    assert page.get_by_role("heading", level=1).inner_text() == "My contacts"
    page.get_by_role("link", name="Change your availability in My profile").click()
    assert page.get_by_role("heading", level=1).inner_text() == "My profile"
    summary = page.get_by_role("region", name="Your availability today")
    assert "Taking new requests" in summary.inner_text()
    assert_no_axe_violations(page)

    away = timezone.localdate() + timedelta(days=14)
    page.get_by_label("Away until (last day away)").fill(away.isoformat())
    page.get_by_role("button", name="Save my profile").click()
    assert page.get_by_role("status").inner_text() == "Your profile is saved."
    assert page.get_by_label("Away until (last day away)").input_value() == away.isoformat()
    assert f"Away until {date_format(away, 'DATE_FORMAT')}" in summary.inner_text()
    assert_no_axe_violations(page)

    # The same link does not work twice.
    page.goto(match.group(1))
    assert page.get_by_role("heading", level=1).inner_text() == "This link no longer works"
