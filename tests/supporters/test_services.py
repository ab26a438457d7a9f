"""Inviting a supporter: the account, the profile and a single-use password link by email."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from accounts.access import has_role
from accounts.roles import SUPPORTERS
from notifications.models import OutgoingEmail
from notifications.services import send_due_emails
from programs.models import Region
from supporters.models import Supporter
from supporters.selectors import available_supporters
from supporters.services import invite_supporter, send_invitation, unique_slug
from tests.factories import SupporterFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"<>]+/accounts/reset/[^\s\"<>]+/")
NEW_PASSWORD = "a-long-new-passphrase-2026"


def invite(**kwargs: Any) -> Supporter:
    defaults: dict[str, Any] = {
        "email": "New.Supporter@Example.org",
        "display_name": "Dr. Noor Ahmed",
        "languages": ["en", "ar"],
        "modalities": ["video"],
    }
    return invite_supporter(**{**defaults, **kwargs})


def sent_link() -> str:
    assert send_due_emails() >= 1
    match = LINK.search(mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_inviting_creates_an_account_without_password_and_a_profile(
    django_capture_on_commit_callbacks: Any,
) -> None:
    region = Region.objects.create(name="Fraser")
    with django_capture_on_commit_callbacks() as callbacks:
        supporter = invite(region=region, capacity=5, trained_on=date(2026, 1, 5))
    user = supporter.user
    assert user.email == "new.supporter@example.org"
    assert has_role(user, SUPPORTERS)
    assert not user.is_staff
    assert not user.has_usable_password()
    assert supporter.slug == "dr-noor-ahmed"
    assert (supporter.region, supporter.capacity, supporter.trained_on) == (
        region,
        5,
        date(2026, 1, 5),
    )
    assert not supporter.is_listed
    email = OutgoingEmail.objects.get()
    assert email.kind == "supporter_invitation"
    assert email.to_address == "new.supporter@example.org"
    assert email.language == user.language
    assert "Dr. Noor Ahmed" in email.body_text
    # The sender is woken once the invitation commits.
    assert len(callbacks) == 1


def test_the_invitation_is_sent_through_the_outbox_with_a_link_on_the_site(settings: Any) -> None:
    invite()
    assert mail.outbox == []
    link = sent_link()
    message = mail.outbox[0]
    assert message.to == ["new.supporter@example.org"]
    assert message.subject == f"{settings.PROGRAM_NAME}: your peer supporter account"
    assert link.startswith(settings.SITE_URL + "/accounts/reset/")
    assert "expires after 3 days" in message.body
    html = message.alternatives[0].content
    assert f'href="{link}"' in html


def test_the_link_sets_a_password_once(client: Client) -> None:
    supporter = invite()
    path = path_of(sent_link())
    response = client.get(path)
    # The token leaves the address at once: the form lives at a URL without it.
    assert response.status_code == 302
    form_url = response.headers["Location"]
    assert form_url.endswith("/set-password/")
    assert "Choose your password" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/reset/done/"
    supporter.user.refresh_from_db()
    assert supporter.user.check_password(NEW_PASSWORD)
    again = client.get(path)
    assert again.status_code == 200
    assert "This link no longer works" in again.content.decode()


def test_the_link_expires_after_three_days(client: Client) -> None:
    with time_machine.travel("2026-03-02 09:00 -08:00", tick=False):
        invite()
        path = path_of(sent_link())
    with time_machine.travel("2026-03-05 10:00 -08:00", tick=False):
        response = client.get(path)
    assert "This link no longer works" in response.content.decode()


def test_sending_again_queues_a_new_invitation() -> None:
    supporter = invite()
    send_invitation(supporter=supporter)
    assert OutgoingEmail.objects.filter(kind="supporter_invitation").count() == 2


def test_slugs_are_unique_and_never_empty() -> None:
    SupporterFactory(display_name="Dr. Sam Lee", slug="dr-sam-lee")
    SupporterFactory(display_name="Dr. Sam Lee", slug="dr-sam-lee-2")
    assert unique_slug("Dr. Sam Lee") == "dr-sam-lee-3"
    assert unique_slug("Dr. Sam Leeds") == "dr-sam-leeds"
    assert unique_slug("李医生") == "supporter"


def test_the_invited_supporter_is_not_available_until_trained_and_signed() -> None:
    today = date(2026, 3, 10)
    supporter = invite()
    assert not available_supporters(today=today).exists()
    Supporter.objects.filter(pk=supporter.pk).update(
        trained_on=today - timedelta(days=1), agreement_signed_on=today
    )
    assert available_supporters(today=today).get() == supporter
