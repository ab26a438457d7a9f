"""Matching's periodic tasks: each email exactly once over repeated runs, never for a
request that no longer needs it, a lost tick caught up, a backlog drained in one call."""

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from accounts.models import User
from accounts.roles import ADMINISTRATORS
from intake.models import SupportRequest
from matching import services, tasks
from matching.models import Assignment, ScratchNote
from matching.services import (
    assign_supporter,
    close_request,
    hand_back,
    reassign,
    record_first_contact,
    save_note,
    sweeps,
    withdraw_request,
)
from notifications.models import OutgoingEmail
from peersupport.celery import app
from supporters.models import Supporter
from tests.factories import SupporterFactory, SupportRequestFactory, UserFactory
from tests.helpers import wait_for
from tests.matching.conftest import TUESDAY, VANCOUVER

pytestmark = pytest.mark.django_db

# TUESDAY's assignment: reminded Friday 13 March at 09:00, overdue after Friday's end.
REMIND_AT = datetime(2026, 3, 13, 9, 0, tzinfo=VANCOUVER)
DUE_AT = datetime(2026, 3, 13, 23, 59, 59, 999999, tzinfo=VANCOUVER)
WEDNESDAY = datetime(2026, 3, 11, 10, 0, tzinfo=VANCOUVER)
THURSDAY_MIDNIGHT = datetime(2026, 3, 12, 0, 0, tzinfo=VANCOUVER)
SATURDAY = datetime(2026, 3, 14, 10, 0, tzinfo=VANCOUVER)
NEXT_MONDAY = datetime(2026, 3, 16, 10, 0, tzinfo=VANCOUVER)


def run_at(moment: datetime, task: Any) -> int:
    """Run a task's body in-process with the clock at `moment`."""
    with time_machine.travel(moment, tick=False):
        return int(task())


def sent(kind: str) -> list[str]:
    return list(
        OutgoingEmail.objects.filter(kind=kind).order_by("pk").values_list("to_address", flat=True)
    )


# --- send_due_reminders -----------------------------------------------------------------


def test_the_supporter_is_reminded_once_on_the_deadlines_morning(
    assignment: Assignment,
) -> None:
    assert run_at(REMIND_AT - timedelta(minutes=1), tasks.send_due_reminders) == 0
    assert sent("contact_reminder") == []

    assert run_at(REMIND_AT, tasks.send_due_reminders) == 1
    for later in (REMIND_AT + timedelta(minutes=15), DUE_AT, NEXT_MONDAY):
        assert run_at(later, tasks.send_due_reminders) == 0

    assert sent("contact_reminder") == ["sam@example.org"]
    assert Assignment.objects.get(pk=assignment.pk).reminded_at == REMIND_AT


# --- escalate_overdue -------------------------------------------------------------------


def test_the_administrators_are_told_once_when_the_deadline_passes(
    assignment: Assignment, administrator: User
) -> None:
    second = UserFactory.create(email="bob@example.org", role=ADMINISTRATORS)
    UserFactory.create(email="gone@example.org", role=ADMINISTRATORS, is_active=False)

    assert run_at(DUE_AT, tasks.escalate_overdue) == 0
    assert run_at(DUE_AT + timedelta(microseconds=1), tasks.escalate_overdue) == 1
    assert run_at(DUE_AT + timedelta(minutes=15), tasks.escalate_overdue) == 0
    assert run_at(NEXT_MONDAY, tasks.escalate_overdue) == 0

    assert sent("contact_overdue") == [administrator.email, second.email]
    email = OutgoingEmail.objects.filter(kind="contact_overdue").first()
    assert email is not None
    assert assignment.request.case_code in email.body_text
    assert f"/{assignment.request.public_id}/match/" in email.body_text
    assert Assignment.objects.get(pk=assignment.pk).escalated_at == DUE_AT + timedelta(
        microseconds=1
    )


# --- Nothing for a contact that no longer needs it --------------------------------------


def _reached(assignment: Assignment, admin: User, other: Supporter) -> None:
    record_first_contact(
        assignment=assignment, contacted_at=WEDNESDAY, means="phone", now=WEDNESDAY
    )


