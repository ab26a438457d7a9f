"""The facilitator's pages: their own sessions only (administrators see all), the texts to
paste in the chat, the reminders, and the live counts' JSON, which answers only the
session's facilitators and administrators and keeps their sign-in alive while it is used."""

import json
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from accounts.models import Session
from surveys.groups.services import submit_poll_answers
from surveys.models import GroupSession, PollKind, Survey
from surveys.selectors import questions_of
from surveys.services import GivenAnswer
from tests.conftest import SignInClient
from tests.factories import UserFactory
from tests.surveys.conftest import make_session

pytestmark = pytest.mark.django_db

VANCOUVER = ZoneInfo("America/Vancouver")
START = datetime(2026, 5, 5, 12, 0, tzinfo=VANCOUVER)
DURING = START + timedelta(minutes=10)


def body(response: Any) -> str:
    return str(response.content.decode())


@pytest.fixture
def facilitator(db: None) -> Any:
    return UserFactory(email="fran@example.org", name="Fran Facilitator")


@pytest.fixture
def other_facilitator(db: None) -> Any:
    return UserFactory(email="gale@example.org", name="Gale Facilitator")


@pytest.fixture
def session(facilitator: Any) -> GroupSession:
    return make_session(starts_at=START, title_en="Tuesday drop-in", facilitators=(facilitator,))


@pytest.fixture
def others_session(other_facilitator: Any) -> GroupSession:
    return make_session(
        starts_at=START + timedelta(days=1),
        title_en="Someone else's group",
        facilitators=(other_facilitator,),
    )


def signed_in(user: Any) -> SignInClient:
    client = SignInClient()
    client.force_login(user)
    return client


def answer(session: GroupSession, *codes: str) -> None:
    poll = Survey.objects.get(group_session=session, kind=PollKind.ENTRANCE)
    question = questions_of(poll)[0]
    chosen = tuple(choice for choice in question.choices.all() if choice.code in codes)
    submit_poll_answers(
        poll=poll,
        answers=[GivenAnswer(question=question, choices=chosen)],
        submission_key=None,
        now=DURING,
    )


def results_path(session: GroupSession) -> str:
    return f"/groups/{session.public_id}/results.json"


def page_path(session: GroupSession) -> str:
    return f"/groups/{session.public_id}/"


# --- The list -------------------------------------------------------------------------------


def test_the_list_needs_a_sign_in(client: Client) -> None:
    response = client.get("/groups/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_a_facilitator_lists_their_own_sessions_coming_and_recent(
    facilitator: Any, session: GroupSession, others_session: GroupSession
) -> None:
    last_month = make_session(
        starts_at=START - timedelta(days=20),
        title_en="An earlier group",
        facilitators=(facilitator,),
    )
    make_session(
        starts_at=START - timedelta(days=60),
        title_en="A group long ago",
        facilitators=(facilitator,),
    )
    answer(session, "connect")
    with time_machine.travel(DURING, tick=False):
        page = body(signed_in(facilitator).get("/groups/"))
    assert "Tuesday drop-in" in page and "An earlier group" in page
    assert "A group long ago" not in page
    assert "Someone else&#x27;s group" not in page and "Someone else's group" not in page
    assert page.index("Tuesday drop-in") < page.index("An earlier group")
    assert "1 poll answer" in page
    assert f'href="/groups/{session.public_id}/"' in page
    assert f'href="/groups/{last_month.public_id}/"' in page


def test_an_administrator_lists_every_session(
    administrator: Any, session: GroupSession, others_session: GroupSession
) -> None:
    with time_machine.travel(DURING, tick=False):
        page = body(signed_in(administrator).get("/groups/"))
    assert "Tuesday drop-in" in page and "Someone else&#x27;s group" in page


@pytest.mark.parametrize("persona", ["outsider", "supporter", "lead"])
def test_someone_who_facilitates_nothing_sees_an_empty_list(
    request: pytest.FixtureRequest, persona: str, session: GroupSession
) -> None:
    user = request.getfixturevalue(persona)
    with time_machine.travel(DURING, tick=False):
        response = signed_in(user).get("/groups/")
    assert response.status_code == 200
    assert "You are not named as the facilitator of any coming session." in body(response)
    assert "Tuesday drop-in" not in body(response)


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_runs_a_fixed_number_of_queries(
    facilitator: Any, count: int, django_assert_max_num_queries: Any
) -> None:
    for number in range(count):
        make_session(starts_at=START + timedelta(days=number), facilitators=(facilitator,))
    client = signed_in(facilitator)
    # Session, user, second-factor device, roles, the coming and the recent sessions.
    with time_machine.travel(DURING, tick=False), django_assert_max_num_queries(7):
        response = client.get("/groups/")
    assert len(re.findall(r'href="/groups/[0-9a-f-]{36}/"', body(response))) == count


