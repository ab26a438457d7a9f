"""Results: counts per channel, percentages, and every count below REPORT_MIN_CELL hidden."""

from typing import Any

import pytest

from surveys.models import Question, Response, Survey
from surveys.selectors import Cell, questions_of, survey_results
from surveys.services import GivenAnswer, submit_open_response
from tests.surveys.conftest import WEDNESDAY

pytestmark = pytest.mark.django_db


def answer(survey: Survey, channel: str = "open_link", **given: Any) -> None:
    """Save one response: `useful=4, recommend="yes", heard_from=[...], improve="..."`."""
    by_code = {q.code: q for q in questions_of(survey)}
    answers = []
    for code, value in given.items():
        question = by_code[code]
        if question.kind == Question.Kind.SCALE:
            answers.append(GivenAnswer(question=question, value=value))
        elif question.kind == Question.Kind.TEXT:
            answers.append(GivenAnswer(question=question, text=value))
        else:
            codes = value if isinstance(value, list) else [value]
            chosen = tuple(c for c in question.choices.all() if c.code in codes)
            answers.append(GivenAnswer(question=question, choices=chosen))
    response, _created = submit_open_response(survey=survey, answers=answers, now=WEDNESDAY)
    if channel != "open_link":
        Response.objects.filter(pk=response.pk).update(channel=channel)


def result(survey: Survey, code: str, **kwargs: Any) -> Any:
    results = survey_results(survey, **kwargs)
    return next(r for r in results.questions if r.question.code == code)


@pytest.mark.parametrize(
    ("count", "total", "shown", "percent"),
    [
        (0, 10, "<5", ""),
        (4, 10, "<5", ""),
        (5, 10, "5", "50%"),
        (7, 7, "7", "100%"),
        (6, 9, "6", "67%"),
    ],
)
def test_a_cell_hides_counts_below_the_minimum(
    count: int, total: int, shown: str, percent: str
) -> None:
    cell = Cell(count=count, total=total, min_cell=5)
    assert (cell.shown, cell.percent) == (shown, percent)


def test_a_distribution_shows_counts_and_percentages_per_channel(post_support: Survey) -> None:
    for _ in range(6):
        answer(post_support, recommend="yes", useful=5)
    for _ in range(5):
        answer(post_support, recommend="no", useful=2)
    for _ in range(2):
        answer(post_support, recommend="maybe", useful=3)
    for _ in range(3):
        answer(post_support, "invited", recommend="yes", useful=4)

    results = survey_results(post_support)
    assert results.responses["open_link"].shown == "13"
    assert results.responses["invited"].shown == "<5"
    recommend = result(post_support, "recommend")
    assert recommend.options == ["Yes", "Maybe", "No"]
    open_link = recommend.columns["open_link"]
    assert open_link.is_shown and open_link.answered.count == 13
    assert [(c.shown, c.percent) for c in open_link.cells] == [
        ("6", "46%"),
        ("<5", ""),
        ("5", "38%"),
    ]
    # The invited column has 3 answers: its distribution is not shown at all.
    invited = recommend.columns["invited"]
    assert not invited.is_shown and invited.cells == [] and invited.answered.shown == "<5"
    useful = result(post_support, "useful")
    assert (
        useful.options[0] == "1 \N{EN DASH} Not useful at all"
        and useful.options[4] == "5 \N{EN DASH} Very useful"
    )
    assert useful.columns["open_link"].mean == f"{(6 * 5 + 5 * 2 + 2 * 3) / 13:.1f}"


def test_rows_put_hidden_columns_as_none(post_support: Survey) -> None:
    for _ in range(5):
        answer(post_support, recommend="yes")
    answer(post_support, "invited", recommend="yes")
    recommend = result(post_support, "recommend")
    label, cells = recommend.rows[0]
    assert label == "Yes"
    invited_cell, open_cell = cells
    assert invited_cell is None
    assert open_cell is not None and (open_cell.shown, open_cell.percent) == ("5", "100%")


def test_a_question_below_the_minimum_is_hidden_even_if_the_survey_is_not(
    post_support: Survey,
) -> None:
    for _ in range(6):
        answer(post_support, useful=3)
    for _ in range(4):
        answer(post_support, useful=3, safe_respected="yes")
    safe = result(post_support, "safe_respected")
    assert not safe.columns["open_link"].is_shown
    assert safe.columns["open_link"].answered.shown == "<5"
    answer(post_support, useful=3, safe_respected="no")
    safe = result(post_support, "safe_respected")
    assert safe.columns["open_link"].is_shown
    assert [c.shown for c in safe.columns["open_link"].cells] == ["<5", "<5", "<5"]


def test_several_choices_count_people_not_ticks(post_support: Survey) -> None:
    for _ in range(5):
        answer(post_support, heard_from=["colleague", "poster"])
    heard = result(post_support, "heard_from")
    column = heard.columns["open_link"]
    assert column.answered.count == 5
    by_label = dict(zip(heard.options, column.cells, strict=True))
    assert (by_label["From a colleague"].shown, by_label["From a colleague"].percent) == (
        "5",
        "100%",
    )
    assert by_label["On a poster or a card"].percent == "100%"


def test_a_smaller_minimum_shows_more(post_support: Survey, settings: Any) -> None:
    for _ in range(3):
        answer(post_support, recommend="yes")
    settings.REPORT_MIN_CELL = 3
    recommend = result(post_support, "recommend")
    assert recommend.columns["open_link"].cells[0].shown == "3"
    assert survey_results(post_support).responses["open_link"].shown == "3"


def test_written_answers_wait_for_enough_responses_then_come_shuffled(
    post_support: Survey,
) -> None:
    for number in range(4):
        answer(post_support, useful=4, improve=f"Idea {number}")
    assert result(post_support, "improve").texts is None
    for number in range(4, 12):
        answer(post_support, useful=4, improve=f"Idea {number}")
    orders = {tuple(result(post_support, "improve").texts) for _ in range(4)}
    assert all(sorted(order) == sorted(f"Idea {n}" for n in range(12)) for order in orders)
    assert len(orders) > 1  # shuffled each time (the chance of 4 equal orders is nil)
    # Plain strings: no date, no response id goes with them.
    assert all(isinstance(text, str) for text in next(iter(orders)))


def test_written_answers_count_all_channels_for_the_minimum(post_support: Survey) -> None:
    for _ in range(3):
        answer(post_support, useful=4)
    for _ in range(2):
        answer(post_support, "invited", useful=4, improve="Shorter forms.")
    assert result(post_support, "improve").texts == ["Shorter forms.", "Shorter forms."]


def test_results_of_one_version_leave_the_other_out(post_support: Survey) -> None:
    from surveys.services import copy_as_new_version

    for _ in range(5):
        answer(post_support, recommend="yes")
    copy = copy_as_new_version(survey=post_support)
    assert survey_results(copy).responses["open_link"].count == 0
    assert survey_results(post_support).responses["open_link"].count == 5


def test_results_take_a_constant_number_of_queries(
    post_support: Survey, django_assert_num_queries: Any
) -> None:
    for _ in range(5):
        answer(post_support, useful=4, recommend="yes", improve="More.")
    with django_assert_num_queries(6):
        survey_results(post_support)
