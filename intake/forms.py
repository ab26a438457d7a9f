"""The public forms. Field names are CONTRACT.md's; every field has a maximum length."""

import re
from typing import TYPE_CHECKING, Any, cast

from crispy_forms.layout import HTML, Field, Fieldset
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import form_helper
from core.phones import phone_number
from programs.models import Region
from programs.program import current
from programs.selectors import regions
from programs.vocabulary import (
    CareerStage,
    ContactMethod,
    Language,
    Modality,
    Reason,
    SpecialtyGroup,
)
from supporters.models import Supporter
from supporters.selectors import available_supporters, listed_supporters, roster

from .services import Preferences

NAME_MAX = 100
PHONE_MAX = 30
BEST_TIMES_MAX = 200
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Text
else:
    Text = str

MATCHING_HINTS = (
    "career_stage",
    "specialty_group",
    "region",
    "preferred_supporter",
    "avoid_supporters",
)


def no_control_characters(value: str) -> None:
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(_("Use letters, spaces and punctuation only, on one line."))


def _name_field(label: Text, help_text: Text = "", required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=NAME_MAX,
        strip=True,
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def _email_field(label: Text, help_text: Text = "", required: bool = False) -> forms.EmailField:
    return forms.EmailField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=254,
        validators=[no_control_characters],
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


def _phone_field(label: Text, help_text: Text = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=PHONE_MAX,
        validators=[no_control_characters, phone_number],
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )


def acknowledgement_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_(
            "I understand that peer support is confidential, with limits where there is a "
            "risk of harm, and that it is not an emergency service."
        ),
        error_messages={"required": _("Please confirm you have read this to continue.")},
    )


def no_survey_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Please don't send me a feedback survey afterwards"),
        help_text=_(
            "Otherwise, after your support ends, we may email you a link to a short anonymous "
            "survey. Your answers are never linked to you or to your request."
        ),
        required=False,
    )


