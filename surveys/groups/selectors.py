"""Read group sessions: the public schedule and its calendar feed, the supporters' next
supervision sessions, a facilitator's sessions, a poll by its code, and poll counts —
live for a facilitator, per month with small counts hidden for the evaluation.

Supervision sessions never reach a public selector: the schedule, the feed and a
session's calendar file all start at `public_sessions()`. Each selector runs a constant
number of queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import TruncMonth

from accounts.access import AnyUser, is_administrator
from programs.program import current

from ..models import (
    POLL_CLOSES_AFTER,
    POLL_KINDS,
    Answer,
    Audience,
    Choice,
    GroupSession,
    PollKind,
    Question,
    Response,
    Survey,
)
from ..selectors import Cell

SCHEDULE_LENGTH = 20
SUPERVISION_LENGTH = 3
# The feed keeps a month of past sessions, so a calendar still sees a late cancellation.
FEED_KEEPS_PAST = timedelta(days=31)
FEED_LENGTH = 300
# The facilitator's page: sessions whose polls are still open, then the last month's.
RECENT_FOR = timedelta(days=31)
FACILITATOR_LENGTH = 30
POLL_CODE_MAX_LENGTH = 16


def group_sessions() -> QuerySet[GroupSession]:
    return GroupSession.objects.all()


def public_sessions() -> QuerySet[GroupSession]:
    """Return the sessions for physicians: the only ones any public page shows."""
    return group_sessions().filter(audience=Audience.PHYSICIANS)


def public_schedule(*, now: datetime, limit: int = SCHEDULE_LENGTH) -> list[GroupSession]:
    """Return the next public sessions not over yet, cancelled ones marked (1 query)."""
    return list(public_sessions().filter(ends_at__gt=now).order_by("starts_at", "pk")[:limit])


def calendar_feed(*, now: datetime) -> list[GroupSession]:
    """Return the public sessions of the calendar feed: the coming ones and a month back."""
    return list(
        public_sessions()
        .filter(ends_at__gte=now - FEED_KEEPS_PAST)
        .order_by("starts_at", "pk")[:FEED_LENGTH]
    )


def public_session(public_id: Any) -> GroupSession | None:
    """Return a public session by its random id, or None (supervision sessions included)."""
    return public_sessions().filter(public_id=public_id).first()


def upcoming_supervision(*, now: datetime, limit: int = SUPERVISION_LENGTH) -> list[GroupSession]:
    """Return the supporters' next supervision and consultation sessions (1 query)."""
    return list(
        group_sessions()
        .filter(audience=Audience.SUPPORTERS, ends_at__gt=now)
        .order_by("starts_at", "pk")[:limit]
    )


def facilitated_by(user: AnyUser) -> QuerySet[GroupSession]:
    """Return the sessions `user` facilitates; every session for an administrator."""
    if not user.is_authenticated or not user.is_active:
        return group_sessions().none()
    if is_administrator(user):
        return group_sessions()
    return group_sessions().filter(facilitators=user.pk)


def facilitated_session(user: AnyUser, public_id: Any) -> GroupSession | None:
    """Return the session if `user` facilitates it (or administers), else None."""
    return facilitated_by(user).filter(public_id=public_id).first()


@dataclass(frozen=True)
class FacilitatorSessions:
    upcoming: list[GroupSession]
    recent: list[GroupSession]


def sessions_of_facilitator(user: AnyUser, *, now: datetime) -> FacilitatorSessions:
    """Return the user's sessions whose polls are open or to come, and the last month's,
    each with its number of poll answers (`answer_count`) (2 queries)."""
    sessions = facilitated_by(user).annotate(answer_count=Count("polls__responses", distinct=True))
    still_open = now - POLL_CLOSES_AFTER
    upcoming = sessions.filter(ends_at__gte=still_open).order_by("starts_at", "pk")
    recent = sessions.filter(ends_at__lt=still_open, ends_at__gte=now - RECENT_FOR).order_by(
        "-starts_at", "-pk"
    )
    return FacilitatorSessions(
        upcoming=list(upcoming[:FACILITATOR_LENGTH]), recent=list(recent[:FACILITATOR_LENGTH])
    )


