"""`no_survey`: the self-referral form and the colleague's confirmation page let a person
say "please don't send me a feedback survey afterwards", unticked by default."""

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from intake.models import SupportRequest
from notifications.services import send_due_emails

pytestmark = pytest.mark.django_db

LABEL = "Please don&#x27;t send me a feedback survey afterwards"


def checkbox(page: str) -> str:
    match = re.search(r'<input[^>]*name="no_survey"[^>]*>', page)
    assert match, "no no_survey checkbox"
    return match.group(0)


def test_the_self_referral_form_offers_the_choice_unticked(client: Client) -> None:
    page = client.get("/request/").content.decode()
    assert LABEL in page or "Please don't send me a feedback survey afterwards" in page
    assert 'type="checkbox"' in checkbox(page)
    assert "checked" not in checkbox(page)


@pytest.mark.parametrize(("ticked", "expected"), [(True, True), (False, False)])
def test_the_self_referral_keeps_the_choice(
    client: Client, self_referral_data: dict[str, Any], ticked: bool, expected: bool
) -> None:
    data = {**self_referral_data, "no_survey": "on"} if ticked else self_referral_data
    assert client.post("/request/", data).status_code == 302
    assert SupportRequest.objects.get().no_survey is expected


def test_the_confirmation_email_speaks_of_the_anonymous_survey_unless_declined(
    client: Client, self_referral_data: dict[str, Any]
) -> None:
    client.post("/request/", self_referral_data)
    client.post(
        "/request/",
        {
            **self_referral_data,
            "email": "kim@example.org",
            "no_survey": "on",
            "submission_key": "2f6b1c55-6a3a-4c56-9d1e-1b2b3c4d5e6f",
        },
    )
    send_due_emails()
    by_recipient = {message.to[0]: message for message in mail.outbox}
    invited = by_recipient["sam@example.org"]
    assert "short anonymous survey" in invited.body
    assert "nobody can tell which answers are yours" in invited.body
    html = invited.alternatives[0].content
    assert "short anonymous survey" in str(html)
    assert "survey" not in by_recipient["kim@example.org"].body


def test_an_invalid_form_keeps_the_tick(client: Client, self_referral_data: dict[str, Any]) -> None:
    page = client.post(
        "/request/", {**self_referral_data, "email": "", "phone": "", "no_survey": "on"}
    ).content.decode()
    assert "checked" in checkbox(page)
    assert not SupportRequest.objects.exists()


def test_the_colleague_confirms_with_no_survey(
    client: Client, referral_data: dict[str, Any]
) -> None:
    client.post("/refer/", referral_data)
    send_due_emails()
    body = next(m for m in mail.outbox if m.to == ["morgan@example.org"]).body
    path = re.search(r"(/referral/[^/\s]+/)", body).group(1)  # type: ignore[union-attr]
    page = client.get(path).content.decode()
    assert "checked" not in checkbox(page)
    response = client.post(
        path,
        {
            "action": "confirm",
            "preferred_contact": "email",
            "modality": "video",
            "language": "en",
            "acknowledge": "on",
            "no_survey": "on",
        },
    )
    assert response.status_code == 302
    request = SupportRequest.objects.get()
    assert (request.status, request.no_survey) == ("waiting", True)
    # The referrer never decides it: their form has no such field.
    assert 'name="no_survey"' not in client.get("/refer/").content.decode()
