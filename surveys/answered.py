""" "This browser answered": a signed cookie per survey or poll, and nothing else.

The cookie says only that this browser answered this survey version or this poll: no id,
no time kept by the program, nothing that reaches a person. It keeps the same answers
from being counted twice from one browser; no row anywhere records who answered.
"""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse

from .models import Survey

COOKIE_SALT = "surveys.answered"
COOKIE_MAX_AGE = timedelta(days=365)


def _cookie_name(survey: Survey) -> str:
    return f"survey_answered_{survey.pk}"


def has_answered(
    request: HttpRequest, survey: Survey, *, max_age: timedelta = COOKIE_MAX_AGE
) -> bool:
    """Return whether this browser has answered `survey` (a valid signed cookie)."""
    return (
        request.get_signed_cookie(
            _cookie_name(survey), default=None, salt=COOKIE_SALT, max_age=max_age
        )
        == "1"
    )


def remember_answered(
    request: HttpRequest,
    response: HttpResponse,
    survey: Survey,
    *,
    max_age: timedelta = COOKIE_MAX_AGE,
) -> None:
    """Tell this browser, on `response`, that it answered `survey`."""
    response.set_signed_cookie(
        _cookie_name(survey),
        "1",
        salt=COOKIE_SALT,
        max_age=max_age,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
