"""A supporter's work in the portal: a new contact, from first contact to "referred on"."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.roles import ADMINISTRATORS
from intake.models import SupportRequest
from matching.models import Conversation, SafetyConcern, ScratchNote
from matching.services import assign_supporter
from notifications.models import OutgoingEmail
from tests.conftest import assert_no_axe_violations
from tests.e2e.sign_in import sign_in
from tests.factories import SupporterFactory, SupportRequestFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def status_text(page: Any) -> str:
    return str(page.get_by_role("status").inner_text())


def test_a_supporter_works_a_contact_through_to_referred_on(page: Any, browser: Any) -> None:
    administrator = UserFactory(email="alice@example.org", role=ADMINISTRATORS)
    supporter = SupporterFactory(user__email="sam@example.org", display_name="Dr. Sam Lee")
    SupporterFactory(user__email="sky@example.org", display_name="Dr. Sky Park")
    robin = SupportRequestFactory(
        name="Dr. Robin Hale", email="robin@example.org", best_times="Tuesday lunch"
    )
    jordan = SupportRequestFactory(name="Dr. Jordan Moss", email="jordan@example.org")
    # The administrator matched both a few minutes ago, through the Match page's service.
    assigned_at = timezone.now() - timedelta(minutes=5)
    assignment = assign_supporter(
        request=robin, supporter=supporter, assigned_by=administrator, now=assigned_at
    )
    assign_supporter(
        request=jordan, supporter=supporter, assigned_by=administrator, now=assigned_at
    )
    contact_path = f"/portal/contacts/{assignment.public_id}/"

    # Signing in lands on the portal, with both contacts and how to reach them.
    sign_in(page, "sam@example.org")
    assert page.get_by_role("heading", level=1).inner_text() == "My contacts"
    contacts = page.get_by_role("region", name="Active contacts")
    assert "robin@example.org" in contacts.inner_text()
    assert "Tuesday lunch" in contacts.inner_text()
    assert "3 business days left" in contacts.inner_text()
    assert "2 of 3" in page.get_by_role("region", name="Your load and availability").inner_text()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Dr. Robin Hale").click()
    assert page.url.endswith(contact_path)
    assert page.get_by_role("heading", level=1).inner_text() == "Dr. Robin Hale"
    assert_no_axe_violations(page)

    # First contact: the date and time default to now.
    page.get_by_role("group", name=re.compile("How you reached them")).get_by_label(
        "Phone call"
    ).check()
    page.get_by_role("button", name="Record first contact").click()
    assert status_text(page) == "First contact is recorded. The reminders for it stop."
    assert SupportRequest.objects.get(pk=robin.pk).status == "in_contact"

    # A scratch note, then destroyed at once.
    page.get_by_label("Scratch note (destroyed automatically)").fill("Ask about sleep.")
    page.get_by_role("button", name="Save the note").click()
    assert status_text(page).startswith("Your note is saved.")
    assert (
        "Destroyed automatically in 12 hours."
        in page.get_by_role("region", name="Scratch note").inner_text()
    )
    assert ScratchNote.objects.count() == 1
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Destroy now").click()
    assert status_text(page) == "Your note is destroyed."
    assert page.get_by_label("Scratch note (destroyed automatically)").input_value() == ""
    assert not ScratchNote.objects.exists()

    # A conversation, first sent without the attestation.
    form = page.get_by_role("region", name="Log a conversation")
    form.get_by_label("Length in minutes").fill("45")
    form.get_by_role("group", name=re.compile("How you talked")).get_by_label("Phone").check()
    form.get_by_role("group", name=re.compile("Is another conversation planned")).get_by_label(
        "No"
    ).check()
    page.get_by_role("button", name="Log the conversation").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    assert "Destroy any notes from the conversation, then tick this box." in summary.inner_text()
    assert form.get_by_label("Length in minutes").input_value() == "45"
    assert_no_axe_violations(page)
    form.get_by_label("I have destroyed any paper or scratch notes").check()
    page.get_by_role("button", name="Log the conversation").click()
    assert status_text(page) == "The conversation of 45 minutes is logged."
    conversation = Conversation.objects.get()
    assert (conversation.minutes, conversation.modality) == (45, "phone")

    # Another supporter, signed in elsewhere, gets a 404 for the same address.
    other = browser.new_context(base_url=page.url.split("/portal/")[0])
    other_page = other.new_page()
    sign_in(other_page, "sky@example.org")
    assert other_page.get_by_role("heading", level=1).inner_text() == "My contacts"
    assert "Dr. Robin Hale" not in other_page.get_by_role("main").inner_text()
    response = other_page.goto(contact_path)
    assert response.status == 404
    assert "Dr. Robin Hale" not in other_page.content()
    other.close()

    # Close as referred on, to the kind of resource.
    close = page.get_by_role("region", name="Close this contact")
    close.get_by_label("Referred on to another resource").check()
    close.get_by_label("Kind of resource (when referred on)").select_option("eap")
    page.get_by_role("button", name="Close this contact").click()
    assert page.url.endswith("/portal/")
    assert status_text(page) == (
        f"{robin.case_code} is closed: Referred on to another resource. Thank you."
    )
    closed = page.get_by_role("region", name="Recently closed")
    assert robin.case_code in closed.inner_text()
    assert "EAP/EFAP" in closed.inner_text()
    assert "Dr. Robin Hale" not in page.get_by_role("main").inner_text()
    robin.refresh_from_db()
    assert (robin.status, robin.outcome, robin.referred_to) == ("closed", "referred_on", "eap")
    assert_no_axe_violations(page)
    assert page.goto(contact_path).status == 404

    # A safety concern on the second contact: the administrators are told, the guidance shown.
    page.goto("/portal/")
    page.get_by_role("link", name="Dr. Jordan Moss").click()
    page.get_by_role("button", name="Flag a safety concern").click()
    guidance = page.get_by_role("region", name=re.compile("You flagged a safety concern"))
    assert "Call the program administrator now." in guidance.inner_text()
    assert "If anyone is in immediate danger, call 911." in guidance.inner_text()
    assert page.get_by_role("region", name="If you need help right now").is_visible()
    assert SafetyConcern.objects.get().assignment.request_id == jordan.pk
    email = OutgoingEmail.objects.get(kind="safety_concern")
    assert jordan.case_code in email.body_text
    assert "Jordan" not in email.subject + email.body_text
    assert_no_axe_violations(page)
