"""Two transactions at once on real Postgres: one active assignment per request, one slot
per unit of capacity, and each periodic email sent exactly once by two runs at once."""

import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.roles import ADMINISTRATORS
from intake.models import SupportRequest
from matching import tasks
from matching.models import Assignment, DirectContact
from matching.services import (
    DirectContactFacts,
    MatchingRefused,
    assign_supporter,
    flag_safety_concern,
    log_direct_contact,
)
from notifications.models import OutgoingEmail
from supporters.models import Supporter
from tests.factories import SupporterFactory, SupportRequestFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BARRIER_TIMEOUT = 10
JOIN_TIMEOUT = 30


def run_together(*calls: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run each call in its own thread and connection, released together by a barrier.

    Return the results and the exceptions raised, in no particular order.
    """
    barrier = threading.Barrier(len(calls), timeout=BARRIER_TIMEOUT)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcome = call()
            with lock:
                results.append(outcome)
        except BaseException as error:  # the main thread asserts on it
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is still running"
    return results, errors


@pytest.fixture
def admin(transactional_db: None) -> User:
    return UserFactory.create(email="alice@example.org", role=ADMINISTRATORS)


def test_two_administrators_assigning_one_request_at_once_make_one_assignment(
    admin: User,
) -> None:
    second_admin = UserFactory.create(email="bob@example.org", role=ADMINISTRATORS)
    first = SupporterFactory.create(display_name="Dr. First")
    second = SupporterFactory.create(display_name="Dr. Second")
    request = SupportRequestFactory.create()

    def assign(supporter: Supporter, by: User) -> Callable[[], Assignment]:
        return lambda: assign_supporter(request=request, supporter=supporter, assigned_by=by)

    results, errors = run_together(assign(first, admin), assign(second, second_admin))

    assert len(results) == 1
    assert len(errors) == 1
    refusal = errors[0]
    assert isinstance(refusal, MatchingRefused)
    assert refusal.message == (
        f"{request.case_code} is no longer waiting: it is now “Matched, not reached yet”. "
        "Someone else may have just matched it; nothing was changed."
    )
    [row] = Assignment.objects.filter(request=request)
    assert row.pk == results[0].pk
    assert row.ended_at is None
    assert SupportRequest.objects.get(pk=request.pk).status == SupportRequest.Status.MATCHED
    # Only the winner's supporter was told.
    assert OutgoingEmail.objects.filter(kind="new_contact").count() == 1


def test_two_requests_for_a_supporters_last_slot_at_once_fill_it_once(admin: User) -> None:
    supporter = SupporterFactory.create(display_name="Dr. Almost Full", capacity=2)
    assign_supporter(request=SupportRequestFactory.create(), supporter=supporter, assigned_by=admin)
    first, second = SupportRequestFactory.create(), SupportRequestFactory.create()

    def assign(request: SupportRequest) -> Callable[[], Assignment]:
        return lambda: assign_supporter(request=request, supporter=supporter, assigned_by=admin)

    results, errors = run_together(assign(first), assign(second))

    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], MatchingRefused)
    assert errors[0].message == "Dr. Almost Full cannot take a new request: at capacity."
    assert Assignment.objects.filter(supporter=supporter, ended_at__isnull=True).count() == 2
    statuses = sorted(
        SupportRequest.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == ["matched", "waiting"]


def _overdue_assignments(count: int, admin: User) -> None:
    """`count` assignments made ten days ago: reminder and escalation both due now."""
    long_ago = timezone.now() - timedelta(days=10)
    supporter = SupporterFactory.create(capacity=20)
    for _ in range(count):
        assign_supporter(
            request=SupportRequestFactory.create(submitted_at=long_ago),
            supporter=supporter,
            assigned_by=admin,
            now=long_ago,
        )


def _long_waiting_requests(count: int, admin: User) -> None:
    long_ago = timezone.now() - timedelta(days=10)
    for _ in range(count):
        SupportRequestFactory.create(submitted_at=long_ago)


def _open_safety_concerns(count: int, admin: User) -> None:
    """`count` safety concerns raised two hours ago and never marked handled."""
    _overdue_assignments(count, admin)
    two_hours_ago = timezone.now() - timedelta(hours=2)
    for assignment in Assignment.objects.all():
        flag_safety_concern(
            assignment=assignment, raised_by=assignment.supporter.user, now=two_hours_ago
        )


@pytest.mark.parametrize(
    ("task", "kind", "arrange"),
    [
        (tasks.send_due_reminders, "contact_reminder", _overdue_assignments),
        (tasks.escalate_overdue, "contact_overdue", _overdue_assignments),
        (tasks.remind_unmatched, "still_unmatched", _long_waiting_requests),
        (tasks.reescalate_safety_concerns, "safety_concern_reescalated", _open_safety_concerns),
    ],
    ids=["reminders", "escalations", "unmatched", "safety concerns"],
)
def test_two_runs_of_a_sweep_at_once_send_each_email_exactly_once(
    task: Any, kind: str, arrange: Any, admin: User
) -> None:
    second_admin = UserFactory.create(email="bob@example.org", role=ADMINISTRATORS)
    arrange(12, admin)
    per_row = 1 if kind == "contact_reminder" else 2  # administrators get one each

    results, errors = run_together(task, task)

    assert errors == []
    assert sorted(results)[0] >= 0 and sum(results) == 12
    emails = OutgoingEmail.objects.filter(kind=kind)
    assert emails.count() == 12 * per_row
    # Each row's email once: no recipient got two for one request.
    pairs = list(emails.values_list("request_public_id", "to_address"))
    assert len(set(pairs)) == len(pairs)
    if per_row == 2:
        assert {address for _id, address in pairs} == {admin.email, second_admin.email}
    # And a third run, after both, finds nothing left.
    assert task() == 0
    assert OutgoingEmail.objects.filter(kind=kind).count() == 12 * per_row


def test_one_direct_contact_form_sent_twice_at_once_logs_one_entry(transactional_db: None) -> None:
    supporter = SupporterFactory.create(display_name="Dr. Direct")
    key = uuid.uuid4()
    facts = DirectContactFacts(
        held_on=timezone.localdate(),
        minutes=30,
        modality="phone",
        is_first_conversation=True,
        is_follow_up_planned=False,
    )

    def send() -> bool:
        return log_direct_contact(supporter=supporter, facts=facts, submission_key=key)[1]

    results, errors = run_together(send, send)
    assert not errors
    assert sorted(results) == [False, True]
    assert DirectContact.objects.count() == 1
