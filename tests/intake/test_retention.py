"""Retention: identifiers disappear on schedule, set-based, with legal holds and clean-ups."""

from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Session, User
from accounts.sessions import SessionStore
from intake.models import AccessLog, LegalHold, PendingCompaction, SupportRequest
from intake.retention import (
    clean_up,
    place_legal_hold,
    run_retention,
    scrub_closed_requests,
)
from matching import tasks as matching_tasks
from matching.models import Assignment, Conversation
from matching.services import (
    assign_supporter,
    close_request,
    hand_back,
    log_conversation,
    record_first_contact,
    withdraw_long_waiting,
    withdraw_request,
)
from notifications.models import OutgoingEmail
from notifications.services import send_due_emails
from supporters.models import Supporter
from tests.factories import SupporterFactory, SupportRequestFactory
from tests.matching.conftest import TUESDAY

pytestmark = pytest.mark.django_db

RETENTION = timedelta(days=30)
CLOSED_AT = TUESDAY + timedelta(days=3)


def closed_request(
    supporter: User, administrator: User, *, closed_at: datetime = CLOSED_AT, **fields: Any
) -> SupportRequest:
    """A self-referral taken through assignment, first contact, a conversation and closure."""
    other = SupporterFactory.create(display_name="Dr. Avoided")
    request = SupportRequestFactory.create(
        submitted_at=TUESDAY - timedelta(hours=2),
        preferred_supporter=Supporter.objects.get(user=supporter),
        **fields,
    )
    request.avoid_supporters.set([other])
    assignment = assign_supporter(
        request=request,
        supporter=Supporter.objects.get(user=supporter),
        assigned_by=administrator,
        now=TUESDAY,
    )
    record_first_contact(
        assignment=assignment,
        contacted_at=TUESDAY + timedelta(hours=3),
        means="phone",
        now=TUESDAY + timedelta(hours=3),
    )
    log_conversation(
        assignment=assignment,
        held_on=date(2026, 3, 11),
        minutes=40,
        modality="phone",
        is_follow_up_planned=False,
        now=TUESDAY + timedelta(days=1),
    )
    close_request(
        assignment=assignment,
        outcome="referred_on",
        referred_to="eap",
        closed_by=supporter,
        now=closed_at,
    )
    request.refresh_from_db()
    return request


IDENTIFIERS = (
    "name",
    "email",
    "phone",
    "best_times",
    "referrer_name",
    "referrer_email",
    "confirmation_token_hash",
    "specialty_group",
)


def test_a_closed_request_past_retention_keeps_only_what_evaluation_needs(
    supporter: User, administrator: User
) -> None:
    request = closed_request(supporter, administrator, best_times="Evenings")
    kept_before = (
        request.source,
        request.reasons,
        request.language,
        request.modality,
        request.career_stage,
        request.region_id,
        request.submitted_at,
        request.first_matched_at,
        request.first_contact_at,
        request.closed_at,
        request.outcome,
        request.referred_to,
    )

    assert scrub_closed_requests(now=CLOSED_AT + RETENTION + timedelta(minutes=1)) == 1

    request.refresh_from_db()
    assert all(getattr(request, field) == "" for field in IDENTIFIERS)
    assert request.preferred_supporter_id is None
    assert not request.avoid_supporters.exists()
    assert request.scrubbed_at == CLOSED_AT + RETENTION + timedelta(minutes=1)
    assert (
        request.source,
        request.reasons,
        request.language,
        request.modality,
        request.career_stage,
        request.region_id,
        request.submitted_at,
        request.first_matched_at,
        request.first_contact_at,
        request.closed_at,
        request.outcome,
        request.referred_to,
    ) == kept_before
    # Conversations and minutes count for evaluation, and stay.
    assert Conversation.objects.filter(assignment__request=request).get().minutes == 40
    assert PendingCompaction.objects.filter(table="intake_supportrequest").exists()


def test_a_request_inside_its_retention_is_untouched(supporter: User, administrator: User) -> None:
    request = closed_request(supporter, administrator)
    assert scrub_closed_requests(now=CLOSED_AT + RETENTION - timedelta(minutes=1)) == 0
    request.refresh_from_db()
    assert request.scrubbed_at is None and request.name and request.email


def test_a_withdrawn_request_is_scrubbed_on_the_same_schedule(administrator: User) -> None:
    request = SupportRequestFactory.create(submitted_at=TUESDAY)
    withdraw_request(request=request, reason="duplicate", withdrawn_by=administrator, now=TUESDAY)
    assert scrub_closed_requests(now=TUESDAY + RETENTION - timedelta(seconds=1)) == 0
    assert scrub_closed_requests(now=TUESDAY + RETENTION) == 1
    request.refresh_from_db()
    assert request.email == "" and request.scrubbed_at is not None


def test_open_requests_are_never_scrubbed_however_old(supporter: User) -> None:
    SupportRequestFactory.create(submitted_at=TUESDAY - timedelta(days=400))
    assert scrub_closed_requests(now=TUESDAY) == 0


