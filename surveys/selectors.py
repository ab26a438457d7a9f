"""Read surveys: the version in use, a link's survey, and results with small counts hidden.

The results selectors are the ones every page of aggregates uses (the admin's results
here, the evaluation reports later), so that a count below `REPORT_MIN_CELL` is hidden
the same way everywhere. Each runs a constant number of queries.
"""

import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, QuerySet

from programs.program import current

from .models import Answer, Choice, Question, Response, Survey, SurveyToken

Channel = Response.Channel
CHANNELS = (Channel.INVITED, Channel.OPEN_LINK)


def surveys() -> QuerySet[Survey]:
    """Return the program's surveys: every version of each kind, polls left out."""
    return Survey.objects.filter(group_session__isnull=True)


def active_survey(kind: str) -> Survey | None:
    """Return the version of `kind` people are asked to answer now, if any."""
    return surveys().filter(kind=kind, is_active=True).first()


def questions_of(survey: Survey) -> list[Question]:
    """Return the survey's questions in order, each with its choices in order (2 queries)."""
    return list(
        survey.questions.order_by("position", "pk").prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "pk"))
        )
    )


def has_responses(survey: Survey) -> bool:
    return Response.objects.filter(survey=survey).exists()


def hash_token(token: str) -> str:
    """Return the stored form of a survey link's token: the token itself is never kept."""
    return hashlib.sha256(token.encode()).hexdigest()


def week_of(day: date) -> date:
    """Return the Monday of `day`'s week: the finest time a response keeps."""
    return day - timedelta(days=day.weekday())


def _oldest_valid_day(now: datetime | None) -> date:
    program = current()
    return program.today(now) - timedelta(days=program.survey_token_days)


def valid_tokens(*, now: datetime | None = None) -> QuerySet[SurveyToken]:
    """Return the links that still work: sent within the last `SURVEY_TOKEN_DAYS` days."""
    return SurveyToken.objects.filter(invited_on__gte=_oldest_valid_day(now))


def expired_tokens(*, now: datetime | None = None) -> QuerySet[SurveyToken]:
    """Return the links that no longer work (on the index of their day)."""
    return SurveyToken.objects.filter(invited_on__lt=_oldest_valid_day(now))


def survey_for_token(token: str, *, now: datetime | None = None) -> Survey | None:
    """Return the survey of an unused, unexpired link, or None."""
    if not token or len(token) > 100:
        return None
    row = (
        valid_tokens(now=now).filter(token_hash=hash_token(token)).select_related("survey").first()
    )
    return row.survey if row is not None else None


# --- Results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A count in a table of results: below `min_cell` it shows as "<N" with no percentage."""

    count: int
    total: int
    min_cell: int

    @property
    def is_hidden(self) -> bool:
        return self.count < self.min_cell

    @property
    def shown(self) -> str:
        return f"<{self.min_cell}" if self.is_hidden else str(self.count)

    @property
    def percent(self) -> str:
        if self.is_hidden or not self.total:
            return ""
        return f"{round(100 * self.count / self.total)}%"


@dataclass(frozen=True)
class Column:
    """One channel's answers to one question: shown only from `min_cell` answers up."""

    answered: Cell
    cells: list[Cell] = field(default_factory=list)
    mean: str = ""

    @property
    def is_shown(self) -> bool:
        return not self.answered.is_hidden


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    # The options in order (choices' texts, or the scale's values) and each channel's column.
    options: list[str]
    columns: dict[str, Column]
    # A text question's answers in random order; None while the version has too few
    # responses in all (or for other kinds of question).
    texts: list[str] | None = None

    @property
    def rows(self) -> list[tuple[str, list[Cell | None]]]:
        """Return each option with its cell per channel (None where a column is hidden)."""
        return [
            (
                label,
                [
                    column.cells[index] if column.is_shown else None
                    for column in self.columns.values()
                ],
            )
            for index, label in enumerate(self.options)
        ]


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    min_cell: int
    responses: dict[str, Cell]
    questions: list[QuestionResult]

    @property
    def shows_texts(self) -> bool:
        return sum(cell.count for cell in self.responses.values()) >= self.min_cell


def _options(question: Question) -> list[tuple[int | None, int | None, str]]:
    """Return (choice id, scale value, label) for each option of a question."""
    if question.kind == Question.Kind.SCALE:
        return [(None, value, label) for value, label in question.scale_options()]
    return [(choice.pk, None, choice.text) for choice in question.choices.all()]


def response_counts(survey: Survey) -> dict[str, int]:
    """Return how many responses the version has from each channel (1 query)."""
    rows = (
        Response.objects.filter(survey=survey)
        .values("channel")
        .annotate(count=Count("id"))
        .values_list("channel", "count")
    )
    return dict(rows)


def _option_counts(survey: Survey) -> dict[tuple[int, int | None, int | None, str], int]:
    """Count answers per (question, choice, scale value, channel) (1 query)."""
    rows = (
        Answer.objects.filter(question__survey=survey, text="")
        .values("question_id", "choice_id", "value", "response__channel")
        .annotate(count=Count("id"))
        .values_list("question_id", "choice_id", "value", "response__channel", "count")
    )
    return {(q, c, v, channel): count for q, c, v, channel, count in rows}


