"""Group sessions in the admin: one session or a whole series in one step, each session
then edited or cancelled alone; clear messages for what does not fit; polls edited per
session, kept apart from the program's surveys."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from programs.models import ClosureDay
from surveys.groups.services import submit_poll_answers
from surveys.models import GroupSeries, GroupSession, PollKind, Question, Survey
from surveys.selectors import questions_of
from surveys.services import GivenAnswer
from tests.factories import UserFactory
from tests.surveys.conftest import make_session

pytestmark = pytest.mark.django_db

VANCOUVER = ZoneInfo("America/Vancouver")
ADD = "/admin/surveys/groupsession/add/"
LIST = "/admin/surveys/groupsession/"


def body(response: Any) -> str:
    return str(response.content.decode())


@pytest.fixture
def admin_client(client: Client, administrator: Any) -> Client:
    client.force_login(administrator)
    return client


def session_data(**overrides: Any) -> dict[str, Any]:
    """What the add form sends for a Monday-noon session for physicians."""
    data: dict[str, Any] = {
        "title_en": "Monday drop-in",
        "title_fr": "",
        "description_en": "An hour with colleagues.",
        "description_fr": "",
        "audience": "physicians",
        "starts_at_0": "2026-05-04",
        "starts_at_1": "12:00",
        "ends_at_0": "2026-05-04",
        "ends_at_1": "13:00",
        "repeat": "",
        "repeat_until": "",
        "reflection_minutes": "15",
        "join_mode": "link",
        "meeting_url": "https://meet.example.org/monday",
        "join_details": "Passcode 4321",
        "rules_en": "",
        "rules_fr": "",
        "_save": "Save",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("persona", ["outsider", "supporter", "lead"])
def test_only_administrators_manage_group_sessions(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    for path in (LIST, ADD):
        assert client.get(path).status_code in (302, 403)
    assert client.post(ADD, session_data()).status_code in (302, 403)
    assert not GroupSession.objects.exists()


def test_the_add_form_shows_the_default_rules_and_the_series_fields(admin_client: Client) -> None:
    page = body(admin_client.get(ADD))
    assert "Repeats until" in page and "Every two weeks" in page
    assert "Chatham House rule" in page  # the default rules, shown to start from


def test_an_administrator_adds_one_session_with_its_facilitators_and_polls(
    admin_client: Client,
) -> None:
    fran = UserFactory(email="fran@example.org")
    response = admin_client.post(ADD, session_data(facilitators=[fran.pk]))
    assert response.status_code == 302, body(response)
    session = GroupSession.objects.get()
    assert session.starts_at == datetime(2026, 5, 4, 12, 0, tzinfo=VANCOUVER)
    assert list(session.facilitators.all()) == [fran]
    assert session.series is None
    assert set(Survey.objects.filter(group_session=session).values_list("kind", flat=True)) == {
        PollKind.ENTRANCE,
        PollKind.EXIT,
    }


def test_an_administrator_adds_a_weekly_series_in_one_step(admin_client: Client) -> None:
    ClosureDay.objects.create(date=date(2026, 5, 25), label="Program retreat")
    fran, gale = UserFactory(), UserFactory()
    response = admin_client.post(
        ADD,
        session_data(repeat="weekly", repeat_until="2026-06-08", facilitators=[fran.pk, gale.pk]),
        follow=True,
    )
    page = body(response)
    assert "The series has 4 sessions, until Monday 8 June 2026." in page
    assert (
        "Skipped (a public holiday or a closure day): Monday 18 May 2026; Monday 25 May 2026."
        in page
    )
    series = GroupSeries.objects.get()
    sessions = list(GroupSession.objects.filter(series=series).order_by("starts_at"))
    assert [s.starts_at.astimezone(VANCOUVER).day for s in sessions] == [4, 11, 1, 8]
    for session in sessions:
        assert set(session.facilitators.all()) == {fran, gale}
        assert session.join_details == "Passcode 4321"
        assert Survey.objects.filter(group_session=session).count() == 2


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {
                "repeat": "weekly",
                "repeat_until": "2026-06-01",
                "starts_at_0": "2026-05-18",
                "ends_at_0": "2026-05-18",
            },
            "repeat_until",
            "The first day is a holiday or a closure day",
        ),
        ({"repeat": "weekly"}, "repeat_until", "Give the day of the series&#x27; last session."),
        (
            {"repeat": "weekly", "repeat_until": "2026-04-01"},
            "repeat_until",
            "must end on or after",
        ),
        ({"repeat": "weekly", "repeat_until": "2028-04-01"}, "repeat_until", "at most 60 sessions"),
        ({"ends_at_1": "11:00"}, None, "A session must end after it starts."),
        ({"ends_at_0": "2026-05-05"}, "ends_at", "A session lasts at most 12 hours."),
        ({"meeting_url": ""}, None, "Give the meeting link, or choose that people write"),
        ({"meeting_url": "javascript:alert(1)"}, "meeting_url", "Enter a valid URL."),
        ({"audience": "supporters"}, None, "the supporters&#x27; supervision group by the link"),
        ({"reflection_minutes": "90"}, "reflection_minutes", "less than or equal to 60"),
        ({"title_en": "x" * 10_000}, "title_en", "at most 120 characters"),
    ],
    ids=[
        "series-on-holiday",
        "series-without-end",
        "series-ends-first",
        "series-too-long",
        "ends-before-start",
        "too-long",
        "no-link",
        "script-link",
        "supervision-public-link",
        "long-reflection",
        "10kb-title",
    ],
)
def test_what_does_not_fit_is_explained_and_nothing_is_saved(
    admin_client: Client, overrides: dict[str, Any], field: str | None, message: str
) -> None:
    response = admin_client.post(ADD, session_data(**overrides))
    assert response.status_code == 200
    assert message in body(response)
    if field is not None:
        assert field in response.context["adminform"].form.errors
    assert not GroupSession.objects.exists() and not GroupSeries.objects.exists()
    # Nothing typed is lost.
    assert response.context["adminform"].form["title_en"].value() == overrides.get(
        "title_en", "Monday drop-in"
    )


def test_writing_for_the_link_needs_a_program_to_write_to(
    admin_client: Client, settings: Any
) -> None:
    settings.PROGRAM_CONTACT_EMAIL = ""
    settings.PROGRAM_CONTACT_PHONE = ""
    response = admin_client.post(ADD, session_data(join_mode="write", meeting_url=""))
    assert "The program has no contact address or phone number" in body(response)
    assert not GroupSession.objects.exists()
    settings.PROGRAM_CONTACT_EMAIL = "program@example.org"
    assert (
        admin_client.post(ADD, session_data(join_mode="write", meeting_url="")).status_code == 302
    )


def test_a_supervision_session_is_added_with_the_supporters_link(admin_client: Client) -> None:
    response = admin_client.post(
        ADD, session_data(audience="supporters", join_mode="supporters", title_en="Supervision")
    )
    assert response.status_code == 302
    assert GroupSession.objects.get().audience == "supporters"


def test_one_session_is_edited_or_cancelled_on_its_own(admin_client: Client) -> None:
    first = make_session(starts_at=datetime(2026, 5, 4, 12, 0, tzinfo=VANCOUVER))
    second = make_session(starts_at=datetime(2026, 5, 11, 12, 0, tzinfo=VANCOUVER))
    change = reverse("admin:surveys_groupsession_change", args=[second.pk])
    page = admin_client.get(change)
    assert "Repeats until" not in body(page)
    assert f"/polls/{Survey.objects.get(group_session=second, kind='entrance_poll').code}/" in body(
        page
    )
    data = session_data(
        starts_at_0="2026-05-11",
        ends_at_0="2026-05-11",
        starts_at_1="12:30",
        ends_at_1="13:30",
        is_cancelled="on",
    )
    for key in ("repeat", "repeat_until"):
        data.pop(key)
    assert admin_client.post(change, data).status_code == 302
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.is_cancelled and second.sequence == 1
    assert second.starts_at == datetime(2026, 5, 11, 12, 30, tzinfo=VANCOUVER)
    assert not first.is_cancelled and first.sequence == 0


def test_the_cancel_action_cancels_the_selected_sessions(admin_client: Client) -> None:
    sessions = [
        make_session(starts_at=datetime(2026, 5, day, 12, 0, tzinfo=VANCOUVER)) for day in (4, 11)
    ]
    response = admin_client.post(
        LIST,
        {"action": "cancel_sessions", "_selected_action": [sessions[0].pk]},
        follow=True,
    )
    assert "1 session cancelled" in body(response)
    assert list(
        GroupSession.objects.order_by("starts_at").values_list("is_cancelled", flat=True)
    ) == [
        True,
        False,
    ]


def test_a_session_with_poll_answers_cannot_be_deleted(admin_client: Client) -> None:
    start = datetime(2026, 5, 4, 12, 0, tzinfo=VANCOUVER)
    session = make_session(starts_at=start)
    delete = reverse("admin:surveys_groupsession_delete", args=[session.pk])
    assert admin_client.get(delete).status_code == 200  # no answers yet
    poll = Survey.objects.get(group_session=session, kind=PollKind.EXIT)
    question = questions_of(poll)[0]
    submit_poll_answers(
        poll=poll,
        answers=[GivenAnswer(question=question, choices=(question.choices.first(),))],
        submission_key=None,
        now=start,
    )
    assert admin_client.get(delete).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert GroupSession.objects.filter(pk=session.pk).exists()


def test_the_list_runs_a_fixed_number_of_queries(
    admin_client: Client, django_assert_max_num_queries: Any
) -> None:
    for day in range(1, 16):
        make_session(starts_at=datetime(2026, 5, day, 12, 0, tzinfo=VANCOUVER))
    with django_assert_max_num_queries(12):
        response = admin_client.get(LIST)
    assert body(response).count("/groups/") >= 15


# --- Polls --------------------------------------------------------------------------------------


def test_a_poll_is_edited_from_its_session_and_not_listed_with_the_surveys(
    admin_client: Client, post_support: Survey
) -> None:
    session = make_session(starts_at=datetime(2026, 5, 4, 12, 0, tzinfo=VANCOUVER))
    poll = Survey.objects.get(group_session=session, kind=PollKind.ENTRANCE)
    surveys_list = body(admin_client.get("/admin/surveys/survey/"))
    assert "How was peer support for you?" in surveys_list
    assert "Before we start" not in surveys_list
    assert admin_client.get(f"/admin/surveys/survey/{poll.pk}/change/").status_code == 302
    page = admin_client.get(reverse("admin:surveys_poll_change", args=[poll.pk]))
    assert page.status_code == 200
    assert "What would you like to get from this group?" in body(page)
    # A poll's question is single or several choices: no scale, no written answer.
    kinds = [
        value
        for value, _label in page.context["inline_admin_formsets"][0]
        .formset.forms[0]
        .fields["kind"]
        .choices
    ]
    assert set(kinds) - {""} == {"single", "multiple"}


def test_a_polls_question_cannot_become_a_written_answer(admin_client: Client) -> None:
    session = make_session(starts_at=datetime(2026, 5, 4, 12, 0, tzinfo=VANCOUVER))
    question = Question.objects.get(survey__group_session=session, code="useful")
    change = reverse("admin:surveys_question_change", args=[question.pk])
    data = {
        "position": "0",
        "code": "useful",
        "kind": "text",
        "text_en": "Tell us anything",
        "text_fr": "",
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    response = admin_client.post(change, data)
    assert "A poll&#x27;s questions are answered by choosing" in body(response)
    question.refresh_from_db()
    assert question.kind == "single"


def test_the_survey_admin_never_makes_a_poll(admin_client: Client) -> None:
    page = admin_client.get("/admin/surveys/survey/add/")
    kinds = [value for value, _label in page.context["adminform"].form.fields["kind"].choices]
    assert "entrance_poll" not in kinds and "exit_poll" not in kinds
    assert "awareness" in kinds
