"""The survey invitation: once, SURVEY_DELAY_DAYS after a closure with support given, to
those who did not decline it; a link whose answers nothing can tie back to the request."""

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from accounts.models import User
from accounts.roles import ADMINISTRATORS
from intake.models import SupportRequest
from matching import tasks
from matching.models import Assignment
from matching.services import (
    assign_supporter,
    close_request,
    record_first_contact,
    send_survey_invitations,
    withdraw_request,
)
from notifications.models import OutgoingEmail
from notifications.services import send_due_emails
from peersupport.celery import app
from surveys.models import Response, Survey, SurveyToken
from surveys.selectors import hash_token, questions_of
from surveys.services import GivenAnswer, submit_invited_response
from tests.factories import SupporterFactory, SupportRequestFactory, UserFactory
from tests.helpers import wait_for
from tests.matching.conftest import TUESDAY, VANCOUVER
from tests.matching.test_concurrency import run_together
from tests.surveys.conftest import ensure_default_surveys

pytestmark = pytest.mark.django_db

WEDNESDAY = datetime(2026, 3, 11, 10, 0, tzinfo=VANCOUVER)
CLOSED_AT = datetime(2026, 3, 12, 16, 0, tzinfo=VANCOUVER)  # a Thursday afternoon
DUE = CLOSED_AT + timedelta(days=2)
LINK = re.compile(r"http://127\.0\.0\.1:8000(/survey/([A-Za-z0-9_-]{40,})/)")


@pytest.fixture(autouse=True)
def _surveys(db: None) -> None:
    ensure_default_surveys()


def close(assignment: Assignment, outcome: str = "completed", *, reached: bool = True) -> None:
    if reached:
        record_first_contact(
            assignment=assignment, contacted_at=WEDNESDAY, means="phone", now=WEDNESDAY
        )
    close_request(
        assignment=assignment,
        outcome=outcome,
        referred_to="eap" if outcome == "referred_on" else "",
        closed_by=assignment.supporter.user,
        now=CLOSED_AT,
    )


def invitations() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind="survey_invitation").order_by("pk"))


def run_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return int(tasks.send_survey_invitations())


def test_the_requester_is_invited_once_survey_delay_days_after_closing(
    assignment: Assignment,
) -> None:
    close(assignment)
    assert run_at(DUE - timedelta(seconds=1)) == 0
    assert run_at(DUE) == 1
    for later in (DUE + timedelta(hours=1), DUE + timedelta(days=10)):
        assert run_at(later) == 0

    [email] = invitations()
    request = SupportRequest.objects.get()
    assert request.survey_invited_at == DUE
    assert email.to_address == request.email
    assert email.request_public_id == request.public_id
    assert email.language == request.interface_language
    match = LINK.search(email.body_text)
    assert match, email.body_text
    token = match.group(2)
    # Surveys keep the link's hash, its survey and its day; nothing names the request.
    link = SurveyToken.objects.get()
    assert link.token_hash == hash_token(token)
    assert link.invited_on == DUE.date()
    assert request.case_code in email.subject
    assert request.name not in email.subject + email.body_text
    assert "anonymous" in email.body_text
    assert "works once, for 30 days" in email.body_text


def test_the_delay_follows_the_setting(assignment: Assignment, settings: Any) -> None:
    settings.SURVEY_DELAY_DAYS = 0
    close(assignment)
    assert send_survey_invitations(now=CLOSED_AT) == 1


@pytest.mark.parametrize(
    ("outcome", "reached", "invited"),
    [
        ("completed", True, True),
        ("referred_on", True, True),
        ("declined", True, False),
        ("unreachable", False, False),
    ],
)
def test_only_closures_with_support_given_are_invited(
    assignment: Assignment, outcome: str, reached: bool, invited: bool
) -> None:
    close(assignment, outcome, reached=reached)
    assert send_survey_invitations(now=DUE) == (1 if invited else 0)
    assert len(invitations()) == (1 if invited else 0)
    assert SurveyToken.objects.count() == (1 if invited else 0)


def test_a_request_that_declined_the_survey_is_never_invited(assignment: Assignment) -> None:
    SupportRequest.objects.filter(pk=assignment.request_id).update(no_survey=True)
    close(assignment)
    assert send_survey_invitations(now=DUE + timedelta(days=5)) == 0
    assert invitations() == [] and not SurveyToken.objects.exists()
    assert SupportRequest.objects.get().survey_invited_at is None


def test_a_request_reached_by_phone_only_gets_no_email(assignment: Assignment) -> None:
    SupportRequest.objects.filter(pk=assignment.request_id).update(
        email="", preferred_contact="phone"
    )
    close(assignment)
    assert send_survey_invitations(now=DUE) == 0
    assert not SurveyToken.objects.exists()


