"""The supporter portal's forms: what a supporter records about a contact, and nothing more.

No form here has a field for what was said. Each form has a prefix, so that the several
forms of one contact page never share an id, and its page sends a hidden `action` naming
the form.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from crispy_forms.layout import Field
from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format, time_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import form_helper
from core.widgets import DateInput, TimeInput
from intake import lifecycle
from programs.dates import long_date
from programs.program import current
from programs.vocabulary import Modality, Outcome, ReferralResource

from ..models import (
    MAX_CONVERSATION_MINUTES,
    MIN_CONVERSATION_MINUTES,
    NOTE_MAX_LENGTH,
    Assignment,
    ContactMeans,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Text
else:
    Text = str


class FirstContactForm(forms.Form):
    """When and how the supporter first reached the person, in the program's time zone."""

    contacted_on = forms.DateField(
        label=_("Date of first contact"),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the date you reached the person."),
            "invalid": _("Enter a real date."),
        },
    )
    contacted_time = forms.TimeField(
        label=_("Time of first contact"),
        widget=TimeInput(),
        input_formats=["%H:%M", "%H:%M:%S"],
        help_text=_("Your local time, in the program's time zone."),
        error_messages={
            "required": _("Enter the time you reached the person."),
            "invalid": _("Enter a time such as 14:30."),
        },
    )
    means = forms.ChoiceField(
        label=_("How you reached them"),
        choices=ContactMeans.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you reached the person.")},
    )

    prefix = "first_contact"

    def __init__(self, *args: Any, time_zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone
        self.helper = form_helper(
            submit=_("Record first contact"), submit_name="record_first_contact", with_csrf=False
        )

    def contacted_at(self) -> datetime:
        """Return the moment entered, as an aware datetime in the program's time zone."""
        day: date = self.cleaned_data["contacted_on"]
        moment: time = self.cleaned_data["contacted_time"]
        return datetime.combine(day, moment, tzinfo=self.time_zone)


FOLLOW_UP_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


def conversation_date_field() -> forms.DateField:
    return forms.DateField(
        label=_("Date of the conversation"),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the date of the conversation."),
            "invalid": _("Enter a real date."),
        },
    )


def _minutes_help() -> str:
    return gettext("A whole number from %(min)d to %(max)d.") % {
        "min": MIN_CONVERSATION_MINUTES,
        "max": MAX_CONVERSATION_MINUTES,
    }


def minutes_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Length in minutes"),
        min_value=MIN_CONVERSATION_MINUTES,
        max_value=MAX_CONVERSATION_MINUTES,
        help_text=lazy(_minutes_help, str)(),
        error_messages={
            "required": _("Enter how many minutes the conversation lasted."),
            "invalid": _("Enter a whole number of minutes, such as 30."),
            "min_value": _("Enter at least %(limit_value)s minutes."),
            "max_value": _("Enter at most %(limit_value)s minutes."),
        },
    )


def yes_no_field(label: Text, required_message: Text) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=FOLLOW_UP_CHOICES,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


def notes_destroyed_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("I have destroyed any paper or scratch notes I made about this conversation."),
        error_messages={
            "required": _("Destroy any notes from the conversation, then tick this box.")
        },
    )


class ConversationForm(forms.Form):
    """That a conversation happened, for volunteer hours: never what was said."""

    held_on = conversation_date_field()
    minutes = minutes_field()
    modality = forms.ChoiceField(
        label=_("How you talked"),
        choices=Modality.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you talked.")},
    )
    is_follow_up_planned = yes_no_field(
        _("Is another conversation planned?"), _("Say whether another conversation is planned.")
    )
    notes_destroyed = notes_destroyed_field()
    # A random key per form: the same form sent twice logs one conversation.
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    prefix = "conversation"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            "held_on",
            Field("minutes", inputmode="numeric"),
            "modality",
            "is_follow_up_planned",
            "notes_destroyed",
            "submission_key",
            submit=_("Log the conversation"),
            submit_name="log_conversation",
            with_csrf=False,
        )


def note_length(value: str) -> None:
    """Refuse a note over the limit, saying by how much, in the reader's number format."""
    if len(value) > NOTE_MAX_LENGTH:
        raise ValidationError(
            gettext("Keep the note to %(max)s characters or fewer; it has %(count)s.")
            % {
                "max": number_format(NOTE_MAX_LENGTH, force_grouping=True),
                "count": number_format(len(value), force_grouping=True),
            },
            code="note_too_long",
        )


