"""The supporter portal: the supporter's own contacts, one contact's page and its actions.

A contact is fetched only through `contact_for`, the one rule for who may see it, so
anything that is not this supporter's active assignment is a 404 — a POST from a stale
page after a hand-back or a reassignment included, which then changes nothing. Every
response showing identifiers is `no-store` and writes an access-log row; the scratch note
never reaches a log or an error report.
"""

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import supporter_required
from accounts.models import User
from intake.services import record_access
from programs.business_days import Calendar, load_calendar
from supporters.access import own_supporter
from supporters.selectors import availability_of

from .forms import CloseForm, ConversationForm, FirstContactForm, HandBackForm, NoteForm
from .models import Assignment, ScratchNote
from .selectors import contact_for, contacts_of, recently_closed_of, scratch_note_of
from .services import (
    MatchingRefused,
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

# What a supporter types on a contact page that must never reach an error report.
SENSITIVE_FIELDS = ("note-text",)


# --- What the pages show ------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """Where a contact stands against its first-contact deadline, in words and as flags."""

    due_on: date
    business_days_left: int
    is_overdue: bool

    @property
    def is_due_today(self) -> bool:
        return not self.is_overdue and self.business_days_left == 0

    @property
    def words(self) -> str:
        if self.is_overdue:
            return _("Overdue")
        if self.is_due_today:
            return _("Due today")
        return ngettext(
            "%(count)d business day left",
            "%(count)d business days left",
            self.business_days_left,
        ) % {"count": self.business_days_left}


def deadline_of(assignment: Assignment, *, now: datetime, calendar: Calendar) -> Deadline:
    """Return the time left to first contact, counted in the program's business days."""
    due_at = assignment.contact_due_at
    return Deadline(
        due_on=calendar.local_date(due_at),
        business_days_left=calendar.business_days_between(now, due_at) if now <= due_at else 0,
        is_overdue=now > due_at,
    )


@dataclass(frozen=True)
class NoteCountdown:
    """When a scratch note is destroyed, and how long that is from now."""

    destroyed_at: datetime
    hours_left: int

    @property
    def words(self) -> str:
        if self.hours_left <= 1:
            return _("Destroyed automatically within the hour.")
        return ngettext(
            "Destroyed automatically in %(count)d hour.",
            "Destroyed automatically in %(count)d hours.",
            self.hours_left,
        ) % {"count": self.hours_left}


def note_countdown(first_written_at: datetime | None, *, now: datetime) -> NoteCountdown | None:
    """Return the countdown of a note first written then, or None when there is no live note.

    A note past its time but not yet swept by the purge counts as gone, as `save_note`
    treats it.
    """
    if first_written_at is None:
        return None
    destroyed_at = first_written_at + note_lifetime()
    left = destroyed_at - now
    if left <= timedelta(0):
        return None
    return NoteCountdown(destroyed_at=destroyed_at, hours_left=math.ceil(left / timedelta(hours=1)))


@dataclass(frozen=True)
class ContactRow:
    assignment: Assignment
    deadline: Deadline
    note: NoteCountdown | None


# --- The list -----------------------------------------------------------------------------


@sensitive_variables()
@supporter_required
@never_cache
@require_safe
def portal(request: HttpRequest) -> HttpResponse:
    """List the supporter's active contacts, most urgent first, and the recently closed."""
    user, supporter = own_supporter(request)
    now = timezone.now()
    calendar = load_calendar()
    contacts = list(contacts_of(supporter))
    rows = [
        ContactRow(
            assignment=assignment,
            deadline=deadline_of(assignment, now=now, calendar=calendar),
            note=note_countdown(getattr(assignment, "note_first_written_at", None), now=now),
        )
        for assignment in contacts
    ]
    record_access(
        user=user, requests=[assignment.request for assignment in contacts], view="portal", now=now
    )
    return render(
        request,
        "matching/portal.html",
        {
            "supporter": supporter,
            "rows": rows,
            "active_load": len(contacts),
            "availability": availability_of(supporter, today=calendar.local_date(now)),
            "recently_closed": recently_closed_of(supporter, now=now),
        },
    )


@supporter_required
@never_cache
@require_POST
def debrief(request: HttpRequest) -> HttpResponse:
    """Ask for a debrief from the portal: it stays possible after the contact has closed."""
    _user, supporter = own_supporter(request)
    _send_debrief_message(request, created=ask_for_debrief(supporter=supporter)[1])
    return redirect("matching:portal")


def _send_debrief_message(request: HttpRequest, *, created: bool) -> None:
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


# --- One contact --------------------------------------------------------------------------


@dataclass
class ContactForms:
    """The forms of one contact page; the one that was sent comes back bound."""

    first_contact: FirstContactForm
    conversation: ConversationForm
    note: NoteForm
    close: CloseForm
    hand_back: HandBackForm

    @classmethod
    def unbound(
        cls, assignment: Assignment, note: ScratchNote | None, *, now: datetime, calendar: Calendar
    ) -> "ContactForms":
        local_now = timezone.localtime(now, calendar.time_zone)
        return cls(
            first_contact=FirstContactForm(
                time_zone=calendar.time_zone,
                initial={
                    "contacted_on": local_now.date(),
                    "contacted_time": local_now.time().replace(second=0, microsecond=0),
                },
            ),
            conversation=ConversationForm(initial={"held_on": local_now.date()}),
            note=NoteForm(initial={"text": note.text if note else ""}),
            close=CloseForm(is_reached=_is_reached(assignment)),
            hand_back=HandBackForm(),
        )


def _is_reached(assignment: Assignment) -> bool:
    return assignment.first_contact_at is not None


def _contact_or_404(request: HttpRequest, public_id: uuid.UUID) -> Assignment:
    assignment = contact_for(request.user, public_id)
    if assignment is None:
        raise Http404
    return assignment


def _contact_url(assignment: Assignment, fragment: str = "") -> str:
    url = reverse("matching:contact", args=[assignment.public_id])
    return f"{url}#{fragment}" if fragment else url


def _render_contact(
    request: HttpRequest,
    user: User,
    assignment: Assignment,
    *,
    now: datetime,
    calendar: Calendar,
    bound: tuple[str, forms.Form] | None = None,
) -> HttpResponse:
    note = scratch_note_of(assignment)
    countdown = note_countdown(note.first_written_at if note else None, now=now)
    if countdown is None:
        note = None
    page_forms = ContactForms.unbound(assignment, note, now=now, calendar=calendar)
    if bound is not None:
        setattr(page_forms, bound[0], bound[1])
    record_access(user=user, requests=[assignment.request], view="portal contact", now=now)
    return render(
        request,
        "matching/contact.html",
        {
            "assignment": assignment,
            "support_request": assignment.request,
            "deadline": deadline_of(assignment, now=now, calendar=calendar),
            "note": note,
            "note_countdown": countdown,
            "conversations": list(assignment.conversations.all()),
            "forms": page_forms,
            "error_form": bound[1] if bound is not None else None,
        },
    )


Handler = Callable[[HttpRequest, User, Assignment, datetime, Calendar], HttpResponse]


@sensitive_post_parameters(*SENSITIVE_FIELDS)
@sensitive_variables()
@supporter_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Show one of the supporter's own active contacts; a POST runs one action on it."""
    user = cast(User, request.user)
    assignment = _contact_or_404(request, public_id)
    now = timezone.now()
    calendar = load_calendar()
    if request.method != "POST":
        return _render_contact(request, user, assignment, now=now, calendar=calendar)
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
        return redirect(_contact_url(assignment))


# --- The actions: each binds a form, calls one service, and redirects ----------------------


def _invalid(
    request: HttpRequest,
    user: User,
    assignment: Assignment,
    name: str,
    form: forms.Form,
    *,
    now: datetime,
    calendar: Calendar,
) -> HttpResponse:
    return _render_contact(
        request, user, assignment, now=now, calendar=calendar, bound=(name, form)
    )


def _record_first_contact(
    request: HttpRequest, user: User, assignment: Assignment, now: datetime, calendar: Calendar
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
    return redirect(_contact_url(assignment))


def _log_conversation(
    request: HttpRequest, user: User, assignment: Assignment, now: datetime, calendar: Calendar
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
    return redirect(_contact_url(assignment, "conversations"))


@sensitive_variables("form", "text")
def _save_note(
    request: HttpRequest, user: User, assignment: Assignment, now: datetime, calendar: Calendar
) -> HttpResponse:
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, user, assignment, "note", form, now=now, calendar=calendar)
    text = form.cleaned_data["text"]
    note = save_note(assignment=assignment, text=text, now=now)
    destroyed_at = timezone.localtime(note.first_written_at + note_lifetime(), calendar.time_zone)
    messages.success(
        request,
        _("Your note is saved. It will be destroyed automatically at %(time)s on %(day)s.")
        % {
            "day": date_format(destroyed_at, "DATE_FORMAT"),
            "time": time_format(destroyed_at, "TIME_FORMAT"),
        },
    )
    return redirect(_contact_url(assignment, "note"))


def _destroy_note(
    request: HttpRequest, user: User, assignment: Assignment, now: datetime, calendar: Calendar
) -> HttpResponse:
    if destroy_note(assignment=assignment):
        messages.success(request, _("Your note is destroyed."))
    else:
        messages.info(request, _("There was no note to destroy."))
    return redirect(_contact_url(assignment, "note"))


def _hand_back(
    request: HttpRequest, user: User, assignment: Assignment, now: datetime, calendar: Calendar
) -> HttpResponse:
    form = HandBackForm(request.POST)
    if not form.is_valid():
        return _invalid(request, user, assignment, "hand_back", form, now=now, calendar=calendar)
    support_request = hand_back(
        assignment=assignment,
        reason=form.cleaned_data["reason"],
        handed_back_by=user,
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
    request: HttpRequest, user: User, assignment: Assignment, now: datetime, calendar: Calendar
) -> HttpResponse:
    form = CloseForm(request.POST, is_reached=_is_reached(assignment))
    if not form.is_valid():
        return _invalid(request, user, assignment, "close", form, now=now, calendar=calendar)
    support_request = close_request(
        assignment=assignment,
        outcome=form.cleaned_data["outcome"],
        referred_to=form.cleaned_data["referred_to"],
        closed_by=user,
        now=now,
    )
    messages.success(
        request,
        _("%(code)s is closed: %(outcome)s. Thank you.")
        % {"code": support_request.case_code, "outcome": support_request.get_outcome_display()},
    )
    return redirect("matching:portal")


def _flag_safety_concern(
    request: HttpRequest, user: User, assignment: Assignment, now: datetime, calendar: Calendar
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
    return redirect(_contact_url(assignment, "safety-guidance"))


def _ask_for_debrief(
    request: HttpRequest, user: User, assignment: Assignment, now: datetime, calendar: Calendar
) -> HttpResponse:
    _debrief, created = ask_for_debrief(supporter=assignment.supporter, now=now)
    _send_debrief_message(request, created=created)
    return redirect(_contact_url(assignment))


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
