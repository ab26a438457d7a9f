"""Administrators add a supporter with one form (account + profile) and invite them again."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from notifications.models import OutgoingEmail
from supporters.models import Supporter
from tests.factories import SupporterFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/supporters/supporter/add/"
CHANGELIST = "/admin/supporters/supporter/"


def add_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "email": "Noor@Example.org",
        "language": "en",
        "display_name": "Dr. Noor Ahmed",
        "pronouns": "she/her",
        "bio": "",
        "specialty_group": "surgery",
        "career_stage": "early",
        "languages": ["en", "ar"],
        "modalities": ["video"],
        "region": "",
        "capacity": "4",
        "accepts_new": "on",
        "away_until": "",
        "trained_on": "2026-01-10",
        "agreement_signed_on": "2026-01-12",
        "is_listed": "on",
    }
    data.update(changes)
    return data


def test_one_add_form_creates_the_account_and_profile_and_invites(
    client: Client, administrator: Any
) -> None:
    client.force_login(administrator)
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, add_form())
    assert response.status_code == 302, response.content.decode()
    supporter = Supporter.objects.get()
    assert response.headers["Location"] == CHANGELIST
    assert supporter.user.email == "noor@example.org"
    assert not supporter.user.has_usable_password()
    assert (supporter.capacity, supporter.languages, supporter.is_listed) == (4, ["en", "ar"], True)
    assert OutgoingEmail.objects.get().kind == "supporter_invitation"
    page = client.get(CHANGELIST).content.decode()
    assert "Dr. Noor Ahmed" in page
    assert "Taking new requests" in page


def test_an_email_already_in_use_is_refused(client: Client, administrator: Any) -> None:
    client.force_login(administrator)
    response = client.post(ADD, add_form(email="ALICE@example.org"))
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert not Supporter.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_capacity_outside_the_range_is_an_error(client: Client, administrator: Any) -> None:
    client.force_login(administrator)
    response = client.post(ADD, add_form(capacity="21"))
    assert response.status_code == 200
    assert not User.objects.filter(email="noor@example.org").exists()


def test_the_change_form_edits_dates_and_capacity(
    client: Client, administrator: Any, supporter: Any
) -> None:
    profile = Supporter.objects.get(user=supporter)
    client.force_login(administrator)
    url = f"{CHANGELIST}{profile.pk}/change/"
    page = client.get(url).content.decode()
    assert "sam@example.org" in page
    data = add_form(display_name="Dr. Sam Lee", capacity="7", trained_on="2026-02-01")
    data.update(slug=profile.slug)
    # The training records' inline, with no rows.
    data.update({f"training_records-{key}": "0" for key in ["TOTAL_FORMS", "INITIAL_FORMS"]})
    del data["email"], data["language"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    profile.refresh_from_db()
    assert (profile.capacity, profile.trained_on.isoformat()) == (7, "2026-02-01")


def test_sending_the_invitation_again_skips_those_with_a_password(
    client: Client, administrator: Any, supporter: Any
) -> None:
    invited = SupporterFactory(user__password=None)
    assert not invited.user.has_usable_password()
    client.force_login(administrator)
    response = client.post(
        CHANGELIST,
        {
            "action": "send_invitation_again",
            "_selected_action": [invited.pk, Supporter.objects.get(user=supporter).pk],
        },
        follow=True,
    )
    body = response.content.decode()
    assert "Sent the invitation again to 1 supporter." in body
    assert "1 supporter already has a password" in body
    email = OutgoingEmail.objects.get()
    assert email.to_address == invited.user.email


def test_the_changelist_runs_a_fixed_number_of_queries(
    client: Client, administrator: Any, django_assert_max_num_queries: Any
) -> None:
    SupporterFactory.create_batch(3)
    client.force_login(administrator)
    client.get(CHANGELIST)
    SupporterFactory.create_batch(20)
    with django_assert_max_num_queries(12):
        assert client.get(CHANGELIST).status_code == 200


# --- The supporter's phone, for the program only -----------------------------------------


def test_the_phone_is_set_in_the_admin_and_checked(client: Client, administrator: Any) -> None:
    client.force_login(administrator)
    response = client.post(ADD, add_form(phone="call me maybe"))
    assert response.status_code == 200
    assert "Enter a phone number with its area code" in response.content.decode()
    assert not Supporter.objects.exists()

    response = client.post(ADD, add_form(phone="604 555 0142"))
    assert response.status_code == 302
    supporter = Supporter.objects.get()
    assert supporter.phone == "604 555 0142"
    change = client.get(f"{CHANGELIST}{supporter.pk}/change/").content.decode()
    assert 'value="604 555 0142"' in change
    assert "never shown publicly" in change


def test_the_phone_is_never_on_a_public_or_supporter_page(client: Client, supporter: Any) -> None:
    Supporter.objects.filter(user=supporter).update(phone="604 555 0142")
    for path in ("/", "/supporters/", "/request/", "/refer/"):
        assert "555 0142" not in client.get(path).content.decode(), path
    client.force_login(supporter)
    for path in ("/portal/", "/portal/profile/"):
        page = client.get(path)
        assert page.status_code == 200
        assert "555 0142" not in page.content.decode(), path
