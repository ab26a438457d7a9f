"""The contact page's actions: each binds its form, calls one service, and redirects.

A form with an error renders the contact page again with that form bound, so nothing
typed is lost. The scratch note's text never reaches a log or an error report.
"""

from collections.abc import Callable
from datetime import datetime

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from programs.business_days import Calendar

from ..selectors import ActiveContact
from ..services import (
    NotesUnavailable,
    ask_for_debrief,
    close_request,
    destroy_note,
    flag_safety_concern,
    hand_back,
    log_conversation,
    note_lifetime,
    record_first_contact,
    save_note,
)
from .forms import CloseForm, ConversationForm, FirstContactForm, HandBackForm, NoteForm
from .pages import contact_url, open_concern_of, render_contact

Handler = Callable[[HttpRequest, User, ActiveContact, datetime, Calendar], HttpResponse]


def debrief_message(request: HttpRequest, *, created: bool) -> None:
    if created:
        messages.success(
            request,
            _(
                "The program administrators are told you would like a debrief. "
                "They will get in touch with you."
            ),
        )
    else:
        messages.info(
            request,
            _(
                "You have already asked for a debrief and the administrators were already "
                "told; they will get in touch with you."
            ),
        )


def _invalid(
    request: HttpRequest,
    user: User,
    assignment: ActiveContact,
    name: str,
    form: forms.Form,
    *,
    now: datetime,
    calendar: Calendar,
) -> HttpResponse:
    return render_contact(request, user, assignment, now=now, calendar=calendar, bound=(name, form))


def _record_first_contact(
    request: HttpRequest, user: User, assignment: ActiveContact, now: datetime, calendar: Calendar
) -> HttpResponse:
    form = FirstContactForm(request.POST, time_zone=calendar.time_zone)
    if not form.is_valid():
        return _invalid(
            request, user, assignment, "first_contact", form, now=now, calendar=calendar
        )
    contacted_at = form.contacted_at()
    # The form counts in whole minutes: a contact in the assignment's own minute is not
    # "before the assignment".
    if assignment.assigned_at.replace(second=0, microsecond=0) <= contacted_at:
        contacted_at = max(contacted_at, assignment.assigned_at)
    record_first_contact(
        assignment=assignment,
        contacted_at=contacted_at,
        means=form.cleaned_data["means"],
        now=now,
    )
    messages.success(request, _("First contact is recorded. The reminders for it stop."))
    return redirect(contact_url(assignment))


def _log_conversation(
    request: HttpRequest, user: User, assignment: ActiveContact, now: datetime, calendar: Calendar
) -> HttpResponse:
    form = ConversationForm(request.POST)
    if not form.is_valid():
        return _invalid(request, user, assignment, "conversation", form, now=now, calendar=calendar)
    data = form.cleaned_data
    conversation, created = log_conversation(
        assignment=assignment,
        held_on=data["held_on"],
        minutes=data["minutes"],
        modality=data["modality"],
        is_follow_up_planned=data["is_follow_up_planned"],
        submission_key=data["submission_key"],
        now=now,
        calendar=calendar,
    )
    if created:
        messages.success(
            request,
            _("The conversation of %(minutes)d minutes is logged.")
            % {"minutes": conversation.minutes},
        )
    else:
        messages.info(request, _("This conversation was already logged; nothing was added."))
    return redirect(contact_url(assignment, "conversations"))


@sensitive_variables("form", "text")
def _save_note(
    request: HttpRequest, user: User, assignment: ActiveContact, now: datetime, calendar: Calendar
) -> HttpResponse:
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, user, assignment, "note", form, now=now, calendar=calendar)
    text = form.cleaned_data["text"]
    try:
        note = save_note(assignment=assignment, text=text, now=now)
    except NotesUnavailable as refusal:
        # Fail closed for data, open for the person: the text stays in the form.
        form.add_error(None, refusal.message)
        return _invalid(request, user, assignment, "note", form, now=now, calendar=calendar)
    destroyed_at = (note.first_written_at + note_lifetime()).astimezone(calendar.time_zone)
    messages.success(
        request,
        _("Your note is saved. It will be destroyed automatically at %(time)s on %(day)s.")
        % {
            "day": date_format(destroyed_at, "DATE_FORMAT"),
            "time": time_format(destroyed_at, "TIME_FORMAT"),
        },
    )
    return redirect(contact_url(assignment, "note"))


