"""Surveys in the admin, for program administrators: versions, questions, results.

A version with responses keeps its questions and choices as they were answered: only
its French texts (a translation) may still be filled in; to change anything else, an
administrator edits a copy, a new version. Responses, answers and links are never
registered: nobody reads one person's answers, only the results with small counts hidden.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .models import POLL_KINDS, Choice, Question, Survey, SurveyKind
from .selectors import has_responses, survey_results, surveys
from .services import SurveyRefused, add_survey, copy_as_new_version, put_in_use

QUESTION_FIELDS: tuple[str, ...] = (
    "position",
    "code",
    "kind",
    "is_required",
    "text_en",
    "text_fr",
    "scale_low_en",
    "scale_high_en",
    "scale_low_fr",
    "scale_high_fr",
)
CHOICE_FIELDS = ("position", "code", "text_en", "text_fr")
CHANGE_LIST_AND_FORM = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]
LOCKED_MESSAGE = _(
    "This version has responses: its questions and choices stay as they were answered "
    "(only French texts may be added). Use “Edit a copy (new version)” to change them."
)


def is_answered(survey: Survey | None) -> bool:
    """Return whether the survey has responses, asked once per object and request."""
    if survey is None or survey.pk is None:
        return False
    cached: bool | None = getattr(survey, "_is_answered", None)
    if cached is None:
        cached = has_responses(survey)
        setattr(survey, "_is_answered", cached)  # noqa: B010  (not a declared attribute)
    return cached


def meaning_fields(fields: list[str]) -> list[str]:
    """Return the fields that carry meaning: all but the French texts."""
    return [name for name in fields if not name.endswith("_fr")]


class KeepsMeaningForm(ModelForm[Any]):
    """Refuse a change of meaning to a version with responses, checked under a lock.

    The survey row is locked until the admin's transaction ends, so a response arriving
    meanwhile waits, and a response saved just before is seen here.
    """

    def survey_of_instance(self) -> Survey | None:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        survey = self.survey_of_instance()
        if survey is None or survey.pk is None:
            return cleaned
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        changes_meaning = self.instance.pk is None or bool(meaning_fields(list(self.changed_data)))
        if changes_meaning and has_responses(locked):
            raise ValidationError(LOCKED_MESSAGE)
        return cleaned


class QuestionForm(KeepsMeaningForm):
    class Meta:
        model = Question
        fields = QUESTION_FIELDS

    def survey_of_instance(self) -> Survey | None:
        return self.instance.survey if self.instance.survey_id else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        survey = self.survey_of_instance()
        is_poll = survey is not None and survey.kind in POLL_KINDS
        if is_poll and cleaned.get("kind") not in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            raise ValidationError(_("A poll's questions are answered by choosing: one or several."))
        if cleaned.get("kind") == Question.Kind.SCALE and not (
            cleaned.get("scale_low_en") and cleaned.get("scale_high_en")
        ):
            raise ValidationError(_("A scale needs the labels of its two ends, in English."))
        if cleaned.get("kind") == Question.Kind.TEXT and cleaned.get("is_required"):
            raise ValidationError(_("A written answer is always optional."))
        return cleaned


class ChoiceForm(KeepsMeaningForm):
    class Meta:
        model = Choice
        fields = CHOICE_FIELDS

    def survey_of_instance(self) -> Survey | None:
        return self.instance.question.survey if self.instance.question_id else None


class LockedWhenAnswered:
    """Admin pages whose rows keep their meaning once the survey has responses: only the
    French texts stay editable, and nothing is added or deleted."""

    model: type[Any]
    locked_fields: tuple[str, ...] = ()

    def answered_survey(self, obj: Any) -> bool:
        raise NotImplementedError

    def _may(self, request: HttpRequest, action: str) -> bool:
        opts = self.model._meta
        return bool(request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return meaning_fields(list(self.locked_fields)) if self.answered_survey(obj) else []

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self.answered_survey(obj) and self._may(request, "add")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self.answered_survey(obj) and self._may(request, "delete")


class QuestionInline(LockedWhenAnswered, admin.StackedInline[Question, Survey]):
    model = Question
    form = QuestionForm
    extra = 0
    show_change_link = True
    fields = locked_fields = QUESTION_FIELDS

    def answered_survey(self, obj: Any) -> bool:
        return is_answered(obj)


class ChoiceInline(LockedWhenAnswered, admin.TabularInline[Choice, Question]):
    model = Choice
    form = ChoiceForm
    extra = 0
    fields = locked_fields = CHOICE_FIELDS

    def answered_survey(self, obj: Any) -> bool:
        return obj is not None and is_answered(obj.survey)


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin[Survey]):
    list_display = ["title_en", "kind", "version", "is_active", "responses", "results_link"]
    list_filter = ["kind", "is_active"]
    inlines = [QuestionInline]
    actions = ["edit_a_copy", "use_this_version"]
    show_full_result_count = False
    fields = ["kind", "version", "is_active", "title_en", "title_fr", "intro_en", "intro_fr"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The kind and the version are fixed at creation; "in use" changes by its action.
        return ["version", "is_active"] + (["kind"] if obj is not None else [])

    def get_queryset(self, request: HttpRequest) -> QuerySet[Survey]:
        return surveys().annotate(response_count=Count("responses"))

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Polls are made with their group session, never here.
        if db_field.name == "kind":
            kwargs["choices"] = SurveyKind.choices
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not is_answered(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Survey, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            add_survey(survey=obj)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        survey = self.get_object(request, object_id)
        if survey is not None and is_answered(survey) and request.method == "GET":
            self.message_user(request, LOCKED_MESSAGE, messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("responses"), ordering="response_count")
    def responses(self, obj: Survey) -> int:
        return int(getattr(obj, "response_count", 0))

    @admin.display(description=_("results"))
    def results_link(self, obj: Survey) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:surveys_survey_results", args=[obj.pk]),
            _("Results"),
        )

    @admin.action(description=_("Edit a copy (new version)"), location=CHANGE_LIST_AND_FORM)
    def edit_a_copy(
        self, request: HttpRequest, queryset: QuerySet[Survey]
    ) -> HttpResponseRedirect | None:
        copies = [copy_as_new_version(survey=survey) for survey in queryset]
        for copy in copies:
            self.message_user(
                request,
                _("Version %(version)d is a copy to edit; it is not in use yet.")
                % {"version": copy.version},
                messages.SUCCESS,
            )
        if len(copies) == 1:
            return redirect("admin:surveys_survey_change", copies[0].pk)
        return None

    @admin.action(description=_("Put this version in use"), location=CHANGE_LIST_AND_FORM)
    def use_this_version(self, request: HttpRequest, queryset: QuerySet[Survey]) -> None:
        for survey in queryset:
            try:
                put_in_use(survey=survey)
            except SurveyRefused as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
                continue
            self.message_user(
                request,
                _("Version %(version)d of “%(title)s” is now in use.")
                % {"version": survey.version, "title": survey.title_en},
                messages.SUCCESS,
            )

    # --- Results ---------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/results/",
                self.admin_site.admin_view(self.results_view),
                name="surveys_survey_results",
            ),
            *super().get_urls(),
        ]

    def results_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Show a version's results: distributions with small counts hidden, texts shuffled."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        survey = surveys().filter(pk=pk).first()
        if survey is None:
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": survey,
            "title": _("Results: %(survey)s") % {"survey": survey},
            "results": survey_results(survey),
        }
        response = TemplateResponse(request, "admin/surveys/survey/results.html", context)
        # Free-text answers are shown here: not for shared caches.
        response["Cache-Control"] = "no-store, private"
        return response


@admin.register(Question)
class QuestionAdmin(LockedWhenAnswered, admin.ModelAdmin[Question]):
    """A question's own page, reached from its survey, to edit its choices."""

    form = QuestionForm
    inlines = [ChoiceInline]
    fields = ("survey", *QUESTION_FIELDS)
    locked_fields = QUESTION_FIELDS
    list_display = ["code", "survey", "position", "kind"]
    list_select_related = ["survey"]

    def answered_survey(self, obj: Any) -> bool:
        return obj is not None and is_answered(obj.survey)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["survey", *super().get_readonly_fields(request, obj)]

    def get_model_perms(self, request: HttpRequest) -> dict[str, bool]:
        # Not listed on the admin's index: questions are reached from their survey.
        return {}

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The group sessions' and polls' pages register themselves; they reuse the inlines above.
from .groups import admin as groups_admin  # noqa: E402, F401
