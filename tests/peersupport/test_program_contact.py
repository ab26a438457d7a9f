"""People can reach the program: every page and email that tells someone to write to or call
the program shows how, and none promises a way it does not show."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from intake.views import rate_limited
from notifications.services import render_email
from peersupport.views import bad_request, permission_denied, server_error
from programs.program import current

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EMAIL_DIR = ROOT / "templates" / "emails"
EMAIL_TEMPLATES = sorted(
    str(path.relative_to(EMAIL_DIR)).removesuffix("_subject.txt")
    for path in EMAIL_DIR.rglob("*_subject.txt")
)
# Words that tell a person to reach the program: wherever they appear, the way must too.
REACH = re.compile(
    r"write to|call the program|contact the program|call or write|reach the program", re.I
)
EMAIL = "help@example.org"
PHONE = "604 555 0100"
TEL = 'href="tel:6045550100"'

# The emails that go to requesters, colleagues, referrers and new staff: each tells them how
# to reach the program.
REACHABLE_EMAILS = [
    "intake/request_received",
    "intake/referral_confirm",
    "intake/referral_received",
    "matching/requester_matched",
    "matching/contact_moved",
    "password_reset",
    "supporter_invitation",
]


@pytest.fixture
def self_referral_data() -> dict[str, Any]:
    return {
        "name": "Sam",
        "email": "sam@example.org",
        "preferred_contact": "email",
        "modality": "phone",
        "language": "en",
        "acknowledge": "on",
    }


@pytest.fixture
def contact_set(settings: Any) -> None:
    settings.PROGRAM_CONTACT_EMAIL = EMAIL
    settings.PROGRAM_CONTACT_PHONE = PHONE


@pytest.fixture
def contact_unset(settings: Any) -> None:
    settings.PROGRAM_CONTACT_EMAIL = ""
    settings.PROGRAM_CONTACT_PHONE = ""


def render(template: str) -> tuple[str, str, str]:
    """Render an email with every value any template asks for, and the program's context."""
    context = {
        **current().email_context(),
        **current().urgent_context(),
        "case_code": "PS-ACDEFG",
        "link": "http://127.0.0.1:8000/somewhere/",
        "login_url": "http://127.0.0.1:8000/accounts/login/",
        "due_on": "Friday 13 March 2026",
        "days": 3,
        "hours": 1,
        "token_days": 30,
        "deadline_days": 3,
        "minutes": 60,
        "display_name": "Dr. Sam Lee",
        "email": "sam@example.org",
        "referrer_name": "Casey",
        "preferred_contact": "Email",
        "count": 2,
        "contacts": [{"case_code": "PS-ACDEFG", "link": "http://127.0.0.1:8000/a/"}],
    }
    return render_email(template=template, context=context, language="en")


def test_there_are_emails_to_check() -> None:
    assert set(REACHABLE_EMAILS) <= set(EMAIL_TEMPLATES)


@pytest.mark.parametrize("template", REACHABLE_EMAILS)
def test_each_email_to_a_person_shows_the_programs_address_and_phone(
    contact_set: None, template: str
) -> None:
    _subject, text, html = render(template)
    assert EMAIL in text and PHONE in text
    assert f'href="mailto:{EMAIL}"' in html and TEL in html


@pytest.mark.parametrize("template", EMAIL_TEMPLATES)
def test_an_email_that_says_write_or_call_shows_how(contact_set: None, template: str) -> None:
    _subject, text, html = render(template)
    for part in (text, html):
        if REACH.search(part):
            assert EMAIL in part and PHONE in part, template


@pytest.mark.parametrize("template", EMAIL_TEMPLATES)
def test_without_a_contact_no_email_promises_one(contact_unset: None, template: str) -> None:
    subject, text, html = render(template)
    for part in (subject, text, html):
        assert not REACH.search(part), (template, REACH.search(part))


def test_only_the_phone_is_shown_when_only_the_phone_is_set(settings: Any) -> None:
    settings.PROGRAM_CONTACT_EMAIL = ""
    settings.PROGRAM_CONTACT_PHONE = PHONE
    _subject, text, html = render("intake/request_received")
    assert "Phone: 604 555 0100" in text and "Email:" not in text
    assert TEL in html and "mailto:" not in html


# --- Pages ---------------------------------------------------------------------------------


def _pages(client: Client, rf: Any) -> dict[str, str]:
    """Every public page that tells people to write to or call the program, rendered."""
    request = rf.get("/")
    request.user = None
    pages = {
        "landing": client.get("/").content.decode(),
        "neutral confirmation": client.get("/request/sent/").content.decode(),
        "404": client.get("/no-such-page/").content.decode(),
        "400": bad_request(request).content.decode(),
        "403": permission_denied(request).content.decode(),
        "500": server_error(request).content.decode(),
        "429": rate_limited(request).content.decode(),
    }
    return pages


def test_each_page_that_tells_people_to_reach_the_program_shows_how(
    client: Client, rf: Any, contact_set: None, self_referral_data: dict[str, Any]
) -> None:
    pages = _pages(client, rf)
    client.post("/request/", self_referral_data)
    pages["confirmation"] = client.get("/request/sent/").content.decode()
    for name, page in pages.items():
        main = page[page.index("<main") : page.index("</main>")]
        assert f'href="mailto:{EMAIL}"' in main, name
        assert f"{TEL}>{PHONE}</a>" in main, name
    assert "Quote it if you write to or call the program" in pages["confirmation"]


def test_without_a_contact_no_page_promises_one(
    client: Client, rf: Any, contact_unset: None, self_referral_data: dict[str, Any]
) -> None:
    pages = _pages(client, rf)
    client.post("/request/", self_referral_data)
    pages["confirmation"] = client.get("/request/sent/").content.decode()
    for name, page in pages.items():
        assert not REACH.search(page), (name, REACH.search(page))
        assert "mailto:" not in page, name


# --- The confirmation page opened without a submission ------------------------------------


def test_the_confirmation_page_without_a_submission_is_neutral(client: Client) -> None:
    response = client.get("/request/sent/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your request is sent" not in page
    assert "Thank you" not in page
    assert "There is no request from this browser to show here." in page
    assert f'href="{reverse("intake:request")}"' in page
    assert f'href="{reverse("intake:refer")}"' in page


def test_the_confirmation_page_after_a_submission_says_it_is_sent(
    client: Client, self_referral_data: dict[str, Any]
) -> None:
    client.post("/request/", self_referral_data)
    page = client.get("/request/sent/").content.decode()
    assert "Your request is sent" in page
    assert "There is no request from this browser" not in page
