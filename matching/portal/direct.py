"""The portal's direct contacts: `/portal/direct/` logs a contact that came to the supporter
directly; `/portal/direct/<uuid>/` corrects or removes one of their own entries.

An entry is fetched only through `direct_contact_for`: another supporter's entry, or one
logged more than `DIRECT_CONTACT_EDIT_DAYS` ago, is a 404. Nothing on these pages is an
identifier, but a hand-made request could carry one, so the POST data never reaches an
error report.
"""

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.access import supporter_required
from programs.business_days import load_calendar
from supporters.access import own_supporter

from ..models import DIRECT_CONTACT_EDIT_DAYS, DirectContact
from ..selectors.direct import direct_contact_for, direct_contacts_of, totals_of
from ..services import (
    MatchingRefused,
    correct_direct_contact,
    log_direct_contact,
    remove_direct_contact,
)
from ..services.direct import edit_window
from .direct_forms import DirectContactForm


@sensitive_post_parameters()
@supporter_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def direct(request: HttpRequest) -> HttpResponse:
    """Log a contact that came to the supporter directly; list their entries of the week."""
    _user, supporter = own_supporter(request)
    now = timezone.now()
    calendar = load_calendar()
    today = calendar.local_date(now)
    form = DirectContactForm(request.POST or None, today=today, initial={"held_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            entry, created = log_direct_contact(
                supporter=supporter,
                facts=form.facts(),
                submission_key=form.cleaned_data["submission_key"],
                now=now,
                calendar=calendar,
            )
        except MatchingRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            if created:
                messages.success(
                    request,
                    _(
                        "Thank you. The conversation of %(minutes)d minutes is logged and "
                        "counts in your totals."
                    )
                    % {"minutes": entry.minutes},
                )
            else:
                messages.info(request, _("This contact was already logged; nothing was added."))
            return redirect("matching:direct")
    return render(
        request,
        "matching/direct.html",
        {
            "form": form,
            "entries": direct_contacts_of(supporter, now=now),
            "totals": totals_of(supporter, year=today.year, time_zone=calendar.time_zone),
            "year": today.year,
            "edit_days": DIRECT_CONTACT_EDIT_DAYS,
        },
    )


@sensitive_post_parameters()
@supporter_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def direct_entry(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Correct or remove one of the supporter's own entries, within its correction window."""
    _user, supporter = own_supporter(request)
    now = timezone.now()
    calendar = load_calendar()
    entry = direct_contact_for(request.user, public_id, now=now)
    if entry is None:
        raise Http404
    if request.method == "POST" and request.POST.get("action") == "remove":
        try:
            remove_direct_contact(entry=entry, supporter=supporter, now=now)
        except MatchingRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The entry is removed."))
        return redirect("matching:direct")
    form = DirectContactForm(
        request.POST or None,
        today=calendar.local_date(now),
        correcting=True,
        initial=_initial_of(entry),
    )
    if request.method == "POST" and form.is_valid():
        try:
            correct_direct_contact(
                entry=entry, supporter=supporter, facts=form.facts(), now=now, calendar=calendar
            )
        except MatchingRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Your correction is saved."))
            return redirect("matching:direct")
    return render(
        request,
        "matching/direct_entry.html",
        {
            "form": form,
            "entry": entry,
            "editable_until": entry.logged_at + edit_window(),
        },
    )


def _initial_of(entry: DirectContact) -> dict[str, object]:
    """Return the entry as the form's initial values (yes/no as the form's words)."""
    return {
        "held_on": entry.held_on,
        "minutes": entry.minutes,
        "modality": entry.modality,
        "is_first_conversation": "yes" if entry.is_first_conversation else "no",
        "reason": entry.reason,
        "career_stage": entry.career_stage,
        "is_follow_up_planned": "yes" if entry.is_follow_up_planned else "no",
        "referred_to": entry.referred_to,
    }
