"""The outbox under faults, with real parts: a real Celery worker (a subprocess) on a real
Redis of the test's own, and a real SMTP server (aiosmtpd) on a free port.

- a worker killed with SIGKILL in the middle of a batch: every email is delivered after
  a new worker starts, duplicated at most for the message in flight (by Message-ID);
- Redis stopped: a request that queues several emails makes one broker attempt, and its
  emails go out once Redis is back;
- after FLUSHALL, every due reminder is still sent, once, by the next sweep;
- an SMTP server that refuses: retries with backoff, then one delivery.
"""

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
import time_machine
from aiosmtpd.controller import Controller
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.roles import ADMINISTRATORS
from matching.services import assign_supporter
from notifications import services as outbox
from notifications.models import OutgoingEmail
from notifications.services import Email, queue_emails
from peersupport.celery import app
from tests.factories import SupporterFactory, SupportRequestFactory, UserFactory
from tests.helpers import free_port, private_redis, wait_for
from tests.matching.conftest import TUESDAY

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


class Inbox:
    """An SMTP handler that keeps each message's Message-ID, slowly, and may refuse."""

    def __init__(self, *, delay: float = 0.0, refuse_first: int = 0) -> None:
        self.delay = delay
        self.refuse_left = refuse_first
        self.message_ids: list[str] = []
        self.lock = threading.Lock()
        self.pause = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.refuse_left > 0:
                self.refuse_left -= 1
                return "451 4.3.0 Try again later"
        if self.delay:
            self.pause.wait(self.delay)
        for line in envelope.content.decode(errors="replace").splitlines():
            if line.lower().startswith("message-id:"):
                with self.lock:
                    self.message_ids.append(line.split(":", 1)[1].strip())
                break
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox(delay=0.15)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def use_broker(url: str) -> None:
    """Point this process's Celery app at another broker, forgetting the old one's pools."""
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


@pytest.fixture
def broker(settings: Any) -> Iterator[str]:
    # The worker's sender, so that Message-IDs computed here match the ones it sends.
    settings.DEFAULT_FROM_EMAIL = "peer-support@example.org"
    with private_redis() as url:
        settings.CELERY_BROKER_URL = url
        use_broker(url)
        yield url
    use_broker(settings.REDIS_URL)


def start_worker(
    *, broker_url: str, smtp_port: int, lease_seconds: int = 2
) -> subprocess.Popen[bytes]:
    """Start `celery worker` (solo pool) on the test database, the broker and the SMTP server."""
    database = connection.settings_dict
    environment = {
        "PATH": os.environ["PATH"],
        "ENV_FILE": "/dev/null",
        "DJANGO_SETTINGS_MODULE": "peersupport.settings",
        "SECRET_KEY": "fault-tests-only",
        "FIELD_ENCRYPTION_KEY": "fault-tests-only-field-encryption-key-0123",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}"
        ),
        "REDIS_URL": broker_url,
        "NOTES_REDIS_URL": broker_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "DEFAULT_FROM_EMAIL": "peer-support@example.org",
        "OUTBOX_LEASE_SECONDS": str(lease_seconds),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "peersupport",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(worker: subprocess.Popen[bytes], *, kill: bool = False) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
    worker.wait(timeout=30)


def queue_fifty() -> list[OutgoingEmail]:
    with transaction.atomic():
        return queue_emails(
            [
                Email(
                    kind="example",
                    to=f"person{number}@example.org",
                    template="matching/contact_moved",
                    context={"program_name": "Program", "link": "http://127.0.0.1/"},
                    language="en",
                )
                for number in range(50)
            ]
        )


def all_sent() -> bool:
    return not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists()


def wake_until(condition: Any, *, timeout: float = 60) -> bool:
    """Wake the sender every half second (the beat's sweep, compressed) until `condition`."""
    from notifications.tasks import send_pending_emails

    pause = threading.Event()

    def woken() -> bool:
        if condition():
            return True
        send_pending_emails.delay()
        pause.wait(0.5)
        return condition()

    return wait_for(woken, timeout=timeout)


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_at_most_its_message_in_flight(
    smtp: tuple[Inbox, int], broker: str
) -> None:
    inbox, port = smtp
    first = start_worker(broker_url=broker, smtp_port=port)
    try:
        emails = queue_fifty()
        assert wait_for(lambda: len(inbox.message_ids) >= 8, timeout=60)
        stop(first, kill=True)
        delivered_before = len(inbox.message_ids)
        assert delivered_before < 50
    finally:
        stop(first, kill=True)

    second = start_worker(broker_url=broker, smtp_port=port)
    try:
        assert wake_until(all_sent, timeout=90)
    finally:
        stop(second)

    expected = {outbox.message_id(email) for email in emails}
    assert set(inbox.message_ids) == expected
    duplicates = len(inbox.message_ids) - len(set(inbox.message_ids))
    # One worker sends one message at a time: at most the one in flight at the kill.
    assert duplicates <= 1


