"""Writing group sessions: one with its polls, a series that skips holidays and closure
days and keeps its wall-clock time across daylight saving time, cancellations, and poll
answers taken only while the poll is open."""

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from programs.business_days import load_calendar
from programs.models import ClosureDay
from surveys.groups.services import (
    MAX_SERIES_SESSIONS,
    POLL_CODE_ALPHABET,
    GroupRefused,
    PollNotOpen,
    cancel_group_sessions,
    create_group_series,
    new_poll_code,
    plan_series,
    save_group_session,
    submit_poll_answers,
)
from surveys.models import GroupSession, PollKind, PollState, Response, Survey
from surveys.selectors import active_survey, questions_of, surveys
from surveys.services import GivenAnswer
from tests.factories import UserFactory
from tests.surveys.conftest import make_session

pytestmark = pytest.mark.django_db

VANCOUVER = ZoneInfo("America/Vancouver")
UTC = ZoneInfo("UTC")
# Monday 4 May 2026, noon; Monday 18 May is Victoria Day.
MONDAY_NOON = datetime(2026, 5, 4, 12, 0, tzinfo=VANCOUVER)


def first_session(starts_at: datetime = MONDAY_NOON, **fields: Any) -> GroupSession:
    defaults = {
        "title_en": "Monday drop-in",
        "audience": "physicians",
        "join_mode": "link",
        "meeting_url": "https://meet.example.org/monday",
    }
    return GroupSession(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        **{**defaults, **fields},
    )


def test_a_session_gets_an_entrance_and_an_exit_poll_from_the_defaults() -> None:
    facilitator = UserFactory()
    session = make_session(starts_at=MONDAY_NOON, facilitators=(facilitator,))
    assert list(session.facilitators.all()) == [facilitator]
    polls = {poll.kind: poll for poll in Survey.objects.filter(group_session=session)}
    assert set(polls) == {PollKind.ENTRANCE, PollKind.EXIT}
    entrance = questions_of(polls[PollKind.ENTRANCE])
    assert [(q.code, q.kind) for q in entrance] == [("hopes", "multiple")]
    assert [c.code for c in entrance[0].choices.all()] == [
        "connect",
        "practice",
        "share_experience",
        "help_others",
        "curious",
        "something_else",
        "returning",
    ]
    exit_questions = questions_of(polls[PollKind.EXIT])
    assert [(q.code, q.kind) for q in exit_questions] == [
        ("useful", "single"),
        ("again", "single"),
    ]
    assert all(len(poll.code) == 10 for poll in polls.values())
    assert polls[PollKind.ENTRANCE].code != polls[PollKind.EXIT].code
    # Polls are not among the program's surveys, nor ever "in use".
    assert not surveys().filter(pk__in=[poll.pk for poll in polls.values()]).exists()
    assert active_survey(PollKind.ENTRANCE) is None


def test_each_session_edits_its_own_poll() -> None:
    first, second = (make_session(starts_at=MONDAY_NOON + timedelta(days=n)) for n in (0, 7))
    poll = Survey.objects.get(group_session=first, kind=PollKind.ENTRANCE)
    question = questions_of(poll)[0]
    question.text_en = "What brings you here today?"
    question.save()
    other = questions_of(Survey.objects.get(group_session=second, kind=PollKind.ENTRANCE))[0]
    assert other.text_en == "What would you like to get from this group?"