def _destroy_note(
    request: HttpRequest, user: User, assignment: ActiveContact, now: datetime, calendar: Calendar
) -> HttpResponse:
    if destroy_note(assignment=assignment):
        messages.success(request, _("Your note is destroyed."))
    else:
        messages.info(request, _("There was no note to destroy."))
    return redirect(contact_url(assignment, "note"))


def _hand_back(
    request: HttpRequest, user: User, assignment: ActiveContact, now: datetime, calendar: Calendar
) -> HttpResponse:
    form = HandBackForm(request.POST, open_concern=open_concern_of(assignment, calendar=calendar))
    if not form.is_valid():
        return _invalid(request, user, assignment, "hand_back", form, now=now, calendar=calendar)
    support_request = hand_back(
        assignment=assignment,
        reason=form.cleaned_data["reason"],
        handed_back_by=user,
        open_concern_confirmed=form.cleaned_data.get("confirm_open_concern", False),
        now=now,
    )
    messages.success(
        request,
        _(
            "You handed %(code)s back. The program administrator will match it with "
            "another supporter."
        )
        % {"code": support_request.case_code},
    )
    return redirect("matching:portal")


def _close(
    request: HttpRequest, user: User, assignment: ActiveContact, now: datetime, calendar: Calendar
) -> HttpResponse:
    form = CloseForm(
        request.POST,
        status=assignment.request.status,
        open_concern=open_concern_of(assignment, calendar=calendar),
    )
    if not form.is_valid():
        return _invalid(request, user, assignment, "close", form, now=now, calendar=calendar)
    support_request = close_request(
        assignment=assignment,
        outcome=form.cleaned_data["outcome"],
        referred_to=form.cleaned_data["referred_to"],
        closed_by=user,
        open_concern_confirmed=form.cleaned_data.get("confirm_open_concern", False),
        now=now,
    )
    messages.success(
        request,
        _("%(code)s is closed: %(outcome)s. Thank you.")
        % {"code": support_request.case_code, "outcome": support_request.get_outcome_display()},
    )
    return redirect("matching:portal")


def _flag_safety_concern(
    request: HttpRequest, user: User, assignment: ActiveContact, now: datetime, calendar: Calendar
) -> HttpResponse:
    _concern, created = flag_safety_concern(assignment=assignment, raised_by=user, now=now)
    if created:
        messages.warning(
            request,
            _(
                "The program administrators are told that you need them about %(code)s. "
                "Read the guidance below and call the program administrator now."
            )
            % {"code": assignment.request.case_code},
        )
    else:
        messages.info(
            request,
            _(
                "The program administrators were already told about this concern; nothing "
                "was sent again. Call the program administrator if you have not reached them."
            ),
        )
    return redirect(contact_url(assignment, "safety-guidance"))


def _ask_for_debrief(
    request: HttpRequest, user: User, assignment: ActiveContact, now: datetime, calendar: Calendar
) -> HttpResponse:
    _debrief, created = ask_for_debrief(supporter=assignment.supporter, now=now)
    debrief_message(request, created=created)
    return redirect(contact_url(assignment))


ACTIONS: dict[str, Handler] = {
    "record_first_contact": _record_first_contact,
    "log_conversation": _log_conversation,
    "save_note": _save_note,
    "destroy_note": _destroy_note,
    "hand_back": _hand_back,
    "close": _close,
    "flag_safety_concern": _flag_safety_concern,
    "ask_for_debrief": _ask_for_debrief,
}
