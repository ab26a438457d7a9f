"""The survey form, built from a survey version's questions, in the page's language."""

from typing import Any

from crispy_forms.bootstrap import InlineRadios
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import form_helper

from .models import TEXT_ANSWER_MAX_LENGTH, Question
from .services import GivenAnswer

TEXT_HELP = _(
    "Please don't include names or details that could identify anyone. Up to 500 characters."
)
CHOICE_ERRORS = {
    "required": _("Please answer this question."),
    "invalid_choice": _("Choose one of the answers offered."),
    "invalid_list": _("Choose one or more of the answers offered."),
}


def field_name(question: Question) -> str:
    return f"q_{question.code}"


def _field(question: Question) -> forms.Field:
    label = question.text
    required = question.is_required
    if question.kind == Question.Kind.TEXT:
        return forms.CharField(
            label=label,
            help_text=TEXT_HELP,
            required=required,
            max_length=TEXT_ANSWER_MAX_LENGTH,
            strip=True,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={
                "required": _("Please answer this question."),
                "max_length": _(
                    "Please keep this to %(limit_value)d characters or fewer "
                    "(it has %(show_value)d)."
                ),
            },
        )
    if question.kind == Question.Kind.SCALE:
        return forms.ChoiceField(
            label=label,
            choices=[(str(value), label) for value, label in question.scale_options()],
            required=required,
            widget=forms.RadioSelect,
            error_messages=CHOICE_ERRORS,
        )
    choices = [(choice.code, choice.text) for choice in question.choices.all()]
    if question.kind == Question.Kind.MULTIPLE:
        return forms.MultipleChoiceField(
            label=label,
            help_text=_("Choose any that apply."),
            choices=choices,
            required=required,
            widget=forms.CheckboxSelectMultiple,
            error_messages=CHOICE_ERRORS,
        )
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages=CHOICE_ERRORS,
    )


class SurveyForm(forms.Form):
    """One field per question (`q_<code>`); optional ones may be left blank."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A choice question without choices cannot be answered: it is left out.
        self.questions = [
            question for question in questions if not question.has_choices or question.choices.all()
        ]
        layout: list[Any] = []
        for question in self.questions:
            name = field_name(question)
            self.fields[name] = _field(question)
            layout.append(InlineRadios(name) if question.kind == Question.Kind.SCALE else name)
        self.helper = form_helper(
            *layout,
            "submission_key",
            submit=_("Send my answers"),
            submit_class="btn-lg",
            with_csrf=False,  # the page writes the token
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._refuse_several_answers_to_one_choice()
        if not self.errors and not self.answers():
            raise forms.ValidationError(_("Please answer at least one question before sending."))
        return cleaned

    def _refuse_several_answers_to_one_choice(self) -> None:
        """A single choice sent with several values (a crafted or replayed form) is an
        error, not silently its last value."""
        getlist = getattr(self.data, "getlist", None)
        if getlist is None:
            return
        for question in self.questions:
            if question.kind in (Question.Kind.SINGLE, Question.Kind.SCALE):
                name = field_name(question)
                if len(getlist(self.add_prefix(name))) > 1:
                    self.add_error(name, _("Choose only one answer to this question."))

    def answers(self) -> list[GivenAnswer]:
        """Return what was given, question by question (valid forms only)."""
        given = []
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            if not value:
                continue
            if question.kind == Question.Kind.TEXT:
                given.append(GivenAnswer(question=question, text=value))
            elif question.kind == Question.Kind.SCALE:
                given.append(GivenAnswer(question=question, value=int(value)))
            else:
                codes = set(value) if question.kind == Question.Kind.MULTIPLE else {value}
                chosen = [choice for choice in question.choices.all() if choice.code in codes]
                given.append(GivenAnswer(question=question, choices=tuple(chosen)))
        return given
