"""Password reset goes through the outbox and never tells whether an account exists."""

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from notifications.models import OutgoingEmail
from notifications.services import send_due_emails
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET = "/accounts/password-reset/"
LINK = re.compile(r"https?://[^\s\"<>]+(/accounts/reset/[^\s\"<>]+/)")
NEW_PASSWORD = "a-long-new-passphrase-2026"


def test_the_sign_in_page_links_to_it(client: Client) -> None:
    body = client.get("/accounts/login/").content.decode()
    assert f'href="{RESET}"' in body
    assert "Forgot your password?" in body


def test_known_and_unknown_addresses_get_the_same_answer(
    client: Client, administrator: Any
) -> None:
    known = client.post(RESET, {"email": "ALICE@example.org"}, follow=True)
    unknown = client.post(RESET, {"email": "nobody@example.org"}, follow=True)
    assert (
        known.redirect_chain == unknown.redirect_chain == [("/accounts/password-reset/sent/", 302)]
    )
    assert known.content == unknown.content
    assert "If an account exists for that address" in known.content.decode()
    email = OutgoingEmail.objects.get()
    assert (email.kind, email.to_address) == ("password_reset", "alice@example.org")


def test_an_inactive_account_gets_no_email(client: Client) -> None:
    UserFactory(email="gone@example.org", is_active=False)
    client.post(RESET, {"email": "gone@example.org"})
    assert not OutgoingEmail.objects.exists()


def test_an_invalid_address_is_an_error_next_to_the_field(client: Client) -> None:
    response = client.post(RESET, {"email": "not an address"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_the_emailed_link_sets_a_new_password_once(client: Client, administrator: Any) -> None:
    client.post(RESET, {"email": "alice@example.org"})
    assert send_due_emails() == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    match = LINK.search(message.body)
    assert match
    form_url = client.get(match.group(1)).headers["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.headers["Location"] == "/accounts/reset/done/"
    assert "Your password is set" in client.get("/accounts/reset/done/").content.decode()
    assert client.login(username="alice@example.org", password=NEW_PASSWORD)
    client.logout()
    again = client.get(match.group(1))
    assert "This link no longer works" in again.content.decode()
    assert 'href="/accounts/password-reset/"' in again.content.decode()


def test_a_weak_password_is_refused_with_a_summary(client: Client, administrator: Any) -> None:
    client.post(RESET, {"email": "alice@example.org"})
    send_due_emails()
    match = LINK.search(mail.outbox[0].body)
    assert match
    form_url = client.get(match.group(1)).headers["Location"]
    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.check_password("correct-horse-battery")


def test_password_fields_are_kept_out_of_error_reports(client: Client, administrator: Any) -> None:
    response = client.post(RESET, {"email": "alice@example.org"})
    assert response.wsgi_request.sensitive_post_parameters == ("email",)
    send_due_emails()
    match = LINK.search(mail.outbox[0].body)
    assert match
    form_url = client.get(match.group(1)).headers["Location"]
    response = client.post(form_url, {"new_password1": "x", "new_password2": "x"})
    assert response.wsgi_request.sensitive_post_parameters
