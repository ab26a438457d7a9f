"""Discreet emails: subjects to requesters and colleagues carry no program name; the sender's
display name is the deployment's to keep neutral."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from intake.models import SupportRequest
from matching.services import assign_supporter
from notifications.models import OutgoingEmail
from notifications.services import send_due_emails
from supporters.models import Supporter

pytestmark = pytest.mark.django_db

SELF = {
    "name": "Sam",
    "email": "sam.requester@example.org",
    "preferred_contact": "email",
    "modality": "phone",
    "language": "en",
    "acknowledge": "on",
}
REFERRAL = {
    "colleague_name": "Dr. Morgan",
    "colleague_email": "morgan@example.org",
    "referrer_name": "Casey",
    "referrer_email": "casey@example.org",
    "consent_confirmed": "on",
    "preferred_contact": "email",
    "modality": "video",
    "language": "en",
}
TO_PEOPLE = {"request_received", "referral_confirm", "referral_received", "requester_matched"}


def people_emails(client: Client, administrator: Any, supporter: Any) -> dict[str, OutgoingEmail]:
    """Send every kind of email a requester or a colleague gets; return them by kind."""
    client.post("/request/", SELF)
    client.post("/refer/", REFERRAL)
    assign_supporter(
        request=SupportRequest.objects.get(email=SELF["email"]),
        supporter=Supporter.objects.get(user=supporter),
        assigned_by=administrator,
    )
    emails = {email.kind: email for email in OutgoingEmail.objects.filter(kind__in=TO_PEOPLE)}
    assert set(emails) == TO_PEOPLE
    return emails


def test_subjects_to_requesters_and_colleagues_are_your_request_and_the_code(
    client: Client, administrator: Any, supporter: Any
) -> None:
    emails = people_emails(client, administrator, supporter)
    requester = SupportRequest.objects.get(email=SELF["email"])
    colleague = SupportRequest.objects.get(email=REFERRAL["colleague_email"])
    assert emails["request_received"].subject == f"Your request {requester.case_code}"
    assert emails["requester_matched"].subject == f"Your request {requester.case_code}"
    assert emails["referral_confirm"].subject == f"Your request {colleague.case_code}"
    assert emails["referral_received"].subject == "Your referral"
    for email in emails.values():
        for word in ("Peer", "Support", "Physician", "Program", "crisis", "help"):
            assert word not in email.subject, (email.kind, email.subject)


def test_with_discreet_subjects_off_the_program_is_named(
    client: Client, administrator: Any, supporter: Any, settings: Any
) -> None:
    settings.DISCREET_SUBJECT = False
    emails = people_emails(client, administrator, supporter)
    code = SupportRequest.objects.get(email=SELF["email"]).case_code
    expected = f"Physician Peer Support Program: your request {code}"
    assert emails["request_received"].subject == expected
    assert emails["referral_received"].subject == "Physician Peer Support Program: your referral"


def test_a_program_name_with_an_ampersand_is_not_escaped_in_a_subject(
    client: Client, settings: Any
) -> None:
    settings.DISCREET_SUBJECT = False
    settings.PROGRAM_NAME = "Doctors & Friends"
    client.post("/request/", SELF)
    email = OutgoingEmail.objects.get(kind="request_received")
    assert email.subject.startswith("Doctors & Friends: your request PS-")


def test_the_sender_is_default_from_email_with_its_display_name(
    client: Client, settings: Any
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Medical Staff Office <office@example.org>"
    client.post("/request/", SELF)
    send_due_emails()
    assert mail.outbox[0].from_email == "Medical Staff Office <office@example.org>"
