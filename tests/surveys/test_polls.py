"""A group session's poll page: answered once per browser while open, a kind page before
and after, bad input explained next to the question, floods held off, never a 500."""

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from surveys import ratelimit
from surveys.answered import COOKIE_SALT
from surveys.groups.services import cancel_group_sessions
from surveys.models import Answer, GroupSession, PollKind, Response, Survey
from tests.surveys.conftest import make_session

pytestmark = pytest.mark.django_db

VANCOUVER = ZoneInfo("America/Vancouver")
START = datetime(2026, 5, 5, 12, 0, tzinfo=VANCOUVER)  # a Tuesday, noon
DURING = START + timedelta(minutes=10)


def body(response: Any) -> str:
    return str(response.content.decode())


@pytest.fixture
def session() -> GroupSession:
    return make_session(starts_at=START, title_en="Tuesday drop-in")


def poll_of(session: GroupSession, kind: str = PollKind.ENTRANCE) -> Survey:
    return Survey.objects.get(group_session=session, kind=kind)


def path_of(poll: Survey) -> str:
    return f"/polls/{poll.code}/"


def form_key(page: str) -> str:
    found = re.search(r'name="submission_key" value="([0-9a-f-]+)"', page)
    assert found is not None
    return found.group(1)


def test_an_open_poll_is_one_short_anonymous_form(client: Client, session: GroupSession) -> None:
    with time_machine.travel(DURING, tick=False):
        response = client.get(path_of(poll_of(session)))
    page = body(response)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert "Before we start" in page
    assert "What would you like to get from this group?" in page
    assert "Time with colleagues who understand" in page
    assert "We don&#x27;t ask who you are" in page or "We don't ask who you are" in page
    assert page.count('type="checkbox"') == 7
    assert "<textarea" not in page and 'type="email"' not in page and 'type="text"' not in page
    assert 'name="viewport"' in page


def test_a_poll_answered_twice_from_one_browser_counts_once(
    client: Client, session: GroupSession
) -> None:
    poll = poll_of(session)
    with time_machine.travel(DURING, tick=False):
        first_tab = body(client.get(path_of(poll)))
        second_tab = body(client.get(path_of(poll)))
        response = client.post(
            path_of(poll),
            {"q_hopes": ["connect", "curious"], "submission_key": form_key(first_tab)},
        )
        assert response.status_code == 302
        assert response.headers["Location"] == path_of(poll)
        cookie = client.cookies[f"survey_answered_{poll.pk}"]
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
        thanks = client.get(path_of(poll))
        assert "Thank you: your answers are counted" in body(thanks)
        # The other tab's form, sent after: the same browser, counted once.
        again = client.post(
            path_of(poll), {"q_hopes": ["practice"], "submission_key": form_key(second_tab)}
        )
    assert again.status_code == 200
    assert "Thank you: your answers are counted" in body(again)
    response_row = Response.objects.get()
    assert response_row.survey == poll and response_row.channel == "open_link"
    assert sorted(
        Answer.objects.filter(response=response_row).values_list("choice__code", flat=True)
    ) == ["connect", "curious"]


def test_another_browser_counts_on_its_own(client: Client, session: GroupSession) -> None:
    from tests.conftest import SignInClient

    poll = poll_of(session)
    with time_machine.travel(DURING, tick=False):
        for browser in (client, SignInClient()):
            page = body(browser.get(path_of(poll)))
            browser.post(path_of(poll), {"q_hopes": ["connect"], "submission_key": form_key(page)})
    assert Response.objects.filter(survey=poll).count() == 2


def test_a_replayed_post_from_a_browser_without_the_cookie_counts_once(
    client: Client, session: GroupSession
) -> None:
    poll = poll_of(session)
    with time_machine.travel(DURING, tick=False):
        data = {
            "q_hopes": ["help_others"],
            "submission_key": form_key(body(client.get(path_of(poll)))),
        }
        client.post(path_of(poll), data)
        client.cookies.clear()  # a browser that keeps no cookies sends the form again
        replay = client.post(path_of(poll), data, follow=True)
    assert replay.status_code == 200
    assert "Thank you: your answers are counted" in body(replay)
    assert Response.objects.count() == 1


def test_the_exit_poll_takes_one_answer_per_question(client: Client, session: GroupSession) -> None:
    poll = poll_of(session, PollKind.EXIT)
    with time_machine.travel(START + timedelta(minutes=65), tick=False):
        page = body(client.get(path_of(poll)))
        assert "How useful was this group for you?" in page
        assert "Would you come to another session?" in page
        client.post(
            path_of(poll),
            {"q_useful": "very_useful", "q_again": "maybe", "submission_key": form_key(page)},
        )
    codes = set(Answer.objects.values_list("question__code", "choice__code"))
    assert codes == {("useful", "very_useful"), ("again", "maybe")}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"q_hopes": ["connect", "no_such_choice"]}, "Choose one of the answers offered."),
        ({"q_useful": "much_too_useful"}, "Choose one of the answers offered."),
        ({"q_useful": ["useful", "very_useful"]}, "Choose only one answer to this question."),
        ({}, "Please answer at least one question before sending."),
        ({"q_useful": "<script>alert(1)</script>"}, "Choose one of the answers offered."),
        ({"q_useful": "x" * 10_000}, "Choose one of the answers offered."),
        ({"q_useful": "useful", "submission_key": "not-a-key"}, "Enter a valid UUID."),
    ],
    ids=["unknown-choice", "unknown-single", "two-for-one", "empty", "script", "10kb", "bad-key"],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    client: Client, session: GroupSession, data: dict[str, Any], message: str
) -> None:
    kind = PollKind.ENTRANCE if "q_hopes" in data else PollKind.EXIT
    poll = poll_of(session, kind)
    with time_machine.travel(DURING, tick=False):
        response = client.post(path_of(poll), data)
    page = body(response)
    assert response.status_code == 200
    assert message in page
    assert "There is a problem" in page
    assert "<script>alert(1)</script>" not in page
    assert not Response.objects.exists()


