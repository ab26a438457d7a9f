"""Drop-in groups in headless Chromium: a facilitator watches the live counts while a
participant, in a browser of their own on a phone-sized screen, answers the entrance poll;
the schedule in another time zone and its calendar file; the kind pages of a poll. Every
page passes axe."""

import re
from datetime import timedelta
from typing import Any

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import ADMINISTRATORS
from surveys.groups.services import cancel_group_sessions
from surveys.models import Answer, GroupSession, PollKind, Response, Survey
from tests.conftest import assert_no_axe_violations
from tests.e2e.sign_in import sign_in
from tests.factories import UserFactory
from tests.surveys.conftest import make_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def heading(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text())


def test_a_facilitator_sees_an_answer_arrive_without_reloading(
    page: Any, browser: Any, live_server: Any
) -> None:
    facilitator = UserFactory(email="fran@example.org", name="Fran Facilitator")
    UserFactory(email="alice@example.org", role=ADMINISTRATORS)
    session = make_session(
        starts_at=timezone.now() - timedelta(minutes=5),
        title_en="Lunchtime drop-in",
        facilitators=(facilitator,),
    )
    entrance = Survey.objects.get(group_session=session, kind=PollKind.ENTRANCE)

    # The facilitator opens /groups/, then the session's page.
    sign_in(page, "fran@example.org")
    page.goto("/groups/")
    assert heading(page) == "Your group sessions"
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Lunchtime drop-in").click()
    assert heading(page) == "Lunchtime drop-in"
    answered = page.locator('[data-count="entrance_poll.answered"]')
    connect = page.locator('[data-count="entrance_poll.hopes.connect"]')
    expect(answered).to_have_text("0")
    opening = page.locator("#opening-text")
    expect(opening).to_contain_text("Chatham House rule")
    expect(opening).to_contain_text(f"/polls/{entrance.code}/")
    assert_no_axe_violations(page)
    # A mark that a reload would wipe out.
    page.evaluate("window.notReloaded = true")

    # A participant, in a browser of their own on a phone, answers the entrance poll.
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    phone = context.new_page()
    phone.goto(f"/polls/{entrance.code}/")
    assert heading(phone) == "Before we start"
    # One screen: every choice and the button are in view without scrolling.
    button = phone.get_by_role("button", name="Send my answers").bounding_box()
    assert button["y"] + button["height"] <= PHONE["height"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_axe_violations(phone)
    phone.get_by_label("Time with colleagues who understand").check()
    phone.get_by_label("To find out what the group is like").check()
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Thank you: your answers are counted"
    )
    assert_no_axe_violations(phone)
    # Sent again from the same browser: still one answer.
    phone.goto(f"/polls/{entrance.code}/")
    assert heading(phone) == "Thank you: your answers are counted"
    context.close()
    assert Response.objects.filter(survey=entrance).count() == 1
    assert Answer.objects.filter(response__survey=entrance).count() == 2

    # The JSON endpoint reports it to the facilitator (with their sign-in)...
    data = page.request.get(f"/groups/{session.public_id}/results.json").json()
    assert data["polls"][0]["answered"] == 1
    # ...and the page shows it without a reload.
    expect(answered).to_have_text("1")
    expect(connect).to_have_text("1")
    expect(page.locator('[data-count="entrance_poll.hopes.curious"]')).to_have_text("1")
    assert page.evaluate("window.notReloaded") is True
    assert_no_axe_violations(page)

    # Signed out, the counts stop and the page says so.
    page.context.clear_cookies()
    expect(page.get_by_role("status").filter(has_text="stopped updating")).to_be_visible()


def test_the_schedule_in_another_time_zone_and_its_calendar_file(
    browser: Any, live_server: Any
) -> None:
    soon = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    coming = make_session(starts_at=soon, title_en="Evening drop-in")
    cancelled = make_session(starts_at=soon + timedelta(days=7), title_en="Drop-in called off")
    cancel_group_sessions(sessions=GroupSession.objects.filter(pk=cancelled.pk))
    make_session(starts_at=soon, audience="supporters", title_en="Supervision")

    context = browser.new_context(
        base_url=live_server.url, timezone_id="Europe/Paris", accept_downloads=True
    )
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="See the coming group sessions").click()
    assert heading(page) == "Drop-in groups for physicians"
    sessions = page.get_by_role("region", name="Coming sessions")
    expect(sessions.get_by_role("heading", name="Evening drop-in")).to_be_visible()
    expect(sessions).to_contain_text("Cancelled")
    expect(sessions).not_to_contain_text("Supervision")
    # The reader's own time, added by the script because Paris is not Vancouver.
    local = sessions.locator("[data-local-time]").first
    expect(local).to_be_visible()
    expect(local).to_contain_text("In your time zone:")
    assert_no_axe_violations(page)

    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name=re.compile("Add the session of .* to my calendar")
        ).first.click()
    path = download_info.value.path()
    with open(path, "rb") as downloaded:
        [event] = icalendar.Calendar.from_ical(downloaded.read()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Evening drop-in"
    assert event.decoded("DTSTART") == coming.starts_at
    context.close()


def test_the_schedule_in_the_programs_own_zone_adds_no_second_time(
    page: Any, live_server: Any
) -> None:
    context = page.context.browser.new_context(
        base_url=live_server.url, timezone_id="America/Vancouver"
    )
    vancouver = context.new_page()
    make_session(starts_at=timezone.now() + timedelta(days=1))
    vancouver.goto("/groups/upcoming/")
    expect(vancouver.locator("[data-local-time]").first).to_be_hidden()
    context.close()


@pytest.mark.parametrize(
    ("offset", "heading_text"),
    [
        (timedelta(days=1), "This poll is not open yet"),
        (timedelta(days=-1), "This poll has closed"),
    ],
)
def test_a_poll_outside_its_window_is_a_kind_page(
    page: Any, offset: timedelta, heading_text: str
) -> None:
    page.set_viewport_size(PHONE)
    session = make_session(starts_at=timezone.now() + offset)
    exit_poll = Survey.objects.get(group_session=session, kind=PollKind.EXIT)
    page.goto(f"/polls/{exit_poll.code}/")
    assert heading(page) == heading_text
    expect(page.get_by_role("region", name="If you need help right now")).to_be_visible()
    assert_no_axe_violations(page)


def test_a_poll_with_bad_input_explains_and_keeps_the_choice(page: Any) -> None:
    page.set_viewport_size(PHONE)
    session = make_session(starts_at=timezone.now() - timedelta(minutes=50))
    exit_poll = Survey.objects.get(group_session=session, kind=PollKind.EXIT)
    page.goto(f"/polls/{exit_poll.code}/")
    page.get_by_role("button", name="Send my answers").click()
    alert = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(alert).to_contain_text("Please answer at least one question before sending.")
    assert_no_axe_violations(page)
    page.get_by_role("group", name=re.compile("come to another session")).get_by_label(
        "Maybe"
    ).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your answers are counted")
    assert Answer.objects.get().choice.code == "maybe"  # type: ignore[union-attr]
