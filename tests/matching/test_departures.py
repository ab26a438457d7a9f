"""A supporter who leaves: access ends at once, their contacts are listed to reassign, and
the administrators hear how many, by case code only."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Session, User
from matching.models import Assignment
from matching.selectors import contacts_of_inactive_supporters
from matching.services import (
    assign_supporter,
    close_request,
    deactivate_supporter,
    reassign,
    send_due_reminders,
)
from notifications.models import OutgoingEmail
from supporters.models import Supporter
from supporters.selectors import available_supporters, listed_supporters
from tests.conftest import SignInClient
from tests.factories import SupportRequestFactory
from tests.matching.conftest import TUESDAY

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/supporters/supporter/"


@pytest.fixture
def contacts(
    supporter: User, administrator: User, supporter_profile: Supporter
) -> list[Assignment]:
    """Two active contacts of the `supporter` persona, and one closed."""
    made = [
        assign_supporter(
            request=SupportRequestFactory(submitted_at=TUESDAY, name=f"Dr. Person {n}"),
            supporter=supporter_profile,
            assigned_by=administrator,
            now=TUESDAY,
        )
        for n in range(3)
    ]
    close_request(
        assignment=made[2], outcome="declined", closed_by=supporter, now=TUESDAY + timedelta(1)
    )
    return made[:2]


def test_deactivating_ends_access_at_once_and_lists_the_contacts(
    client: Client,
    supporter: User,
    administrator: User,
    supporter_profile: Supporter,
    contacts: list[Assignment],
) -> None:
    client.force_login(supporter)
    assert client.get("/portal/").status_code == 200
    other = SignInClient()
    other.force_login(administrator)

    left = deactivate_supporter(supporter=supporter_profile, deactivated_by=administrator)

    assert [assignment.pk for assignment in left] == [assignment.pk for assignment in contacts]
    assert not User.objects.get(pk=supporter.pk).is_active
    # Their portal is refused from the next click, and signing in again fails.
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")
    assert client.get(f"/portal/contacts/{contacts[0].public_id}/").status_code == 302
    again = Client().post(
        "/accounts/login/", {"username": "sam@example.org", "password": "correct-horse-battery"}
    )
    assert again.status_code == 200  # the form again, with its error: not signed in
    # Their sessions are gone; the administrator's is not.
    assert other.get("/admin/").status_code == 200
    assert Session.objects.count() == 1
    # The contacts wait, still assigned, in the list to reassign.
    listed = list(contacts_of_inactive_supporters())
    assert [assignment.pk for assignment in listed] == [assignment.pk for assignment in contacts]


def test_the_administrators_are_told_how_many_by_case_code_only(
    administrator: User, supporter_profile: Supporter, contacts: list[Assignment]
) -> None:
    deactivate_supporter(supporter=supporter_profile, deactivated_by=administrator)
    email = OutgoingEmail.objects.get(kind="supporter_deactivated")
    assert email.to_address == administrator.email
    assert email.subject == "Physician Peer Support Program: 2 contacts to reassign"
    for assignment in contacts:
        code = assignment.request.case_code
        assert code in email.body_text and code in email.body_html
        match = reverse("admin:matching_queuedrequest_match", args=[assignment.request.public_id])
        assert match in email.body_text
    everything = email.subject + email.body_text + email.body_html
    for name in ("Dr. Sam Lee", "Sam", "sam@example.org", "Dr. Person", "requester"):
        assert name not in everything


def test_deactivating_twice_or_without_contacts_emails_nobody_more(
    administrator: User,
    supporter_profile: Supporter,
    other_supporter_profile: Supporter,
    contacts: list[Assignment],
) -> None:
    deactivate_supporter(supporter=supporter_profile, deactivated_by=administrator)
    assert deactivate_supporter(supporter=supporter_profile, deactivated_by=administrator)
    assert (
        deactivate_supporter(supporter=other_supporter_profile, deactivated_by=administrator) == []
    )
    assert OutgoingEmail.objects.filter(kind="supporter_deactivated").count() == 1
    assert not User.objects.get(pk=other_supporter_profile.user_id).is_active


def test_a_departed_supporter_is_neither_matched_nor_listed_nor_emailed(
    administrator: User,
    supporter_profile: Supporter,
    other_supporter_profile: Supporter,
    contacts: list[Assignment],
) -> None:
    deactivate_supporter(supporter=supporter_profile, deactivated_by=administrator)
    today = TUESDAY.date()
    assert supporter_profile not in available_supporters(today=today)
    assert supporter_profile not in listed_supporters(today=today)
    before = OutgoingEmail.objects.count()
    # No reminder to someone who left; the escalation to administrators still comes.
    assert send_due_reminders(now=TUESDAY + timedelta(days=3)) == 2
    assert OutgoingEmail.objects.filter(kind="contact_reminder").count() == 0
    # Reassigning takes the contact off the list, and tells the one who left nothing.
    reassign(
        request=contacts[0].request,
        supporter=other_supporter_profile,
        assigned_by=administrator,
        now=TUESDAY + timedelta(days=1),
    )
    assert [a.pk for a in contacts_of_inactive_supporters()] == [contacts[1].pk]
    assert OutgoingEmail.objects.filter(kind="contact_moved").count() == 0
    assert OutgoingEmail.objects.filter(kind="new_contact").count() == 3 + 1
    assert OutgoingEmail.objects.count() > before


def test_contacts_of_inactive_supporters_is_one_query(
    administrator: User,
    supporter_profile: Supporter,
    contacts: list[Assignment],
    django_assert_num_queries: Any,
) -> None:
    deactivate_supporter(supporter=supporter_profile, deactivated_by=administrator)
    with django_assert_num_queries(1):
        rows = [
            (a.request.case_code, a.supporter.display_name)
            for a in contacts_of_inactive_supporters()
        ]
    assert len(rows) == 2


# --- In the admin ------------------------------------------------------------------------


def test_the_admin_asks_once_listing_the_contacts_then_deactivates(
    client: Client,
    administrator: User,
    supporter: User,
    supporter_profile: Supporter,
    contacts: list[Assignment],
) -> None:
    client.force_login(administrator)
    data = {"action": "deactivate", "_selected_action": [supporter_profile.pk]}
    page = client.post(CHANGELIST, data).content.decode()
    assert "Deactivate supporters?" in page
    assert "2 contacts to reassign" in page
    for assignment in contacts:
        assert assignment.request.case_code in page
        assert assignment.request.name not in page
    assert User.objects.get(pk=supporter.pk).is_active  # asked, not done

    response = client.post(CHANGELIST, {**data, "post": "yes"}, follow=True)
    page = response.content.decode()
    assert "Deactivated 1 supporter: they can no longer sign in." in page
    assert "2 contacts need reassigning" in page
    assert not User.objects.get(pk=supporter.pk).is_active


def test_only_administrators_may_deactivate(
    client: Client, supporter: User, outsider: User, supporter_profile: Supporter
) -> None:
    data = {"action": "deactivate", "_selected_action": [supporter_profile.pk], "post": "yes"}
    for person in (outsider, supporter):
        client.force_login(person)
        client.post(CHANGELIST, data)
    assert User.objects.get(pk=supporter.pk).is_active
