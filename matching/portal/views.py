"""The portal's pages: the supporter's own contacts, one contact, and a debrief request.

A contact is fetched only through `contact_for`, the one rule for who may see it, so
anything that is not this supporter's active assignment is a 404 — a POST from a stale
page after a hand-back or a reassignment included, which then changes nothing. Every
response showing identifiers is `no-store` and writes an access-log row; the scratch note
never reaches a log or an error report.
"""

import uuid
from typing import cast

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import supporter_required
from accounts.models import User
from intake.services import record_access
from programs.business_days import load_calendar
from programs.program import current
from supporters.access import own_supporter
from supporters.selectors import availability_of
from surveys.groups.pages import times_of
from surveys.groups.selectors import upcoming_supervision

from ..selectors import contact_for, contacts_of, open_safety_concerns_of, recently_closed_of
from ..selectors.direct import totals_of
from ..services import MatchingRefused, ask_for_debrief
from .actions import ACTIONS, debrief_message
from .pages import ContactRow, contact_or_404, contact_url, render_contact

# What a supporter types on a contact page that must never reach an error report.
SENSITIVE_FIELDS = ("note-text",)


@sensitive_variables()
@supporter_required
@never_cache
@require_safe
def portal(request: HttpRequest) -> HttpResponse:
    """List the supporter's active contacts, most urgent first, and the recently closed.

    While a safety concern the supporter flagged is open, the page starts with whom to
    call now and the guidance.
    """
    user, supporter = own_supporter(request)
    now = timezone.now()
    calendar = load_calendar()
    contacts = list(contacts_of(supporter))
    record_access(
        user=user, requests=[assignment.request for assignment in contacts], view="portal", now=now
    )
    year = calendar.local_date(now).year
    return render(
        request,
        "matching/portal.html",
        {
            "supporter": supporter,
            "rows": [ContactRow.of(contact, now=now, calendar=calendar) for contact in contacts],
            "active_load": len(contacts),
            "availability": availability_of(supporter, today=calendar.local_date(now)),
            "recently_closed": recently_closed_of(supporter, now=now),
            # Open concerns keep their guidance here even after their contact has ended.
            "open_concerns": list(open_safety_concerns_of(supporter)),
            **current().urgent_context(),
            "totals": totals_of(supporter, year=year, time_zone=calendar.time_zone),
            "year": year,
            # The supporters' own supervision and consultation group: its next sessions.
            "supervision": times_of(upcoming_supervision(now=now)),
            "program_zone": calendar.time_zone.key,
        },
    )


@supporter_required
@never_cache
@require_POST
def debrief(request: HttpRequest) -> HttpResponse:
    """Ask for a debrief from the portal: it stays possible after the contact has closed."""
    _user, supporter = own_supporter(request)
    debrief_message(request, created=ask_for_debrief(supporter=supporter)[1])
    return redirect("matching:portal")


@sensitive_post_parameters(*SENSITIVE_FIELDS)
@sensitive_variables()
@supporter_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Show one of the supporter's own active contacts; a POST runs one action on it."""
    user = cast(User, request.user)
    assignment = contact_or_404(request, public_id)
    now = timezone.now()
    calendar = load_calendar()
    if request.method != "POST":
        return render_contact(request, user, assignment, now=now, calendar=calendar)
    handler = ACTIONS.get(request.POST.get("action", ""))
    if handler is None:
        raise BadRequest("unknown portal action")
    try:
        return handler(request, user, assignment, now, calendar)
    except MatchingRefused as refusal:
        messages.error(request, refusal.message)
        if contact_for(request.user, public_id) is None:
            # Someone else ended the assignment a moment ago: the contact page is a 404 now.
            return redirect("matching:portal")
        return redirect(contact_url(assignment))
