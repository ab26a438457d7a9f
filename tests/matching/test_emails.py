"""The requester's "matched" email: once per date to expect contact, not once per assignment."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import User
from matching.models import Assignment
from matching.services import assign_supporter, hand_back, reassign
from notifications.models import OutgoingEmail
from supporters.models import Supporter
from tests.matching.conftest import TUESDAY

pytestmark = pytest.mark.django_db

WEDNESDAY = TUESDAY + timedelta(days=1)


def matched_emails() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind="requester_matched").order_by("pk"))


def test_reassigning_with_the_same_date_sends_no_second_matched_email(
    assignment: Assignment, administrator: User, other_supporter_profile: Supporter
) -> None:
    assert len(matched_emails()) == 1
    new = reassign(
        request=assignment.request,
        supporter=other_supporter_profile,
        assigned_by=administrator,
        now=TUESDAY + timedelta(hours=3),
    )
    assert new.contact_due_at.date() == assignment.contact_due_at.date()
    assert len(matched_emails()) == 1
    # The new supporter is still told, and the previous one too.
    assert OutgoingEmail.objects.filter(kind="new_contact").count() == 2
    assert OutgoingEmail.objects.filter(kind="contact_moved").count() == 1


def test_reassigning_with_a_new_date_says_the_date_changed(
    assignment: Assignment, administrator: User, other_supporter_profile: Supporter
) -> None:
    reassign(
        request=assignment.request,
        supporter=other_supporter_profile,
        assigned_by=administrator,
        now=WEDNESDAY,
    )
    first, second = matched_emails()
    assert "has been matched with a peer supporter" in first.body_text
    assert "by the end of Friday 13 March 2026" in first.body_text
    assert "has changed: expect to hear from them by the end of Monday 16 March 2026" in (
        " ".join(second.body_text.split())
    )
    assert "has been matched" not in second.body_text
    assert second.subject == first.subject  # "Your request PS-…", nothing more


def test_a_new_assignment_after_a_hand_back_emails_only_a_new_date(
    assignment: Assignment,
    supporter: User,
    administrator: User,
    other_supporter_profile: Supporter,
    supporter_profile: Supporter,
) -> None:
    hand_back(
        assignment=assignment,
        reason="no_capacity",
        handed_back_by=supporter,
        now=TUESDAY + timedelta(hours=1),
    )
    again = assign_supporter(
        request=assignment.request,
        supporter=other_supporter_profile,
        assigned_by=administrator,
        now=TUESDAY + timedelta(hours=2),
    )
    assert len(matched_emails()) == 1
    hand_back(
        assignment=again, reason="conflict", handed_back_by=again.supporter.user, now=WEDNESDAY
    )
    assign_supporter(
        request=assignment.request,
        supporter=supporter_profile,
        assigned_by=administrator,
        now=WEDNESDAY + timedelta(hours=1),
    )
    assert len(matched_emails()) == 2
    assert "has changed" in matched_emails()[1].body_text


def test_the_match_page_says_whether_the_requester_was_emailed_again(
    client: Client,
    assignment: Assignment,
    administrator: User,
    other_supporter_profile: Supporter,
    settings: Any,
) -> None:
    client.force_login(administrator)
    url = reverse("admin:matching_queuedrequest_match", args=[assignment.request.public_id])
    with time_machine.travel(WEDNESDAY, tick=False):
        response = client.post(
            url, {"action": "reassign", "supporter": other_supporter_profile.pk}, follow=True
        )
    page = response.content.decode()
    # Reassigned on Wednesday: the deadline moves to Monday, and the requester hears.
    assert "The requester is emailed the new date to expect contact." in page
    assert len(matched_emails()) == 2

    settings.NOTIFY_REQUESTER_ON_MATCH = False
    back = Assignment.objects.get(request=assignment.request, ended_at__isnull=True)
    with time_machine.travel(WEDNESDAY + timedelta(days=1), tick=False):
        response = client.post(
            url, {"action": "reassign", "supporter": assignment.supporter_id}, follow=True
        )
    page = response.content.decode()
    assert back.supporter_id == other_supporter_profile.pk
    assert "requester is emailed" not in page and "not emailed again" not in page
    assert len(matched_emails()) == 2


def test_the_match_page_says_when_the_requester_is_not_emailed_again(
    client: Client,
    waiting_request: Any,
    administrator: User,
    supporter_profile: Supporter,
    other_supporter_profile: Supporter,
) -> None:
    client.force_login(administrator)
    url = reverse("admin:matching_queuedrequest_match", args=[waiting_request.public_id])
    with time_machine.travel(TUESDAY + timedelta(hours=1), tick=False):
        client.post(url, {"action": "assign", "supporter": supporter_profile.pk})
    with time_machine.travel(TUESDAY + timedelta(hours=5), tick=False):
        response = client.post(
            url, {"action": "reassign", "supporter": other_supporter_profile.pk}, follow=True
        )
    assert (
        "The date to expect contact is unchanged, so the requester is not emailed again."
        in response.content.decode()
    )
    assert len(matched_emails()) == 1