# --- A session's page -----------------------------------------------------------------------


def test_the_session_page_gives_the_chat_texts_reminders_and_counts(
    facilitator: Any, session: GroupSession
) -> None:
    answer(session, "connect", "curious")
    answer(session, "connect")
    polls = {poll.kind: poll for poll in Survey.objects.filter(group_session=session)}
    with time_machine.travel(DURING, tick=False):
        response = signed_in(facilitator).get(page_path(session))
    page = body(response)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    # At the start: the rules (the default) and the entrance poll's link.
    assert "not therapy or medical care" in page
    assert "Chatham House rule" in page
    assert f"http://127.0.0.1:8000/polls/{polls[PollKind.ENTRANCE].code}/" in page
    # At the end: the exit poll, the program's survey, and one-to-one support.
    assert f"http://127.0.0.1:8000/polls/{polls[PollKind.EXIT].code}/" in page
    assert "http://127.0.0.1:8000/survey/feedback/" in page
    assert "http://127.0.0.1:8000/request/" in page
    # Reminders drawn from the guides, and the crisis resources.
    for words in (
        "Start on time",
        "Acknowledge each person",
        "describe a traumatic event in detail",
        "repeated heavy drinking",
        "If you need help right now",
    ):
        assert words in page
    # The counts so far, and the script that keeps them fresh.
    assert 'data-count="entrance_poll.answered">2<' in page
    assert 'data-count="entrance_poll.hopes.connect">2<' in page
    assert 'data-count="entrance_poll.hopes.curious">1<' in page
    assert f'data-live-results="{results_path(session)}"' in page
    assert "js/live_results.js" in page
    assert "<script>" not in page  # no inline script under the CSP


def test_a_sessions_own_rules_replace_the_default(facilitator: Any) -> None:
    session = make_session(
        starts_at=START, facilitators=(facilitator,), rules_en="Our own rules: be kind."
    )
    with time_machine.travel(DURING, tick=False):
        page = body(signed_in(facilitator).get(page_path(session)))
    assert "Our own rules: be kind." in page
    assert "Chatham House rule" not in page


def test_after_the_window_the_page_stops_refreshing(
    facilitator: Any, session: GroupSession
) -> None:
    with time_machine.travel(START + timedelta(hours=4), tick=False):
        page = body(signed_in(facilitator).get(page_path(session)))
    assert "The polls have closed: these are the final counts." in page
    assert "data-live-results=" not in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("facilitator", 200),
        ("other_facilitator", 404),
        ("administrator", 200),
        ("supporter", 404),
        ("lead", 404),
        ("outsider", 404),
    ],
)
def test_who_may_open_a_sessions_page(
    request: pytest.FixtureRequest,
    session: GroupSession,
    others_session: GroupSession,
    persona: str,
    status: int,
) -> None:
    client = signed_in(request.getfixturevalue(persona))
    with time_machine.travel(DURING, tick=False):
        assert client.get(page_path(session)).status_code == status


def test_an_anonymous_visitor_signs_in_before_a_sessions_page(
    client: Client, session: GroupSession
) -> None:
    response = client.get(page_path(session))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


# --- The live counts' JSON --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("facilitator", 200),
        ("other_facilitator", 404),
        ("administrator", 200),
        ("supporter", 404),
        ("outsider", 404),
    ],
)
def test_who_may_read_the_live_counts(
    request: pytest.FixtureRequest,
    session: GroupSession,
    others_session: GroupSession,
    persona: str,
    status: int,
) -> None:
    client = signed_in(request.getfixturevalue(persona))
    with time_machine.travel(DURING, tick=False):
        response = client.get(results_path(session))
    assert response.status_code == status
    if status == 404:
        assert b"hopes" not in response.content


def test_an_anonymous_visitor_gets_a_404_for_the_live_counts(
    client: Client, session: GroupSession
) -> None:
    assert client.get(results_path(session)).status_code == 404


