"""The public survey pages: a single-use link, the two open links, and the thanks page.

No page asks who the person is. A single-use link's row dies with the answers; an open
link remembers only, in a signed cookie of the browser, that this browser answered.
"""

import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_safe

from .answered import has_answered, remember_answered
from .forms import SurveyForm
from .models import Survey, SurveyKind
from .ratelimit import allow_submission
from .selectors import active_survey, questions_of, survey_for_token
from .services import SurveyLinkInvalid, submit_invited_response, submit_open_response


def _form_page(
    request: HttpRequest, survey: Survey, form: SurveyForm, *, is_invited: bool
) -> HttpResponse:
    context: dict[str, Any] = {"survey": survey, "form": form, "is_invited": is_invited}
    return render(request, "surveys/survey_form.html", context)


def _link_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/link_invalid.html")


def _rate_limited(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/rate_limited.html", status=429)


@sensitive_post_parameters()
@sensitive_variables("token", "form")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invited(request: HttpRequest, token: str) -> HttpResponse:
    """Answer the post-support survey through the single-use link of an invitation."""
    survey = survey_for_token(token)
    if survey is None:
        return _link_invalid(request)
    questions = questions_of(survey)
    if request.method != "POST":
        return _form_page(request, survey, SurveyForm(questions=questions), is_invited=True)
    if not allow_submission(request):
        return _rate_limited(request)
    form = SurveyForm(request.POST, questions=questions)
    if not form.is_valid():
        return _form_page(request, survey, form, is_invited=True)
    try:
        submit_invited_response(token=token, answers=form.answers())
    except SurveyLinkInvalid:
        # Sent twice: the first one saved the answers and used the link.
        return _link_invalid(request)
    return redirect("surveys:thanks")


@sensitive_variables("form")
def _open_link(request: HttpRequest, kind: SurveyKind) -> HttpResponse:
    survey = active_survey(kind)
    if survey is None:
        raise Http404
    if has_answered(request, survey):
        return render(request, "surveys/already_answered.html", {"survey": survey})
    questions = questions_of(survey)
    if request.method != "POST":
        form = SurveyForm(questions=questions, initial={"submission_key": uuid.uuid4()})
        return _form_page(request, survey, form, is_invited=False)
    if not allow_submission(request):
        return _rate_limited(request)
    form = SurveyForm(request.POST, questions=questions)
    if not form.is_valid():
        return _form_page(request, survey, form, is_invited=False)
    submit_open_response(
        survey=survey,
        answers=form.answers(),
        submission_key=form.cleaned_data.get("submission_key"),
    )
    response = redirect("surveys:thanks")
    remember_answered(request, response, survey)
    return response


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    """The post-support survey by open link: for people helped outside the forms."""
    return _open_link(request, SurveyKind.POST_SUPPORT)


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def awareness(request: HttpRequest) -> HttpResponse:
    """The awareness survey by open link, for the program's campaigns."""
    return _open_link(request, SurveyKind.AWARENESS)


@require_safe
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/thanks.html")