def _closed(assignment: Assignment, admin: User, other: Supporter) -> None:
    close_request(
        assignment=assignment,
        outcome="unreachable",
        closed_by=assignment.supporter.user,
        now=WEDNESDAY,
    )


def _withdrawn(assignment: Assignment, admin: User, other: Supporter) -> None:
    withdraw_request(
        request=assignment.request, reason="requester_asked", withdrawn_by=admin, now=WEDNESDAY
    )


def _handed_back(assignment: Assignment, admin: User, other: Supporter) -> None:
    hand_back(
        assignment=assignment,
        reason="conflict",
        handed_back_by=assignment.supporter.user,
        now=WEDNESDAY,
    )


def _reassigned(assignment: Assignment, admin: User, other: Supporter) -> None:
    # The new row, assigned Wednesday, is due Monday: nothing of it is due on Saturday.
    reassign(request=assignment.request, supporter=other, assigned_by=admin, now=WEDNESDAY)


@pytest.mark.parametrize(
    "arrange",
    [_reached, _closed, _withdrawn, _handed_back, _reassigned],
    ids=["contacted", "closed", "withdrawn", "handed_back", "reassigned"],
)
def test_no_reminder_or_escalation_once_the_contact_is_reached_or_ended(
    arrange: Any,
    assignment: Assignment,
    administrator: User,
    other_supporter_profile: Supporter,
) -> None:
    arrange(assignment, administrator, other_supporter_profile)

    for moment in (REMIND_AT, SATURDAY, SATURDAY + timedelta(hours=1)):
        assert run_at(moment, tasks.send_due_reminders) == 0
        assert run_at(moment, tasks.escalate_overdue) == 0

    assert sent("contact_reminder") == []
    assert sent("contact_overdue") == []
    row = Assignment.objects.get(pk=assignment.pk)
    assert (row.reminded_at, row.escalated_at) == (None, None)


# --- remind_unmatched -------------------------------------------------------------------


def test_a_request_waiting_more_than_one_business_day_is_reminded_once(
    waiting_request: SupportRequest, administrator: User
) -> None:
    # Waiting since Tuesday 10:00: one business day on Wednesday, two from Thursday.
    assert run_at(THURSDAY_MIDNIGHT - timedelta(microseconds=1), tasks.remind_unmatched) == 0
    assert run_at(THURSDAY_MIDNIGHT, tasks.remind_unmatched) == 1
    for later in (THURSDAY_MIDNIGHT + timedelta(minutes=15), SATURDAY, NEXT_MONDAY):
        assert run_at(later, tasks.remind_unmatched) == 0

    assert sent("still_unmatched") == [administrator.email]
    email = OutgoingEmail.objects.get(kind="still_unmatched")
    assert waiting_request.case_code in email.body_text
    assert SupportRequest.objects.get(pk=waiting_request.pk).unmatched_reminded_at == (
        THURSDAY_MIDNIGHT
    )


def test_the_weekend_does_not_count_as_waiting(administrator: User) -> None:
    friday = datetime(2026, 3, 6, 15, 0, tzinfo=VANCOUVER)
    SupportRequestFactory.create(submitted_at=friday)

    # Monday is one business day: not yet. Tuesday is the second.
    assert run_at(datetime(2026, 3, 9, 23, 0, tzinfo=VANCOUVER), tasks.remind_unmatched) == 0
    assert run_at(datetime(2026, 3, 10, 0, 0, tzinfo=VANCOUVER), tasks.remind_unmatched) == 1


def _unconfirmed() -> SupportRequest:
    return SupportRequestFactory.create(
        source="colleague",
        status="awaiting_confirmation",
        referrer_name="Rita",
        referrer_email="rita@example.org",
        consent_attested_at=TUESDAY,
        submitted_at=TUESDAY,
        confirmed_at=None,
        waiting_since=None,
    )


