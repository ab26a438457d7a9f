"""Every way in counts: a supporter reached directly, on a phone; the pages around a physician."""

import re
from collections.abc import Iterator
from typing import Any

import pytest

from matching.models import DirectContact
from supporters.models import Supporter
from tests.conftest import assert_no_axe_violations
from tests.e2e.sign_in import sign_in
from tests.factories import SupporterFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    """A page on a small phone's screen, 360 by 740."""
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def status_text(page: Any) -> str:
    return str(page.get_by_role("status").first.inner_text())


def figure(totals: Any, label: str) -> str:
    return str(totals.locator(f"dt:text-is('{label}') + dd").inner_text())


def test_a_supporter_publishes_a_contact_and_logs_a_direct_contact_on_a_phone(phone: Any) -> None:
    SupporterFactory(user__email="sam@example.org", display_name="Dr. Sam Lee")
    page = phone
    sign_in(page, "sam@example.org")
    assert page.get_by_role("heading", level=1).inner_text() == "My contacts"

    # My profile: publish a direct way to be reached.
    page.get_by_role("link", name="Change your availability in My profile").click()
    page.get_by_label("A way to reach you directly (optional)").fill("ring me after 5")
    page.get_by_role("button", name="Save my profile").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    assert "Enter an email address" in summary.inner_text()
    assert_no_axe_violations(page)
    page.get_by_label("A way to reach you directly (optional)").fill("sam.direct@example.org")
    page.get_by_role("button", name="Save my profile").click()
    assert status_text(page) == "Your profile is saved."
    assert Supporter.objects.get().published_contact == "sam.direct@example.org"

    # The public list shows it, as a link, while Sam takes new requests.
    page.goto("/supporters/")
    card = page.get_by_role("article", name=re.compile("Dr. Sam Lee"))
    link = card.get_by_role("link", name="sam.direct@example.org")
    assert link.get_attribute("href") == "mailto:sam.direct@example.org"
    assert "just as confidential as using the form" in page.get_by_role("main").inner_text()
    assert fits_the_screen(page)
    assert_no_axe_violations(page)

    # A colleague called; Sam logs it from the portal, first forgetting the notes box.
    page.goto("/portal/")
    totals = page.get_by_role("region", name=re.compile(r"Your \d{4} so far"))
    assert figure(totals, "Conversations") == "0"
    page.get_by_role("link", name="Log a contact that came to me directly").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Contacts that came to me directly"
    assert_no_axe_violations(page)
    page.get_by_label("Length in minutes").fill("30")
    page.get_by_role("group", name=re.compile("How you talked")).get_by_label("Phone").check()
    page.get_by_role("group", name=re.compile("first conversation with this person")).get_by_label(
        "Yes"
    ).check()
    page.get_by_label("What it was mostly about (optional)").select_option("complaint")
    page.get_by_role("group", name=re.compile("Is another conversation planned")).get_by_label(
        "No"
    ).check()
    page.get_by_role("button", name="Log this contact").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    assert "Destroy any notes from the conversation" in summary.inner_text()
    assert page.get_by_label("Length in minutes").input_value() == "30"
    assert fits_the_screen(page)
    assert_no_axe_violations(page)
    page.get_by_label("I have destroyed any paper or scratch notes").check()
    page.get_by_role("button", name="Log this contact").click()
    assert status_text(page).startswith("Thank you. The conversation of 30 minutes is logged")
    entry = DirectContact.objects.get()
    assert (entry.minutes, entry.modality, entry.reason) == (30, "phone", "complaint")

    # Sam sees it in the week's entries and in the totals, here and on the portal.
    totals = page.get_by_role("region", name=re.compile(r"Your \d{4} so far"))
    assert (figure(totals, "People supported"), figure(totals, "Conversations")) == ("1", "1")
    assert figure(totals, "Hours given") == "0.5"
    assert fits_the_screen(page)
    assert_no_axe_violations(page)
    page.goto("/portal/")
    totals = page.get_by_role("region", name=re.compile(r"Your \d{4} so far"))
    assert figure(totals, "Conversations") == "1"
    assert_no_axe_violations(page)

    # A correction: it was 45 minutes.
    page.goto("/portal/direct/")
    page.get_by_role("region", name="Logged this week").get_by_role("link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Correct a direct contact"
    assert_no_axe_violations(page)
    page.get_by_label("Length in minutes").fill("45")
    page.get_by_role("button", name="Save the correction").click()
    assert status_text(page) == "Your correction is saved."
    entry.refresh_from_db()
    assert entry.minutes == 45


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/colleagues/", "Worried about a colleague?"),
        ("/leaders/", "For leaders and managers"),
        ("/confidentiality/", "Confidentiality, in full"),
    ],
)
def test_each_page_for_the_people_around_a_physician_is_reached_from_the_landing_page(
    page: Any, path: str, heading: str
) -> None:
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name=heading).click()
    assert page.url.endswith(path)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert "9-8-8" in page.get_by_role("region", name="If you need help right now").inner_text()
    assert_no_axe_violations(page)


def test_the_pages_read_well_on_a_phone(phone: Any) -> None:
    for path in ["/colleagues/", "/leaders/", "/confidentiality/"]:
        phone.goto(path)
        assert fits_the_screen(phone), path
        assert_no_axe_violations(phone)


def test_a_leader_copies_the_short_text(browser: Any, live_server: Any) -> None:
    context = browser.new_context(base_url=live_server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto("/leaders/")
    page.get_by_role("button", name="Copy the text").click()
    assert status_text(page) == "Copied."
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Physician Peer Support Program offers any physician")
    assert "\n" not in copied
    context.close()
