"""The public intake pages: the two forms, the confirmation, the colleague's link."""

import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from programs.program import current

from .forms import ColleagueReferralForm, ReferralConfirmForm, SelfReferralForm
from .models import SupportRequest
from .ratelimit import allow_submission
from .selectors import referral_by_token
from .services import (
    ReferralLinkInvalid,
    confirm_referral,
    decline_referral,
    submit_colleague_referral,
    submit_self_referral,
)

CONFIRMATION_SESSION_KEY = "intake_confirmation"

IDENTIFYING_FIELDS = (
    "name",
    "email",
    "phone",
    "best_times",
    "colleague_name",
    "colleague_email",
    "colleague_phone",
    "referrer_name",
    "referrer_email",
    "website",
)


def rate_limited(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/rate_limited.html", status=429)


def _remember_confirmation(request: HttpRequest, *, kind: str, case_code: str = "") -> None:
    # The case code travels in the session, never in the URL.
    request.session[CONFIRMATION_SESSION_KEY] = {"kind": kind, "case_code": case_code}


def _initial() -> dict[str, Any]:
    return {"submission_key": uuid.uuid4()}


@sensitive_post_parameters(*IDENTIFYING_FIELDS)
@sensitive_variables("form")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def self_referral(request: HttpRequest) -> HttpResponse:
    """Ask for support for oneself."""
    if request.method != "POST":
        form = SelfReferralForm(initial=_initial(), preselect=request.GET.get("supporter"))
        return render(request, "intake/request_form.html", {"form": form})
    if not allow_submission(request):
        return rate_limited(request)
    form = SelfReferralForm(request.POST)
    if form.is_robot():
        _remember_confirmation(request, kind="self")
        return redirect("intake:thanks")
    if not form.is_valid():
        return render(request, "intake/request_form.html", {"form": form}, status=200)
    data = form.cleaned_data
    support_request = submit_self_referral(
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        preferences=form.preferences(),
        interface_language=translation.get_language() or settings.LANGUAGE_CODE,
        submission_key=data.get("submission_key"),
        no_survey=data["no_survey"],
    )
    _remember_confirmation(request, kind="self", case_code=support_request.case_code)
    return redirect("intake:thanks")


@sensitive_post_parameters(*IDENTIFYING_FIELDS)
@sensitive_variables("form")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def colleague_referral(request: HttpRequest) -> HttpResponse:
    """Refer a colleague who agreed to it."""
    if request.method != "POST":
        return render(
            request,
            "intake/referral_form.html",
            {"form": ColleagueReferralForm(initial=_initial())},
        )
    if not allow_submission(request):
        return rate_limited(request)
    form = ColleagueReferralForm(request.POST)
    if form.is_robot():
        _remember_confirmation(request, kind="referral")
        return redirect("intake:thanks")
    if not form.is_valid():
        return render(request, "intake/referral_form.html", {"form": form})
    data = form.cleaned_data
    submit_colleague_referral(
        colleague_name=data["colleague_name"],
        colleague_email=data["colleague_email"],
        colleague_phone=data["colleague_phone"],
        referrer_name=data["referrer_name"],
        referrer_email=data["referrer_email"],
        preferences=form.preferences(),
        interface_language=translation.get_language() or settings.LANGUAGE_CODE,
        submission_key=data.get("submission_key"),
    )
    # A referrer sees no case code: the colleague gets it when they confirm.
    _remember_confirmation(request, kind="referral")
    return redirect("intake:thanks")


@never_cache
def thanks(request: HttpRequest) -> HttpResponse:
    """Say what happens next. The URL is the same for everyone; the session says the rest."""
    confirmation = request.session.get(CONFIRMATION_SESSION_KEY) or {}
    program = current()
    return render(
        request,
        "intake/thanks.html",
        {
            "kind": confirmation.get("kind", ""),
            "case_code": confirmation.get("case_code", ""),
            "deadline_days": program.contact_deadline_business_days,
            "confirmation_required": program.referral_confirmation_required,
        },
    )


@sensitive_post_parameters("phone", "best_times")
@sensitive_variables("token")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def referral(request: HttpRequest, token: str) -> HttpResponse:
    """The referred colleague confirms, with their preferences, or declines."""
    found: SupportRequest | None = referral_by_token(token)
    if found is None:
        return render(request, "intake/referral_link_invalid.html")
    initial = {
        "preferred_contact": found.preferred_contact,
        "modality": found.modality,
        "language": found.language,
        "reasons": found.reasons,
        "phone": found.phone,
    }
    if request.method != "POST":
        form = ReferralConfirmForm(initial=initial, has_email=bool(found.email))
        return render(request, "intake/referral_confirm.html", {"form": form})
    if request.POST.get("action") == "decline":
        try:
            decline_referral(token=token)
        except ReferralLinkInvalid:
            return render(request, "intake/referral_link_invalid.html")
        return render(request, "intake/referral_declined.html")
    form = ReferralConfirmForm(request.POST, initial=initial, has_email=bool(found.email))
    if not form.is_valid():
        return render(request, "intake/referral_confirm.html", {"form": form})
    try:
        confirmed = confirm_referral(
            token=token,
            preferences=form.preferences(),
            phone=form.cleaned_data.get("phone"),
            no_survey=form.cleaned_data["no_survey"],
        )
    except ReferralLinkInvalid:
        return render(request, "intake/referral_link_invalid.html")
    _remember_confirmation(request, kind="confirmed", case_code=confirmed.case_code)
    return redirect("intake:thanks")
