"""Demo data: open-link answers to both surveys, enough for their results to show, and
the group sessions with their polls' answers (`surveys.groups.demo`).

Idempotent: each demo response has a fixed submission key. Invited answers come from
the real invitation, once the beat of `make run` reaches the demo's closed requests.
"""

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from .groups import demo as groups_demo
from .models import Question, Response, Survey, SurveyKind
from .selectors import active_survey, questions_of
from .services import GivenAnswer, submit_open_response

NAMESPACE = uuid.UUID("0c5d7a8e-2f4b-4c1e-9a37-6b1d2e3f4a50")

POST_SUPPORT: list[dict[str, Any]] = [
    {
        "useful": 5,
        "recommend": "yes",
        "heard_from": ["colleague"],
        "improve": "Nothing: thank you.",
    },
    {"useful": 4, "recommend": "yes", "heard_from": ["poster"], "contacted_in_time": "yes"},
    {"useful": 5, "recommend": "yes", "heard_from": ["leader", "website"], "use_again": "yes"},
    {"useful": 3, "recommend": "maybe", "heard_from": ["colleague"], "safe_respected": "mostly"},
    {"useful": 4, "recommend": "yes", "heard_from": ["event"], "improve": "Evening times."},
    {"useful": 5, "recommend": "yes", "heard_from": ["colleague"], "contacted_in_time": "yes"},
    {"useful": 2, "recommend": "maybe", "heard_from": ["other"], "improve": "A quicker reply."},
    {"useful": 4, "recommend": "yes", "heard_from": ["website"], "safe_respected": "yes"},
]
AWARENESS: list[dict[str, Any]] = [
    {"heard_of": "yes", "used": "no", "would_use": "yes", "heard_from": ["poster"]},
    {"heard_of": "no", "used": "no", "would_use": "maybe", "heard_from": ["not_heard"]},
    {"heard_of": "yes", "used": "yes", "satisfied": 5, "would_use": "yes"},
    {"heard_of": "not_sure", "would_use": "maybe", "more_likely": "Knowing it is confidential."},
    {"heard_of": "yes", "used": "no", "would_use": "no", "more_likely": "More time in my day."},
    {"heard_of": "no", "would_use": "yes", "heard_from": ["not_heard"]},
]


def _given(survey: Survey, answers: dict[str, Any]) -> list[GivenAnswer]:
    by_code = {question.code: question for question in questions_of(survey)}
    given = []
    for code, value in answers.items():
        question = by_code.get(code)
        if question is None:
            continue
        if question.kind == Question.Kind.SCALE:
            given.append(GivenAnswer(question=question, value=int(value)))
        elif question.kind == Question.Kind.TEXT:
            given.append(GivenAnswer(question=question, text=str(value)))
        else:
            codes = set(value) if isinstance(value, list) else {value}
            chosen = tuple(c for c in question.choices.all() if c.code in codes)
            given.append(GivenAnswer(question=question, choices=chosen))
    return given


def _answer(kind: str, rows: list[dict[str, Any]]) -> None:
    survey = active_survey(kind)
    if survey is None:
        return
    now = timezone.now()
    for number, answers in enumerate(rows):
        key = uuid.uuid5(NAMESPACE, f"{kind}-{survey.version}-{number}")
        if Response.objects.filter(submission_key=key).exists():
            continue
        submit_open_response(
            survey=survey,
            answers=_given(survey, answers),
            submission_key=key,
            now=now - timedelta(weeks=number),
        )


def run() -> list[tuple[str, str, str]]:
    _answer(SurveyKind.POST_SUPPORT, POST_SUPPORT)
    _answer(SurveyKind.AWARENESS, AWARENESS)
    groups_demo.run()
    return []
