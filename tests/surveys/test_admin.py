"""Surveys in the admin: administrators only; a version with responses keeps its meaning
(edit a copy: a new version); results per version with small counts hidden."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from surveys.models import Choice, Question, Response, Survey
from surveys.selectors import questions_of
from surveys.services import GivenAnswer, submit_open_response
from tests.surveys.conftest import WEDNESDAY

pytestmark = pytest.mark.django_db

LIST = "/admin/surveys/survey/"


def results_url(survey: Survey) -> str:
    return reverse("admin:surveys_survey_results", args=[survey.pk])


def change_url(survey: Survey) -> str:
    return reverse("admin:surveys_survey_change", args=[survey.pk])


def body(response: Any) -> str:
    return str(response.content.decode())


def respond(survey: Survey, *, recommend: str = "yes", improve: str = "") -> None:
    by_code = {q.code: q for q in questions_of(survey)}
    recommend_question = by_code["recommend"]
    answers = [
        GivenAnswer(
            question=recommend_question,
            choices=tuple(c for c in recommend_question.choices.all() if c.code == recommend),
        )
    ]
    if improve:
        answers.append(GivenAnswer(question=by_code["improve"], text=improve))
    submit_open_response(survey=survey, answers=answers, now=WEDNESDAY)


def admin_form_data(response: Any) -> dict[str, Any]:
    """Return the POST data the change form would send as it stands."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    data["_save"] = "Save"
    return data


@pytest.fixture
def admin_client(client: Client, administrator: Any) -> Client:
    client.force_login(administrator)
    return client


# --- Who may see it ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["outsider", "supporter", "lead"])
def test_only_administrators_reach_surveys_and_results(
    client: Client, post_support: Survey, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    for path in (LIST, change_url(post_support), results_url(post_support)):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login/" in response.headers["Location"]


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, post_support: Survey) -> None:
    response = client.get(results_url(post_support))
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_the_list_shows_versions_responses_and_results_links(
    admin_client: Client, post_support: Survey, awareness: Survey
) -> None:
    respond(post_support)
    page = body(admin_client.get(LIST))
    assert "How was peer support for you?" in page
    assert "Physician peer support: have you heard of it?" in page
    assert results_url(post_support) in page


def test_responses_answers_and_links_are_not_in_the_admin(admin_client: Client) -> None:
    for path in (
        "/admin/surveys/response/",
        "/admin/surveys/answer/",
        "/admin/surveys/surveytoken/",
    ):
        assert admin_client.get(path).status_code == 404


# --- Editing --------------------------------------------------------------------------------


def test_a_version_without_responses_is_edited_in_place(
    admin_client: Client, post_support: Survey
) -> None:
    question = Question.objects.get(survey=post_support, code="recommend")
    page = admin_client.get(reverse("admin:surveys_question_change", args=[question.pk]))
    data = admin_form_data(page)
    data["text_en"] = "Would you suggest peer support to a colleague?"
    response = admin_client.post(reverse("admin:surveys_question_change", args=[question.pk]), data)
    assert response.status_code == 302, body(response)
    question.refresh_from_db()
    assert question.text_en == "Would you suggest peer support to a colleague?"