def test_the_scrub_discards_pending_emails_and_the_admin_log_of_scrubbed_requests(
    supporter: User, administrator: User
) -> None:
    request = closed_request(supporter, administrator)
    pending = OutgoingEmail.objects.filter(request_public_id=request.public_id).exclude(
        status="sent"
    )
    assert pending.exists()
    entry = LogEntry.objects.create(
        user=administrator,
        content_type=ContentType.objects.get_for_model(SupportRequest),
        object_id=str(request.pk),
        object_repr=request.case_code,
        action_flag=CHANGE,
    )

    scrub_closed_requests(now=CLOSED_AT + RETENTION + timedelta(hours=1))

    assert not pending.exists()
    assert not LogEntry.objects.filter(pk=entry.pk).exists()


def test_a_scrub_runs_in_batches_until_the_backlog_is_gone(
    supporter: User, administrator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from intake import retention

    monkeypatch.setattr(retention, "SCRUB_BATCH_SIZE", 2)
    for _number in range(5):
        request = SupportRequestFactory.create(submitted_at=TUESDAY)
        withdraw_request(request=request, reason="spam", withdrawn_by=administrator, now=TUESDAY)
    assert scrub_closed_requests(now=TUESDAY + RETENTION) == 5
    assert scrub_closed_requests(now=TUESDAY + RETENTION) == 0


def test_the_database_refuses_a_scrubbed_row_that_still_holds_an_identifier(
    administrator: User,
) -> None:
    request = SupportRequestFactory.create(submitted_at=TUESDAY)
    withdraw_request(request=request, reason="spam", withdrawn_by=administrator, now=TUESDAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportRequest.objects.filter(pk=request.pk).update(scrubbed_at=TUESDAY, email="")


# --- Legal holds ---------------------------------------------------------------------------


def test_a_held_request_is_not_scrubbed_until_its_hold_ends(
    supporter: User, administrator: User
) -> None:
    request = closed_request(supporter, administrator)
    place_legal_hold(
        request=request,
        reason=LegalHold.Reason.LITIGATION,
        held_until=date(2026, 6, 30),
        placed_by=administrator,
        now=CLOSED_AT,
    )
    assert AccessLog.objects.filter(request=request, view="legal hold placed").exists()

    on_last_day = datetime(2026, 6, 30, 23, 0, tzinfo=TUESDAY.tzinfo)
    assert scrub_closed_requests(now=on_last_day) == 0
    request.refresh_from_db()
    assert request.email

    day_after = datetime(2026, 7, 1, 0, 30, tzinfo=TUESDAY.tzinfo)
    assert run_retention(now=day_after)["requests scrubbed"] == 1
    request.refresh_from_db()
    assert request.email == ""
    assert LegalHold.objects.get().lifted_at == day_after


def test_an_administrator_places_and_lifts_a_hold_in_the_admin(
    client: Client, supporter: User, administrator: User
) -> None:
    request = closed_request(supporter, administrator)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:intake_legalhold_add"),
        {"case_code": request.case_code.lower(), "reason": "regulator", "held_until": "2030-01-01"},
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.request, hold.placed_by, hold.reason) == (request, administrator, "regulator")
    page = client.get(reverse("admin:intake_supportrequest_change", args=[request.pk]))
    assert "A regulator" in page.content.decode()

    client.post(
        reverse("admin:intake_legalhold_changelist"),
        {"action": "lift", "_selected_action": [hold.pk]},
    )
    hold.refresh_from_db()
    assert hold.lifted_at is not None
    assert AccessLog.objects.filter(request=request, view="legal hold lifted").exists()


def test_a_hold_needs_a_real_case_code_and_a_date_not_past(
    client: Client, administrator: User
) -> None:
    client.force_login(administrator)
    response = client.post(
        reverse("admin:intake_legalhold_add"),
        {"case_code": "PS-NOPE00", "reason": "regulator", "held_until": "2001-01-01"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "No request has this case code." in page
    assert "Choose today or a later date." in page
    assert not LegalHold.objects.exists()


# --- Requests left waiting ----------------------------------------------------------------


def test_a_request_left_waiting_is_withdrawn_and_both_sides_are_told_kindly(
    administrator: User, settings: Any
) -> None:
    settings.CRISIS_RESOURCES = [{"label": "Local crisis line", "contact": "1-800-555-0199"}]
    request = SupportRequestFactory.create(submitted_at=TUESDAY, email="waiting@example.org")
    assert withdraw_long_waiting(now=TUESDAY + timedelta(days=30) - timedelta(seconds=1)) == 0
    assert withdraw_long_waiting(now=TUESDAY + timedelta(days=30)) == 1
    assert withdraw_long_waiting(now=TUESDAY + timedelta(days=31)) == 0

    request.refresh_from_db()
    assert (request.status, request.withdrawal_reason) == ("withdrawn", "no_longer_waiting")
    assert request.get_withdrawal_reason_display() == "No longer waiting"
    send_due_emails()
    to_requester = next(m for m in mail.outbox if m.to == ["waiting@example.org"])
    assert to_requester.subject == f"Your request {request.case_code}"
    assert "Local crisis line: 1-800-555-0199" in to_requester.body
    assert "program@example.org" in to_requester.body
    to_staff = next(m for m in mail.outbox if m.to == [administrator.email])
    assert request.case_code in to_staff.body
    assert request.name not in to_staff.body and "waiting@example.org" not in to_staff.body


def test_a_handed_back_request_counts_its_wait_from_its_return_to_the_queue(
    supporter: User, administrator: User
) -> None:
    request = SupportRequestFactory.create(submitted_at=TUESDAY - timedelta(days=60))
    assignment: Assignment = assign_supporter(
        request=request,
        supporter=Supporter.objects.get(user=supporter),
        assigned_by=administrator,
        now=TUESDAY,
    )
    hand_back(assignment=assignment, reason="no_capacity", handed_back_by=supporter, now=TUESDAY)
    assert withdraw_long_waiting(now=TUESDAY + timedelta(days=29)) == 0
    assert withdraw_long_waiting(now=TUESDAY + timedelta(days=30)) == 1
    # ...and it is scrubbed on the usual schedule after that.
    assert scrub_closed_requests(now=TUESDAY + timedelta(days=60)) == 1


def test_the_withdrawal_task_drains_in_batches(administrator: User) -> None:
    for _number in range(3):
        SupportRequestFactory.create(submitted_at=TUESDAY - timedelta(days=40))
    assert matching_tasks.withdraw_long_waiting() == 3
    assert matching_tasks.withdraw_long_waiting() == 0


# --- Clean-ups ----------------------------------------------------------------------------


def test_the_clean_ups_blank_failed_emails_delete_old_rows_and_expired_sessions(
    administrator: User, settings: Any
) -> None:
    now = TUESDAY
    failed_old = OutgoingEmail.objects.create(
        kind="x",
        to_address="a@example.org",
        subject="s",
        body_text="b",
        language="en",
        status="failed",
        next_attempt_at=now,
        created_at=now - timedelta(days=8),
    )
    failed_new = OutgoingEmail.objects.create(
        kind="x",
        to_address="b@example.org",
        subject="s",
        body_text="b",
        language="en",
        status="failed",
        next_attempt_at=now,
        created_at=now - timedelta(days=6),
    )
    sent_old = OutgoingEmail.objects.create(
        kind="x",
        language="en",
        status="sent",
        next_attempt_at=now,
        created_at=now - timedelta(days=40),
        sent_at=now - timedelta(days=31),
    )
    sent_new = OutgoingEmail.objects.create(
        kind="x",
        language="en",
        status="sent",
        next_attempt_at=now,
        created_at=now - timedelta(days=10),
        sent_at=now - timedelta(days=29),
    )
    request = SupportRequestFactory.create(submitted_at=now)
    old_log = AccessLog.objects.create(
        user=administrator, request=request, view="x", accessed_at=now - timedelta(days=366)
    )
    new_log = AccessLog.objects.create(
        user=administrator, request=request, view="x", accessed_at=now - timedelta(days=364)
    )
    expired = SessionStore()
    expired.set_expiry(1)
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=now - timedelta(minutes=1)
    )

    counts = clean_up(now=now)

    failed_old.refresh_from_db()
    failed_new.refresh_from_db()
    assert (failed_old.to_address, failed_old.body_text, failed_old.status) == ("", "", "failed")
    assert failed_new.to_address == "b@example.org"
    assert not OutgoingEmail.objects.filter(pk=sent_old.pk).exists()
    assert OutgoingEmail.objects.filter(pk=sent_new.pk).exists()
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [new_log.pk]
    assert not AccessLog.objects.filter(pk=old_log.pk).exists()
    assert not Session.objects.filter(session_key=expired.session_key).exists()
    assert counts["failed emails blanked"] == 1
    assert counts["sent emails deleted"] == 1
    assert counts["access-log rows deleted"] == 1
    assert counts["expired sessions deleted"] >= 1


# --- purge_expired ------------------------------------------------------------------------


def test_purge_expired_dry_run_counts_and_changes_nothing(
    supporter: User, administrator: User
) -> None:
    request = closed_request(supporter, administrator, closed_at=TUESDAY - timedelta(days=60))
    waiting = SupportRequestFactory.create(submitted_at=TUESDAY - timedelta(days=45))
    emails_before = OutgoingEmail.objects.count()
    out = StringIO()

    call_command("purge_expired", "--dry-run", stdout=out)

    assert "Dry run: nothing was changed." in out.getvalue()
    assert "requests scrubbed: 1" in out.getvalue()
    assert "requests withdrawn, no longer waiting: 1" in out.getvalue()
    request.refresh_from_db()
    waiting.refresh_from_db()
    assert request.scrubbed_at is None and request.email
    assert waiting.status == "waiting"
    assert OutgoingEmail.objects.count() == emails_before

    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert "requests scrubbed: 1" in out.getvalue()
    request.refresh_from_db()
    waiting.refresh_from_db()
    assert request.scrubbed_at is not None and request.email == ""
    assert waiting.status == "withdrawn"
