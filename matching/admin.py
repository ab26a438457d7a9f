"""Matching in the admin: the queue, the Match page, assignments, safety concerns, debriefs.

The queue and the Match page show case codes and matching hints, never a requester's
name or address; opening a Match page writes an access-log row all the same, since it
is where an administrator decides who reaches the person. Every change goes through
`matching.services`, which lock the request and refuse, with a message, what no longer
fits. Scratch notes are never registered: nobody but their writer ever reads them.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from core.admin import CaseCodeSearchMixin, ReadOnlyAdminMixin
from core.http import as_pk
from intake.models import Reason, SupportRequest, WithdrawalReason
from intake.services import record_access
from programs.business_days import Calendar, load_calendar
from supporters.models import Supporter
from supporters.selectors import roster

from .models import Assignment, DebriefRequest, QueuedRequest, SafetyConcern
from .ranking import rank
from .selectors import (
    MATCHABLE_STATUSES,
    active_assignment,
    assignment_history,
    assignments_for_staff,
    candidates,
    debrief_requests,
    matching_queue,
    request_for_matching,
    safety_concerns,
)
from .services import (
    MatchingRefused,
    assign_supporter,
    mark_debrief_handled,
    mark_safety_concern_handled,
    reassign,
    withdraw_request,
)

Status = SupportRequest.Status
CHANGE_LIST_AND_FORM = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


def _user(request: HttpRequest) -> User:
    """Return the signed-in administrator (the admin's own views let nobody else in)."""
    return cast(User, request.user)


def due_in_words(moment: datetime, *, calendar: Calendar) -> str:
    """Return a deadline's local date in words, e.g. "Friday 13 March 2026"."""
    return formats.date_format(calendar.local_date(moment), "l j F Y")


# --- The matching queue --------------------------------------------------------------


@dataclass(frozen=True)
class QueueClock:
    """The moment a queue page is drawn and the calendar it counts with, loaded once."""

    now: datetime
    calendar: Calendar


def queue_clock(request: HttpRequest) -> QueueClock:
    """Return the page's clock, loading the calendar on the first call for this request."""
    clock: QueueClock | None = getattr(request, "matching_queue_clock", None)
    if clock is None:
        clock = QueueClock(now=timezone.now(), calendar=load_calendar())
        setattr(request, "matching_queue_clock", clock)  # noqa: B010  (not a declared attribute)
    return clock


def waiting_words(row: SupportRequest, clock: QueueClock) -> str:
    """Return how long a waiting request has waited, in business days."""
    if row.status != Status.WAITING or row.waiting_since is None:
        return ""
    days = clock.calendar.business_days_between(row.waiting_since, clock.now)
    if days == 0:
        return str(_("Waiting since today"))
    return ngettext("Waiting %(days)d business day", "Waiting %(days)d business days", days) % {
        "days": days
    }


def deadline_badge(row: SupportRequest, clock: QueueClock) -> SafeString | str:
    """Return the badge of a matched or in-contact request: reached, due or overdue.

    The words carry the meaning; the colour only repeats it.
    """
    due_at: datetime | None = getattr(row, "contact_due_at", None)
    if due_at is None:
        return ""
    if getattr(row, "assignment_first_contact_at", None) is not None:
        label, kind = str(_("Reached")), "reached"
    elif due_at < clock.now:
        label = str(_("Overdue since %(date)s")) % {
            "date": formats.date_format(clock.calendar.local_date(due_at), "D j M")
        }
        kind = "overdue"
    elif clock.calendar.local_date(due_at) == clock.calendar.local_date(clock.now):
        label, kind = str(_("Due today")), "today"
    else:
        days = clock.calendar.business_days_between(clock.now, due_at)
        label = ngettext("Due in %(days)d business day", "Due in %(days)d business days", days) % {
            "days": days
        }
        kind = "later"
    return format_html('<span class="matching-badge matching-badge--{}">{}</span>', kind, label)


class QueueStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(status.value), str(status.label)) for status in MATCHABLE_STATUSES]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[SupportRequest]
    ) -> QuerySet[SupportRequest]:
        if self.value() in [status.value for status in MATCHABLE_STATUSES]:
            return queryset.filter(status=self.value())
        return queryset


