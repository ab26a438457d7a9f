"""Forms for "my profile" and the administrator's invitation, laid out with crispy-forms."""

from datetime import date
from typing import Any

from crispy_forms.layout import Fieldset
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import form_helper
from core.widgets import DateInput
from programs.vocabulary import Language, Modality

from .models import BIO_MAX_LENGTH, PUBLISHED_CONTACT_MAX_LENGTH, Supporter


def language_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages you can offer support in."),
        error_messages={"required": _("Choose at least one language.")},
    )


def modality_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Ways you offer support"),
        choices=Modality.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one way to offer support.")},
    )


class ProfileForm(forms.ModelForm[Supporter]):
    """What a supporter may change about themselves, and nothing else.

    Training and agreement dates, capacity and listing are not fields here, so a POST
    that carries them is ignored.
    """

    languages = language_field()
    modalities = modality_field()

    class Meta:
        model = Supporter
        fields = [
            "display_name",
            "pronouns",
            "bio",
            "languages",
            "modalities",
            "accepts_new",
            "away_until",
            "published_contact",
        ]
        labels = {
            "accepts_new": _("I am taking new requests"),
            "away_until": _("Away until (last day away)"),
            "published_contact": _("A way to reach you directly (optional)"),
        }
        help_texts = {
            "display_name": _("How requesters see you, for example “Dr. Sam Lee”."),
            "pronouns": _("Optional, for example “she/her” or “they/them”."),
            "bio": _(
                "Up to 600 characters: your practice, what you bring to peer support. "
                "Shown on the public list if you are listed."
            ),
            "accepts_new": _("Untick to pause new requests; your current contacts stay yours."),
            "away_until": _(
                "Leave empty when you are around. You are not matched up to and including this day."
            ),
            "published_contact": _(
                "An email address or a phone number that colleagues may use to reach you "
                "without the form. It is shown on the public list only while you are taking "
                "new requests, and hidden while you are away or at capacity. Leave it empty "
                "to be reached through the program only."
            ),
        }
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5, "maxlength": BIO_MAX_LENGTH}),
            "away_until": DateInput(),
            "published_contact": forms.TextInput(
                attrs={"maxlength": PUBLISHED_CONTACT_MAX_LENGTH, "autocomplete": "off"}
            ),
        }

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.helper = form_helper(
            Fieldset(_("About you"), "display_name", "pronouns", "bio"),
            Fieldset(_("How you offer support"), "languages", "modalities"),
            Fieldset(_("Availability"), "accepts_new", "away_until"),
            Fieldset(_("Being reached directly"), "published_contact"),
            submit=_("Save my profile"),
        )

    def clean_away_until(self) -> date | None:
        away_until: date | None = self.cleaned_data.get("away_until")
        if away_until is not None and away_until < self.today:
            raise forms.ValidationError(
                _("Choose today or a later date, or leave it empty if you are around.")
            )
        return away_until


ADMIN_FIELDS = [
    "display_name",
    "pronouns",
    "specialty_group",
    "career_stage",
    "languages",
    "modalities",
    "region",
    "bio",
    "capacity",
    "accepts_new",
    "away_until",
    "trained_on",
    "agreement_signed_on",
    "is_listed",
    "phone",
]


class SupporterAdminForm(forms.ModelForm[Supporter]):
    """The administrator's change form: the whole profile, with checkbox lists."""

    languages = language_field()
    modalities = modality_field()

    class Meta:
        model = Supporter
        fields = ["slug", *ADMIN_FIELDS, "published_contact"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5, "maxlength": BIO_MAX_LENGTH})}
        help_texts = {
            "trained_on": _(
                "Set from the earliest initial training in the training records below, when "
                "there is one; otherwise enter it here."
            )
        }


class SupporterInviteForm(forms.ModelForm[Supporter]):
    """The administrator's add form: the account (email, language) and the profile at once."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The supporter signs in with it; the invitation goes there."),
    )
    language = forms.ChoiceField(
        label=_("Language of emails"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )
    languages = language_field()
    modalities = modality_field()

    class Meta:
        model = Supporter
        fields = ADMIN_FIELDS
        widgets = {"bio": forms.Textarea(attrs={"rows": 5, "maxlength": BIO_MAX_LENGTH})}

    def clean_email(self) -> str:
        email: str = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists."))
        return email