def test_an_invalid_form_keeps_what_was_chosen(client: Client, session: GroupSession) -> None:
    poll = poll_of(session, PollKind.EXIT)
    with time_machine.travel(DURING, tick=False):
        page = body(
            client.post(path_of(poll), {"q_useful": ["useful", "very_useful"], "q_again": "yes"})
        )
    assert re.search(r'<input[^>]*name="q_again"[^>]*value="yes"[^>]*\bchecked\b', page)


@pytest.mark.parametrize(
    ("moment", "heading"),
    [
        (START - timedelta(minutes=31), "This poll is not open yet"),
        (START + timedelta(hours=3, minutes=1), "This poll has closed"),
    ],
)
def test_outside_its_window_a_poll_is_a_kind_page_and_saves_nothing(
    client: Client, session: GroupSession, moment: datetime, heading: str
) -> None:
    poll = poll_of(session)
    with time_machine.travel(moment, tick=False):
        shown = client.get(path_of(poll))
        sent = client.post(path_of(poll), {"q_hopes": ["connect"]})
    for response in (shown, sent):
        assert response.status_code == 200
        assert heading in body(response)
        assert "If you need help right now" in body(response)
    assert not Response.objects.exists()
    if "not open" in heading:
        assert "opens on Tuesday 5 May 2026 at 11:30 a.m. (PDT)" in body(shown)


def test_a_form_sent_just_after_the_window_closed_saves_nothing(
    client: Client, session: GroupSession
) -> None:
    poll = poll_of(session)
    with time_machine.travel(START + timedelta(hours=2, minutes=59), tick=False):
        page = body(client.get(path_of(poll)))
    with time_machine.travel(START + timedelta(hours=3, minutes=2), tick=False):
        response = client.post(
            path_of(poll), {"q_hopes": ["connect"], "submission_key": form_key(page)}
        )
    assert "This poll has closed" in body(response)
    assert not Response.objects.exists()


def test_a_cancelled_sessions_poll_says_so(client: Client, session: GroupSession) -> None:
    cancel_group_sessions(sessions=GroupSession.objects.filter(pk=session.pk))
    with time_machine.travel(DURING, tick=False):
        response = client.get(path_of(poll_of(session)))
    assert "This session was cancelled" in body(response)


@pytest.mark.parametrize("code", ["nosuchpoll", "x" * 200, "abc%20def"])
def test_an_unknown_poll_is_a_404(client: Client, session: GroupSession, code: str) -> None:
    assert client.get(f"/polls/{code}/").status_code == 404
    assert client.post(f"/polls/{code}/", {"q_hopes": ["connect"]}).status_code == 404


def test_a_program_survey_is_not_a_poll(client: Client, post_support: Survey) -> None:
    assert client.get(f"/polls/{post_support.pk}/").status_code == 404


def test_a_flood_of_answers_is_held_off_with_the_crisis_resources(
    client: Client, session: GroupSession, monkeypatch: Any
) -> None:
    monkeypatch.setattr(ratelimit, "POLL_LIMIT_PER_HOUR", 1)
    poll = poll_of(session)
    with time_machine.travel(DURING, tick=False):
        client.post(path_of(poll), {"q_hopes": ["connect"]})
        client.cookies.clear()
        response = client.post(path_of(poll), {"q_hopes": ["practice"]})
    assert response.status_code == 429
    assert "If you need help right now" in body(response)
    assert Response.objects.count() == 1


def test_the_answered_cookie_says_only_that_this_browser_answered(
    client: Client, session: GroupSession
) -> None:
    from django.test import RequestFactory

    poll = poll_of(session)
    name = f"survey_answered_{poll.pk}"
    with time_machine.travel(DURING, tick=False):
        client.post(path_of(poll), {"q_hopes": ["connect"]})
        request = RequestFactory().get("/")
        request.COOKIES[name] = client.cookies[name].value
        assert request.get_signed_cookie(name, salt=COOKIE_SALT) == "1"
    # Two days on, it no longer counts (the poll closed long before).
    with time_machine.travel(DURING + timedelta(days=2, minutes=1), tick=False):
        assert (
            request.get_signed_cookie(
                name, salt=COOKIE_SALT, max_age=timedelta(days=2), default=None
            )
            is None
        )
