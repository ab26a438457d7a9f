"""Matching's records in the admin: assignments, safety concerns and debrief requests.

Each is a record to read, changed only through the services; the calls for help have one
action, "Mark handled". Scratch notes are never registered: nobody but their writer ever
reads them.
"""

from datetime import datetime
from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from core.admin import CaseCodeSearchMixin, ReadOnlyAdminMixin

from ..models import Assignment, DebriefRequest, SafetyConcern
from ..selectors import assignments_for_staff, debrief_requests, safety_concerns
from ..services import mark_debrief_handled, mark_safety_concern_handled

CHANGE_LIST_AND_FORM = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


def _user(request: HttpRequest) -> User:
    """Return the signed-in administrator (the admin's own views let nobody else in)."""
    return cast(User, request.user)


# --- Assignments, read-only ----------------------------------------------------------


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdminMixin, CaseCodeSearchMixin, admin.ModelAdmin[Assignment]):
    """Who was matched when: a record to read, changed only by the services."""

    case_code_path = "request"
    list_display = [
        "case_code",
        "supporter",
        "assigned_at",
        "contact_due_at",
        "first_contact_at",
        "ended_at",
        "end_reason",
    ]
    list_filter = ["end_reason"]
    search_fields = ["request__case_code"]
    search_help_text = _("Search by case code (PS-…) or the request's public id.")
    list_select_related = ["request", "supporter"]
    show_full_result_count = False
    date_hierarchy = "assigned_at"
    fields = readonly_fields = (
        "case_code",
        "supporter",
        "assigned_by",
        "assigned_at",
        "contact_due_at",
        "remind_at",
        "reminded_at",
        "escalated_at",
        "first_contact_at",
        "first_contact_means",
        "ended_at",
        "end_reason",
        "hand_back_reason",
        "ended_by",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assignment]:
        return assignments_for_staff()

    @admin.display(description=_("case code"), ordering="request__case_code")
    def case_code(self, obj: Assignment) -> str:
        return obj.request.case_code


# --- Safety concerns and debriefs ----------------------------------------------------


class HandledFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("open", str(_("Open"))), ("handled", str(_("Handled")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "open":
            return queryset.filter(handled_at__isnull=True)
        if self.value() == "handled":
            return queryset.filter(handled_at__isnull=False)
        return queryset


def _state(handled_at: datetime | None, handled_by: User | None) -> str:
    if handled_at is None:
        return str(_("Open"))
    return str(_("Handled %(date)s by %(name)s")) % {
        "date": formats.date_format(timezone.localtime(handled_at), "j M Y, H:i"),
        "name": handled_by.get_full_name() if handled_by else "",
    }


class HandledAdmin[M: Model](ReadOnlyAdminMixin, admin.ModelAdmin[M]):
    """A read-only list of calls for help whose one action is "Mark handled"."""

    list_filter = [HandledFilter]
    show_full_result_count = False

    def has_mark_handled_permission(self, request: HttpRequest) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def _report_handled(self, request: HttpRequest, handled: int, skipped: int) -> None:
        if handled:
            self.message_user(
                request,
                ngettext("Marked %(count)d as handled.", "Marked %(count)d as handled.", handled)
                % {"count": handled},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d was already handled.", "%(count)d were already handled.", skipped
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(SafetyConcern)
class SafetyConcernAdmin(HandledAdmin[SafetyConcern]):
    list_display = ["case_code", "raised_at", "raised_by_name", "state"]
    fields = readonly_fields = ("case_code", "raised_at", "raised_by_name", "state")
    actions = ["mark_handled"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SafetyConcern]:
        return safety_concerns()

    @admin.display(description=_("case code"), ordering="assignment__request__case_code")
    def case_code(self, obj: SafetyConcern) -> str:
        return obj.assignment.request.case_code

    @admin.display(description=_("raised by"))
    def raised_by_name(self, obj: SafetyConcern) -> str:
        return obj.raised_by.get_full_name()

    @admin.display(description=_("state"), ordering="handled_at")
    def state(self, obj: SafetyConcern) -> str:
        return _state(obj.handled_at, obj.handled_by)

    @admin.action(
        description=_("Mark handled"),
        permissions=["mark_handled"],
        location=CHANGE_LIST_AND_FORM,
    )
    def mark_handled(self, request: HttpRequest, queryset: QuerySet[SafetyConcern]) -> None:
        results = [
            mark_safety_concern_handled(concern=concern, handled_by=_user(request))
            for concern in queryset
        ]
        self._report_handled(request, results.count(True), results.count(False))


@admin.register(DebriefRequest)
class DebriefRequestAdmin(HandledAdmin[DebriefRequest]):
    list_display = ["supporter_name", "requested_at", "state"]
    fields = readonly_fields = ("supporter_name", "requested_at", "state")
    actions = ["mark_handled"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DebriefRequest]:
        return debrief_requests()

    @admin.display(description=_("supporter"), ordering="supporter__display_name")
    def supporter_name(self, obj: DebriefRequest) -> str:
        return obj.supporter.display_name

    @admin.display(description=_("state"), ordering="handled_at")
    def state(self, obj: DebriefRequest) -> str:
        return _state(obj.handled_at, obj.handled_by)

    @admin.action(
        description=_("Mark handled"),
        permissions=["mark_handled"],
        location=CHANGE_LIST_AND_FORM,
    )
    def mark_handled(self, request: HttpRequest, queryset: QuerySet[DebriefRequest]) -> None:
        results = [
            mark_debrief_handled(debrief=debrief, handled_by=_user(request)) for debrief in queryset
        ]
        self._report_handled(request, results.count(True), results.count(False))