def test_with_redis_down_a_request_wakes_the_broker_once_and_its_emails_go_out_later(
    smtp: tuple[Inbox, int], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(4):
        UserFactory(email=f"admin{number}@example.org", role=ADMINISTRATORS)
    port = free_port()
    down = f"redis://127.0.0.1:{port}/0"
    settings.CELERY_BROKER_URL = down
    use_broker(down)
    from notifications.tasks import send_pending_emails

    attempts: list[int] = []
    publish = send_pending_emails.delay

    def counted_publish(*args: Any, **kwargs: Any) -> Any:
        attempts.append(1)
        return publish(*args, **kwargs)  # the real publish, against the stopped Redis

    monkeypatch.setattr(send_pending_emails, "delay", counted_publish)
    response = Client().post(
        "/request/",
        {
            "name": "Sam",
            "email": "sam@example.org",
            "preferred_contact": "email",
            "modality": "phone",
            "language": "en",
            "acknowledge": "on",
        },
    )
    assert response.status_code == 302
    queued = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).count()
    assert queued == 5  # the requester's confirmation and four administrators' notices
    assert attempts == [1]  # one broker attempt for the whole request, not one per email

    with private_redis(port=port) as back:
        use_broker(back)
        monkeypatch.undo()
        worker = start_worker(broker_url=back, smtp_port=smtp[1])
        try:
            assert wake_until(all_sent, timeout=60)
        finally:
            stop(worker)
    use_broker(settings.REDIS_URL)
    assert len(smtp[0].message_ids) == len(set(smtp[0].message_ids)) == 5


def test_after_flushall_every_due_reminder_is_still_sent_once(
    smtp: tuple[Inbox, int], broker: str
) -> None:
    administrator = UserFactory(role=ADMINISTRATORS)
    assignments = []
    for _number in range(3):
        request = SupportRequestFactory(submitted_at=TUESDAY)
        assignments.append(
            assign_supporter(
                request=request,
                supporter=SupporterFactory(),
                assigned_by=administrator,
                now=TUESDAY,
            )
        )
    OutgoingEmail.objects.update(
        status=OutgoingEmail.Status.SENT,
        sent_at=TUESDAY,
        to_address="",
        subject="",
        body_text="",
        body_html="",
    )
    from matching.tasks import send_due_reminders

    # Whatever the broker held is gone; the facts are in Postgres.
    redis.Redis.from_url(broker).flushall()
    worker = start_worker(broker_url=broker, smtp_port=smtp[1])
    try:
        send_due_reminders.delay()
        assert wait_for(
            lambda: OutgoingEmail.objects.filter(kind="contact_reminder").count() == 3, timeout=60
        )
        send_due_reminders.delay()
        assert wake_until(all_sent, timeout=60)
    finally:
        stop(worker)
    assert OutgoingEmail.objects.filter(kind="contact_reminder").count() == 3
    assert len(smtp[0].message_ids) == 3


def test_a_refusing_smtp_server_leads_to_retries_and_one_delivery(settings: Any) -> None:
    inbox = Inbox(refuse_first=2)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    try:
        now = timezone.now()
        [email] = queue_emails(
            [
                Email(
                    kind="example",
                    to="someone@example.org",
                    template="matching/contact_moved",
                    context={"program_name": "Program", "link": "http://127.0.0.1/"},
                    language="en",
                )
            ],
            now=now,
        )
        assert outbox.send_due_emails(now=now) == 0
        email.refresh_from_db()
        assert (email.status, email.attempts) == ("pending", 1)
        with time_machine.travel(now + timedelta(minutes=1, seconds=1), tick=False):
            assert outbox.send_due_emails() == 0
        with time_machine.travel(now + timedelta(minutes=4), tick=False):
            assert outbox.send_due_emails() == 1
            assert outbox.send_due_emails() == 0
    finally:
        controller.stop()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 3)
    assert inbox.message_ids == [outbox.message_id(email)]


def test_the_production_lease_is_a_minute_or_less() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup();"
            "print(settings.OUTBOX_LEASE_SECONDS)",
        ],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "ENV_FILE": "/dev/null",
            "DJANGO_SETTINGS_MODULE": "peersupport.settings",
            "SECRET_KEY": "x",
            "FIELD_ENCRYPTION_KEY": "fault-tests-only-field-encryption-key-0123",
            "PYTHONPATH": str(ROOT),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert 0 < int(result.stdout.strip().splitlines()[-1]) <= 60


def test_a_users_emails_keep_one_message_id_across_attempts(administrator: User) -> None:
    [email] = queue_emails(
        [
            Email(
                kind="x",
                to="a@example.org",
                template="matching/contact_moved",
                context={"program_name": "P", "link": "l"},
                language="en",
            )
        ]
    )
    assert outbox.message_id(email) == outbox.message_id(OutgoingEmail.objects.get(pk=email.pk))
    assert outbox.message_id(email).endswith("@localhost>")
