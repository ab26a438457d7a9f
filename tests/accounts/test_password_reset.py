"""Password reset: one code path for every address, the email rendered by the worker,
throttled per address and per IP; links last an hour (invitations three days)."""

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import PasswordResetRequest, Session
from accounts.services import send_password_resets, wake_reset_sender
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


def ask(client: Client, email: str, django_capture_on_commit_callbacks: Any) -> Any:
    """Post the form; return (the response after redirects, the on-commit callbacks)."""
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(RESET, {"email": email}, follow=True)
    return response, [callback.__qualname__ for callback in callbacks]


def test_known_and_unknown_addresses_take_the_same_code_path(
    client: Client, administrator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    known, known_calls = ask(client, "ALICE@example.org", django_capture_on_commit_callbacks)
    unknown, unknown_calls = ask(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert (
        known.redirect_chain == unknown.redirect_chain == [("/accounts/password-reset/sent/", 302)]
    )
    assert known.content == unknown.content
    assert "If an account exists for that address" in known.content.decode()
    # The same queueing, with no argument, for both; nothing rendered in the request.
    assert known_calls == unknown_calls == [wake_reset_sender.__qualname__]
    assert not OutgoingEmail.objects.exists()
    assert sorted(PasswordResetRequest.objects.values_list("email", flat=True)) == [
        "alice@example.org",
        "nobody@example.org",
    ]
    # The worker decides: one email, to the account; both requests are gone.
    assert send_password_resets() == 1
    email = OutgoingEmail.objects.get()
    assert (email.kind, email.to_address) == ("password_reset", "alice@example.org")
    assert "expires after 1 hour" in email.body_text
    assert not PasswordResetRequest.objects.exists()


def test_running_the_worker_twice_sends_once(client: Client, administrator: Any) -> None:
    client.post(RESET, {"email": "alice@example.org"})
    assert send_password_resets() == 1
    assert send_password_resets() == 0
    assert OutgoingEmail.objects.count() == 1


def test_an_inactive_account_gets_no_email(client: Client) -> None:
    UserFactory(email="gone@example.org", is_active=False)
    client.post(RESET, {"email": "gone@example.org"})
    assert send_password_resets() == 0
    assert not OutgoingEmail.objects.exists()
    assert not PasswordResetRequest.objects.exists()


def test_one_address_is_throttled_and_the_answer_is_a_429(
    client: Client, administrator: Any
) -> None:
    for _ in range(3):
        assert client.post(RESET, {"email": "alice@example.org"}).status_code == 302
    response = client.post(RESET, {"email": "Alice@example.org"})
    assert response.status_code == 429
    assert "Too many requests for now" in response.content.decode()
    assert "program@example.org" in response.content.decode()
    assert PasswordResetRequest.objects.count() == 3
    # Another address from the same IP is still heard.
    assert client.post(RESET, {"email": "lee@example.org"}).status_code == 302


def test_one_ip_is_throttled_whatever_the_addresses(client: Client) -> None:
    for number in range(10):
        assert client.post(RESET, {"email": f"p{number}@example.org"}).status_code == 302
    assert client.post(RESET, {"email": "p10@example.org"}).status_code == 429
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.post(RESET, {"email": "p11@example.org"}).status_code == 302
    assert PasswordResetRequest.objects.count() == 11


def test_an_invalid_address_is_an_error_next_to_the_field(client: Client) -> None:
    response = client.post(RESET, {"email": "not an address"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def reset_link(client: Client, email: str = "alice@example.org") -> str:
    """Ask for a link and let the worker send it; return its path."""
    mail.outbox.clear()
    client.post(RESET, {"email": email})
    send_password_resets()
    assert send_due_emails() == 1
    match = LINK.search(mail.outbox[0].body)
    assert match
    return match.group(1)


def test_the_emailed_link_sets_a_new_password_once(client: Client, administrator: Any) -> None:
    client.post(RESET, {"email": "alice@example.org"})
    send_password_resets()
    assert send_due_emails() == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    match = LINK.search(message.body)
    assert match
    form_url = client.get(match.group(1)).headers["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.headers["Location"] == "/accounts/reset/done/"
    assert "Your password is set" in client.get("/accounts/reset/done/").content.decode()
    administrator.refresh_from_db()
    assert administrator.check_password(NEW_PASSWORD)
    again = client.get(match.group(1))
    assert "This link no longer works" in again.content.decode()
    assert 'href="/accounts/password-reset/"' in again.content.decode()


def test_a_reset_link_expires_after_an_hour(client: Client, administrator: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        path = reset_link(client)
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        assert client.get(path).status_code == 302  # to the form
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        response = Client().get(path)
    assert "This link no longer works" in response.content.decode()


def test_a_new_password_ends_every_session_of_the_account(
    client: Client, administrator: Any
) -> None:
    elsewhere = Client()
    elsewhere.force_login(administrator)
    assert Session.objects.filter(user=administrator).count() == 1
    path = reset_link(client)
    form_url = client.get(path).headers["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert not Session.objects.filter(user=administrator).exists()
    assert elsewhere.get("/accounts/").status_code == 302  # signed out


def test_a_weak_password_is_refused_with_a_summary(client: Client, administrator: Any) -> None:
    form_url = client.get(reset_link(client)).headers["Location"]
    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.check_password("correct-horse-battery")


def test_password_fields_are_kept_out_of_error_reports(client: Client, administrator: Any) -> None:
    response = client.post(RESET, {"email": "alice@example.org"})
    assert response.wsgi_request.sensitive_post_parameters == ("email",)
    PasswordResetRequest.objects.all().delete()
    form_url = client.get(reset_link(client)).headers["Location"]
    response = client.post(form_url, {"new_password1": "x", "new_password2": "x"})
    assert response.wsgi_request.sensitive_post_parameters


def test_an_invitation_link_lasts_three_days_and_is_no_reset_link(client: Client) -> None:
    from accounts.services import invitation_link
    from accounts.tokens import invitation_tokens, reset_tokens

    user = UserFactory(email="new@example.org")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        path = LINK.search(invitation_link(user)).group(1)  # type: ignore[union-attr]
        token = path.rstrip("/").rsplit("/", 1)[1]
        assert not reset_tokens.check_token(user, token)
    with time_machine.travel(start + timedelta(days=2, hours=23), tick=False):
        assert invitation_tokens.check_token(user, token)
        assert client.get(path).status_code == 302  # to the form
    with time_machine.travel(start + timedelta(days=3, minutes=1), tick=False):
        assert "This link no longer works" in Client().get(path).content.decode()