@admin.register(QueuedRequest)
class QueuedRequestAdmin(CaseCodeSearchMixin, admin.ModelAdmin):
    """The matching queue: waiting first, oldest first; then matched and in contact."""

    list_display = ["case_code", "status"]
    list_display_links = None
    list_filter = [QueueStatusFilter]
    search_fields = ["case_code"]
    search_help_text = _("Search by case code (PS-…) or public id.")
    sortable_by = ()
    list_per_page = 50
    show_full_result_count = False
    actions = None

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<uuid:public_id>/match/",
                self.admin_site.admin_view(self.match_view),
                name="matching_queuedrequest_match",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SupportRequest]:
        return matching_queue()

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        # The queue's own order, not the request model's newest-first.
        return ("queue_rank", "contact_due_at", "waiting_since", "pk")

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        # Columns computed in Python share one clock and one calendar per page.
        clock = queue_clock(request)

        @admin.display(description=_("case code"))
        def case_code(row: SupportRequest) -> SafeString:
            return format_html('<span class="matching-case-code">{}</span>', row.case_code)

        @admin.display(description=_("status"))
        def status(row: SupportRequest) -> str:
            return str(row.get_status_display())

        @admin.display(description=_("waiting"))
        def waiting(row: SupportRequest) -> str:
            return waiting_words(row, clock)

        @admin.display(description=_("supporter"))
        def supporter(row: SupportRequest) -> str:
            return str(getattr(row, "supporter_name", None) or "")

        @admin.display(description=_("first contact"))
        def deadline(row: SupportRequest) -> SafeString | str:
            return deadline_badge(row, clock)

        @admin.display(description=_("match"))
        def match(row: SupportRequest) -> SafeString:
            return format_html(
                '<a class="matching-match-link" href="{}">{}'
                '<span class="matching-visually-hidden"> {}</span></a>',
                reverse("admin:matching_queuedrequest_match", args=[row.public_id]),
                _("Match"),
                row.case_code,
            )

        columns: list[Callable[[SupportRequest], Any]] = [
            case_code,
            status,
            waiting,
            supporter,
            deadline,
            match,
        ]
        return columns

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return super().changelist_view(
            request, {"title": _("Matching queue"), **(extra_context or {})}
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # A request is never edited here: its page is the Match page.
        pk = as_pk(object_id)
        if pk is None:
            raise Http404
        row = self.get_queryset(request).filter(pk=pk).only("public_id").first()
        if row is None:
            raise Http404
        return redirect("admin:matching_queuedrequest_match", row.public_id)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # --- The Match page --------------------------------------------------------------

    def match_view(self, request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
        """Show one request's hints, assignment and ranked supporters; act on a POST."""
        # The permission first, so that no one without it learns which ids exist.
        if not self.has_change_permission(request):
            raise PermissionDenied
        support_request = request_for_matching(public_id)
        if support_request is None:
            raise Http404
        if request.method == "POST":
            return self._act(request, support_request)
        context = self._match_context(request, support_request)
        response = TemplateResponse(request, "admin/matching/queuedrequest/match.html", context)
        record_access(user=_user(request), requests=[support_request], view="match page")
        return response

    def _match_context(
        self, request: HttpRequest, support_request: SupportRequest
    ) -> dict[str, Any]:
        calendar = load_calendar()
        now = timezone.now()
        status = support_request.status
        is_matchable = status in MATCHABLE_STATUSES
        current = active_assignment(support_request) if is_matchable else None
        avoided_ids = [supporter.pk for supporter in support_request.avoid_supporters.all()]
        suggestions: list[Any] = []
        unavailable: list[Any] = []
        if is_matchable:
            suggestions, unavailable = rank(
                support_request,
                candidates(today=calendar.local_date(now)),
                avoided_ids=avoided_ids,
                exclude_ids=[current.supporter_id] if current is not None else [],
            )
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Match %(code)s") % {"code": support_request.case_code},
            "support_request": support_request,
            "hints": self._hints(support_request),
            "current": current,
            "current_due_words": (
                due_in_words(current.contact_due_at, calendar=calendar) if current else ""
            ),
            "current_is_overdue": (
                current is not None
                and current.first_contact_at is None
                and current.contact_due_at < now
            ),
            "history": list(assignment_history(support_request)),
            "is_matchable": is_matchable,
            "can_assign": status == Status.WAITING,
            "can_reassign": status in (Status.MATCHED, Status.IN_CONTACT),
            # DESIGN.md: a request in contact is closed by its supporter, not withdrawn.
            "can_withdraw": status in (Status.WAITING, Status.MATCHED),
            "suggestions": suggestions,
            "unavailable": unavailable,
            "avoided_count": len(avoided_ids),
            "withdrawal_reasons": WithdrawalReason.choices,
        }

    @staticmethod
    def _hints(support_request: SupportRequest) -> list[tuple[str, str]]:
        not_given = str(_("Not given"))
        preferred = support_request.preferred_supporter
        reasons = [
            str(Reason(code).label) for code in support_request.reasons if code in Reason.values
        ]
        return [
            (str(_("Modality")), str(support_request.get_modality_display())),
            (str(_("Language of support")), str(support_request.get_language_display())),
            (str(_("Career stage")), str(support_request.get_career_stage_display() or not_given)),
            (
                str(_("Specialty group")),
                str(support_request.get_specialty_group_display() or not_given),
            ),
            (str(_("Region")), str(support_request.region or not_given)),
            (str(_("Asked for")), preferred.display_name if preferred else str(_("Nobody"))),
            (
                str(_("Preferred way to be contacted")),
                str(support_request.get_preferred_contact_display()),
            ),
            (str(_("Reasons")), "; ".join(reasons) or not_given),
        ]

    def _act(self, request: HttpRequest, support_request: SupportRequest) -> HttpResponseRedirect:
        """Run the posted action through its service, then show the page again (PRG)."""
        back = redirect("admin:matching_queuedrequest_match", support_request.public_id)
        action = request.POST.get("action", "")
        try:
            if action == "withdraw":
                withdrawn = withdraw_request(
                    request=support_request,
                    reason=request.POST.get("reason", ""),
                    withdrawn_by=_user(request),
                    now=timezone.now(),
                )
                messages.success(
                    request,
                    _("%(code)s is withdrawn (%(reason)s).")
                    % {
                        "code": withdrawn.case_code,
                        "reason": withdrawn.get_withdrawal_reason_display(),
                    },
                )
            elif action in ("assign", "reassign"):
                self._assign(request, support_request, reassigning=action == "reassign")
            else:
                messages.error(request, _("Choose an action on the page."))
        except MatchingRefused as error:
            messages.error(request, error.message)
        return back

    def _assign(
        self, request: HttpRequest, support_request: SupportRequest, *, reassigning: bool
    ) -> None:
        supporter = self._posted_supporter(request)
        if supporter is None:
            messages.error(request, _("Choose a supporter from the list; nothing was changed."))
            return
        calendar = load_calendar()
        service = reassign if reassigning else assign_supporter
        assignment = service(
            request=support_request,
            supporter=supporter,
            assigned_by=_user(request),
            now=timezone.now(),
            calendar=calendar,
        )
        done = (
            _("Reassigned to %(name)s. First contact is due by the end of %(date)s.")
            if reassigning
            else _("Assigned to %(name)s. First contact is due by the end of %(date)s.")
        )
        messages.success(
            request,
            done
            % {
                "name": assignment.supporter.display_name,
                "date": due_in_words(assignment.contact_due_at, calendar=calendar),
            },
        )

    @staticmethod
    def _posted_supporter(request: HttpRequest) -> Supporter | None:
        pk = as_pk(request.POST.get("supporter", ""))
        return None if pk is None else roster().filter(pk=pk).first()


# --- Assignments, read-only ----------------------------------------------------------


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdminMixin, CaseCodeSearchMixin, admin.ModelAdmin):
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


class HandledAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
class SafetyConcernAdmin(HandledAdmin):
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
class DebriefRequestAdmin(HandledAdmin):
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