def _answered(survey: Survey) -> dict[tuple[int, str], int]:
    """Count the responses that answered each question, per channel (1 query)."""
    rows = (
        Answer.objects.filter(question__survey=survey)
        .values("question_id", "response__channel")
        .annotate(count=Count("response_id", distinct=True))
        .values_list("question_id", "response__channel", "count")
    )
    return {(question_id, channel): count for question_id, channel, count in rows}


def _free_texts(survey: Survey) -> dict[int, list[str]]:
    """Return each text question's answers, shuffled (1 query)."""
    texts: dict[int, list[str]] = defaultdict(list)
    rows = (
        Answer.objects.filter(question__survey=survey)
        .exclude(text="")
        .values_list("question_id", "text")
    )
    for question_id, text in rows:
        texts[question_id].append(text)
    # Shuffled here, not by the database: a table's order follows insertion.
    shuffle = random.SystemRandom().shuffle
    for answers in texts.values():
        shuffle(answers)
    return texts


def _column(
    question: Question,
    options: list[tuple[int | None, int | None, str]],
    counts: dict[tuple[int, int | None, int | None, str], int],
    *,
    channel: str,
    answered: int,
    min_cell: int,
) -> Column:
    answered_cell = Cell(count=answered, total=answered, min_cell=min_cell)
    if answered_cell.is_hidden or question.kind == Question.Kind.TEXT:
        return Column(answered=answered_cell)
    option_counts = [
        counts.get((question.pk, choice_id, value, channel), 0) for choice_id, value, _ in options
    ]
    mean = ""
    if question.kind == Question.Kind.SCALE:
        weighted = sum(
            (value or 0) * count
            for (_choice, value, _label), count in zip(options, option_counts, strict=True)
        )
        mean = f"{weighted / answered:.1f}"
    return Column(
        answered=answered_cell,
        cells=[Cell(count=count, total=answered, min_cell=min_cell) for count in option_counts],
        mean=mean,
    )


def survey_results(survey: Survey, *, min_cell: int | None = None) -> SurveyResults:
    """Return a survey version's results, invited and open-link responses apart (6 queries).

    Every count below `min_cell` (default `REPORT_MIN_CELL`) shows as "<N" without its
    percentage, and a question's distribution shows only from `min_cell` answers up.
    There is no "all" column: all minus open link would give back the hidden invited
    counts. Free-text answers come only once the version has `min_cell` responses in
    all, shuffled and without dates: they are for administrators' eyes only, never for
    the evaluation reports.
    """
    min_cell = current().report_min_cell if min_cell is None else min_cell
    per_channel = response_counts(survey)
    counts = _option_counts(survey)
    answered = _answered(survey)
    results = SurveyResults(
        survey=survey,
        min_cell=min_cell,
        responses={
            channel.value: Cell(count=per_channel.get(channel, 0), total=0, min_cell=min_cell)
            for channel in CHANNELS
        },
        questions=[],
    )
    texts = _free_texts(survey) if results.shows_texts else {}
    for question in questions_of(survey):
        options = _options(question)
        columns = {
            channel.value: _column(
                question,
                options,
                counts,
                channel=channel,
                answered=answered.get((question.pk, channel), 0),
                min_cell=min_cell,
            )
            for channel in CHANNELS
        }
        is_text = question.kind == Question.Kind.TEXT
        results.questions.append(
            QuestionResult(
                question=question,
                options=[label for _choice, _value, label in options],
                columns=columns,
                texts=texts.get(question.pk, []) if is_text and results.shows_texts else None,
            )
        )
    return results


@dataclass(frozen=True)
class PeriodAnswers:
    """The answers of one kind of survey given in a period: the questions of the versions
    answered then, and the counts per (question, option, channel)."""

    questions: list[Question]
    counts: dict[tuple[int, int | None, int | None, str], int]
    answered: dict[tuple[int, str], int]


def answers_between(*, kind: str, first_day: date, last_day: date) -> PeriodAnswers:
    """Return a kind of survey's answers in the weeks beginning from `first_day` to
    `last_day` (responses are dated to their week), in four queries: no text answer."""
    responses = Response.objects.filter(
        survey__kind=kind, submitted_week__gte=week_of(first_day), submitted_week__lte=last_day
    )
    questions = list(
        Question.objects.filter(survey__in=responses.values("survey_id"))
        .exclude(kind=Question.Kind.TEXT)
        .select_related("survey")
        .prefetch_related("choices")
        .order_by("survey__version", "position", "pk")
    )
    answers = Answer.objects.filter(response__in=responses, text="")
    counts: dict[tuple[int, int | None, int | None, str], int] = {
        (question, choice, value, channel): count
        for question, choice, value, channel, count in answers.values(
            "question_id", "choice_id", "value", "response__channel"
        )
        .annotate(count=Count("id"))
        .values_list("question_id", "choice_id", "value", "response__channel", "count")
    }
    answered = {
        (question, channel): count
        for question, channel, count in answers.values("question_id", "response__channel")
        .annotate(count=Count("response_id", distinct=True))
        .values_list("question_id", "response__channel", "count")
    }
    return PeriodAnswers(questions=questions, counts=counts, answered=answered)
