"""The survey pages: a link answered once, open links once per browser, bad input kept
and explained, floods held off, and never a 500."""

import re
from typing import Any

import pytest
from django.test import Client

from surveys.answered import COOKIE_SALT
from surveys.models import Answer, Response, Survey, SurveyToken
from surveys.services import issue_invitation_token

pytestmark = pytest.mark.django_db

FEEDBACK = "/survey/feedback/"
AWARENESS = "/survey/awareness/"


def invitation(survey: Survey) -> str:
    token = issue_invitation_token()
    assert token is not None
    return f"/survey/{token}/"


def body(response: Any) -> str:
    return str(response.content.decode())


def is_checked(page: str, name: str, value: str) -> bool:
    pattern = rf'<input[^>]*name="{name}"[^>]*value="{value}"[^>]*\bchecked\b'
    return re.search(pattern, page) is not None


# --- The single-use link --------------------------------------------------------------------


def test_the_link_shows_the_survey_then_dies_with_the_answers(
    client: Client, post_support: Survey, feedback_data: dict[str, Any]
) -> None:
    path = invitation(post_support)
    page = client.get(path)
    assert page.status_code == 200
    assert "How was peer support for you?" in body(page)
    assert "How this survey stays anonymous" in body(page)
    assert "Please don't include names or details that could identify anyone." in body(page)
    assert 'maxlength="500"' in body(page)
    assert "no-store" in page.headers["Cache-Control"]
    response = client.post(path, feedback_data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/survey/thanks/"
    assert not SurveyToken.objects.exists()
    saved = Response.objects.get()
    assert saved.channel == Response.Channel.INVITED
    assert Answer.objects.filter(response=saved).count() == 8  # two choices for heard_from
    thanks = client.get("/survey/thanks/")
    assert "Thank you for your answers" in body(thanks)
    # Used: a kind page that offers the open link, for a GET and for a second POST.
    for again in (client.get(path), client.post(path, feedback_data)):
        assert again.status_code == 200
        assert "This survey link no longer works" in body(again)
        assert 'href="/survey/feedback/"' in body(again)
    assert Response.objects.count() == 1


def test_an_expired_link_gets_the_kind_page_and_saves_nothing(
    client: Client, post_support: Survey, feedback_data: dict[str, Any]
) -> None:
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    path = invitation(post_support)
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        for response in (client.get(path), client.post(path, feedback_data)):
            assert response.status_code == 200
            assert "This survey link no longer works" in body(response)
    assert not Response.objects.exists()


@pytest.mark.parametrize("token", ["not-a-link", "x" * 120, "%3Cscript%3E"])
def test_an_unknown_link_gets_the_kind_page(
    client: Client, post_support: Survey, token: str
) -> None:
    response = client.get(f"/survey/{token}/")
    assert response.status_code == 200
    assert "This survey link no longer works" in body(response)
    assert "<script>" not in body(response)


def test_the_survey_page_carries_no_identifier_and_no_link_of_the_request(
    client: Client, post_support: Survey
) -> None:
    path = invitation(post_support)
    page = body(client.get(path))
    assert "PS-" not in page
    assert 'name="submission_key"' in page


# --- Bad input ---------------------------------------------------------------------------


def test_an_answer_that_is_not_a_choice_is_explained_and_the_rest_kept(
    client: Client, post_support: Survey, feedback_data: dict[str, Any]
) -> None:
    path = invitation(post_support)
    response = client.post(path, {**feedback_data, "q_recommend": "definitely"})
    page = body(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose one of the answers offered." in page
    # What was chosen stays chosen; what was written stays written.
    assert is_checked(page, "q_useful", "4")
    assert is_checked(page, "q_heard_from", "colleague")
    assert is_checked(page, "q_heard_from", "poster")
    assert not is_checked(page, "q_heard_from", "leader")
    assert "More evening times, please." in page
    assert not Response.objects.exists()
    assert SurveyToken.objects.count() == 1


def test_a_choice_of_another_question_is_refused(
    client: Client, post_support: Survey, feedback_data: dict[str, Any]
) -> None:
    response = client.post(FEEDBACK, {**feedback_data, "q_heard_from": ["colleague", "yes"]})
    assert response.status_code == 200
    assert "Choose one of the answers offered." in body(response)
    assert not Response.objects.exists()


@pytest.mark.parametrize("value", ["0", "6", "-1", "4.5", "", "<script>"])
def test_a_value_off_the_scale_is_refused(
    client: Client, post_support: Survey, feedback_data: dict[str, Any], value: str
) -> None:
    response = client.post(FEEDBACK, {**feedback_data, "q_useful": value})
    assert response.status_code == 200
    assert "<script>" not in body(response)
    assert not Response.objects.exists()


def test_a_10_kb_text_is_refused_and_kept_for_shortening(
    client: Client, post_support: Survey, feedback_data: dict[str, Any]
) -> None:
    long_text = "a" * 10_240
    response = client.post(FEEDBACK, {**feedback_data, "q_improve": long_text})
    page = body(response)
    assert response.status_code == 200
    assert "Please keep this to 500 characters or fewer (it has 10240)." in page
    assert long_text in page
    assert not Response.objects.exists()


def test_a_missing_required_answer_is_explained_and_choices_kept(
    client: Client, post_support: Survey, feedback_data: dict[str, Any]
) -> None:
    data = {key: value for key, value in feedback_data.items() if key != "q_useful"}
    response = client.post(FEEDBACK, data)
    page = body(response)
    assert response.status_code == 200
    assert "Please answer this question." in page
    assert 'href="#id_q_useful_0"' in page  # the summary links to the field
    assert is_checked(page, "q_heard_from", "poster") and is_checked(page, "q_recommend", "maybe")
    assert "More evening times, please." in page
    assert not Response.objects.exists()


def test_a_script_tag_in_the_text_is_saved_as_text_and_never_run(
    client: Client, post_support: Survey, feedback_data: dict[str, Any]
) -> None:
    script = "<script>alert(1)</script>"
    response = client.post(FEEDBACK, {**feedback_data, "q_useful": "", "q_improve": script})
    assert script not in body(response)
    assert "&lt;script&gt;" in body(response)
    client.post(FEEDBACK, {**feedback_data, "q_improve": script})
    assert Answer.objects.get(text__contains="script").text == script


def test_an_empty_form_is_refused(client: Client, awareness: Survey) -> None:
    from surveys.models import Question

    Question.objects.filter(survey=awareness).update(is_required=False)
    response = client.post(AWARENESS, {})
    assert response.status_code == 200
    assert "Please answer at least one question before sending." in body(response)
    assert not Response.objects.exists()


def test_a_nul_character_is_refused_not_a_500(
    client: Client, post_support: Survey, feedback_data: dict[str, Any]
) -> None:
    response = client.post(FEEDBACK, {**feedback_data, "q_improve": "bad\x00text"})
    assert response.status_code == 200
    assert not Response.objects.exists()


# --- Open links ----------------------------------------------------------------------------


def test_the_open_feedback_link_counts_once_per_browser(
    client: Client, post_support: Survey, feedback_data: dict[str, Any]
) -> None:
    assert "How was peer support for you?" in body(client.get(FEEDBACK))
    first = client.post(FEEDBACK, feedback_data)
    assert first.status_code == 302
    cookie = first.cookies[f"survey_answered_{post_support.pk}"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "@" not in cookie.value and "127.0.0.1" not in cookie.value
    again = client.post(FEEDBACK, feedback_data)
    assert again.status_code == 200
    assert "This browser has already answered this survey" in body(again)
    assert "already answered" in body(client.get(FEEDBACK))
    saved = Response.objects.get()
    assert saved.channel == Response.Channel.OPEN_LINK
    # Another browser may answer.
    other = Client()
    assert other.post(FEEDBACK, feedback_data).status_code == 302
    assert Response.objects.count() == 2


def test_a_forged_cookie_is_ignored(
    client: Client, post_support: Survey, feedback_data: dict[str, Any]
) -> None:
    client.cookies[f"survey_answered_{post_support.pk}"] = "1"
    assert client.post(FEEDBACK, feedback_data).status_code == 302
    assert Response.objects.count() == 1


def test_answering_one_open_survey_does_not_close_the_other(
    client: Client,
    post_support: Survey,
    awareness: Survey,
    feedback_data: dict[str, Any],
    awareness_data: dict[str, Any],
) -> None:
    assert client.post(FEEDBACK, feedback_data).status_code == 302
    assert client.post(AWARENESS, awareness_data).status_code == 302
    assert sorted(Response.objects.values_list("survey__kind", flat=True)) == [
        "awareness",
        "post_support",
    ]


def test_the_same_open_form_sent_twice_at_once_saves_one_response(
    post_support: Survey, feedback_data: dict[str, Any]
) -> None:
    # Two browsers tabs sent before either got its cookie: the form's key decides.
    key = "3f6b1c55-6a3a-4c56-9d1e-1b2b3c4d5e6f"
    for _ in range(2):
        assert Client().post(FEEDBACK, {**feedback_data, "submission_key": key}).status_code == 302
    assert Response.objects.count() == 1


def test_a_new_version_in_use_may_be_answered_again(
    client: Client, post_support: Survey, feedback_data: dict[str, Any]
) -> None:
    from surveys.services import copy_as_new_version, put_in_use

    client.post(FEEDBACK, feedback_data)
    put_in_use(survey=copy_as_new_version(survey=post_support))
    assert client.post(FEEDBACK, feedback_data).status_code == 302
    assert Response.objects.count() == 2


def test_an_open_link_with_no_survey_in_use_is_a_404(client: Client, post_support: Survey) -> None:
    Survey.objects.filter(pk=post_support.pk).update(is_active=False)
    assert client.get(FEEDBACK).status_code == 404


def test_the_open_pages_take_a_constant_number_of_queries(
    client: Client, post_support: Survey, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):
        assert client.get(FEEDBACK).status_code == 200


# --- Floods ----------------------------------------------------------------------------------


def test_floods_get_a_429_with_the_crisis_resources(
    client: Client, post_support: Survey, feedback_data: dict[str, Any], settings: Any
) -> None:
    settings.INTAKE_LIMIT_PER_IP_PER_HOUR = 2
    for _ in range(2):
        Client().post(FEEDBACK, {**feedback_data, "q_useful": ""})
    response = client.post(FEEDBACK, feedback_data)
    assert response.status_code == 429
    assert "9-8-8" in body(response)
    assert not Response.objects.exists()


def test_the_survey_limits_are_counted_apart_from_intakes(
    client: Client, post_support: Survey, feedback_data: dict[str, Any], settings: Any
) -> None:
    from django.test import RequestFactory

    from intake.ratelimit import allow_submission as intake_allows

    settings.INTAKE_LIMIT_PER_IP_PER_HOUR = 1
    request = RequestFactory().post("/request/")
    assert intake_allows(request)
    assert client.post(FEEDBACK, feedback_data).status_code == 302


def test_when_redis_is_down_answers_are_still_saved(
    client: Client, post_support: Survey, feedback_data: dict[str, Any], settings: Any
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert client.post(FEEDBACK, feedback_data).status_code == 302
    assert Response.objects.count() == 1


def test_the_cookie_salt_is_the_surveys_own() -> None:
    assert COOKIE_SALT == "surveys.answered"
