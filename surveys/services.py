"""Write surveys: single-use links, anonymous responses, and new versions of a survey.

A response is saved with its survey version, its channel and the Monday of its week,
never with anything that says who sent it; answering through a link deletes the link's
row in the same transaction, so no row ever joins a response to a link.
"""

import logging
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.program import current

from .models import (
    SCALE_MAX,
    SCALE_MIN,
    TEXT_ANSWER_MAX_LENGTH,
    Answer,
    Choice,
    Question,
    Response,
    Survey,
    SurveyKind,
    SurveyToken,
)
from .selectors import (
    active_survey,
    expired_tokens,
    hash_token,
    questions_of,
    valid_tokens,
    week_of,
)

logger = logging.getLogger(__name__)

Channel = Response.Channel


class SurveyLinkInvalid(Exception):
    """The link was used already, has expired, or never existed."""


class SurveyRefused(Exception):
    """The change does not fit the survey as it stands; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class GivenAnswer:
    """What a respondent gave to one question: choices, a scale value or a text."""

    question: Question
    choices: Sequence[Choice] = field(default_factory=tuple)
    value: int | None = None
    text: str = ""


# --- Invitation links ----------------------------------------------------------------------


def issue_invitation_token(*, now: datetime | None = None) -> str | None:
    """Return a fresh single-use link token for the post-support survey in use.

    Store only the token's hash, the survey and the day (in the caller's transaction):
    nothing says whom it is for. Return None when no post-support survey is in use.
    """
    survey = active_survey(SurveyKind.POST_SUPPORT)
    if survey is None:
        return None
    token = secrets.token_urlsafe(32)
    SurveyToken.objects.create(
        token_hash=hash_token(token), survey=survey, invited_on=current().today(now)
    )
    return token


def delete_expired_tokens(*, now: datetime | None = None) -> int:
    """Delete the links older than `SURVEY_TOKEN_DAYS` (one statement); return how many."""
    deleted, _by_model = expired_tokens(now=now).delete()
    return deleted


# --- Responses -----------------------------------------------------------------------------


def _check(survey: Survey, answers: Sequence[GivenAnswer]) -> None:
    """Refuse answers that do not belong to the survey (a programming error: forms check)."""
    for answer in answers:
        question = answer.question
        if question.survey_id != survey.pk:
            raise ValueError("an answer to another survey's question")
        if any(choice.question_id != question.pk for choice in answer.choices):
            raise ValueError("a choice of another question")
        if answer.value is not None and not SCALE_MIN <= answer.value <= SCALE_MAX:
            raise ValueError("a value off the scale")
        if len(answer.text) > TEXT_ANSWER_MAX_LENGTH:
            raise ValueError("a text over the limit")


def _save_response(
    *,
    survey: Survey,
    channel: str,
    answers: Sequence[GivenAnswer],
    now: datetime,
    submission_key: uuid.UUID | None = None,
) -> Response:
    _check(survey, answers)
    response = Response.objects.create(
        survey=survey,
        channel=channel,
        submitted_week=week_of(current().today(now)),
        submission_key=submission_key,
    )
    rows: list[Answer] = []
    for answer in answers:
        question = answer.question
        rows.extend(
            Answer(response=response, question=question, choice=choice) for choice in answer.choices
        )
        if answer.value is not None:
            rows.append(Answer(response=response, question=question, value=answer.value))
        if answer.text.strip():
            rows.append(Answer(response=response, question=question, text=answer.text.strip()))
    Answer.objects.bulk_create(rows)
    return response


@transaction.atomic
def submit_invited_response(
    *, token: str, answers: Sequence[GivenAnswer], now: datetime | None = None
) -> Response:
    """Save the answers given through a single-use link, and delete the link.

    Both in one transaction: afterwards no row joins the response to the link, and the
    response keeps only the week. The link row is locked first, so the same form sent
    twice at once saves one response; the second gets `SurveyLinkInvalid`.
    """
    now = now or timezone.now()
    link = (
        valid_tokens(now=now)
        .select_for_update(of=("self",))
        .select_related("survey")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None:
        raise SurveyLinkInvalid
    response = _save_response(survey=link.survey, channel=Channel.INVITED, answers=answers, now=now)
    link.delete()
    return response


@transaction.atomic
def submit_open_response(
    *,
    survey: Survey,
    answers: Sequence[GivenAnswer],
    submission_key: uuid.UUID | None = None,
    now: datetime | None = None,
) -> tuple[Response, bool]:
    """Save answers given through an open link; return the response and whether it is new.

    The same form sent twice (the same `submission_key`, even at once) saves one response.
    """
    now = now or timezone.now()
    if submission_key is not None:
        existing = Response.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            response = _save_response(
                survey=survey,
                channel=Channel.OPEN_LINK,
                answers=answers,
                now=now,
                submission_key=submission_key,
            )
    except IntegrityError:
        existing = Response.objects.filter(submission_key=submission_key).first()
        if submission_key is None or existing is None:
            raise
        return existing, False
    return response, True


# --- Versions ------------------------------------------------------------------------------


def _lock_kind(kind: str) -> list[Survey]:
    """Lock every version of a kind: versions are numbered and put in use one at a time."""
    return list(Survey.objects.select_for_update().filter(kind=kind).order_by("version"))


@transaction.atomic
def add_survey(*, survey: Survey) -> Survey:
    """Save a new survey as the next version of its kind, not in use yet."""
    versions = _lock_kind(survey.kind)
    survey.version = max((version.version for version in versions), default=0) + 1
    survey.is_active = False
    survey.save(force_insert=True)
    return survey


@transaction.atomic
def copy_as_new_version(*, survey: Survey) -> Survey:
    """Copy a version with its questions and choices into a new version, not in use yet.

    This is how a survey with responses is edited: its own questions keep their meaning,
    and results stay per version.
    """
    versions = _lock_kind(survey.kind)
    copy = Survey.objects.create(
        kind=survey.kind,
        version=max(version.version for version in versions) + 1,
        is_active=False,
        title_en=survey.title_en,
        title_fr=survey.title_fr,
        intro_en=survey.intro_en,
        intro_fr=survey.intro_fr,
    )
    for question in questions_of(survey):
        choices = list(question.choices.all())
        question.pk = None
        question.survey = copy
        question.save(force_insert=True)
        Choice.objects.bulk_create(
            Choice(
                question=question,
                position=choice.position,
                code=choice.code,
                text_en=choice.text_en,
                text_fr=choice.text_fr,
            )
            for choice in choices
        )
    logger.info(
        "surveys: %s version %s copied as version %s", survey.kind, survey.version, copy.version
    )
    return copy


@transaction.atomic
def put_in_use(*, survey: Survey) -> Survey:
    """Make this version the one people answer; the kind's other version leaves use.

    Links already sent keep their own version. Refused for a version without questions.
    """
    _lock_kind(survey.kind)
    if not survey.questions.exists():
        raise SurveyRefused(_("Add questions to this version before putting it in use."))
    Survey.objects.filter(kind=survey.kind, is_active=True).exclude(pk=survey.pk).update(
        is_active=False
    )
    Survey.objects.filter(pk=survey.pk).update(is_active=True)
    survey.is_active = True
    return survey