class NoteField(forms.CharField):
    """A text field that counts a line break as one character, as the browser does."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return text.replace("\r\n", "\n").replace("\r", "\n")


class NoteForm(forms.Form):
    """The contact's scratch note: short-lived, for structuring a conversation."""

    text = NoteField(
        label=_("Scratch note (destroyed automatically)"),
        validators=[note_length],
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": NOTE_MAX_LENGTH}),
        error_messages={
            "required": _("Write something to save, or use “Destroy now” to remove the note."),
        },
    )

    prefix = "note"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = gettext(
            "Up to %(max)s characters, to structure your next conversation; write no "
            "details of what was said. The note is destroyed automatically "
            "%(hours)d hours after you first write it (editing does not extend that), "
            "when the contact ends, or at once with “Destroy now”."
        ) % {
            "max": number_format(NOTE_MAX_LENGTH, force_grouping=True),
            "hours": current().note_ttl_hours,
        }
        self.helper = form_helper(
            submit=_("Save the note"), submit_name="save_note", with_csrf=False
        )


@dataclass(frozen=True)
class OpenConcern:
    """The open safety concern on a contact, as the close and hand-back forms name it."""

    case_code: str
    raised_at: datetime  # on the program's clock


def add_open_concern_confirmation(
    form: forms.Form, concern: OpenConcern | None, label: str
) -> None:
    """Ask the supporter to confirm, by name, that the contact's safety concern is still open.

    Ending a contact does not handle its concern; the supporter says so knowingly. `label`
    names the concern with `%(code)s`, `%(day)s` and `%(time)s`.
    """
    if concern is None:
        return
    form.fields["confirm_open_concern"] = forms.BooleanField(
        label=label
        % {
            "code": concern.case_code,
            "day": long_date(concern.raised_at.date()),
            "time": time_format(concern.raised_at, "TIME_FORMAT"),
        },
        error_messages={
            "required": gettext(
                "The safety concern on %(code)s is still open: tick this box to confirm "
                "that you know."
            )
            % {"code": concern.case_code}
        },
    )


class HandBackForm(forms.Form):
    """Hand the contact back to the program administrator, with the reason."""

    reason = forms.ChoiceField(
        label=_("Why are you handing this contact back?"),
        choices=Assignment.HandBackReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you are handing the contact back.")},
    )

    prefix = "hand_back"

    def __init__(self, *args: Any, open_concern: OpenConcern | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_open_concern_confirmation(
            self,
            open_concern,
            gettext(
                "I know that the safety concern I flagged on %(code)s on %(day)s at %(time)s "
                "is still open, and I want to hand this contact back anyway. The "
                "administrators will still follow it up."
            ),
        )
        self.helper = form_helper(
            submit=_("Hand back this contact"), submit_name="hand_back", with_csrf=False
        )


class CloseForm(forms.Form):
    """Close the contact with its outcome; "referred on" names the kind of resource.

    A person not reached yet can be closed only as unreachable or declined, so only those
    outcomes are offered until first contact is recorded.
    """

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose an outcome."),
            "invalid_choice": _(
                "Record first contact before closing with this outcome. A person not "
                "reached yet can be closed only as unreachable or declined."
            ),
        },
    )
    referred_to = forms.ChoiceField(
        label=_("Kind of resource (when referred on)"),
        choices=[("", _("Choose a kind of resource")), *ReferralResource.choices],
        required=False,
        help_text=_("Only the kind of resource is kept, never which one."),
    )

    prefix = "close"

    def __init__(
        self, *args: Any, status: str, open_concern: OpenConcern | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        allowed = lifecycle.outcomes_for(status)
        outcome_field = cast(forms.ChoiceField, self.fields["outcome"])
        outcome_field.choices = [
            (value, label) for value, label in Outcome.choices if value in allowed
        ]
        if Outcome.REFERRED_ON not in allowed:
            # Nobody is referred on before being reached.
            del self.fields["referred_to"]
        add_open_concern_confirmation(
            self,
            open_concern,
            gettext(
                "I know that the safety concern I flagged on %(code)s on %(day)s at %(time)s "
                "is still open, and I want to close this contact anyway. The administrators "
                "will still follow it up."
            ),
        )
        self.helper = form_helper(
            submit=_("Close this contact"), submit_name="close", with_csrf=False
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("outcome") == Outcome.REFERRED_ON and "referred_to" in self.fields:
            if not cleaned.get("referred_to"):
                self.add_error(
                    "referred_to", _("Choose the kind of resource you referred the person to.")
                )
        else:
            cleaned["referred_to"] = ""
        return cleaned