def poll_by_code(code: str) -> Survey | None:
    """Return the poll answered at /polls/<code>/ with its session, or None."""
    if not code or len(code) > POLL_CODE_MAX_LENGTH:
        return None
    return (
        Survey.objects.filter(code=code, kind__in=POLL_KINDS)
        .select_related("group_session")
        .first()
    )


def polls_of(session: GroupSession) -> list[Survey]:
    """Return the session's polls, entrance first, with their questions and choices in
    order (3 queries)."""
    polls = Survey.objects.filter(group_session=session).prefetch_related(
        Prefetch(
            "questions",
            queryset=Question.objects.order_by("position", "pk").prefetch_related(
                Prefetch("choices", queryset=Choice.objects.order_by("position", "pk"))
            ),
        )
    )
    order = {kind: index for index, kind in enumerate(POLL_KINDS)}
    return sorted(polls, key=lambda poll: order[poll.kind])


# --- Live counts, for the facilitator ------------------------------------------------------


@dataclass(frozen=True)
class ChoiceCount:
    code: str
    text: str
    count: int


@dataclass(frozen=True)
class QuestionCount:
    code: str
    text: str
    is_multiple: bool
    choices: list[ChoiceCount]


@dataclass(frozen=True)
class PollCounts:
    """One poll's answers so far: exact counts, for the facilitator to share back."""

    poll: Survey
    answered: int
    questions: list[QuestionCount] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.poll.kind

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "answered": self.answered,
            "questions": [
                {
                    "code": question.code,
                    "choices": [
                        {"code": choice.code, "count": choice.count} for choice in question.choices
                    ],
                }
                for question in self.questions
            ],
        }


def live_counts(session: GroupSession) -> list[PollCounts]:
    """Return each poll's answers so far, choice by choice (5 queries).

    Exact counts, not hidden below `REPORT_MIN_CELL`: the facilitator shares them back
    with the group while it meets, and no answer says who gave it.
    """
    polls = polls_of(session)
    answered = dict(
        Response.objects.filter(survey__group_session=session)
        .values("survey_id")
        .annotate(count=Count("id"))
        .values_list("survey_id", "count")
    )
    counts = {
        (question_id, choice_id): count
        for question_id, choice_id, count in Answer.objects.filter(
            question__survey__group_session=session, choice__isnull=False
        )
        .values("question_id", "choice_id")
        .annotate(count=Count("id"))
        .values_list("question_id", "choice_id", "count")
    }
    return [
        PollCounts(
            poll=poll,
            answered=answered.get(poll.pk, 0),
            questions=[
                QuestionCount(
                    code=question.code,
                    text=question.text,
                    is_multiple=question.kind == Question.Kind.MULTIPLE,
                    choices=[
                        ChoiceCount(
                            code=choice.code,
                            text=choice.text,
                            count=counts.get((question.pk, choice.pk), 0),
                        )
                        for choice in question.choices.all()
                    ],
                )
                for question in poll.questions.all()
                if question.has_choices
            ],
        )
        for poll in polls
    ]


# --- Per month, for the evaluation ---------------------------------------------------------


@dataclass(frozen=True)
class GroupMonth:
    """A month of group sessions: how many were held, how many answered each poll, and
    how the answers spread, every count below `min_cell` hidden."""

    month: date
    sessions_held: int
    answers: dict[str, Cell]
    # (poll kind, question code, choice code) -> count
    choices: dict[tuple[str, str, str], Cell]


