"""The public intake pages: the two forms, the confirmation, the colleague's link."""

import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from programs.business_days import load_calendar
from programs.closures import Closure, closure_ahead
from programs.program import current

from .forms import ColleagueReferralForm, ReferralConfirmForm, SelfReferralForm
from .models import SupportRequest
from .ratelimit import allow_submission
from .selectors import is_used_referral_link, referral_by_token
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


def _closure() -> Closure | None:
    """Return the program's closure today or before the next business day, if any."""
    return closure_ahead(timezone.now(), calendar=load_calendar())


def _form_page(request: HttpRequest, template: str, form: Any) -> HttpResponse:
    return render(request, template, {"form": form, "closure": _closure()})


@sensitive_post_parameters(*IDENTIFYING_FIELDS)
@sensitive_variables("form")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def self_referral(request: HttpRequest) -> HttpResponse:
    """Ask for support for oneself."""
    if request.method != "POST":
        form = SelfReferralForm(initial=_initial(), preselect=request.GET.get("supporter"))
        return _form_page(request, "intake/request_form.html", form)
    if not allow_submission(request):
        return rate_limited(request)
    form = SelfReferralForm(request.POST)
    if form.is_robot():
        _remember_confirmation(request, kind="self")
        return redirect("intake:thanks")
    if not form.is_valid():
        return _form_page(request, "intake/request_form.html", form)
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
        return _form_page(
            request, "intake/referral_form.html", ColleagueReferralForm(initial=_initial())
        )
    if not allow_submission(request):
        return rate_limited(request)
    form = ColleagueReferralForm(request.POST)
    if form.is_robot():
        _remember_confirmation(request, kind="referral")
        return redirect("intake:thanks")
    if not form.is_valid():
        return _form_page(request, "intake/referral_form.html", form)
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
            "closure": _closure(),
        },
    )


def _link_gone(request: HttpRequest, token: str) -> HttpResponse:
    """Say why a colleague's link no longer works: used to confirm already, or gone."""
    if is_used_referral_link(token):
        return render(request, "intake/referral_already_confirmed.html")
    return render(request, "intake/referral_link_invalid.html")


def _phone_ending(phone: str) -> str:
    """Return the last two digits of a phone number, all of it a link page may show."""
    digits = [ch for ch in phone if ch.isdigit()]
    return "".join(digits[-2:]) if len(digits) >= 2 else ""


@sensitive_post_parameters("phone", "best_times")
@sensitive_variables("token", "found")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def referral(request: HttpRequest, token: str) -> HttpResponse:
    """The referred colleague confirms, with their own preferences, or declines (asked twice).

    The reasons the referrer chose are not pre-ticked (the colleague chooses their own),
    and the phone the referrer gave shows only as its last two digits.
    """
    found: SupportRequest | None = referral_by_token(token)
    if found is None:
        return _link_gone(request, token)
    initial = {
        "preferred_contact": found.preferred_contact,
        "modality": found.modality,
        "language": found.language,
    }
    has_email, phone_ending = bool(found.email), _phone_ending(found.phone)
    if request.method != "POST":
        form = ReferralConfirmForm(initial=initial, has_email=has_email, phone_ending=phone_ending)
        return _form_page(request, "intake/referral_confirm.html", form)
    action = request.POST.get("action")
    if action == "decline":
        # Deleting cannot be undone: ask once more.
        return render(request, "intake/referral_decline_confirm.html")
    if action == "decline_confirmed":
        try:
            decline_referral(token=token)
        except ReferralLinkInvalid:
            return _link_gone(request, token)
        return render(request, "intake/referral_declined.html")
    form = ReferralConfirmForm(
        request.POST, initial=initial, has_email=has_email, phone_ending=phone_ending
    )
    if not form.is_valid():
        return _form_page(request, "intake/referral_confirm.html", form)
    try:
        confirmed = confirm_referral(
            token=token,
            preferences=form.preferences(),
            phone=form.cleaned_data.get("phone"),
            no_survey=form.cleaned_data["no_survey"],
        )
    except ReferralLinkInvalid:
        return _link_gone(request, token)
    _remember_confirmation(request, kind="confirmed", case_code=confirmed.case_code)
    return redirect("intake:thanks")