def test_no_unmatched_reminder_for_requests_matched_closed_withdrawn_or_unconfirmed(
    administrator: User, supporter_profile: Supporter
) -> None:
    matched = SupportRequestFactory.create(submitted_at=TUESDAY)
    assign_supporter(
        request=matched, supporter=supporter_profile, assigned_by=administrator, now=WEDNESDAY
    )
    closed = SupportRequestFactory.create(submitted_at=TUESDAY)
    close_request(
        assignment=assign_supporter(
            request=closed, supporter=supporter_profile, assigned_by=administrator, now=WEDNESDAY
        ),
        outcome="declined",
        closed_by=supporter_profile.user,
        now=WEDNESDAY,
    )
    withdrawn = SupportRequestFactory.create(submitted_at=TUESDAY)
    withdraw_request(request=withdrawn, reason="duplicate", withdrawn_by=administrator, now=TUESDAY)
    _unconfirmed()

    assert run_at(NEXT_MONDAY, tasks.remind_unmatched) == 0
    assert sent("still_unmatched") == []


def test_a_hand_back_starts_a_new_stay_that_is_reminded_again(
    waiting_request: SupportRequest,
    administrator: User,
    supporter: User,
    supporter_profile: Supporter,
) -> None:
    assert run_at(THURSDAY_MIDNIGHT, tasks.remind_unmatched) == 1
    assignment = assign_supporter(
        request=waiting_request,
        supporter=supporter_profile,
        assigned_by=administrator,
        now=THURSDAY_MIDNIGHT + timedelta(hours=9),
    )
    friday = datetime(2026, 3, 13, 10, 0, tzinfo=VANCOUVER)
    hand_back(assignment=assignment, reason="no_capacity", handed_back_by=supporter, now=friday)

    # Back in the queue since Friday: Monday is one business day, Tuesday two.
    assert run_at(datetime(2026, 3, 16, 23, 0, tzinfo=VANCOUVER), tasks.remind_unmatched) == 0
    assert run_at(datetime(2026, 3, 17, 0, 0, tzinfo=VANCOUVER), tasks.remind_unmatched) == 1
    assert run_at(datetime(2026, 3, 18, 0, 0, tzinfo=VANCOUVER), tasks.remind_unmatched) == 0

    assert sent("still_unmatched") == [administrator.email, administrator.email]


# --- Lost ticks and backlogs ------------------------------------------------------------


def test_a_lost_tick_is_caught_up_by_the_next_run(
    administrator: User, supporter_profile: Supporter
) -> None:
    assignments = [
        assign_supporter(
            request=SupportRequestFactory.create(submitted_at=TUESDAY - timedelta(hours=1)),
            supporter=supporter_profile,
            assigned_by=administrator,
            now=moment,
        )
        for moment in (TUESDAY, WEDNESDAY)
    ]
    waiting = SupportRequestFactory.create(submitted_at=TUESDAY)

    # No beat ran from Tuesday to the next Wednesday: one run of each sends everything due.
    later = datetime(2026, 3, 18, 10, 0, tzinfo=VANCOUVER)
    assert run_at(later, tasks.send_due_reminders) == 2
    assert run_at(later, tasks.escalate_overdue) == 2
    assert run_at(later, tasks.remind_unmatched) == 1

    assert sent("contact_reminder") == ["sam@example.org", "sam@example.org"]
    assert sent("contact_overdue") == [administrator.email] * 2
    assert sent("still_unmatched") == [administrator.email]
    assert all(
        row.reminded_at == later and row.escalated_at == later
        for row in Assignment.objects.filter(pk__in=[a.pk for a in assignments])
    )
    assert SupportRequest.objects.get(pk=waiting.pk).unmatched_reminded_at == later


def _due_assignments(count: int, admin: User) -> None:
    roomy = SupporterFactory.create(capacity=20)
    for _ in range(count):
        assign_supporter(
            request=SupportRequestFactory.create(submitted_at=TUESDAY),
            supporter=roomy,
            assigned_by=admin,
            now=TUESDAY,
        )


def _waiting_requests(count: int, admin: User) -> None:
    for _ in range(count):
        SupportRequestFactory.create(submitted_at=TUESDAY)