def group_results_by_month(
    *,
    since: date,
    until: date,
    now: datetime,
    audience: str = Audience.PHYSICIANS,
    min_cell: int | None = None,
) -> list[GroupMonth]:
    """Return, for each month from `since` to `until` (program dates) with a session held,
    the sessions held (over by `now`, not cancelled), each poll's answers and their
    distribution (3 queries). A month counts its sessions by their start, in the program's
    time zone; a count below `min_cell` (default `REPORT_MIN_CELL`) shows as "<N".
    """
    program = current()
    min_cell = program.report_min_cell if min_cell is None else min_cell
    zone = program.time_zone
    month_of = TruncMonth("starts_at", tzinfo=zone)
    held_sessions: dict[str, Any] = {
        "audience": audience,
        "starts_at__date__gte": since,
        "starts_at__date__lte": until,
        "is_cancelled": False,
        "ends_at__lte": now,
    }
    held = dict(
        group_sessions()
        .filter(**held_sessions)
        .annotate(month=month_of)
        .values("month")
        .annotate(count=Count("id"))
        .values_list("month", "count")
    )
    prefix = "survey__group_session__"
    response_rows = (
        Response.objects.filter(**{prefix + key: value for key, value in held_sessions.items()})
        .annotate(month=TruncMonth(prefix + "starts_at", tzinfo=zone))
        .values("month", "survey__kind")
        .annotate(count=Count("id"))
        .values_list("month", "survey__kind", "count")
    )
    answers: dict[date, dict[str, int]] = defaultdict(dict)
    for month, kind, count in response_rows:
        answers[_day(month)][kind] = count
    answer_prefix = "question__survey__group_session__"
    answer_rows = (
        Answer.objects.filter(
            choice__isnull=False,
            **{answer_prefix + key: value for key, value in held_sessions.items()},
        )
        .annotate(month=TruncMonth(answer_prefix + "starts_at", tzinfo=zone))
        .values("month", "question__survey__kind", "question__code", "choice__code")
        .annotate(count=Count("id"))
        .values_list("month", "question__survey__kind", "question__code", "choice__code", "count")
    )
    choices: dict[date, dict[tuple[str, str, str], int]] = defaultdict(dict)
    for month, kind, question, choice, count in answer_rows:
        choices[_day(month)][(kind, question, choice)] = count
    months = []
    for month, sessions_held in sorted((_day(month), count) for month, count in held.items()):
        month_answers = answers.get(month, {})
        months.append(
            GroupMonth(
                month=month,
                sessions_held=sessions_held,
                answers={
                    kind: Cell(count=month_answers.get(kind, 0), total=0, min_cell=min_cell)
                    for kind in PollKind.values
                },
                choices={
                    key: Cell(count=count, total=month_answers.get(key[0], 0), min_cell=min_cell)
                    for key, count in choices.get(month, {}).items()
                },
            )
        )
    return months


def _day(month: datetime | date) -> date:
    return month.date() if isinstance(month, datetime) else month


@dataclass(frozen=True)
class PollLabels:
    """The words of the polls' questions and choices, by their codes, in the active language."""

    questions: dict[tuple[str, str], str]
    choices: dict[tuple[str, str, str], str]
    multiple: frozenset[tuple[str, str]]


def poll_labels() -> PollLabels:
    """Return the polls' question and choice texts by (kind, question code[, choice code]),
    as the most recent poll words them (2 queries)."""
    questions: dict[tuple[str, str], str] = {}
    multiple: set[tuple[str, str]] = set()
    for question in (
        Question.objects.filter(survey__kind__in=PollKind.values)
        .select_related("survey")
        .order_by("-survey_id", "position")
    ):
        key = (question.survey.kind, question.code)
        questions.setdefault(key, question.text)
        if question.kind == Question.Kind.MULTIPLE:
            multiple.add(key)
    choices: dict[tuple[str, str, str], str] = {}
    for choice in (
        Choice.objects.filter(question__survey__kind__in=PollKind.values)
        .select_related("question__survey")
        .order_by("-question__survey_id", "position")
    ):
        key3 = (choice.question.survey.kind, choice.question.code, choice.code)
        choices.setdefault(key3, choice.text)
    return PollLabels(questions=questions, choices=choices, multiple=frozenset(multiple))