class HoneypotMixin(forms.Form):
    """A field people never see: only a robot fills it in."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class PreferencesMixin(forms.Form):
    preferred_contact = forms.ChoiceField(
        label=_("How should the peer supporter reach out?"),
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
    )
    modality = forms.ChoiceField(
        label=_("How would you like to talk?"),
        choices=Modality.choices,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=_("Language for the conversation"),
        choices=Language.choices,
        initial=Language.ENGLISH,
    )
    reasons = forms.MultipleChoiceField(
        label=_("What is it about? (optional)"),
        help_text=_("Choose any that apply. This only helps us find a good match; no details."),
        choices=Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def preferences(self) -> Preferences:
        data = self.cleaned_data
        return Preferences(
            preferred_contact=data["preferred_contact"],
            modality=data["modality"],
            language=data["language"],
            career_stage=data.get("career_stage", ""),
            specialty_group=data.get("specialty_group", ""),
            region=data.get("region"),
            reasons=tuple(data.get("reasons") or ()),
            best_times=data.get("best_times", ""),
            preferred_supporter=data.get("preferred_supporter"),
            avoid_supporters=tuple(data.get("avoid_supporters") or ()),
        )


class SupporterChoiceMixin(forms.Form):
    """Choose a listed supporter who is available now, and any listed ones to avoid."""

    preferred_supporter = forms.ModelChoiceField[Supporter](
        label=_("Would you like a particular peer supporter? (optional)"),
        help_text=_("Only supporters taking new requests now are listed."),
        queryset=roster().none(),
        to_field_name="slug",
        required=False,
        empty_label=_("No preference"),
    )
    avoid_supporters = forms.ModelMultipleChoiceField[Supporter](
        label=_("Anyone you would rather not be matched with? (optional)"),
        help_text=_("For example, someone you work with. We will not tell them."),
        queryset=roster().none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    # A listed supporter named by `?supporter=` who cannot be chosen today: the page says
    # so and offers the others, rather than dropping the choice silently.
    unavailable_choice: Supporter | None = None
    has_other_choices: bool = False

    def set_supporter_choices(self, *, preselect: str | None = None) -> None:
        today = current().today()
        listed = list(listed_supporters(today=today))
        available_slugs = {
            supporter.slug for supporter in listed if supporter.availability.is_available
        }
        if preselect and not self.is_bound and preselect not in available_slugs:
            self.unavailable_choice = next((s for s in listed if s.slug == preselect), None)
            self.has_other_choices = bool(available_slugs)
        if not listed:
            del self.fields["preferred_supporter"]
            del self.fields["avoid_supporters"]
            return
        preferred = cast("forms.ModelChoiceField[Supporter]", self.fields["preferred_supporter"])
        avoid = cast("forms.ModelMultipleChoiceField[Supporter]", self.fields["avoid_supporters"])
        preferred.queryset = (
            available_supporters(today=today).filter(is_listed=True).order_by("display_name")
        )
        avoid.queryset = listed_supporters(today=today)
        # An unknown or unlisted slug preselects nothing and says nothing (it may not be
        # told apart from a typo); an unavailable listed one preselects nothing, and says why.
        if preselect and preselect in available_slugs and not self.is_bound:
            self.initial["preferred_supporter"] = preselect


class MatchingHintsMixin(forms.Form):
    career_stage = forms.ChoiceField(
        label=_("Career stage (optional)"),
        choices=[("", _("Prefer not to say")), *CareerStage.choices],
        required=False,
    )
    specialty_group = forms.ChoiceField(
        label=_("Specialty group (optional)"),
        choices=[("", _("Prefer not to say")), *SpecialtyGroup.choices],
        required=False,
    )
    region = forms.ModelChoiceField(
        label=_("Region (optional)"),
        help_text=_("Helps us find someone near you if you would like to meet in person."),
        queryset=regions(),
        required=False,
        empty_label=_("Prefer not to say"),
    )
    best_times = forms.CharField(
        label=_("Best times to reach you (optional)"),
        help_text=_(
            "Logistics only, such as “weekdays after 6 pm”. Please do not describe what happened."
        ),
        max_length=BEST_TIMES_MAX,
        required=False,
        validators=[no_control_characters],
    )

    def drop_region_when_none(self) -> None:
        # The question is asked only where the program has regions.
        region = cast("forms.ModelChoiceField[Region]", self.fields["region"])
        if region.queryset is None or not region.queryset.exists():
            del self.fields["region"]


def _check_reachable(form: forms.Form, email_field: str, phone_field: str) -> None:
    """Require a way to reach the person, and the details their chosen way needs."""
    data = form.cleaned_data
    email, phone = data.get(email_field), data.get(phone_field)
    method = data.get("preferred_contact")
    if email_field in form.errors or phone_field in form.errors:
        return
    if not email and not phone:
        form.add_error(email_field, _("Give an email address or a phone number (or both)."))
        return
    if method == ContactMethod.EMAIL and not email:
        form.add_error(email_field, _("Give an email address to be contacted by email."))
    if method in (ContactMethod.PHONE, ContactMethod.TEXT) and not phone:
        form.add_error(phone_field, _("Give a phone number to be called or texted."))


HONEYPOT = HTML(
    '<div class="honeypot" aria-hidden="true">'
    '<label for="id_website">{{ form.website.label }}</label>'
    '<input type="text" name="website" id="id_website" tabindex="-1" autocomplete="off">'
    "</div>"
)


class SelfReferralForm(
    HoneypotMixin, PreferencesMixin, MatchingHintsMixin, SupporterChoiceMixin, forms.Form
):
    name = _name_field(
        _("What would you like to be called?"),
        _("A first name or a nickname is enough; it need not be your legal name."),
    )
    email = _email_field(_("Email address"))
    phone = _phone_field(_("Phone number"))
    acknowledge = acknowledgement_field()
    no_survey = no_survey_field()

    field_order = [
        "name",
        "email",
        "phone",
        "preferred_contact",
        "modality",
        "language",
        "best_times",
        "career_stage",
        "specialty_group",
        "region",
        "preferred_supporter",
        "avoid_supporters",
        "reasons",
        "acknowledge",
        "no_survey",
    ]

    def __init__(self, *args: Any, preselect: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.drop_region_when_none()
        self.set_supporter_choices(preselect=preselect)
        hints = [name for name in MATCHING_HINTS if name in self.fields]
        self.helper = form_helper(
            Fieldset(_("About you"), "name", "email", "phone"),
            Fieldset(
                _("How to reach you"), "preferred_contact", "modality", "language", "best_times"
            ),
            Fieldset(_("Finding a good match (all optional)"), *hints, "reasons"),
            Fieldset(_("Before you send"), Field("acknowledge"), Field("no_survey")),
            "submission_key",
            HONEYPOT,
            submit=_("Send my request"),
            submit_class="btn-lg",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_reachable(self, "email", "phone")
        return cleaned


class ColleagueReferralForm(HoneypotMixin, PreferencesMixin, forms.Form):
    colleague_name = _name_field(
        _("Your colleague's name"), _("What they would like to be called.")
    )
    colleague_email = _email_field(_("Your colleague's email address"))
    colleague_phone = _phone_field(_("Your colleague's phone number (optional)"))
    referrer_name = _name_field(
        _("Your name"),
        _("Your colleague will be told that you referred them: the email we send them names you."),
    )
    referrer_email = _email_field(
        _("Your email address"),
        _("We will let you know we received this. We will not tell you whether they take it up."),
        required=True,
    )
    consent_confirmed = forms.BooleanField(
        label=_("My colleague knows about this referral and agreed that I make it."),
        error_messages={
            "required": _("Please refer a colleague only with their consent, and confirm it here.")
        },
    )

    field_order = [
        "colleague_name",
        "colleague_email",
        "colleague_phone",
        "preferred_contact",
        "modality",
        "language",
        "reasons",
        "referrer_name",
        "referrer_email",
        "consent_confirmed",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if current().referral_confirmation_required:
            self.fields["colleague_email"].required = True
            self.fields["colleague_email"].help_text = _(
                "We email your colleague a link to confirm before anyone reaches out."
            )
        self.fields["preferred_contact"].label = _("How should the peer supporter reach them?")
        self.fields["modality"].label = _("How would they like to talk?")
        self.fields["reasons"].label = _("What is it about? (optional)")
        self.helper = form_helper(
            Fieldset(_("Your colleague"), "colleague_name", "colleague_email", "colleague_phone"),
            Fieldset(
                _("Their preferences, if you know them"),
                "preferred_contact",
                "modality",
                "language",
                "reasons",
            ),
            Fieldset(_("You"), "referrer_name", "referrer_email"),
            Fieldset(_("Consent"), Field("consent_confirmed")),
            "submission_key",
            HONEYPOT,
            submit=_("Send the referral"),
            submit_class="btn-lg",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_reachable(self, "colleague_email", "colleague_phone")
        referrer, colleague = cleaned.get("referrer_email"), cleaned.get("colleague_email")
        if referrer and colleague and referrer.casefold() == colleague.casefold():
            # The colleague's confirmation link would go to the referrer.
            self.add_error(
                "referrer_email",
                _(
                    "Give your own email address here: this one is your colleague's. We "
                    "email the link to confirm to your colleague, and a note to you."
                ),
            )
        return cleaned


class ReferralConfirmForm(PreferencesMixin, MatchingHintsMixin, SupporterChoiceMixin, forms.Form):
    """The referred colleague's confirmation, with their own preferences."""

    phone = _phone_field(_("Phone number (optional)"))
    acknowledge = acknowledgement_field()
    no_survey = no_survey_field()

    field_order = [
        "preferred_contact",
        "phone",
        "modality",
        "language",
        "best_times",
        "career_stage",
        "specialty_group",
        "region",
        "preferred_supporter",
        "avoid_supporters",
        "reasons",
        "acknowledge",
        "no_survey",
    ]

    def __init__(
        self, *args: Any, has_email: bool = True, phone_ending: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.has_email = has_email
        # The number the referrer gave is never shown whole: the link may be forwarded.
        self.phone_ending = phone_ending
        if phone_ending:
            self.fields["phone"].label = _("A different phone number (optional)")
            self.fields["phone"].help_text = _(
                "We have a number ending in %(ending)s from your colleague. To be reached "
                "on another, enter it here; leave it empty to keep that one."
            ) % {"ending": phone_ending}
        self.drop_region_when_none()
        self.set_supporter_choices()
        hints = [name for name in MATCHING_HINTS if name in self.fields]
        self.helper = form_helper(
            Fieldset(
                _("How to reach you"),
                "preferred_contact",
                "phone",
                "modality",
                "language",
                "best_times",
            ),
            Fieldset(_("Finding a good match (all optional)"), *hints, "reasons"),
            Fieldset(_("Before you confirm"), Field("acknowledge"), Field("no_survey")),
            submit=_("Yes, I would like peer support"),
            submit_class="btn-lg",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        method = cleaned.get("preferred_contact")
        wants_phone = method in (ContactMethod.PHONE, ContactMethod.TEXT)
        has_phone = bool(cleaned.get("phone") or self.phone_ending)
        if wants_phone and not has_phone and "phone" not in self.errors:
            self.add_error("phone", _("Give a phone number to be called or texted."))
        if method == ContactMethod.EMAIL and not self.has_email:
            self.add_error("preferred_contact", _("Choose a phone call or a text message."))
        return cleaned
