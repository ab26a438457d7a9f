"""The anonymous survey, in headless Chromium, on a phone and on a desktop: a supporter
closes a contact, time passes, the invitation goes out, the link is answered once; the
open link counts once per browser; every survey page passes axe, errors included."""

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.roles import ADMINISTRATORS
from intake.models import SupportRequest
from matching import tasks
from matching.services import assign_supporter
from notifications.services import send_due_emails
from surveys.models import Answer, Response, SurveyToken
from tests.conftest import assert_no_axe_violations
from tests.e2e.sign_in import sign_in
from tests.factories import SupporterFactory, SupportRequestFactory, UserFactory
from tests.surveys.conftest import ensure_default_surveys

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}
LINK = re.compile(r"http://127\.0\.0\.1:8000(/survey/[A-Za-z0-9_-]{40,}/)")


def heading(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text())


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_a_closed_contact_is_invited_and_its_link_answered_once(
    page: Any, browser: Any, size: str
) -> None:
    page.set_viewport_size(SIZES[size])
    ensure_default_surveys()
    administrator = UserFactory(email="alice@example.org", role=ADMINISTRATORS)
    supporter = SupporterFactory(user__email="sam@example.org", display_name="Dr. Sam Lee")
    robin = SupportRequestFactory(name="Dr. Robin Hale", email="robin@example.org")
    assign_supporter(
        request=robin,
        supporter=supporter,
        assigned_by=administrator,
        now=timezone.now() - timedelta(minutes=30),
    )

    # The supporter reaches Robin, then closes the contact as completed.
    sign_in(page, "sam@example.org")
    page.get_by_role("link", name="Dr. Robin Hale").click()
    page.get_by_role("group", name=re.compile("How you reached them")).get_by_label(
        "Phone call"
    ).check()
    page.get_by_role("button", name="Record first contact").click()
    close = page.get_by_role("region", name="Close this contact")
    close.get_by_label("Support completed").check()
    page.get_by_role("button", name="Close this contact").click()
    assert page.url.endswith("/portal/")
    robin.refresh_from_db()
    assert (robin.status, robin.outcome) == ("closed", "completed")

    # Time passes; the hourly task invites Robin, and the outbox sends it.
    assert tasks.send_survey_invitations() == 0
    with time_machine.travel(timezone.now() + timedelta(days=2, hours=1), tick=False):
        assert tasks.send_survey_invitations() == 1
        send_due_emails()
    [invitation] = [message for message in mail.outbox if LINK.search(message.body)]
    assert invitation.to == ["robin@example.org"]
    assert robin.case_code in invitation.subject
    path = LINK.search(invitation.body).group(1)  # type: ignore[union-attr]
    assert SupportRequest.objects.get(pk=robin.pk).survey_invited_at is not None

    # Robin opens the link (in a browser of their own, signed in as nobody).
    context = browser.new_context(base_url=page.url.split("/portal/")[0])
    robin_page = context.new_page()
    robin_page.set_viewport_size(SIZES[size])
    robin_page.goto(path)
    assert heading(robin_page) == "How was peer support for you?"
    assert robin_page.get_by_role("region", name="How this survey stays anonymous").is_visible()
    assert robin_page.get_by_text(
        "Please don't include names or details that could identify anyone."
    ).is_visible()
    assert_no_axe_violations(robin_page)

    # Sent without the required answer: the error is listed, what was chosen is kept.
    robin_page.get_by_role("group", name=re.compile("recommend peer support")).get_by_label(
        "Yes"
    ).check()
    robin_page.get_by_label("Is there anything we could do better?").fill("Evening times.")
    robin_page.get_by_role("button", name="Send my answers").click()
    summary = robin_page.get_by_role("alert").filter(has_text="There is a problem")
    assert "Please answer this question." in summary.inner_text()
    scale = robin_page.get_by_role("group", name=re.compile("How useful"))
    assert scale.get_by_text("Please answer this question.").is_visible()  # beside the field
    assert robin_page.get_by_label("Is there anything we could do better?").input_value() == (
        "Evening times."
    )
    assert (
        robin_page.get_by_role("group", name=re.compile("recommend peer support"))
        .get_by_label("Yes")
        .is_checked()
    )
    assert not Response.objects.exists()
    assert_no_axe_violations(robin_page)

    robin_page.get_by_label("5 \N{EN DASH} Very useful").check()
    robin_page.get_by_role("button", name="Send my answers").click()
    robin_page.wait_for_url(re.compile(r"/survey/thanks/$"))
    assert heading(robin_page) == "Thank you for your answers"
    assert_no_axe_violations(robin_page)
    response = Response.objects.get()
    assert response.channel == "invited" and response.submitted_week.weekday() == 0
    assert Answer.objects.filter(response=response, value=5).exists()
    assert not SurveyToken.objects.exists()

    # The link no longer works: a kind page that offers the open link instead.
    robin_page.goto(path)
    assert heading(robin_page) == "Thank you for thinking of us"
    assert robin_page.get_by_role("link", name="tell us how peer support went").is_visible()
    assert_no_axe_violations(robin_page)
    assert Response.objects.count() == 1
    context.close()

    # The administrator sees the version's results: one invited response shows as "<5".
    page.context.clear_cookies()
    sign_in(page, "alice@example.org")
    page.goto("/admin/surveys/survey/")
    page.get_by_role("link", name="Results").first.click()
    responses = page.get_by_role("table", name="Responses")
    assert "Invited" in responses.inner_text() and "<5" in responses.inner_text()
    assert "Evening times." not in page.content()  # one response: written answers wait
    assert_no_axe_violations(page)


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_the_open_links_count_once_per_browser(page: Any, size: str, settings: Any) -> None:
    page.set_viewport_size(SIZES[size])
    ensure_default_surveys()

    # Two tabs of one browser open the form; both are sent.
    page.goto("/")
    page.get_by_role("link", name="Tell us how it went (anonymous survey)").click()
    assert heading(page) == "How was peer support for you?"
    assert_no_axe_violations(page)
    second_tab = page.context.new_page()
    second_tab.goto("/survey/feedback/")
    for tab in (page, second_tab):
        tab.get_by_label("4", exact=True).check()
        tab.get_by_role("group", name=re.compile("hear about the program")).get_by_label(
            "On a poster or a card"
        ).check()
        tab.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(re.compile(r"/survey/thanks/$"))
    assert heading(second_tab) == "This browser has already answered this survey"
    assert_no_axe_violations(second_tab)
    page.goto("/survey/feedback/")
    assert heading(page) == "This browser has already answered this survey"
    assert list(Response.objects.values_list("channel", flat=True)) == ["open_link"]

    # The awareness survey, with an error first.
    page.goto("/survey/awareness/")
    assert heading(page) == "Physician peer support: have you heard of it?"
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send my answers").click()
    assert "Please answer this question." in page.get_by_role("alert").inner_text()
    assert_no_axe_violations(page)
    page.get_by_role("group", name=re.compile("Before today")).get_by_label(
        "No", exact=True
    ).check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(re.compile(r"/survey/thanks/$"))
    assert Response.objects.count() == 2

    # A flood: the 429 page keeps the crisis resources and passes axe.
    settings.INTAKE_LIMIT_PER_HOUR = 1
    second_tab.context.clear_cookies()
    second_tab.goto("/survey/awareness/")
    second_tab.get_by_role("group", name=re.compile("Before today")).get_by_label(
        "Yes", exact=True
    ).check()
    second_tab.get_by_role("button", name="Send my answers").click()
    assert heading(second_tab) == "We are receiving too many answers right now"
    assert second_tab.get_by_role("region", name="If you need help right now").is_visible()
    assert_no_axe_violations(second_tab)
    assert Response.objects.count() == 2