def test_a_version_with_responses_keeps_its_questions_and_choices(
    admin_client: Client, post_support: Survey
) -> None:
    respond(post_support)
    question = Question.objects.get(survey=post_support, code="recommend")
    url = reverse("admin:surveys_question_change", args=[question.pk])
    page = admin_client.get(url)
    assert "Edit a copy (new version)" in body(admin_client.get(change_url(post_support)))
    assert 'name="choices-MAX_NUM_FORMS" value="0"' in body(page)  # nothing may be added
    assert "choices-0-DELETE" not in body(page)
    data = admin_form_data(page)
    # A crafted POST that changes the meaning: ignored; the French text is kept.
    data.update(
        {
            "text_en": "Did you like it?",
            "kind": "text",
            "text_fr": "Recommanderiez-vous le soutien par les pairs?",
            "choices-0-text_en": "Absolutely",
            "choices-0-DELETE": "on",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, body(response)
    question.refresh_from_db()
    assert question.text_en == "Would you recommend peer support to a colleague?"
    assert question.kind == "single"
    assert question.text_fr == "Recommanderiez-vous le soutien par les pairs?"
    assert list(question.choices.values_list("text_en", flat=True)) == ["Yes", "Maybe", "No"]


def test_editing_a_survey_with_responses_makes_a_new_version(
    admin_client: Client, post_support: Survey
) -> None:
    respond(post_support)
    response = admin_client.post(
        change_url(post_support),
        {
            "CHANGE_FORM-action": "edit_a_copy",
            "_selected_action": str(post_support.pk),
        },
    )
    copy = Survey.objects.get(kind="post_support", version=2)
    assert response.status_code == 302
    assert response.headers["Location"] == change_url(copy)
    assert not copy.is_active
    assert [q.code for q in questions_of(copy)] == [q.code for q in questions_of(post_support)]
    # The copy has no responses: it is edited freely.
    question = Question.objects.get(survey=copy, code="recommend")
    url = reverse("admin:surveys_question_change", args=[question.pk])
    data = admin_form_data(admin_client.get(url))
    data["text_en"] = "Would you suggest it to a colleague?"
    assert admin_client.post(url, data).status_code == 302
    assert Question.objects.get(pk=question.pk).text_en == "Would you suggest it to a colleague?"
    assert Question.objects.get(survey=post_support, code="recommend").text_en.startswith(
        "Would you recommend"
    )
    # Put in use: new answers go to the new version, the old one keeps its own.
    admin_client.post(
        change_url(copy),
        {"CHANGE_FORM-action": "use_this_version", "_selected_action": str(copy.pk)},
    )
    assert Survey.objects.get(kind="post_support", is_active=True) == copy
    assert Response.objects.get().survey == post_support


def test_a_response_arriving_while_editing_stops_the_change(
    admin_client: Client, post_support: Survey
) -> None:
    question = Question.objects.get(survey=post_support, code="recommend")
    url = reverse("admin:surveys_question_change", args=[question.pk])
    data = admin_form_data(admin_client.get(url))
    data["text_en"] = "Changed while someone answered"
    data["choices-0-text_en"] = "Oui"
    respond(post_support)  # between the page and the save
    admin_client.post(url, data)
    question.refresh_from_db()
    assert question.text_en == "Would you recommend peer support to a colleague?"
    assert Choice.objects.get(question=question, code="yes").text_en == "Yes"


def test_a_text_question_cannot_be_required_and_a_scale_needs_its_ends(
    admin_client: Client, post_support: Survey
) -> None:
    question = Question.objects.get(survey=post_support, code="improve")
    url = reverse("admin:surveys_question_change", args=[question.pk])
    data = admin_form_data(admin_client.get(url))
    response = admin_client.post(url, {**data, "is_required": "on"})
    assert response.status_code == 200
    assert "A written answer is always optional." in body(response)
    response = admin_client.post(url, {**data, "kind": "scale"})
    assert "A scale needs the labels of its two ends, in English." in body(response)
    assert Question.objects.get(pk=question.pk).kind == "text"


def test_an_answered_survey_cannot_be_deleted(admin_client: Client, post_support: Survey) -> None:
    respond(post_support)
    response = admin_client.post(
        reverse("admin:surveys_survey_delete", args=[post_support.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Survey.objects.filter(pk=post_support.pk).exists()


def test_a_new_survey_is_the_next_version_of_its_kind(
    admin_client: Client, awareness: Survey
) -> None:
    response = admin_client.post(
        "/admin/surveys/survey/add/",
        {
            "kind": "awareness",
            "title_en": "Campaign 2027",
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, body(response)
    added = Survey.objects.get(title_en="Campaign 2027")
    assert (added.version, added.is_active) == (2, False)


# --- Results -------------------------------------------------------------------------------


def test_the_results_page_hides_small_counts_and_questions(
    admin_client: Client, post_support: Survey, django_assert_max_num_queries: Any
) -> None:
    for _ in range(6):
        respond(post_support, recommend="yes", improve="Evening times, please.")
    respond(post_support, recommend="no", improve="<script>alert(1)</script>")
    # Sign-in, permissions and the safety banner, then the survey and its six results queries.
    with django_assert_max_num_queries(14):
        response = admin_client.get(results_url(post_support))
    page = body(response)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert "Would you recommend peer support to a colleague?" in page
    assert "<td>6</td><td>86%</td>" in page
    assert "<td>&lt;5</td><td></td>" in page  # "No": one answer, shown as <5 without its %
    # Nobody answered "How useful": the question is not shown.
    assert page.count("not shown") >= 5
    # Written answers: shown (7 responses), escaped, without dates.
    assert "Evening times, please." in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert "2026" not in page.split("Written answers")[1]


def test_the_results_page_waits_for_enough_responses_for_written_answers(
    admin_client: Client, post_support: Survey
) -> None:
    respond(post_support, improve="Only me.")
    page = body(admin_client.get(results_url(post_support)))
    assert "Only me." not in page
    assert "Written answers show once this version has at least 5 responses." in page


def test_results_of_an_unknown_survey_are_a_404(admin_client: Client) -> None:
    assert admin_client.get("/admin/surveys/survey/999999/results/").status_code == 404
