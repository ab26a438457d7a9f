"""The self-referral form: one request per submission, errors beside their fields."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from intake.models import SupportRequest
from notifications.models import OutgoingEmail
from notifications.services import send_due_emails

pytestmark = pytest.mark.django_db


def test_the_form_page_renders_every_contract_field(client: Client) -> None:
    response = client.get("/request/")
    body = response.content.decode()
    assert response.status_code == 200
    for name in [
        "name",
        "email",
        "phone",
        "preferred_contact",
        "modality",
        "language",
        "career_stage",
        "specialty_group",
        "reasons",
        "best_times",
        "acknowledge",
    ]:
        assert f'name="{name}"' in body, name
    assert 'name="region"' not in body  # no regions exist: the question is not asked
    assert "no-store" in response.headers["Cache-Control"]


def test_the_region_question_appears_once_regions_exist(client: Client) -> None:
    from programs.models import Region

    Region.objects.create(name="Fraser")
    assert 'name="region"' in client.get("/request/").content.decode()


def test_a_valid_self_referral_creates_one_waiting_request(
    client: Client, self_referral_data: dict[str, Any], administrator: Any
) -> None:
    response = client.post("/request/", self_referral_data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/request/sent/"
    request = SupportRequest.objects.get()
    assert request.status == SupportRequest.Status.WAITING
    assert request.source == SupportRequest.Source.SELF
    assert (request.name, request.email, request.phone) == (
        "Sam",
        "sam@example.org",
        "604 555 0123",
    )
    assert request.reasons == ["adverse_event", "burnout"]
    assert request.best_times == "Weekdays after 6 pm"
    assert request.career_stage == "early" and request.specialty_group == "emergency"
    assert request.interface_language == "en"
    assert request.waiting_since == request.submitted_at == request.confirmed_at
    assert request.case_code.startswith("PS-") and len(request.case_code) == 9
    page = client.get(response.headers["Location"])
    assert request.case_code in page.content.decode()
    assert "within one business day" in page.content.decode()
    assert "9-8-8" in page.content.decode()


def test_the_requester_and_each_administrator_get_an_email(
    client: Client, self_referral_data: dict[str, Any], administrator: Any
) -> None:
    client.post("/request/", self_referral_data)
    request = SupportRequest.objects.get()
    assert OutgoingEmail.objects.filter(request_public_id=request.public_id).count() == 2
    send_due_emails()
    by_recipient = {message.to[0]: message for message in mail.outbox}
    to_requester = by_recipient["sam@example.org"]
    assert request.case_code in to_requester.subject
    assert "burnout" not in to_requester.body.lower()
    to_admin = by_recipient["alice@example.org"]
    assert request.case_code in to_admin.subject
    assert "/admin/" in to_admin.body


def test_no_staff_email_holds_a_name_an_address_or_a_reason(
    client: Client, self_referral_data: dict[str, Any], administrator: Any
) -> None:
    client.post("/request/", self_referral_data)
    send_due_emails()
    to_admin = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    text = to_admin.subject + to_admin.body + str(to_admin.alternatives)
    for secret in ["Sam", "sam@example.org", "604 555", "adverse", "Adverse", "burnout", "Burnout"]:
        assert secret not in text


def test_a_requester_who_gave_only_a_phone_gets_no_email(
    client: Client, self_referral_data: dict[str, Any]
) -> None:
    client.post("/request/", {**self_referral_data, "email": "", "preferred_contact": "phone"})
    request = SupportRequest.objects.get()
    assert not OutgoingEmail.objects.filter(kind="request_received").exists()
    assert request.phone == "604 555 0123"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "", "phone": ""}, "email", "Give an email address or a phone number"),
        ({"email": "not-an-address"}, "email", "Enter a valid email address"),
        ({"acknowledge": ""}, "acknowledge", "Please confirm you have read this"),
        ({"name": "x" * 10_000}, "name", "at most 100 characters"),
        ({"reasons": ["adverse_event", "astrology"]}, "reasons", "Select a valid choice"),
        ({"name": "Sam\r\nBcc: evil@example.org"}, "name", "on one line"),
        ({"email": "sam@example.org\r\nBcc: x@example.org"}, "email", "valid email"),
        ({"phone": "call me maybe"}, "phone", "phone number"),
        ({"preferred_contact": "text", "phone": ""}, "phone", "to be called or texted"),
        ({"best_times": "y" * 201}, "best_times", "at most 200 characters"),
        ({"modality": "telepathy"}, "modality", "Select a valid choice"),
    ],
)
def test_invalid_input_is_shown_beside_its_field_and_nothing_is_saved(
    client: Client,
    self_referral_data: dict[str, Any],
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    data = {**self_referral_data, **changes}
    response = client.post("/request/", data)
    assert response.status_code == 200
    body = response.content.decode()
    form = response.context["form"]
    assert field in form.errors
    assert any(message in error for error in form.errors[field])
    # In the summary at the top, linking to the field...
    assert f'href="#id_{field}' in body
    assert "There is a problem" in body
    # ...and what the person typed is kept.
    if field != "best_times":
        assert 'value="Weekdays after 6 pm"' in body
    if field not in ("email",):
        assert 'value="sam@example.org"' in body
    assert not SupportRequest.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_field_in_error_is_tied_to_its_message(
    client: Client, self_referral_data: dict[str, Any]
) -> None:
    body = client.post("/request/", {**self_referral_data, "email": "nope"}).content.decode()
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_email_error' in body or 'id="error_1_id_email"' in body


def test_a_script_tag_in_the_name_is_escaped_everywhere_it_is_shown(
    client: Client, self_referral_data: dict[str, Any], administrator: Any
) -> None:
    script = "<script>alert(1)</script>"
    response = client.post("/request/", {**self_referral_data, "name": script, "email": "bad"})
    assert script not in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode()
    client.post("/request/", {**self_referral_data, "name": script})
    request = SupportRequest.objects.get()
    assert request.name == script  # stored as typed, escaped on output
    client.force_login(administrator)
    page = client.get(f"/admin/intake/supportrequest/{request.pk}/change/").content.decode()
    assert script not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_same_form_sent_twice_creates_one_request(
    client: Client, self_referral_data: dict[str, Any]
) -> None:
    first = client.post("/request/", self_referral_data)
    second = client.post("/request/", self_referral_data)
    assert first.status_code == second.status_code == 302
    assert SupportRequest.objects.count() == 1
    assert OutgoingEmail.objects.filter(kind="request_received").count() == 1
    assert SupportRequest.objects.get().case_code in client.get("/request/sent/").content.decode()


def test_two_different_forms_create_two_requests(
    client: Client, self_referral_data: dict[str, Any]
) -> None:
    client.post("/request/", self_referral_data)
    client.post(
        "/request/",
        {**self_referral_data, "submission_key": "2f6b1c55-6a3a-4c56-9d1e-1b2b3c4d5e6f"},
    )
    assert SupportRequest.objects.count() == 2
    assert len(set(SupportRequest.objects.values_list("case_code", flat=True))) == 2


def test_a_one_megabyte_body_gets_the_friendly_page_and_saves_nothing(
    client: Client, self_referral_data: dict[str, Any]
) -> None:
    response = client.post("/request/", {**self_referral_data, "name": "x" * (1024 * 1024)})
    assert response.status_code in (400, 413)
    body = response.content.decode()
    assert "too long" in body
    assert "9-8-8" in body
    assert not SupportRequest.objects.exists()


def test_the_honeypot_pretends_success_and_saves_nothing(
    client: Client, self_referral_data: dict[str, Any]
) -> None:
    response = client.post("/request/", {**self_referral_data, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not SupportRequest.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_the_confirmation_url_carries_nothing_identifying(
    client: Client, self_referral_data: dict[str, Any]
) -> None:
    response = client.post("/request/", self_referral_data)
    location = response.headers["Location"]
    request = SupportRequest.objects.get()
    assert location == "/request/sent/"
    assert request.case_code not in location and str(request.public_id) not in location


def test_the_form_pages_run_a_fixed_number_of_queries(
    client: Client, self_referral_data: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        client.get("/request/")
    with django_assert_max_num_queries(3):
        client.get("/refer/")
    with django_assert_max_num_queries(15):
        client.post("/request/", self_referral_data)


def test_the_landing_page_links_to_both_forms(client: Client) -> None:
    body = client.get("/").content.decode()
    assert 'href="/request/"' in body
    assert 'href="/refer/"' in body
