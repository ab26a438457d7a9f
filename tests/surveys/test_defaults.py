"""The surveys a program starts with: shipped by a data migration, in the program's words,
and never overwritten once an administrator has edited them."""

import pytest

from surveys.models import Choice, Question, Survey
from surveys.selectors import questions_of
from tests.surveys.conftest import ensure_default_surveys

pytestmark = pytest.mark.django_db


def codes(kind: str) -> list[tuple[str, str, bool]]:
    survey = Survey.objects.get(kind=kind, is_active=True)
    return [(q.code, q.kind, q.is_required) for q in questions_of(survey)]


def test_the_post_support_survey_asks_the_issues_questions(post_support: Survey) -> None:
    assert codes("post_support") == [
        ("useful", "scale", True),
        ("contacted_in_time", "single", False),
        ("safe_respected", "single", False),
        ("recommend", "single", False),
        ("use_again", "single", False),
        ("heard_from", "multiple", False),
        ("improve", "text", False),
    ]
    useful = Question.objects.get(survey=post_support, code="useful")
    assert (useful.scale_low_en, useful.scale_high_en) == ("Not useful at all", "Very useful")
    assert post_support.version == 1


def test_the_awareness_survey_asks_the_issues_questions(awareness: Survey) -> None:
    assert codes("awareness") == [
        ("heard_of", "single", True),
        ("used", "single", False),
        ("satisfied", "scale", False),
        ("would_use", "single", False),
        ("heard_from", "multiple", False),
        ("more_likely", "text", False),
    ]


def test_every_text_has_an_empty_french_column_beside_it(
    post_support: Survey, awareness: Survey
) -> None:
    questions = Question.objects.filter(survey__in=[post_support, awareness])
    assert all(q.text_en and q.text_fr == "" for q in questions)
    choices = Choice.objects.filter(question__survey__in=[post_support, awareness])
    assert choices.count() > 20
    assert all(c.text_en and c.text_fr == "" for c in choices)


def test_an_administrators_edits_are_kept_when_the_defaults_run_again(
    post_support: Survey,
) -> None:
    Question.objects.filter(survey=post_support, code="useful").update(
        text_en="How much did it help?"
    )
    Survey.objects.filter(pk=post_support.pk).update(title_en="Our feedback survey")
    ensure_default_surveys()
    assert Survey.objects.filter(kind="post_support").count() == 1
    assert Survey.objects.get(kind="post_support").title_en == "Our feedback survey"
    assert Question.objects.get(survey=post_support, code="useful").text_en == (
        "How much did it help?"
    )


def test_the_defaults_come_back_only_for_a_kind_with_no_survey(awareness: Survey) -> None:
    Survey.objects.filter(kind="post_support").delete()
    ensure_default_surveys()
    assert Survey.objects.filter(kind="post_support", is_active=True).count() == 1
    assert Survey.objects.filter(kind="awareness").count() == 1


def test_the_french_text_shows_in_french_once_filled_in(post_support: Survey) -> None:
    from django.utils import translation

    question = Question.objects.get(survey=post_support, code="recommend")
    with translation.override("fr"):
        assert question.text == "Would you recommend peer support to a colleague?"
    question.text_fr = "Recommanderiez-vous le soutien par les pairs à un collègue?"
    with translation.override("fr"):
        assert question.text.startswith("Recommanderiez-vous")
    with translation.override("en"):
        assert question.text.startswith("Would you recommend")