def test_a_half_signed_in_session_gets_no_counts(facilitator: Any, session: GroupSession) -> None:
    client = SignInClient()
    client.force_login_password_only(facilitator)
    response = client.get(results_path(session))
    assert response.status_code == 302
    assert "/accounts/two-step/" in response.headers["Location"]


def test_the_live_counts_report_each_new_answer(
    facilitator: Any, session: GroupSession, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(facilitator)
    with time_machine.travel(DURING, tick=False):
        before = json.loads(client.get(results_path(session)).content)
        answer(session, "practice", "returning")
        # Session, user, device, roles, the session, polls, questions, choices, two counts.
        with django_assert_max_num_queries(10):
            response = client.get(results_path(session))
    after = json.loads(response.content)
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Content-Type"] == "application/json"
    entrance_before = before["polls"][0]
    assert entrance_before["kind"] == "entrance_poll" and entrance_before["answered"] == 0
    entrance, exit_poll = after["polls"]
    assert entrance["answered"] == 1
    counts = {choice["code"]: choice["count"] for choice in entrance["questions"][0]["choices"]}
    assert counts["practice"] == 1 and counts["returning"] == 1 and counts["connect"] == 0
    assert exit_poll["kind"] == "exit_poll" and exit_poll["answered"] == 0
    assert [question["code"] for question in exit_poll["questions"]] == ["useful", "again"]
    assert after["state"] == "open" and after["refresh"] is True


@pytest.mark.parametrize(
    ("moment", "refresh"),
    [
        (START - timedelta(days=1), False),
        (START - timedelta(minutes=80), True),  # within the hour before the poll opens
        (START + timedelta(hours=2), True),
        (START + timedelta(hours=3, minutes=1), False),
    ],
)
def test_the_script_is_told_when_to_stop(
    facilitator: Any, session: GroupSession, moment: datetime, refresh: bool
) -> None:
    client = signed_in(facilitator)
    with time_machine.travel(moment, tick=False):
        assert json.loads(client.get(results_path(session)).content)["refresh"] is refresh


def test_live_refreshes_keep_the_sign_in_alive_up_to_the_12_hour_cap(
    facilitator: Any, session: GroupSession
) -> None:
    client = SignInClient()
    with time_machine.travel(START, tick=False):
        client.force_login(facilitator)
    moment, step = START, timedelta(minutes=25)
    # Every few minutes for hours: never 30 minutes idle, so never signed out...
    while moment + step < START + timedelta(hours=12):
        moment += step
        with time_machine.travel(moment, tick=False):
            assert client.get(results_path(session)).status_code == 200, moment - START
    # ...until 12 hours after signing in, whatever the activity.
    with time_machine.travel(START + timedelta(hours=12, minutes=1), tick=False):
        assert client.get(results_path(session)).status_code == 404
    assert not Session.objects.filter(user=facilitator).exists()


def test_an_unknown_session_is_a_404(facilitator: Any, administrator: Any) -> None:
    for user in (facilitator, administrator):
        client = signed_in(user)
        assert client.get("/groups/00000000-0000-0000-0000-000000000000/").status_code == 404
        assert (
            client.get("/groups/00000000-0000-0000-0000-000000000000/results.json").status_code
            == 404
        )


def test_the_home_page_of_an_account_without_a_role_leads_to_its_sessions(
    facilitator: Any, session: GroupSession
) -> None:
    response = signed_in(facilitator).get("/accounts/", follow=True)
    assert 'href="/groups/"' in body(response)


def test_the_landing_page_and_every_footer_lead_to_the_schedule(client: Client) -> None:
    page = body(client.get("/"))
    assert page.count('href="/groups/upcoming/"') == 2


@pytest.mark.parametrize("answers", [1, 20])
def test_a_sessions_page_runs_a_fixed_number_of_queries(
    facilitator: Any, session: GroupSession, answers: int, django_assert_max_num_queries: Any
) -> None:
    for _ in range(answers):
        answer(session, "connect", "practice")
    client = signed_in(facilitator)
    # Session, user, device, roles, the session, polls, questions, choices, two counts,
    # the facilitators.
    with time_machine.travel(DURING, tick=False), django_assert_max_num_queries(11):
        response = client.get(page_path(session))
    assert f'data-count="entrance_poll.answered">{answers}<' in body(response)
