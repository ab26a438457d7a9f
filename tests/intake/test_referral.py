"""Colleague referrals: the colleague confirms by a single-use link, or declines."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from intake.models import SupportRequest
from intake.services import Preferences, delete_unconfirmed_referrals, submit_colleague_referral
from notifications.models import OutgoingEmail
from notifications.services import send_due_emails

pytestmark = pytest.mark.django_db


def link_in(body: str) -> str:
    match = re.search(r"http://127\.0\.0\.1:8000(/referral/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


def referral_link(client: Client, data: dict[str, Any]) -> str:
    client.post("/refer/", data)
    send_due_emails()
    to_colleague = next(m for m in mail.outbox if m.to == [data["colleague_email"]])
    return link_in(to_colleague.body)


def test_a_valid_referral_awaits_the_colleagues_confirmation(
    client: Client, referral_data: dict[str, Any], administrator: Any
) -> None:
    response = client.post("/refer/", referral_data)
    assert response.status_code == 302
    request = SupportRequest.objects.get()
    assert request.status == SupportRequest.Status.AWAITING_CONFIRMATION
    assert request.source == SupportRequest.Source.COLLEAGUE
    assert (request.name, request.email) == ("Dr. Morgan", "morgan@example.org")
    assert (request.referrer_name, request.referrer_email) == ("Casey", "casey@example.org")
    assert request.consent_attested_at is not None
    assert request.confirmed_at is None and request.waiting_since is None
    # The referrer's page shows no case code.
    page = client.get("/request/sent/").content.decode()
    assert request.case_code not in page
    assert "will not tell you whether they take it up" in page
    send_due_emails()
    recipients = sorted(message.to[0] for message in mail.outbox)
    # Nobody on staff hears of it before the colleague confirms.
    assert recipients == ["casey@example.org", "morgan@example.org"]
    to_referrer = next(m for m in mail.outbox if m.to == ["casey@example.org"])
    assert "Morgan" not in to_referrer.body and request.case_code not in to_referrer.body


def test_only_a_hash_of_the_link_token_is_stored(
    client: Client, referral_data: dict[str, Any]
) -> None:
    path = referral_link(client, referral_data)
    token = path.split("/")[2]
    request = SupportRequest.objects.get()
    assert token not in request.confirmation_token_hash
    assert len(request.confirmation_token_hash) == 64


def test_confirming_puts_the_request_in_the_queue_once(
    client: Client, referral_data: dict[str, Any], administrator: Any
) -> None:
    path = referral_link(client, referral_data)
    mail.outbox.clear()
    page = client.get(path)
    assert page.status_code == 200
    assert "Would you like peer support?" in page.content.decode()
    assert "Dr. Morgan" not in page.content.decode()  # nothing identifying on the page
    response = client.post(
        path,
        {
            "action": "confirm",
            "preferred_contact": "phone",
            "phone": "250 555 0199",
            "modality": "phone",
            "language": "fr",
            "acknowledge": "on",
        },
    )
    assert response.status_code == 302
    request = SupportRequest.objects.get()
    assert request.status == SupportRequest.Status.WAITING
    assert request.confirmed_at is not None and request.waiting_since == request.confirmed_at
    assert (request.phone, request.language, request.preferred_contact) == (
        "250 555 0199",
        "fr",
        "phone",
    )
    assert request.case_code in client.get("/request/sent/").content.decode()
    send_due_emails()
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["alice@example.org", "morgan@example.org"]
    # Used once: the link now says the request went through, and confirms nothing again.
    again = client.get(path)
    assert again.status_code == 200
    assert "You have already said yes: your request went through" in again.content.decode()
    assert request.case_code not in again.content.decode()
    response = client.post(path, {"action": "confirm", "preferred_contact": "email"})
    assert "already said yes" in response.content.decode()
    assert client.post(path, {"action": "decline_confirmed"}).status_code == 200
    assert SupportRequest.objects.get().status == SupportRequest.Status.WAITING
    assert OutgoingEmail.objects.filter(kind="new_request").count() == 1


def test_confirming_without_the_acknowledgement_is_an_error_and_keeps_waiting(
    client: Client, referral_data: dict[str, Any]
) -> None:
    path = referral_link(client, referral_data)
    response = client.post(
        path,
        {"action": "confirm", "preferred_contact": "email", "modality": "video", "language": "en"},
    )
    assert response.status_code == 200
    assert "acknowledge" in response.context["form"].errors
    assert SupportRequest.objects.get().status == SupportRequest.Status.AWAITING_CONFIRMATION


def test_declining_deletes_the_referral_and_its_unsent_emails(
    client: Client, referral_data: dict[str, Any]
) -> None:
    path = referral_link(client, referral_data)
    response = client.post(path, {"action": "decline"})
    assert response.status_code == 200
    assert "Decline and delete the referral?" in response.content.decode()
    assert 'value="decline_confirmed"' in response.content.decode()
    assert SupportRequest.objects.exists()  # asked once more, nothing deleted yet
    response = client.post(path, {"action": "decline_confirmed"})
    assert response.status_code == 200
    assert "The referral is deleted" in response.content.decode()
    assert not SupportRequest.objects.exists()
    assert not OutgoingEmail.objects.exclude(status="sent").exists()
    assert "This link no longer works" in client.get(path).content.decode()


@pytest.mark.parametrize("path", ["/referral/unknown-token/", "/referral/" + "x" * 500 + "/"])
def test_an_unknown_link_gets_a_kind_page(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()
    assert client.post(path, {"action": "decline"}).status_code == 200


def test_an_expired_link_gets_a_kind_page(
    client: Client, referral_data: dict[str, Any], settings: Any
) -> None:
    path = referral_link(client, referral_data)
    SupportRequest.objects.update(submitted_at=timezone.now() - timedelta(days=8))
    assert "This link no longer works" in client.get(path).content.decode()


def test_with_confirmation_off_a_referral_goes_straight_to_the_queue(
    client: Client, referral_data: dict[str, Any], settings: Any, administrator: Any
) -> None:
    settings.REFERRAL_CONFIRMATION_REQUIRED = False
    client.post(
        "/refer/",
        {
            **referral_data,
            "colleague_email": "",
            "colleague_phone": "250 555 0100",
            "preferred_contact": "phone",
        },
    )
    request = SupportRequest.objects.get()
    assert request.status == SupportRequest.Status.WAITING
    assert request.confirmation_token_hash == ""
    send_due_emails()
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "casey@example.org"]


def test_colleague_email_is_required_while_confirmation_is_on(
    client: Client, referral_data: dict[str, Any]
) -> None:
    response = client.post("/refer/", {**referral_data, "colleague_email": ""})
    assert "colleague_email" in response.context["form"].errors
    assert not SupportRequest.objects.exists()


def test_a_referral_without_consent_is_refused_beside_the_field(
    client: Client, referral_data: dict[str, Any]
) -> None:
    response = client.post("/refer/", {**referral_data, "consent_confirmed": ""})
    assert response.status_code == 200
    assert "consent_confirmed" in response.context["form"].errors
    assert 'value="Dr. Morgan"' in response.content.decode()
    assert not SupportRequest.objects.exists()


def test_the_task_deletes_exactly_the_expired_referrals(settings: Any) -> None:
    now = timezone.now()
    preferences = Preferences(preferred_contact="email", modality="video", language="en")

    def refer(days_ago: float, email: str) -> SupportRequest:
        return submit_colleague_referral(
            colleague_name="C",
            colleague_email=email,
            colleague_phone="",
            referrer_name="R",
            referrer_email="r@example.org",
            preferences=preferences,
            interface_language="en",
            now=now - timedelta(days=days_ago),
        ).request

    old = refer(7.01, "old@example.org")
    fresh = refer(6.9, "fresh@example.org")
    settings.REFERRAL_CONFIRMATION_REQUIRED = False
    confirmed_long_ago = refer(30, "queued@example.org")
    assert delete_unconfirmed_referrals(now=now) == 1
    assert delete_unconfirmed_referrals(now=now) == 0
    remaining = set(SupportRequest.objects.values_list("pk", flat=True))
    assert remaining == {fresh.pk, confirmed_long_ago.pk}
    assert not OutgoingEmail.objects.filter(request_public_id=old.public_id).exists()


def test_the_celery_task_runs_the_service(settings: Any) -> None:
    from intake.tasks import delete_unconfirmed_referrals as task

    assert task.run() == 0


# --- What the referrer is told, and what the colleague sees ----------------------------------


def test_the_form_tells_the_referrer_the_colleague_will_know_who_referred_them(
    client: Client,
) -> None:
    page = client.get("/refer/").content.decode()
    assert "Your colleague will be told that you referred them" in page
    assert "The email tells your colleague that you referred them, by your name" in page


def test_the_colleagues_email_names_the_referrer_the_program_and_that_it_can_be_ignored(
    client: Client, referral_data: dict[str, Any], settings: Any
) -> None:
    settings.PROGRAM_CONTACT_PHONE = "604 555 0100"
    client.post("/refer/", {**referral_data, "referrer_name": "Dr. Casey O'Neil & co"})
    send_due_emails()
    email = next(m for m in mail.outbox if m.to == ["morgan@example.org"])
    html = str(email.alternatives[0].content)
    assert "Dr. Casey O'Neil & co, a colleague of yours" in email.body
    assert "Dr. Casey O&#x27;Neil &amp; co" in html
    assert "Peer support is a confidential conversation" in email.body
    assert "simply ignore this email" in email.body
    assert "program@example.org" in email.body and "604 555 0100" in email.body
    # Nothing that reads as distress: not the reasons the referrer chose.
    assert "conflict" not in (email.subject + email.body).lower()


def test_the_link_page_does_not_tick_the_referrers_reasons_or_show_the_whole_phone(
    client: Client, referral_data: dict[str, Any]
) -> None:
    path = referral_link(
        client, {**referral_data, "colleague_phone": "604 555 0123", "reasons": ["burnout"]}
    )
    page = client.get(path).content.decode()
    assert not re.search(r'name="reasons"[^>]*checked', page)
    assert not re.search(r'checked[^>]*name="reasons"', page)
    assert "555 0123" not in page and "6045550123" not in page
    assert "We have a number ending in 23" in page
    assert re.search(r'name="phone"[^>]*>', page)
    assert 'value="604 555 0123"' not in page


def test_the_colleague_keeps_the_number_on_file_or_corrects_it(
    client: Client, referral_data: dict[str, Any]
) -> None:
    data = {**referral_data, "colleague_phone": "604 555 0123"}
    path = referral_link(client, data)
    confirm = {
        "action": "confirm",
        "preferred_contact": "phone",
        "modality": "phone",
        "language": "en",
        "acknowledge": "on",
    }
    assert client.post(path, confirm).status_code == 302  # the number on file is enough
    assert SupportRequest.objects.get().phone == "604 555 0123"
    assert SupportRequest.objects.get().reasons == []  # the colleague chose none


def test_a_corrected_number_replaces_the_one_on_file(
    client: Client, referral_data: dict[str, Any]
) -> None:
    path = referral_link(client, {**referral_data, "colleague_phone": "604 555 0123"})
    response = client.post(
        path,
        {
            "action": "confirm",
            "preferred_contact": "text",
            "phone": "250 555 0177",
            "modality": "video",
            "language": "en",
            "reasons": ["work_change"],
            "acknowledge": "on",
        },
    )
    assert response.status_code == 302
    request = SupportRequest.objects.get()
    assert (request.phone, request.reasons) == ("250 555 0177", ["work_change"])


def test_a_colleague_without_a_phone_on_file_must_give_one_to_be_called(
    client: Client, referral_data: dict[str, Any]
) -> None:
    path = referral_link(client, referral_data)
    page = client.get(path).content.decode()
    assert "ending in" not in page
    response = client.post(
        path,
        {
            "action": "confirm",
            "preferred_contact": "phone",
            "modality": "phone",
            "language": "en",
            "acknowledge": "on",
        },
    )
    assert response.status_code == 200
    assert "Give a phone number to be called or texted." in response.content.decode()


@pytest.mark.parametrize("referrer_email", ["morgan@example.org", "MORGAN@Example.org"])
def test_the_referrer_cannot_give_the_colleagues_email_address(
    client: Client, referral_data: dict[str, Any], referrer_email: str
) -> None:
    response = client.post("/refer/", {**referral_data, "referrer_email": referrer_email})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "referrer_email" in errors
    assert "this one is your colleague's" in errors["referrer_email"][0]
    assert 'href="#id_referrer_email"' in response.content.decode()
    assert 'value="Dr. Morgan"' in response.content.decode()  # nothing typed is lost
    assert not SupportRequest.objects.exists()
