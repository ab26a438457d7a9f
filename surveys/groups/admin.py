"""Group sessions and their polls in the admin, for program administrators.

Adding a session may make it the first of a weekly or fortnightly series, created in the
same step (holidays and closure days skipped); each session is then edited or cancelled
on its own. A session's polls are edited from its page; once a poll has answers, its
questions keep their meaning, as a survey's do.
"""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programs.business_days import load_calendar
from programs.dates import long_date
from programs.program import current

from ..admin import QuestionInline, is_answered
from ..models import (
    POLL_KINDS,
    Frequency,
    GroupSession,
    JoinMode,
    Poll,
)
from .defaults import default_rules
from .selectors import group_sessions
from .services import (
    GroupRefused,
    cancel_group_sessions,
    create_group_series,
    create_group_session,
    plan_series,
    save_group_session,
)

MAX_SESSION_HOURS = 12


class GroupSessionForm(forms.ModelForm[GroupSession]):
    """The session's fields; on a new session, whether it repeats and until when."""

    repeat = forms.ChoiceField(
        label=_("Repeats"),
        choices=[("", _("Only once")), *Frequency.choices],
        required=False,
        help_text=_(
            "A series is created in one step: a session on this day every week or every two "
            "weeks, skipping public holidays and the program's closure days. Each session "
            "can then be edited or cancelled on its own."
        ),
    )
    repeat_until = forms.DateField(label=_("Repeats until"), required=False, widget=AdminDateWidget)

    class Meta:
        model = GroupSession
        fields = [
            "title_en",
            "title_fr",
            "description_en",
            "description_fr",
            "audience",
            "starts_at",
            "ends_at",
            "reflection_minutes",
            "facilitators",
            "join_mode",
            "meeting_url",
            "join_details",
            "rules_en",
            "rules_fr",
            "is_cancelled",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at - starts_at > timedelta(hours=MAX_SESSION_HOURS):
            self.add_error("ends_at", _("A session lasts at most 12 hours."))
        if cleaned.get("join_mode") == JoinMode.WRITE and not current().is_reachable:
            self.add_error(
                "join_mode",
                _(
                    "The program has no contact address or phone number to write to "
                    "(PROGRAM_CONTACT_EMAIL, PROGRAM_CONTACT_PHONE): give the meeting link."
                ),
            )
        self._check_series(cleaned)
        return cleaned

    def _check_series(self, cleaned: dict[str, Any]) -> None:
        repeat, until = cleaned.get("repeat"), cleaned.get("repeat_until")
        if not repeat:
            return
        if until is None:
            self.add_error("repeat_until", _("Give the day of the series' last session."))
            return
        if not (cleaned.get("starts_at") and cleaned.get("ends_at")):
            return
        try:
            plan_series(
                starts_at=cleaned["starts_at"],
                ends_at=cleaned["ends_at"],
                frequency=repeat,
                last_on=until,
                calendar=load_calendar(),
            )
        except GroupRefused as refusal:
            self.add_error("repeat_until", refusal.message)


class WhenFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("coming", _("Coming")), ("past", _("Past"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[GroupSession]
    ) -> QuerySet[GroupSession]:
        now = timezone.now()
        if self.value() == "coming":
            return queryset.filter(ends_at__gte=now)
        if self.value() == "past":
            return queryset.filter(ends_at__lt=now)
        return queryset


@admin.register(GroupSession)
class GroupSessionAdmin(admin.ModelAdmin[GroupSession]):
    form = GroupSessionForm
    list_display = ["starts", "title_en", "audience", "is_cancelled", "answers", "facilitating"]
    list_filter = [WhenFilter, "audience", "is_cancelled", "series"]
    search_fields = ["title_en"]
    ordering = ["-starts_at"]
    autocomplete_fields = ["facilitators"]
    actions = ["cancel_sessions"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[GroupSession]:
        return (
            group_sessions()
            .select_related("series")
            .annotate(answer_count=Count("polls__responses", distinct=True))
        )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        when = ["starts_at", "ends_at", "reflection_minutes"]
        if obj is None:
            when[2:2] = ["repeat", "repeat_until"]
        fieldsets: list[Any] = [
            (None, {"fields": ["title_en", "title_fr", "description_en", "description_fr"]}),
            (_("For whom and when"), {"fields": ["audience", *when]}),
            (_("Facilitators"), {"fields": ["facilitators"]}),
            (_("How to join"), {"fields": ["join_mode", "meeting_url", "join_details"]}),
            (_("Rules of engagement"), {"fields": ["rules_en", "rules_fr", "default_rules"]}),
        ]
        if obj is not None:
            fieldsets.append(
                (_("Polls and status"), {"fields": ["poll_links", "series", "is_cancelled"]})
            )
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["default_rules", "poll_links", "series"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A session whose polls have answers stays, for the evaluation: cancel it instead.
        answered = obj is not None and any(is_answered(poll) for poll in obj.polls.all())
        return not answered and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: GroupSession, form: Any, change: bool) -> None:
        if change:
            save_group_session(session=obj)
            return
        facilitators = form.cleaned_data.get("facilitators") or []
        repeat, until = form.cleaned_data.get("repeat"), form.cleaned_data.get("repeat_until")
        if not repeat:
            create_group_session(session=obj, facilitators=facilitators)
            return
        created = create_group_series(
            first=obj, facilitators=facilitators, frequency=repeat, last_on=until
        )
        self.message_user(
            request,
            ngettext(
                "The series has %(count)d session, until %(until)s.",
                "The series has %(count)d sessions, until %(until)s.",
                len(created.sessions),
            )
            % {"count": len(created.sessions), "until": long_date(until)},
            messages.SUCCESS,
        )
        if created.skipped:
            self.message_user(
                request,
                _("Skipped (a public holiday or a closure day): %(days)s.")
                % {"days": "; ".join(long_date(day) for day in created.skipped)},
                messages.INFO,
            )

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts(self, obj: GroupSession) -> str:
        local = current().local_time(obj.starts_at)
        return f"{long_date(local.date())}, {local:%H:%M}"

    @admin.display(description=_("poll answers"), ordering="answer_count")
    def answers(self, obj: GroupSession) -> int:
        return int(getattr(obj, "answer_count", 0))

    @admin.display(description=_("facilitator's page"))
    def facilitating(self, obj: GroupSession) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("surveys:facilitator_session", args=[obj.public_id]),
            _("Open"),
        )

    @admin.display(description=_("default rules of engagement"))
    def default_rules(self, obj: Any = None) -> SafeString:
        # Escaped by linebreaks itself, then kept as the HTML it made.
        shown = mark_safe(linebreaks(default_rules(), autoescape=True))  # noqa: S308
        return format_html('<div class="readonly">{}</div>', shown)

    @admin.display(description=_("polls"))
    def poll_links(self, obj: GroupSession) -> SafeString:
        polls = sorted(obj.polls.all(), key=lambda poll: POLL_KINDS.index(poll.kind))
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> (<a href="{}">/polls/{}/</a>)',
            (
                (
                    reverse("admin:surveys_poll_change", args=[poll.pk]),
                    poll.get_kind_display(),
                    reverse("surveys:poll", args=[poll.code]),
                    poll.code,
                )
                for poll in polls
            ),
        )

    @admin.action(description=_("Cancel the selected sessions"))
    def cancel_sessions(self, request: HttpRequest, queryset: QuerySet[GroupSession]) -> None:
        count = cancel_group_sessions(sessions=group_sessions().filter(pk__in=queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d session cancelled: it shows as cancelled on the schedule and in "
                "calendars.",
                "%(count)d sessions cancelled: they show as cancelled on the schedule and in "
                "calendars.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


class PollQuestionInline(QuestionInline):
    """A poll's questions: single or several choices only, so every answer is a count."""

    fields = locked_fields = (
        "position",
        "code",
        "kind",
        "is_required",
        "text_en",
        "text_fr",
    )

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "kind":
            kwargs["choices"] = [
                (value, label)
                for value, label in db_field.choices
                if value in ("single", "multiple")
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin[Poll]):
    """A session's poll, reached from the session: its wording and its questions."""

    inlines = [PollQuestionInline]
    list_display = ["code", "kind", "group_session"]
    list_select_related = ["group_session"]
    fields = ["kind", "session_link", "code", "title_en", "title_fr", "intro_en", "intro_fr"]
    readonly_fields = ["kind", "session_link", "code"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Poll]:
        return Poll.objects.filter(kind__in=POLL_KINDS).select_related("group_session")

    def get_model_perms(self, request: HttpRequest) -> dict[str, bool]:
        return {}  # reached from its session, not listed on the admin's index

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("group session"))
    def session_link(self, obj: Poll) -> SafeString:
        session = obj.group_session
        if session is None:
            return format_html("")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:surveys_groupsession_change", args=[session.pk]),
            session,
        )
