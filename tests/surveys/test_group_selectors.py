"""Group results for the evaluation: per month, the sessions held and each poll's answers,
small counts hidden; and the facilitator's sessions, their own or all for administrators."""

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from surveys.groups.selectors import group_results_by_month, live_counts
from surveys.groups.services import cancel_group_sessions, submit_poll_answers
from surveys.models import GroupSession, PollKind, Survey
from surveys.selectors import questions_of
from surveys.services import GivenAnswer
from tests.surveys.conftest import make_session

pytestmark = pytest.mark.django_db

VANCOUVER = ZoneInfo("America/Vancouver")
NOW = datetime(2026, 7, 1, 9, 0, tzinfo=VANCOUVER)


def answer(session: GroupSession, kind: str, **chosen: str) -> None:
    poll = Survey.objects.get(group_session=session, kind=kind)
    given = []
    for question in questions_of(poll):
        code = chosen.get(question.code)
        if code:
            choices = tuple(c for c in question.choices.all() if c.code == code)
            given.append(GivenAnswer(question=question, choices=choices))
    submit_poll_answers(poll=poll, answers=given, submission_key=None, now=session.starts_at)


def test_results_by_month_count_sessions_held_and_answers_with_small_counts_hidden() -> None:
    may = [
        make_session(starts_at=datetime(2026, 5, day, 12, 0, tzinfo=VANCOUVER)) for day in (5, 12)
    ]
    june = make_session(starts_at=datetime(2026, 6, 2, 12, 0, tzinfo=VANCOUVER))
    # Held late on 31 May in Vancouver: already June in UTC, still May for the program.
    late = make_session(starts_at=datetime(2026, 5, 31, 20, 0, tzinfo=VANCOUVER))
    cancelled = make_session(starts_at=datetime(2026, 5, 19, 12, 0, tzinfo=VANCOUVER))
    cancel_group_sessions(sessions=GroupSession.objects.filter(pk=cancelled.pk))
    make_session(starts_at=NOW + timedelta(days=1))  # not held yet
    make_session(starts_at=datetime(2026, 5, 7, 18, 0, tzinfo=VANCOUVER), audience="supporters")
    for _ in range(5):
        answer(may[0], PollKind.ENTRANCE, hopes="connect")
    answer(may[1], PollKind.ENTRANCE, hopes="practice")
    for _ in range(3):
        answer(june, PollKind.EXIT, useful="very_useful", again="yes")
    answer(late, PollKind.EXIT, useful="useful")

    months = group_results_by_month(since=date(2026, 1, 1), until=date(2026, 12, 31), now=NOW)
    assert [month.month for month in months] == [date(2026, 5, 1), date(2026, 6, 1)]
    may_result, june_result = months
    assert may_result.sessions_held == 3  # 5, 12 and 31 May; not the cancelled one
    assert may_result.answers[PollKind.ENTRANCE].shown == "6"
    assert may_result.answers[PollKind.EXIT].shown == "<5"
    assert may_result.choices[("entrance_poll", "hopes", "connect")].shown == "5"
    assert may_result.choices[("entrance_poll", "hopes", "connect")].percent == "83%"
    assert may_result.choices[("entrance_poll", "hopes", "practice")].shown == "<5"
    assert june_result.sessions_held == 1
    assert june_result.answers[PollKind.EXIT].shown == "<5"
    assert june_result.choices[("exit_poll", "again", "yes")].is_hidden


def test_results_by_month_run_a_fixed_number_of_queries(django_assert_num_queries: Any) -> None:
    for month in (3, 4, 5, 6):
        session = make_session(starts_at=datetime(2026, month, 3, 12, 0, tzinfo=VANCOUVER))
        answer(session, PollKind.ENTRANCE, hopes="curious")
    with django_assert_num_queries(3):
        months = group_results_by_month(since=date(2026, 1, 1), until=date(2026, 12, 31), now=NOW)
    assert len(months) == 4


def test_supervision_results_are_apart_from_the_public_groups() -> None:
    session = make_session(
        starts_at=datetime(2026, 5, 7, 18, 0, tzinfo=VANCOUVER), audience="supporters"
    )
    answer(session, PollKind.EXIT, useful="useful")
    public = group_results_by_month(since=date(2026, 5, 1), until=date(2026, 5, 31), now=NOW)
    supervision = group_results_by_month(
        since=date(2026, 5, 1), until=date(2026, 5, 31), now=NOW, audience="supporters"
    )
    assert public == []
    assert supervision[0].sessions_held == 1
    assert supervision[0].answers[PollKind.EXIT].count == 1


def test_live_counts_are_exact_for_the_facilitator() -> None:
    session = make_session(starts_at=datetime(2026, 5, 5, 12, 0, tzinfo=VANCOUVER))
    answer(session, PollKind.ENTRANCE, hopes="returning")
    entrance, exit_poll = live_counts(session)
    assert entrance.kind == PollKind.ENTRANCE and entrance.answered == 1
    counts = {choice.code: choice.count for choice in entrance.questions[0].choices}
    assert counts["returning"] == 1 and sum(counts.values()) == 1
    assert entrance.questions[0].is_multiple
    assert exit_poll.answered == 0 and not exit_poll.questions[0].is_multiple