def test_a_poll_code_is_short_and_easy_to_paste() -> None:
    codes = {new_poll_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 10 and set(code) <= set(POLL_CODE_ALPHABET)
    assert not set("01ilou") & set(POLL_CODE_ALPHABET)


def test_the_database_refuses_a_poll_without_a_session_and_a_survey_with_a_code() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.create(kind=PollKind.ENTRANCE, title_en="A poll", code="abcdefghjk")
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.create(kind="awareness", version=9, title_en="A survey", code="abc")


def test_the_database_refuses_a_supervision_session_with_a_public_link() -> None:
    session = first_session(audience="supporters")
    session.created_at = session.updated_at = MONDAY_NOON
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()


# --- Series -----------------------------------------------------------------------------------


def test_a_weekly_series_skips_holidays_and_closure_days() -> None:
    ClosureDay.objects.create(date=date(2026, 5, 25), label="Program retreat")
    facilitator = UserFactory()
    created = create_group_series(
        first=first_session(),
        facilitators=[facilitator],
        frequency="weekly",
        last_on=date(2026, 6, 1),
        now=MONDAY_NOON - timedelta(days=10),
    )
    days = [s.starts_at.astimezone(VANCOUVER).date() for s in created.sessions]
    assert days == [date(2026, 5, 4), date(2026, 5, 11), date(2026, 6, 1)]
    assert created.skipped == [date(2026, 5, 18), date(2026, 5, 25)]  # Victoria Day, closed
    assert created.series.first_on == date(2026, 5, 4)
    saved = GroupSession.objects.filter(series=created.series).order_by("starts_at")
    assert saved.count() == 3
    for session in saved:
        assert session.title_en == "Monday drop-in"
        assert list(session.facilitators.all()) == [facilitator]
        assert Survey.objects.filter(group_session=session).count() == 2
        assert session.ends_at - session.starts_at == timedelta(hours=1)
    assert len({session.public_id for session in saved}) == 3


def test_a_fortnightly_series_steps_two_weeks() -> None:
    created = create_group_series(
        first=first_session(),
        facilitators=[],
        frequency="fortnightly",
        last_on=date(2026, 6, 15),
    )
    days = [s.starts_at.astimezone(VANCOUVER).date() for s in created.sessions]
    # 18 May is Victoria Day: skipped, and the rhythm stays on the first day's fortnight.
    assert days == [date(2026, 5, 4), date(2026, 6, 1), date(2026, 6, 15)]
    assert created.skipped == [date(2026, 5, 18)]


def test_one_session_of_a_series_is_cancelled_alone() -> None:
    created = create_group_series(
        first=first_session(), facilitators=[], frequency="weekly", last_on=date(2026, 5, 11)
    )
    second = created.sessions[1]
    count = cancel_group_sessions(sessions=GroupSession.objects.filter(pk=second.pk))
    assert count == 1
    states = dict(GroupSession.objects.values_list("pk", "is_cancelled"))
    assert states == {created.sessions[0].pk: False, second.pk: True}
    second.refresh_from_db()
    assert second.sequence == 1  # calendars replace their copy
    # Cancelling again changes nothing.
    assert cancel_group_sessions(sessions=GroupSession.objects.all()) == 1
    second.refresh_from_db()
    assert second.sequence == 1


def test_an_edit_raises_the_sequence() -> None:
    session = make_session(starts_at=MONDAY_NOON)
    session.starts_at += timedelta(minutes=30)
    session.ends_at += timedelta(minutes=30)
    save_group_session(session=session, now=MONDAY_NOON)
    session.refresh_from_db()
    assert session.sequence == 1 and session.updated_at == MONDAY_NOON


def test_a_series_keeps_its_wall_clock_time_across_daylight_saving() -> None:
    # Spring forward on Sunday 8 March 2026: noon stays noon, an hour earlier in UTC.
    plan = plan_series(
        starts_at=datetime(2026, 3, 3, 12, 0, tzinfo=VANCOUVER),
        ends_at=datetime(2026, 3, 3, 13, 0, tzinfo=VANCOUVER),
        frequency="weekly",
        last_on=date(2026, 3, 10),
        calendar=load_calendar(),
    )
    assert [start.astimezone(UTC).hour for start, _end in plan.starts] == [20, 19]
    assert [start.astimezone(VANCOUVER).hour for start, _end in plan.starts] == [12, 12]


def test_a_series_starting_on_a_holiday_is_refused() -> None:
    with pytest.raises(GroupRefused, match="holiday or a closure day"):
        create_group_series(
            first=first_session(datetime(2026, 5, 18, 12, 0, tzinfo=VANCOUVER)),
            facilitators=[],
            frequency="weekly",
            last_on=date(2026, 6, 1),
        )
    assert not GroupSession.objects.exists()


def test_a_series_ending_before_it_starts_or_too_long_is_refused() -> None:
    calendar = load_calendar()
    with pytest.raises(GroupRefused, match="end on or after"):
        plan_series(
            starts_at=MONDAY_NOON,
            ends_at=MONDAY_NOON + timedelta(hours=1),
            frequency="weekly",
            last_on=date(2026, 5, 1),
            calendar=calendar,
        )
    with pytest.raises(GroupRefused, match=f"at most {MAX_SERIES_SESSIONS} sessions"):
        plan_series(
            starts_at=MONDAY_NOON,
            ends_at=MONDAY_NOON + timedelta(hours=1),
            frequency="weekly",
            last_on=date(2028, 5, 1),
            calendar=calendar,
        )


def test_a_weekend_series_is_not_skipped() -> None:
    saturday = datetime(2026, 5, 2, 9, 0, tzinfo=VANCOUVER)
    plan = plan_series(
        starts_at=saturday,
        ends_at=saturday + timedelta(hours=1),
        frequency="weekly",
        last_on=date(2026, 5, 16),
        calendar=load_calendar(),
    )
    assert len(plan.starts) == 3 and plan.skipped == []


def test_a_session_past_midnight_ends_the_next_day_in_every_occurrence() -> None:
    late = datetime(2026, 5, 5, 23, 30, tzinfo=VANCOUVER)
    plan = plan_series(
        starts_at=late,
        ends_at=late + timedelta(hours=1),
        frequency="weekly",
        last_on=date(2026, 5, 12),
        calendar=load_calendar(),
    )
    for start, end in plan.starts:
        assert end - start == timedelta(hours=1)
        assert end.astimezone(VANCOUVER).date() == start.astimezone(VANCOUVER).date() + timedelta(
            days=1
        )


# --- Poll answers -------------------------------------------------------------------------------


def entrance_of(session: GroupSession) -> Survey:
    return Survey.objects.get(group_session=session, kind=PollKind.ENTRANCE)


def hopes(poll: Survey, *codes: str) -> list[GivenAnswer]:
    question = questions_of(poll)[0]
    chosen = tuple(choice for choice in question.choices.all() if choice.code in codes)
    return [GivenAnswer(question=question, choices=chosen)]


@pytest.mark.parametrize(
    ("moment", "state"),
    [
        (timedelta(minutes=-31), PollState.NOT_YET),
        (timedelta(minutes=-30), PollState.OPEN),
        (timedelta(minutes=30), PollState.OPEN),
        (timedelta(hours=3), PollState.OPEN),  # the end (1 h) plus two hours
        (timedelta(hours=3, seconds=1), PollState.CLOSED),
    ],
)
def test_a_poll_is_open_from_half_an_hour_before_to_two_hours_after(
    moment: timedelta, state: PollState
) -> None:
    session = make_session(starts_at=MONDAY_NOON)
    assert session.poll_state(MONDAY_NOON + moment) == state
    poll = entrance_of(session)
    if state == PollState.OPEN:
        submit_poll_answers(
            poll=poll, answers=hopes(poll, "connect"), submission_key=None, now=MONDAY_NOON + moment
        )
        assert Response.objects.count() == 1
    else:
        with pytest.raises(PollNotOpen):
            submit_poll_answers(
                poll=poll,
                answers=hopes(poll, "connect"),
                submission_key=None,
                now=MONDAY_NOON + moment,
            )
        assert not Response.objects.exists()


def test_a_cancelled_sessions_poll_takes_no_answers() -> None:
    session = make_session(starts_at=MONDAY_NOON)
    cancel_group_sessions(sessions=GroupSession.objects.filter(pk=session.pk))
    poll = entrance_of(session)
    with pytest.raises(PollNotOpen) as refused:
        submit_poll_answers(
            poll=poll, answers=hopes(poll, "connect"), submission_key=None, now=MONDAY_NOON
        )
    assert refused.value.state == PollState.CANCELLED


def test_the_same_poll_form_sent_twice_counts_once() -> None:
    session = make_session(starts_at=MONDAY_NOON)
    poll = entrance_of(session)
    key = uuid.uuid4()
    first, is_new = submit_poll_answers(
        poll=poll, answers=hopes(poll, "connect", "curious"), submission_key=key, now=MONDAY_NOON
    )
    again, again_new = submit_poll_answers(
        poll=poll, answers=hopes(poll, "connect"), submission_key=key, now=MONDAY_NOON
    )
    assert is_new and not again_new and again.pk == first.pk
    assert Response.objects.count() == 1
    # The answer keeps the week, never the moment.
    assert first.submitted_week == date(2026, 5, 4)
