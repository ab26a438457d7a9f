"""Write group sessions: one, or a weekly or fortnightly series in one step; changes and
cancellations; and a poll's anonymous answers.

Every session gets its two polls (an entrance and an exit poll, copied from the defaults)
in the transaction that creates it. A series skips the program's holidays and closure
days (`programs.business_days`); each of its sessions is then a row of its own, edited or
cancelled alone. Every change raises the session's `sequence`, so calendars that
subscribed to the schedule replace their copy.
"""

import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from programs.business_days import Calendar, load_calendar

from ..models import (
    POLL_CODE_LENGTH,
    Choice,
    Frequency,
    GroupSeries,
    GroupSession,
    PollState,
    Question,
    Response,
    Survey,
)
from ..services import GivenAnswer, submit_open_response
from .defaults import POLL_DEFAULTS

# Easy to read aloud and to paste: no 0/o, 1/l/i or u; ten of them are about 50 bits.
POLL_CODE_ALPHABET = "23456789abcdefghjkmnpqrstvwxyz"
# A year of weekly sessions, and a little more: a longer series is a mistake.
MAX_SERIES_SESSIONS = 60
STEP_DAYS = {Frequency.WEEKLY: 7, Frequency.FORTNIGHTLY: 14}


class GroupRefused(Exception):
    """The change does not fit the session or the series; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PollNotOpen(Exception):
    """The poll takes no answers now (before its window, after it, or cancelled)."""

    def __init__(self, state: PollState) -> None:
        super().__init__(state)
        self.state = state


def new_poll_code() -> str:
    """Return a short random code for a poll's address (unguessable, easy to paste)."""
    return "".join(secrets.choice(POLL_CODE_ALPHABET) for _ in range(POLL_CODE_LENGTH))


def _add_polls(sessions: Sequence[GroupSession]) -> list[Survey]:
    """Give each session its entrance and exit poll from the defaults (three INSERTs)."""
    polls = Survey.objects.bulk_create(
        Survey(
            kind=default.kind,
            version=1,
            is_active=False,
            title_en=default.title_en,
            intro_en=default.intro_en,
            group_session=session,
            code=new_poll_code(),
        )
        for session in sessions
        for default in POLL_DEFAULTS
    )
    defaults = {default.kind: default for default in POLL_DEFAULTS}
    questions: list[Question] = []
    for poll in polls:
        questions.extend(
            Question(
                survey=poll,
                position=position,
                code=question.code,
                kind=question.kind,
                text_en=question.text_en,
            )
            for position, question in enumerate(defaults[poll.kind].questions)
        )
    questions = Question.objects.bulk_create(questions)
    by_code = {
        (default.kind, question.code): question
        for default in POLL_DEFAULTS
        for question in default.questions
    }
    Choice.objects.bulk_create(
        Choice(question=question, position=position, code=code, text_en=text)
        for question in questions
        for position, (code, text) in enumerate(
            by_code[(question.survey.kind, question.code)].choices
        )
    )
    return polls


@transaction.atomic
def create_group_session(
    *, session: GroupSession, facilitators: Iterable[User], now: datetime | None = None
) -> GroupSession:
    """Save a new session with its facilitators and its two polls."""
    now = now or timezone.now()
    session.created_at = session.updated_at = now
    session.save(force_insert=True)
    session.facilitators.set(list(facilitators))
    _add_polls([session])
    return session


def _is_closed_day(calendar: Calendar, day: date) -> bool:
    """Return whether `day` is a public holiday or one of the program's closure days.

    A weekend is not skipped: a series on a Saturday stays on Saturdays.
    """
    return day in calendar.closure_days or day in calendar.holidays_in(day.year)


def _real(moment: datetime, zone: ZoneInfo) -> datetime:
    """Return the instant `moment` names: through UTC and back, a wall-clock time that does
    not exist on a spring-forward night becomes the real instant an hour on."""
    return moment.astimezone(UTC).astimezone(zone)


@dataclass(frozen=True)
class SeriesPlan:
    """The sessions a series will have, and the days it skips."""

    starts: list[tuple[datetime, datetime]] = field(default_factory=list)
    skipped: list[date] = field(default_factory=list)


