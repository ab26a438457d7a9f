"""The form for a contact that came to a supporter directly: choices only, no identifier.

Every field is a date, a number or a word from the program's vocabulary, so a browser
cannot send a name or a note through it. A request crafted by hand still could, so the
form also refuses anything sent alongside it that looks like an identifier — an `@`, a
run of seven or more digits, or a field it does not have (free text) — with one clear
message, and never shows that input back.
"""

import re
import uuid
from datetime import date, timedelta
from typing import Any

from crispy_forms.layout import Field, Fieldset
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.forms import form_helper
from programs.vocabulary import CareerStage, Modality, Reason, ReferralResource

from ..services import DirectContactFacts
from ..services.direct import OLDEST_DIRECT_CONTACT_DAYS
from .forms import conversation_date_field, minutes_field, notes_destroyed_field, yes_no_field

IDENTIFIER_LIKE = re.compile(r"@|\d{7,}")
# Keys a browser sends with the form that are not its fields: the CSRF token, the buttons.
PAGE_KEYS = frozenset({"csrfmiddlewaretoken", "action", "log_direct_contact", "correct"})
SUBMIT_NAME = "log_direct_contact"


class DirectContactForm(forms.Form):
    """What a supporter records about a direct contact: when, how long, how, a few categories.

    With `correcting=True` it corrects an existing entry: the notes attestation was
    given when it was logged, and its submission key is not needed.
    """

    held_on = conversation_date_field()
    minutes = minutes_field()
    modality = forms.ChoiceField(
        label=_("How you talked"),
        choices=Modality.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you talked.")},
    )
    is_first_conversation = yes_no_field(
        _("Is this your first conversation with this person?"),
        _("Say whether this is your first conversation with this person."),
    )
    reason = forms.ChoiceField(
        label=_("What it was mostly about (optional)"),
        choices=[("", _("Not recorded")), *Reason.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose one of the reasons listed.")},
    )
    career_stage = forms.ChoiceField(
        label=_("Their career stage (optional)"),
        choices=[("", _("Not recorded")), *CareerStage.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose one of the career stages listed.")},
    )
    is_follow_up_planned = yes_no_field(
        _("Is another conversation planned?"), _("Say whether another conversation is planned.")
    )
    referred_to = forms.ChoiceField(
        label=_("Did you refer them on to another resource?"),
        choices=[("", _("No, not referred on")), *ReferralResource.choices],
        required=False,
        help_text=_("Only the kind of resource is kept, never which one."),
        error_messages={"invalid_choice": _("Choose one of the kinds of resource listed.")},
    )
    notes_destroyed = notes_destroyed_field()
    # A random key per form: the same form sent twice logs one entry.
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, today: date, correcting: bool = False, **kwargs: Any) -> None:
        if not correcting:
            kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.today = today
        if correcting:
            del self.fields["notes_destroyed"], self.fields["submission_key"]
        self.helper = form_helper(
            Fieldset(
                _("The conversation"),
                "held_on",
                Field("minutes", inputmode="numeric"),
                "modality",
                "is_first_conversation",
            ),
            Fieldset(
                _("A few categories, for the program's figures"),
                "reason",
                "career_stage",
                "is_follow_up_planned",
                "referred_to",
            ),
            *([] if correcting else ["notes_destroyed", "submission_key"]),
            submit=_("Save the correction") if correcting else _("Log this contact"),
            submit_name="correct" if correcting else SUBMIT_NAME,
        )

    def clean_held_on(self) -> date:
        held_on: date = self.cleaned_data["held_on"]
        if held_on > self.today:
            raise forms.ValidationError(_("A conversation cannot be logged for a future date."))
        if held_on < self.today - timedelta(days=OLDEST_DIRECT_CONTACT_DAYS):
            raise forms.ValidationError(
                _("Choose a date within the last %(days)d days."),
                params={"days": OLDEST_DIRECT_CONTACT_DAYS},
            )
        return held_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        suspect = self._identifier_like_keys()
        if suspect:
            # The page is shown again with everything else kept, but never the suspect
            # input: it may be someone's name or number.
            kept = QueryDict(mutable=True)
            for key in self.data:
                if key not in suspect:
                    kept.setlist(key, self._values(key))
            self.data = kept
            raise forms.ValidationError(
                _(
                    "This log keeps no names, contact details or notes, and something that "
                    "looks like one was sent with it, so nothing was saved. Use only the "
                    "choices on this page."
                ),
                code="identifier",
            )
        return cleaned

    def _identifier_like_keys(self) -> list[str]:
        """Return the keys sent that this form lacks (free text) or whose value looks like
        an identifier."""
        known = {self.add_prefix(name) for name in self.fields}
        opaque = self.add_prefix("submission_key")  # a UUID, checked by its own field
        suspect = []
        for key in self.data:
            if key in PAGE_KEYS:
                continue
            if key not in known or (
                key != opaque
                and any(IDENTIFIER_LIKE.search(str(value)) for value in self._values(key))
            ):
                suspect.append(key)
        return suspect

    def _values(self, key: str) -> list[Any]:
        data = self.data
        return data.getlist(key) if isinstance(data, QueryDict) else [data[key]]

    def facts(self) -> DirectContactFacts:
        """Return the cleaned entry, for the services."""
        data = self.cleaned_data
        return DirectContactFacts(
            held_on=data["held_on"],
            minutes=data["minutes"],
            modality=data["modality"],
            is_first_conversation=data["is_first_conversation"],
            is_follow_up_planned=data["is_follow_up_planned"],
            reason=data["reason"],
            career_stage=data["career_stage"],
            referred_to=data["referred_to"],
        )
