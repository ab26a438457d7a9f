"""The outbox with a real Celery worker on the real Redis broker."""

from pathlib import Path
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from notifications.models import OutgoingEmail
from notifications.services import queue_email
from notifications.tasks import send_pending_emails
from peersupport.celery import app
from tests.helpers import wait_for

TEMPLATES = str(Path(__file__).resolve().parents[1] / "templates")

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _example_templates(settings: Any) -> None:
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]}
    ]


def queue_committed() -> OutgoingEmail:
    with transaction.atomic():
        return queue_email(
            kind="example",
            to="someone@example.org",
            template="example",
            context={"code": "PS-WORKER"},
            language="en",
        )


def use_broker(url: str) -> None:
    """Point the app at another broker, forgetting the pools of the old one."""
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


def is_sent(email: OutgoingEmail) -> bool:
    email.refresh_from_db()
    return email.status == OutgoingEmail.Status.SENT


def test_the_worker_sends_an_email_woken_on_commit(_test_redis: str) -> None:
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        email = queue_committed()
        assert wait_for(lambda: is_sent(email))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["someone@example.org"]


def test_an_email_queued_while_redis_is_down_is_sent_when_it_is_back(_test_redis: str) -> None:
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there: Redis is "down"
    try:
        email = queue_committed()  # the wake-up cannot reach the broker
    finally:
        use_broker(_test_redis)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.PENDING
    assert mail.outbox == []
    # Redis is back: the beat's sweep reaches a worker, which sends the waiting row.
    assert redis.Redis.from_url(_test_redis).ping()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        send_pending_emails.delay()
        assert wait_for(lambda: is_sent(email))
    assert len(mail.outbox) == 1
