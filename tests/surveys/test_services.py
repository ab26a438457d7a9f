"""Links, responses and versions: a link used once and gone, weeks not moments, one
response per form, and a new version that leaves the answered one as it was."""

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine

from surveys.models import Answer, Choice, Question, Response, Survey, SurveyToken
from surveys.selectors import hash_token, questions_of, survey_for_token
from surveys.services import (
    GivenAnswer,
    SurveyLinkInvalid,
    SurveyRefused,
    copy_as_new_version,
    delete_expired_tokens,
    issue_invitation_token,
    put_in_use,
    submit_invited_response,
    submit_open_response,
)
from tests.surveys.conftest import VANCOUVER, WEDNESDAY

pytestmark = pytest.mark.django_db


def question(survey: Survey, code: str) -> Question:
    return next(q for q in questions_of(survey) if q.code == code)


def useful(survey: Survey, value: int = 4) -> list[GivenAnswer]:
    return [GivenAnswer(question=question(survey, "useful"), value=value)]


def test_a_link_stores_only_the_hash_the_survey_and_the_day(post_support: Survey) -> None:
    token = issue_invitation_token(now=WEDNESDAY)
    assert token is not None and len(token) >= 40
    row = SurveyToken.objects.get()
    assert row.token_hash == hash_token(token) != token
    assert token not in row.token_hash
    assert (row.survey, row.invited_on) == (post_support, date(2026, 3, 11))
    assert {field.name for field in SurveyToken._meta.concrete_fields} == {
        "id",
        "token_hash",
        "survey",
        "invited_on",
    }


def test_the_day_of_a_link_is_the_programs_day_at_midnight(post_support: Survey) -> None:
    # 23:30 in Vancouver is already the next day in UTC: the program's day counts.
    issue_invitation_token(now=datetime(2026, 3, 11, 23, 30, tzinfo=VANCOUVER))
    assert SurveyToken.objects.get().invited_on == date(2026, 3, 11)


def test_no_link_is_made_when_no_post_support_survey_is_in_use(post_support: Survey) -> None:
    Survey.objects.filter(pk=post_support.pk).update(is_active=False)
    assert issue_invitation_token(now=WEDNESDAY) is None
    assert not SurveyToken.objects.exists()


def test_answering_by_link_saves_the_response_and_deletes_the_link(post_support: Survey) -> None:
    token = issue_invitation_token(now=WEDNESDAY)
    assert token is not None
    improve = question(post_support, "improve")
    heard = question(post_support, "heard_from")
    response = submit_invited_response(
        token=token,
        answers=[
            *useful(post_support, 5),
            GivenAnswer(question=heard, choices=tuple(heard.choices.all()[:2])),
            GivenAnswer(question=improve, text="  Evening times.  "),
        ],
        now=WEDNESDAY + timedelta(days=1),
    )
    assert not SurveyToken.objects.exists()
    assert survey_for_token(token) is None
    assert (response.survey, response.channel) == (post_support, Response.Channel.INVITED)
    assert response.submitted_week == date(2026, 3, 9)
    assert response.submission_key is None
    assert Answer.objects.filter(response=response, question=heard).count() == 2
    assert Answer.objects.get(response=response, question=improve).text == "Evening times."
    assert Answer.objects.get(response=response, value__isnull=False).value == 5


def test_a_second_use_of_a_link_saves_nothing(post_support: Survey) -> None:
    token = issue_invitation_token(now=WEDNESDAY)
    assert token is not None
    submit_invited_response(token=token, answers=useful(post_support), now=WEDNESDAY)
    with pytest.raises(SurveyLinkInvalid):
        submit_invited_response(token=token, answers=useful(post_support, 1), now=WEDNESDAY)
    assert Response.objects.count() == 1
    assert Answer.objects.get().value == 4


@pytest.mark.parametrize(
    ("days_later", "works"),
    [(0, True), (29, True), (30, True), (31, False), (400, False)],
)
def test_a_link_works_for_survey_token_days(
    post_support: Survey, days_later: int, works: bool
) -> None:
    token = issue_invitation_token(now=WEDNESDAY)
    assert token is not None
    later = WEDNESDAY + timedelta(days=days_later)
    assert (survey_for_token(token, now=later) is not None) is works
    if works:
        submit_invited_response(token=token, answers=useful(post_support), now=later)
    else:
        with pytest.raises(SurveyLinkInvalid):
            submit_invited_response(token=token, answers=useful(post_support), now=later)
    assert Response.objects.count() == (1 if works else 0)


def test_a_shorter_token_lifetime_takes_effect_at_once(post_support: Survey, settings: Any) -> None:
    token = issue_invitation_token(now=WEDNESDAY)
    assert token is not None
    settings.SURVEY_TOKEN_DAYS = 3
    assert survey_for_token(token, now=WEDNESDAY + timedelta(days=3)) is not None
    assert survey_for_token(token, now=WEDNESDAY + timedelta(days=4)) is None


@pytest.mark.parametrize("token", ["", "nope", "x" * 101, "a/b", "<script>alert(1)</script>"])
def test_an_unknown_link_is_refused(post_support: Survey, token: str) -> None:
    assert survey_for_token(token) is None
    with pytest.raises(SurveyLinkInvalid):
        submit_invited_response(token=token, answers=useful(post_support), now=WEDNESDAY)


