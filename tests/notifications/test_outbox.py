"""The outbox: queued with the event, sent once, retried with backoff, never lost."""

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from notifications.models import OutgoingEmail
from notifications.services import queue_email, retry_failed_emails, send_due_emails
from tests.backends import FailOnceBackend

TEMPLATES = str(Path(__file__).resolve().parents[1] / "templates")


@pytest.fixture(autouse=True)
def _example_templates(settings: Any) -> None:
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]}
    ]


def queue(code: str = "PS-TEST01", **kwargs: Any) -> OutgoingEmail:
    return queue_email(
        kind="example",
        to="someone@example.org",
        template="example",
        context={"code": code, "program_name": "Physician Peer Support Program"},
        language="en",
        **kwargs,
    )


@pytest.mark.django_db
def test_queueing_renders_the_email_and_wakes_the_sender_on_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        email = queue()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.PENDING
    assert email.subject == "Physician Peer Support Program: example PS-TEST01"
    assert "Hello — PS-TEST01" in email.body_text
    assert "<p>Hello — PS-TEST01</p>" in email.body_html
    assert len(callbacks) == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_nothing_is_queued_when_the_transaction_rolls_back() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the event failed")
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_sending_delivers_once_and_keeps_no_address_or_body() -> None:
    email = queue()
    assert send_due_emails() == 1
    assert send_due_emails() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["someone@example.org"]
    assert message.subject == "Physician Peer Support Program: example PS-TEST01"
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert email.sent_at is not None
    assert (email.to_address, email.subject, email.body_text, email.body_html) == ("", "", "", "")
    assert email.kind == "example"


@pytest.mark.django_db
def test_an_email_due_later_waits() -> None:
    now = timezone.now()
    email = queue()
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=now + timedelta(minutes=5))
    assert send_due_emails(now=now) == 0
    assert send_due_emails(now=now + timedelta(minutes=5)) == 1


@pytest.mark.django_db
def test_a_failure_is_retried_with_backoff_and_sent_once_after_recovery(settings: Any) -> None:
    settings.MAILERS = {"default": {"BACKEND": "tests.backends.FailOnceBackend"}}
    FailOnceBackend.reset(failures=1)
    now = timezone.now()
    email = queue(now=now)
    assert send_due_emails(now=now) == 0
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.PENDING
    assert email.attempts == 1
    assert email.next_attempt_at == now + timedelta(minutes=1)
    # The error keeps its kind only: SMTP messages can echo an address.
    assert email.last_error == "ConnectionRefusedError"
    assert send_due_emails(now=now + timedelta(seconds=30)) == 0  # not yet due
    assert send_due_emails(now=now + timedelta(minutes=1)) == 1
    assert send_due_emails(now=now + timedelta(minutes=10)) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_it_gives_up_after_the_cap_and_shows_the_row_as_failed(
    settings: Any, client: Client, administrator: Any
) -> None:
    settings.MAILERS = {"default": {"BACKEND": "tests.backends.AlwaysFailBackend"}}
    now = timezone.now()
    email = queue(now=now)
    for _ in range(settings.OUTBOX_MAX_ATTEMPTS + 2):
        now += timedelta(hours=2)
        send_due_emails(now=now)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.attempts == settings.OUTBOX_MAX_ATTEMPTS
    client.force_login(administrator)
    page = client.get("/admin/notifications/outgoingemail/?status__exact=failed")
    assert page.status_code == 200
    assert f"example #{email.pk}" in page.content.decode() or "example" in page.content.decode()
    assert "someone@example.org" not in page.content.decode()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert retry_failed_emails(ids=[email.pk], now=now) == 1
    assert send_due_emails(now=now) == 1


@pytest.mark.django_db
def test_an_abandoned_claim_is_taken_over_after_it_expires() -> None:
    now = timezone.now()
    email = queue(now=now)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENDING, claimed_until=now + timedelta(minutes=10)
    )
    assert send_due_emails(now=now + timedelta(minutes=5)) == 0
    assert send_due_emails(now=now + timedelta(minutes=11)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_email_exactly_once() -> None:
    for number in range(30):
        queue(code=f"PS-{number:06d}")
    barrier = threading.Barrier(2, timeout=10)
    results: list[int] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(send_due_emails())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(results) == 30
    assert len(mail.outbox) == 30
    assert len({message.subject for message in mail.outbox}) == 30
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 30