def plan_series(
    *,
    starts_at: datetime,
    ends_at: datetime,
    frequency: str,
    last_on: date,
    calendar: Calendar,
) -> SeriesPlan:
    """Return the start and end of each session of a series, on the program's clock.

    Each session keeps the first one's wall-clock times, so a series at noon stays at noon
    across a change to or from daylight saving time. Holidays and closure days are
    skipped; the first day must not be one.
    """
    zone = calendar.time_zone
    first_start, first_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    first_on = first_start.date()
    if last_on < first_on:
        raise GroupRefused(_("The series must end on or after its first day."))
    if _is_closed_day(calendar, first_on):
        raise GroupRefused(
            _("The first day is a holiday or a closure day: start the series on another day.")
        )
    step = timedelta(days=STEP_DAYS[Frequency(frequency)])
    days_to_end = (first_end.date() - first_on).days
    plan = SeriesPlan()
    day = first_on
    while day <= last_on:
        if _is_closed_day(calendar, day):
            plan.skipped.append(day)
        else:
            start = datetime.combine(day, first_start.time(), tzinfo=zone)
            end_day = day + timedelta(days=days_to_end)
            end = datetime.combine(end_day, first_end.time(), tzinfo=zone)
            plan.starts.append((_real(start, zone), _real(end, zone)))
        if len(plan.starts) > MAX_SERIES_SESSIONS:
            raise GroupRefused(
                _("A series has at most %(count)d sessions: choose an earlier last day.")
                % {"count": MAX_SERIES_SESSIONS}
            )
        day += step
    return plan


@dataclass(frozen=True)
class CreatedSeries:
    series: GroupSeries
    sessions: list[GroupSession]
    skipped: list[date]


@transaction.atomic
def create_group_series(
    *,
    first: GroupSession,
    facilitators: Iterable[User],
    frequency: str,
    last_on: date,
    calendar: Calendar | None = None,
    now: datetime | None = None,
) -> CreatedSeries:
    """Save a weekly or fortnightly series: `first` as its first session, then a copy of it
    every one or two weeks until `last_on`, skipping holidays and closure days.

    Every session gets the facilitators and two polls of its own. Refused (nothing saved)
    when the first day is a holiday or closure day, or the series is too long.
    """
    now = now or timezone.now()
    calendar = calendar or load_calendar()
    plan = plan_series(
        starts_at=first.starts_at,
        ends_at=first.ends_at,
        frequency=frequency,
        last_on=last_on,
        calendar=calendar,
    )
    series = GroupSeries.objects.create(
        frequency=frequency,
        first_on=plan.starts[0][0].date(),
        last_on=last_on,
        created_at=now,
    )
    sessions = []
    for number, (starts_at, ends_at) in enumerate(plan.starts):
        session = first if number == 0 else GroupSession(**_copied_fields(first))
        session.starts_at, session.ends_at = starts_at, ends_at
        session.series = series
        session.created_at = session.updated_at = now
        sessions.append(session)
    first.save(force_insert=True)
    sessions[1:] = GroupSession.objects.bulk_create(sessions[1:])
    people = list(facilitators)
    Through = GroupSession.facilitators.through
    Through.objects.bulk_create(
        Through(groupsession_id=session.pk, user_id=person.pk)
        for session in sessions
        for person in people
    )
    _add_polls(sessions)
    return CreatedSeries(series=series, sessions=sessions, skipped=plan.skipped)


COPIED_FIELDS = (
    "title_en",
    "title_fr",
    "description_en",
    "description_fr",
    "audience",
    "join_mode",
    "meeting_url",
    "join_details",
    "rules_en",
    "rules_fr",
    "reflection_minutes",
    "is_cancelled",
)


def _copied_fields(session: GroupSession) -> dict[str, object]:
    return {name: getattr(session, name) for name in COPIED_FIELDS}


@transaction.atomic
def save_group_session(*, session: GroupSession, now: datetime | None = None) -> GroupSession:
    """Save an edited session (its times, texts, or cancelled), as a new calendar version."""
    now = now or timezone.now()
    session.sequence += 1
    session.updated_at = now
    session.save()
    return session


@transaction.atomic
def cancel_group_sessions(*, sessions: QuerySet[GroupSession], now: datetime | None = None) -> int:
    """Cancel the sessions not cancelled yet; return how many (their polls close at once).

    They stay on the schedule and in the calendar feed, marked cancelled, so that people
    who saved one learn of it.
    """
    now = now or timezone.now()
    pending = sessions.filter(is_cancelled=False)
    cancelled = 0
    for session in pending.select_for_update():
        session.is_cancelled = True
        save_group_session(session=session, now=now)
        cancelled += 1
    return cancelled


def submit_poll_answers(
    *,
    poll: Survey,
    answers: Sequence[GivenAnswer],
    submission_key: uuid.UUID | None,
    now: datetime | None = None,
) -> tuple[Response, bool]:
    """Save one anonymous set of answers to an open poll; return it and whether it is new.

    The response keeps the poll and the Monday of its week, as every survey's does —
    nothing finer than the session, and nothing about who answered. The same form sent
    twice (one `submission_key`) counts once. Raise `PollNotOpen` outside the window.
    """
    now = now or timezone.now()
    session = poll.group_session
    if session is None:
        raise ValueError("not a poll")
    state = session.poll_state(now)
    if state != PollState.OPEN:
        raise PollNotOpen(state)
    return submit_open_response(
        survey=poll, answers=answers, submission_key=submission_key, now=now
    )
