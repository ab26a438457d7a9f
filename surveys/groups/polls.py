"""A group session's poll, answered by anyone with its link, once per browser, on one screen.

The page asks nothing about who answers. It takes answers from 30 minutes before the
session to 2 hours after it; outside that window (or when the session is cancelled) a
kind page says so and nothing is saved. A browser that answered gets a signed cookie
that says only that; the same form sent twice counts once.
"""

import uuid
from datetime import timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from programs.program import current

from ..answered import has_answered, remember_answered
from ..forms import SurveyForm
from ..models import GroupSession, PollState, Survey
from ..ratelimit import allow_poll_answer
from ..selectors import questions_of
from .pages import SessionTimes, moment_words
from .selectors import poll_by_code
from .services import PollNotOpen, submit_poll_answers

# Long enough to outlast the poll's window, short enough not to pile up week after week.
ANSWERED_COOKIE_MAX_AGE = timedelta(days=2)


def _session_of(poll: Survey) -> GroupSession:
    session = poll.group_session
    if session is None:  # a poll always has one (a check constraint)
        raise Http404
    return session


def _not_open(request: HttpRequest, poll: Survey, state: str) -> HttpResponse:
    session = _session_of(poll)
    zone = current().time_zone
    context = {
        "poll": poll,
        "state": state,
        "times": SessionTimes.of(session, zone),
        "opens": moment_words(session.poll_opens_at, zone),
    }
    return render(request, "surveys/groups/poll_not_open.html", context)


def _answered(request: HttpRequest, poll: Survey) -> HttpResponse:
    return render(request, "surveys/groups/poll_answered.html", {"poll": poll})


def _form_page(request: HttpRequest, poll: Survey, form: SurveyForm) -> HttpResponse:
    context: dict[str, Any] = {"poll": poll, "form": form, "session": _session_of(poll)}
    return render(request, "surveys/groups/poll.html", context)


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def poll(request: HttpRequest, code: str) -> HttpResponse:
    """Show the poll and take one browser's answers while it is open."""
    found = poll_by_code(code)
    if found is None:
        raise Http404
    state = _session_of(found).poll_state(timezone.now())
    if state != PollState.OPEN:
        return _not_open(request, found, state)
    if has_answered(request, found, max_age=ANSWERED_COOKIE_MAX_AGE):
        return _answered(request, found)
    questions = questions_of(found)
    if request.method != "POST":
        form = SurveyForm(questions=questions, initial={"submission_key": uuid.uuid4()})
        return _form_page(request, found, form)
    if not allow_poll_answer(request):
        return render(request, "surveys/rate_limited.html", status=429)
    form = SurveyForm(request.POST, questions=questions)
    if not form.is_valid():
        return _form_page(request, found, form)
    try:
        submit_poll_answers(
            poll=found,
            answers=form.answers(),
            submission_key=form.cleaned_data.get("submission_key"),
        )
    except PollNotOpen as closed:
        # The window closed while the form was open: nothing is saved.
        return _not_open(request, found, closed.state)
    response = redirect("surveys:poll", code=found.code)
    remember_answered(request, response, found, max_age=ANSWERED_COOKIE_MAX_AGE)
    return response
