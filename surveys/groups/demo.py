"""Demo data: a weekly drop-in group for physicians with answered polls, a session under way
to try the polls and the live counts, a cancelled one, and the supporters' fortnightly
supervision group. Idempotent: each series is made once, found again by its title."""

import uuid
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accounts.demo import ADMIN_EMAIL, LEAD_EMAIL
from accounts.models import User
from programs.business_days import load_calendar
from programs.program import current

from ..models import GroupSession, PollKind, Response, Survey
from ..selectors import questions_of
from ..services import GivenAnswer
from .services import (
    GroupRefused,
    cancel_group_sessions,
    create_group_series,
    create_group_session,
    submit_poll_answers,
)

NAMESPACE = uuid.UUID("5b0f3c1e-7d2a-4e8b-9c61-2a4d8e0f1b37")
PUBLIC_TITLE = "Drop-in group for physicians"
SUPERVISION_TITLE = "Supervision and consultation group"
UNDER_WAY_TITLE = "Demo: a drop-in session under way"
TUESDAY, THURSDAY = 1, 3
# What each past session's participants chose, round and round.
HOPES = [["connect"], ["share_experience", "connect"], ["curious"], ["practice"], ["returning"]]
EXITS = [("very_useful", "yes"), ("useful", "yes"), ("useful", "maybe"), ("somewhat", "maybe")]


def _series(
    *,
    title: str,
    audience: str,
    weekday: int,
    hour: int,
    weeks_back: int,
    weeks_ahead: int,
    frequency: str,
    people: list[User],
    **fields: Any,
) -> list[GroupSession]:
    zone = current().time_zone
    today = current().today()
    first_on = today - timedelta(days=(today.weekday() - weekday) % 7 + 7 * weeks_back)
    calendar = load_calendar()
    for attempt in range(4):  # a first day on a holiday: start a week earlier
        start = datetime.combine(first_on - timedelta(weeks=attempt), time(hour), tzinfo=zone)
        first = GroupSession(
            title_en=title,
            audience=audience,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            **fields,
        )
        try:
            created = create_group_series(
                first=first,
                facilitators=people,
                frequency=frequency,
                last_on=today + timedelta(weeks=weeks_ahead),
                calendar=calendar,
            )
        except GroupRefused:
            continue
        return created.sessions
    return []


def _answer(session: GroupSession, number: int) -> None:
    polls = {poll.kind: poll for poll in Survey.objects.filter(group_session=session)}
    for person in range(3 + number % 4):
        for kind, poll in polls.items():
            key = uuid.uuid5(NAMESPACE, f"{session.public_id}-{kind}-{person}")
            if Response.objects.filter(submission_key=key).exists():
                continue
            questions = {question.code: question for question in questions_of(poll)}
            if kind == PollKind.ENTRANCE:
                chosen = {"hopes": HOPES[(number + person) % len(HOPES)]}
            else:
                useful, again = EXITS[(number + person) % len(EXITS)]
                chosen = {"useful": [useful], "again": [again]}
            answers = [
                GivenAnswer(
                    question=questions[code],
                    choices=tuple(c for c in questions[code].choices.all() if c.code in codes),
                )
                for code, codes in chosen.items()
            ]
            submit_poll_answers(
                poll=poll,
                answers=answers,
                submission_key=key,
                now=session.starts_at + timedelta(minutes=20),
            )


def run() -> None:
    lead = User.objects.filter(email=LEAD_EMAIL).first()
    administrator = User.objects.filter(email=ADMIN_EMAIL).first()
    facilitators = [person for person in (lead,) if person is not None]
    now = timezone.now()
    if not GroupSession.objects.filter(title_en=PUBLIC_TITLE).exists():
        sessions = _series(
            title=PUBLIC_TITLE,
            audience="physicians",
            weekday=TUESDAY,
            hour=12,
            weeks_back=6,
            weeks_ahead=10,
            frequency="weekly",
            people=facilitators,
            description_en=(
                "An hour online to connect with colleagues and hear how others are coping. "
                "Come once to see what it is like."
            ),
            join_mode="link",
            meeting_url="https://meet.example.org/peer-support-drop-in",
            join_details="Passcode 2468",
        )
        for number, session in enumerate(s for s in sessions if s.ends_at < now):
            _answer(session, number)
        coming = [session for session in sessions if session.starts_at > now]
        if len(coming) > 1:
            cancel_group_sessions(sessions=GroupSession.objects.filter(pk=coming[1].pk))
    if not GroupSession.objects.filter(title_en=UNDER_WAY_TITLE).exists():
        start = now.replace(second=0, microsecond=0) - timedelta(minutes=10)
        create_group_session(
            session=GroupSession(
                title_en=UNDER_WAY_TITLE,
                audience="physicians",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                join_mode="write",
            ),
            facilitators=facilitators,
        )
    if not GroupSession.objects.filter(title_en=SUPERVISION_TITLE).exists():
        _series(
            title=SUPERVISION_TITLE,
            audience="supporters",
            weekday=THURSDAY,
            hour=18,
            weeks_back=4,
            weeks_ahead=12,
            frequency="fortnightly",
            people=[person for person in (administrator,) if person is not None],
            description_en="For the program's peer supporters and group facilitators.",
            join_mode="supporters",
            meeting_url="https://meet.example.org/supporters-supervision",
        )
