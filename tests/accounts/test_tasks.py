"""Accounts' tasks with a real Celery worker on the real broker: a reset link asked for on
the page reaches the outbox through the worker, and the task carries no argument."""

from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.test import Client

from accounts import tasks
from accounts.models import PasswordResetRequest
from notifications.models import OutgoingEmail
from peersupport.celery import app
from tests.factories import UserFactory
from tests.helpers import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_sends_a_reset_link_asked_for_on_the_page(
    _test_redis: str, monkeypatch: Any
) -> None:
    UserFactory(email="alice@example.org")
    published: list[tuple[Any, Any]] = []
    original = tasks.send_password_resets.apply_async

    def spy(args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        published.append((args, kwargs))
        return original(args=args, kwargs=kwargs, **options)

    monkeypatch.setattr(tasks.send_password_resets, "apply_async", spy)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        Client().post("/accounts/password-reset/", {"email": "alice@example.org"})
        Client().post("/accounts/password-reset/", {"email": "nobody@example.org"})
        assert wait_for(
            lambda: (
                not PasswordResetRequest.objects.exists()
                and not OutgoingEmail.objects.exclude(status="sent").exists()
                and len(mail.outbox) == 1
            )
        )
    assert mail.outbox[0].to == ["alice@example.org"]
    assert "/accounts/reset/" in mail.outbox[0].body
    # Woken twice (once per page), never with an address in its arguments.
    assert len(published) == 2
    assert all(not args and not kwargs for args, kwargs in published)