@pytest.mark.parametrize("count", [4, 5])
@pytest.mark.parametrize(
    ("task", "kind", "arrange"),
    [
        (tasks.send_due_reminders, "contact_reminder", _due_assignments),
        (tasks.escalate_overdue, "contact_overdue", _due_assignments),
        (tasks.remind_unmatched, "still_unmatched", _waiting_requests),
    ],
    ids=["reminders", "escalations", "unmatched"],
)
def test_a_backlog_larger_than_a_batch_drains_in_one_task_call(
    task: Any,
    kind: str,
    arrange: Any,
    count: int,
    administrator: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arrange(count, administrator)
    monkeypatch.setattr(sweeps, "SWEEP_BATCH_SIZE", 2)

    assert run_at(NEXT_MONDAY, task) == count
    assert run_at(NEXT_MONDAY, task) == 0

    assert len(sent(kind)) == count


# --- The scratch-note purge --------------------------------------------------------------


def test_notes_are_purged_exactly_when_their_lifetime_ends_and_editing_does_not_extend_it(
    settings: Any, administrator: User, supporter_profile: Supporter
) -> None:
    first, second = (
        assign_supporter(
            request=SupportRequestFactory.create(submitted_at=TUESDAY),
            supporter=supporter_profile,
            assigned_by=administrator,
            now=TUESDAY,
        )
        for _ in range(2)
    )
    lifetime = timedelta(hours=settings.NOTE_TTL_HOURS)
    early = save_note(assignment=first, text="First.", now=TUESDAY)
    late = save_note(assignment=second, text="Second.", now=TUESDAY + timedelta(hours=1))
    # Edited an hour before it expires: the edit does not buy it more time.
    save_note(assignment=first, text="First, edited.", now=TUESDAY + lifetime - timedelta(hours=1))

    assert run_at(TUESDAY + lifetime - timedelta(seconds=1), tasks.purge_expired_notes) == 0
    assert run_at(TUESDAY + lifetime, tasks.purge_expired_notes) == 1
    assert list(ScratchNote.objects.values_list("pk", flat=True)) == [late.pk]
    assert not ScratchNote.objects.filter(pk=early.pk).exists()
    assert run_at(TUESDAY + lifetime + timedelta(minutes=59), tasks.purge_expired_notes) == 0
    assert services.purge_expired_notes(now=TUESDAY + lifetime + timedelta(hours=1)) == 1
    assert not ScratchNote.objects.exists()
    # The contacts themselves are untouched.
    assert Assignment.objects.filter(ended_at__isnull=True).count() == 2


def test_notes_live_as_long_as_the_setting_says(settings: Any, assignment: Assignment) -> None:
    settings.NOTE_TTL_HOURS = 2
    save_note(assignment=assignment, text="Short-lived.", now=TUESDAY)

    assert services.purge_expired_notes(now=TUESDAY + timedelta(hours=1, minutes=59)) == 0
    assert services.purge_expired_notes(now=TUESDAY + timedelta(hours=2)) == 1


# --- The beat -----------------------------------------------------------------------------

MATCHING_TASKS = [
    "matching.tasks.send_due_reminders",
    "matching.tasks.escalate_overdue",
    "matching.tasks.remind_unmatched",
    "matching.tasks.purge_expired_notes",
]


@pytest.mark.parametrize("name", MATCHING_TASKS)
def test_each_sweep_is_on_the_beat_every_fifteen_minutes(settings: Any, name: str) -> None:
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == name]

    assert len(entries) == 1
    assert entries[0]["schedule"] == timedelta(minutes=15)
    assert "args" not in entries[0] and "kwargs" not in entries[0]
    assert name in app.tasks


# --- A real worker on the real broker -----------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_escalation_sent_through_the_broker(_test_redis: str) -> None:
    administrator = UserFactory.create(email="alice@example.org", role=ADMINISTRATORS)
    supporter = SupporterFactory.create()
    long_ago = timezone.now() - timedelta(days=10)
    assignment = assign_supporter(
        request=SupportRequestFactory.create(submitted_at=long_ago),
        supporter=supporter,
        assigned_by=administrator,
        now=long_ago,
    )

    def escalated() -> bool:
        return Assignment.objects.filter(pk=assignment.pk, escalated_at__isnull=False).exists()

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        tasks.escalate_overdue.delay()
        assert wait_for(escalated)

    assert OutgoingEmail.objects.filter(kind="contact_overdue").count() == 1