@pytest.mark.parametrize(
    ("moment", "monday"),
    [
        # Monday just after midnight, Sunday just before it, in the program's time zone.
        (datetime(2026, 3, 9, 0, 0, tzinfo=VANCOUVER), date(2026, 3, 9)),
        (datetime(2026, 3, 8, 23, 59, tzinfo=VANCOUVER), date(2026, 3, 2)),
        (datetime(2026, 3, 15, 23, 59, tzinfo=VANCOUVER), date(2026, 3, 9)),
        # New Year's Eve on a Thursday: the week began in the old year.
        (datetime(2026, 12, 31, 12, 0, tzinfo=VANCOUVER), date(2026, 12, 28)),
    ],
)
def test_a_response_keeps_only_the_monday_of_its_week(
    post_support: Survey, moment: datetime, monday: date
) -> None:
    response, created = submit_open_response(
        survey=post_support, answers=useful(post_support), now=moment
    )
    assert created
    assert response.submitted_week == monday
    assert Response.objects.get().submitted_week.weekday() == 0


def test_the_same_open_link_form_sent_twice_saves_one_response(post_support: Survey) -> None:
    key = uuid.uuid4()
    first, created = submit_open_response(
        survey=post_support, answers=useful(post_support), submission_key=key, now=WEDNESDAY
    )
    again, created_again = submit_open_response(
        survey=post_support, answers=useful(post_support, 2), submission_key=key, now=WEDNESDAY
    )
    assert created and not created_again
    assert again.pk == first.pk
    assert Response.objects.count() == 1
    assert first.channel == Response.Channel.OPEN_LINK


def test_an_answer_to_another_surveys_question_is_refused(
    post_support: Survey, awareness: Survey
) -> None:
    other = question(awareness, "heard_of")
    with pytest.raises(ValueError, match="another survey"):
        submit_open_response(
            survey=post_support,
            answers=[GivenAnswer(question=other, choices=tuple(other.choices.all()[:1]))],
        )
    assert not Response.objects.exists()


def test_expired_links_are_deleted_and_live_ones_kept(post_support: Survey) -> None:
    issue_invitation_token(now=WEDNESDAY - timedelta(days=31))
    issue_invitation_token(now=WEDNESDAY - timedelta(days=30))
    issue_invitation_token(now=WEDNESDAY)
    assert delete_expired_tokens(now=WEDNESDAY) == 1
    assert delete_expired_tokens(now=WEDNESDAY) == 0
    assert sorted(SurveyToken.objects.values_list("invited_on", flat=True)) == [
        date(2026, 2, 9),
        date(2026, 3, 11),
    ]


def test_the_expiry_task_runs_the_service(post_support: Survey) -> None:
    from surveys import tasks

    issue_invitation_token(now=WEDNESDAY - timedelta(days=40))
    with time_machine.travel(WEDNESDAY, tick=False):
        assert tasks.delete_expired_tokens() == 1
    assert not SurveyToken.objects.exists()


# --- Versions -------------------------------------------------------------------------------


def test_a_copy_is_the_next_version_with_the_same_questions_not_in_use(
    post_support: Survey,
) -> None:
    submit_open_response(survey=post_support, answers=useful(post_support), now=WEDNESDAY)
    copy = copy_as_new_version(survey=post_support)
    assert (copy.kind, copy.version, copy.is_active) == ("post_support", 2, False)
    original = [
        (q.code, q.kind, q.text_en, [c.code for c in q.choices.all()])
        for q in questions_of(post_support)
    ]
    copied = [
        (q.code, q.kind, q.text_en, [c.code for c in q.choices.all()]) for q in questions_of(copy)
    ]
    assert copied == original
    assert not set(Question.objects.filter(survey=copy).values_list("pk", flat=True)) & set(
        Question.objects.filter(survey=post_support).values_list("pk", flat=True)
    )
    # The answered version keeps its response; the copy starts with none.
    assert Response.objects.get().survey == post_support
    assert copy_as_new_version(survey=post_support).version == 3


def test_putting_a_version_in_use_takes_the_other_out_of_use(post_support: Survey) -> None:
    token = issue_invitation_token(now=WEDNESDAY)
    copy = copy_as_new_version(survey=post_support)
    put_in_use(survey=copy)
    assert list(Survey.objects.filter(kind="post_support", is_active=True)) == [copy]
    # A link sent before keeps its own version.
    assert token is not None
    assert survey_for_token(token, now=WEDNESDAY) == post_support


def test_a_version_without_questions_cannot_be_put_in_use(post_support: Survey) -> None:
    copy = copy_as_new_version(survey=post_support)
    Question.objects.filter(survey=copy).delete()
    with pytest.raises(SurveyRefused):
        put_in_use(survey=copy)
    assert Survey.objects.get(kind="post_support", is_active=True) == post_support


def test_choices_of_a_copy_are_new_rows(post_support: Survey) -> None:
    copy = copy_as_new_version(survey=post_support)
    assert (
        Choice.objects.filter(question__survey=copy).count()
        == Choice.objects.filter(question__survey=post_support).count()
    )
