"""What the portal's pages show: the contact list's rows and one contact's page.

A contact is fetched only through `contact_for`, the one rule for who may see it. Every
page showing identifiers writes an access-log row.
"""

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from intake.services import record_access
from programs.business_days import Calendar
from programs.program import current

from ..deadlines import Deadline, deadline_of
from ..models import Assignment
from ..selectors import ActiveContact, contact_for, scratch_note_of
from ..services import NotesUnavailable, note_lifetime, read_note
from .forms import (
    CloseForm,
    ConversationForm,
    FirstContactForm,
    HandBackForm,
    NoteForm,
    OpenConcern,
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


def contact_deadline_of(assignment: Assignment, *, now: datetime, calendar: Calendar) -> Deadline:
    return deadline_of(
        assignment.contact_due_at,
        first_contact_at=assignment.first_contact_at,
        now=now,
        calendar=calendar,
    )


@dataclass(frozen=True)
class ContactRow:
    assignment: ActiveContact
    deadline: Deadline
    note: NoteCountdown | None

    @classmethod
    def of(cls, assignment: ActiveContact, *, now: datetime, calendar: Calendar) -> "ContactRow":
        return cls(
            assignment=assignment,
            deadline=contact_deadline_of(assignment, now=now, calendar=calendar),
            note=note_countdown(assignment.note_first_written_at, now=now),
        )


def open_concern_of(assignment: ActiveContact, *, calendar: Calendar) -> OpenConcern | None:
    """Return the contact's open safety concern, as its close and hand-back forms name it."""
    raised_at = assignment.open_safety_concern_raised_at
    if raised_at is None:
        return None
    return OpenConcern(
        case_code=assignment.request.case_code,
        raised_at=raised_at.astimezone(calendar.time_zone),
    )


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
        cls,
        assignment: ActiveContact,
        note_text: str,
        *,
        now: datetime,
        calendar: Calendar,
    ) -> "ContactForms":
        local_now = now.astimezone(calendar.time_zone)
        open_concern = open_concern_of(assignment, calendar=calendar)
        return cls(
            first_contact=FirstContactForm(
                time_zone=calendar.time_zone,
                initial={
                    "contacted_on": local_now.date(),
                    "contacted_time": local_now.time().replace(second=0, microsecond=0),
                },
            ),
            conversation=ConversationForm(initial={"held_on": local_now.date()}),
            note=NoteForm(initial={"text": note_text}),
            close=CloseForm(status=assignment.request.status, open_concern=open_concern),
            hand_back=HandBackForm(open_concern=open_concern),
        )


def contact_or_404(request: HttpRequest, public_id: uuid.UUID) -> ActiveContact:
    assignment = contact_for(request.user, public_id)
    if assignment is None:
        raise Http404
    return assignment


def contact_url(assignment: Assignment, fragment: str = "") -> str:
    url = reverse("matching:contact", args=[assignment.public_id])
    return f"{url}#{fragment}" if fragment else url


def render_contact(
    request: HttpRequest,
    user: User,
    assignment: ActiveContact,
    *,
    now: datetime,
    calendar: Calendar,
    bound: tuple[str, forms.Form] | None = None,
) -> HttpResponse:
    """Render one contact's page; `bound` is the form that was sent with an error, by name."""
    note = scratch_note_of(assignment)
    countdown = note_countdown(note.first_written_at if note else None, now=now)
    note_text: str | None = None
    notes_unavailable = False
    if note is not None and countdown is not None:
        try:
            note_text = read_note(note)
        except NotesUnavailable:
            notes_unavailable = True
    if note_text is None and not notes_unavailable:
        # No note, or one whose time or key is gone: it is destroyed.
        note, countdown = None, None
    page_forms = ContactForms.unbound(assignment, note_text or "", now=now, calendar=calendar)
    if bound is not None:
        setattr(page_forms, bound[0], bound[1])
    record_access(user=user, requests=[assignment.request], view="portal contact", now=now)
    return render(
        request,
        "matching/contact.html",
        {
            "assignment": assignment,
            "support_request": assignment.request,
            "deadline": contact_deadline_of(assignment, now=now, calendar=calendar),
            "note": note,
            "note_countdown": countdown,
            "notes_unavailable": notes_unavailable,
            "conversations": list(assignment.conversations.all()),
            "forms": page_forms,
            "error_form": bound[1] if bound is not None else None,
            **current().urgent_context(),
        },
    )
