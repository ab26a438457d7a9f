"""Matching's records in the admin: assignments, safety concerns and debrief requests.

Each is a record to read, changed only through the services; the calls for help have one
button on their page, "Mark handled". Scratch notes are never registered: nobody but
their writer ever reads them.
"""

from datetime import datetime
from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.admin import CaseCodeSearchMixin, ReadOnlyAdminMixin
from core.phones import tel_digits
from supporters.models import Supporter

from ..models import Assignment, DebriefRequest, SafetyConcern
from ..selectors import assignments_for_staff, debrief_requests, safety_concerns
from ..services import mark_debrief_handled, mark_safety_concern_handled


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


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j M Y, H:i")


def _state(handled_at: datetime | None, handled_by: User | None) -> str:
    if handled_at is None:
        return str(_("Open"))
    return str(_("Handled %(date)s by %(name)s")) % {
        "date": _when(handled_at),
        "name": handled_by.get_full_name() if handled_by else "",
    }


def _supporter_phone(supporter: Supporter) -> SafeString:
    """The supporter's phone as a tel: link, or where to add one (administrators only)."""
    if supporter.phone:
        return format_html(
            '<a class="matching-phone" href="tel:{}">{}</a>',
            tel_digits(supporter.phone),
            supporter.phone,
        )
    return format_html(
        '{} <a href="{}">{}</a>',
        _("No phone on file."),
        reverse("admin:supporters_supporter_change", args=[supporter.pk]),
        _("Add one to the supporter's profile"),
    )


class HandledAdmin[M: SafetyConcern | DebriefRequest](ReadOnlyAdminMixin, admin.ModelAdmin[M]):
    """A read-only record of a call for help, with one button on its page: "Mark handled".

    A button on the record's own page, rather than an entry of the actions menu, so that
    the administrator marks handled the one call they have just dealt with, and sees who
    raised it and how to reach them while doing so.
    """

    list_filter = [HandledFilter]
    show_full_result_count = False
    actions = None
    change_form_template = "admin/matching/handled_change_form.html"

    def mark_handled(self, obj: M, *, handled_by: User) -> bool:
        raise NotImplementedError

    def has_mark_handled_permission(self, request: HttpRequest) -> bool:
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST" and "_mark_handled" in request.POST:
            return self._mark_handled(request, object_id)
        return super().change_view(
            request,
            object_id,
            form_url,
            {
                **(extra_context or {}),
                "can_mark_handled": self.has_mark_handled_permission(request),
            },
        )

    def _mark_handled(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Mark this one handled through its service, then show its page again (PRG)."""
        if not self.has_mark_handled_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if self.mark_handled(obj, handled_by=_user(request)):
            self.message_user(request, _("Marked handled."), messages.SUCCESS)
        else:
            obj.refresh_from_db(fields=["handled_at", "handled_by"])
            self.message_user(
                request,
                _("This was already marked handled: %(state)s.")
                % {"state": _state(obj.handled_at, obj.handled_by)},
                messages.WARNING,
            )
        return redirect(request.path)

    @admin.display(description=_("state"), ordering="handled_at")
    def state(self, obj: M) -> str:
        return _state(obj.handled_at, obj.handled_by)


@admin.register(SafetyConcern)
class SafetyConcernAdmin(HandledAdmin[SafetyConcern]):
    list_display = ["case_code", "raised_at", "raised_by_name", "reescalated", "state"]
    fields = readonly_fields = (
        "match_link",
        "request_status",
        "raised_at",
        "raised_by_name",
        "raised_by_phone",
        "reescalated",
        "state",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[SafetyConcern]:
        return safety_concerns()

    def mark_handled(self, obj: SafetyConcern, *, handled_by: User) -> bool:
        return mark_safety_concern_handled(concern=obj, handled_by=handled_by)

    @admin.display(description=_("case code"), ordering="assignment__request__case_code")
    def case_code(self, obj: SafetyConcern) -> str:
        return obj.assignment.request.case_code

    @admin.display(description=_("request"))
    def match_link(self, obj: SafetyConcern) -> SafeString:
        support_request = obj.assignment.request
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:matching_queuedrequest_match", args=[support_request.public_id]),
            _("%(code)s: open its Match page") % {"code": support_request.case_code},
        )

    @admin.display(description=_("request's state now"))
    def request_status(self, obj: SafetyConcern) -> str:
        support_request = obj.assignment.request
        state = str(support_request.get_status_display())
        if obj.assignment.ended_at is not None:
            return str(_("%(status)s (no longer with the supporter who raised this)")) % {
                "status": state
            }
        return state

    @admin.display(description=_("raised by"))
    def raised_by_name(self, obj: SafetyConcern) -> str:
        return obj.assignment.supporter.display_name

    @admin.display(description=_("their phone"))
    def raised_by_phone(self, obj: SafetyConcern) -> SafeString:
        return _supporter_phone(obj.assignment.supporter)

    @admin.display(description=_("emailed again"), ordering="reescalated_at")
    def reescalated(self, obj: SafetyConcern) -> str:
        if obj.reescalated_at is None:
            return "—"
        return _when(obj.reescalated_at)


@admin.register(DebriefRequest)
class DebriefRequestAdmin(HandledAdmin[DebriefRequest]):
    list_display = ["supporter_name", "requested_at", "state"]
    fields = readonly_fields = ("supporter_name", "supporter_phone", "requested_at", "state")

    def get_queryset(self, request: HttpRequest) -> QuerySet[DebriefRequest]:
        return debrief_requests()

    def mark_handled(self, obj: DebriefRequest, *, handled_by: User) -> bool:
        return mark_debrief_handled(debrief=obj, handled_by=handled_by)

    @admin.display(description=_("supporter"), ordering="supporter__display_name")
    def supporter_name(self, obj: DebriefRequest) -> str:
        return obj.supporter.display_name

    @admin.display(description=_("their phone"))
    def supporter_phone(self, obj: DebriefRequest) -> SafeString:
        return _supporter_phone(obj.supporter)