def test_open_and_withdrawn_requests_are_not_invited(
    assignment: Assignment, administrator: User
) -> None:
    other = SupportRequestFactory.create(submitted_at=TUESDAY)
    withdraw_request(
        request=other, reason="requester_asked", withdrawn_by=administrator, now=TUESDAY
    )
    assert send_survey_invitations(now=DUE) == 0


def test_with_no_post_support_survey_in_use_nobody_is_claimed(assignment: Assignment) -> None:
    close(assignment)
    Survey.objects.filter(kind="post_support").update(is_active=False)
    assert send_survey_invitations(now=DUE) == 0
    assert SupportRequest.objects.get().survey_invited_at is None
    Survey.objects.filter(kind="post_support", version=1).update(is_active=True)
    assert send_survey_invitations(now=DUE + timedelta(hours=1)) == 1


def test_invitation_answer_and_the_link_is_gone(assignment: Assignment) -> None:
    close(assignment)
    send_survey_invitations(now=DUE)
    send_due_emails()
    # Once sent, the outbox row keeps no address, no body, no link.
    sent = OutgoingEmail.objects.get(kind="survey_invitation")
    assert (sent.status, sent.to_address, sent.body_text, sent.body_html) == ("sent", "", "", "")
    [message] = [m for m in mail.outbox if "survey" in m.body]
    token = LINK.search(message.body).group(2)  # type: ignore[union-attr]
    survey = Survey.objects.get(kind="post_support", is_active=True)
    useful = next(q for q in questions_of(survey) if q.code == "useful")
    submit_invited_response(
        token=token, answers=[GivenAnswer(question=useful, value=5)], now=DUE + timedelta(days=1)
    )
    assert not SurveyToken.objects.exists()
    assert Response.objects.get().channel == "invited"
    # Nothing left in the database holds the token or its hash.
    assert not OutgoingEmail.objects.filter(body_text__contains=token).exists()


def test_a_backlog_drains_in_one_run(
    administrator: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matching.services import invitations as sweep
    from matching.services import sweeps

    monkeypatch.setattr(sweep, "SWEEP_BATCH_SIZE", 3)
    monkeypatch.setattr(sweeps, "SWEEP_BATCH_SIZE", 3)
    supporter = SupporterFactory.create(capacity=20)
    for _ in range(7):
        assignment = assign_supporter(
            request=SupportRequestFactory.create(submitted_at=TUESDAY),
            supporter=supporter,
            assigned_by=administrator,
            now=TUESDAY,
        )
        close(assignment)
    assert run_at(DUE) == 7
    assert len(invitations()) == 7 == SurveyToken.objects.count()


def test_the_task_is_on_the_beat_every_hour(settings: Any) -> None:
    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "matching.tasks.send_survey_invitations"
    ]
    assert entry["schedule"] == timedelta(hours=1)
    assert "args" not in entry and "kwargs" not in entry
    assert "matching.tasks.send_survey_invitations" in app.tasks


# --- Two runs at once, and a real worker ---------------------------------------------------


def _closed_requests(count: int) -> None:
    administrator = UserFactory.create(email="alice@example.org", role=ADMINISTRATORS)
    supporter = SupporterFactory.create(capacity=20)
    long_ago = timezone.now() - timedelta(days=10)
    for _ in range(count):
        assignment = assign_supporter(
            request=SupportRequestFactory.create(submitted_at=long_ago),
            supporter=supporter,
            assigned_by=administrator,
            now=long_ago,
        )
        record_first_contact(
            assignment=assignment, contacted_at=long_ago, means="phone", now=long_ago
        )
        close_request(
            assignment=assignment,
            outcome="completed",
            closed_by=supporter.user,
            now=long_ago + timedelta(hours=1),
        )


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_invite_each_request_exactly_once() -> None:
    ensure_default_surveys()
    _closed_requests(12)

    results, errors = run_together(tasks.send_survey_invitations, tasks.send_survey_invitations)

    assert errors == []
    assert sum(results) == 12
    ids = [email.request_public_id for email in invitations()]
    assert len(ids) == len(set(ids)) == 12
    assert SurveyToken.objects.count() == 12
    assert tasks.send_survey_invitations() == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_the_invitations_through_the_broker(_test_redis: str) -> None:
    ensure_default_surveys()
    _closed_requests(2)

    def invited() -> bool:
        return SupportRequest.objects.filter(survey_invited_at__isnull=False).count() == 2

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        tasks.send_survey_invitations.delay()
        assert wait_for(invited)

    assert len(invitations()) == 2
