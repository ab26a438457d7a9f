"""The matching queue and the Match page, in the admin.

The queue and the Match page show case codes and matching hints, never a requester's
name or address; opening a Match page writes an access-log row all the same, since it
is where an administrator decides who reaches the person. Every change goes through
`matching.services`, which lock the request and refuse, with a message, what no longer
fits.
"""

import uuid
from collections.abc import Callable
from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.admin import CaseCodeSearchMixin
from core.http import as_pk
from intake import lifecycle
from intake.models import SupportRequest
from intake.services import record_access
from programs.business_days import Clock, clock_of, load_calendar
from programs.vocabulary import Reason, WithdrawalReason
from supporters.models import Supporter
from supporters.selectors import roster

from ..deadlines import deadline_of, due_date_changed, due_date_words, waiting_words
from ..emails import requester_hears_of_matches
from ..models import QueuedRequest
from ..ranking import Suggestion, rank
from ..selectors import (
    QueueRow,
    active_assignment,
    assignment_history,
    candidates,
    matching_queue,
    request_for_matching,
)
from ..services import MatchingRefused, assign_supporter, reassign, withdraw_request

Status = SupportRequest.Status


def _user(request: HttpRequest) -> User:
    """Return the signed-in administrator (the admin's own views let nobody else in)."""
    return cast(User, request.user)


def queue_waiting(row: QueueRow, clock: Clock) -> str:
    """Return how long a waiting request has waited, in business days ("" otherwise)."""
    if row.status != Status.WAITING or row.waiting_since is None:
        return ""
    return waiting_words(row.waiting_since, now=clock.now, calendar=clock.calendar)


def deadline_badge(row: QueueRow, clock: Clock) -> SafeString | str:
    """Return the badge of a matched or in-contact request: reached, due or overdue.

    The words carry the meaning; the colour only repeats it.
    """
    if row.contact_due_at is None:
        return ""
    deadline = deadline_of(
        row.contact_due_at,
        first_contact_at=row.assignment_first_contact_at,
        now=clock.now,
        calendar=clock.calendar,
    )
    return format_html(
        '<span class="matching-badge matching-badge--{}">{}</span>',
        deadline.state,
        deadline.queue_words,
    )


class QueueStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (str(status.value), str(status.label)) for status in Status if status in lifecycle.QUEUE
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[SupportRequest]
    ) -> QuerySet[SupportRequest]:
        if self.value() in lifecycle.QUEUE:
            return queryset.filter(status=self.value())
        return queryset


@admin.register(QueuedRequest)
class QueuedRequestAdmin(CaseCodeSearchMixin, admin.ModelAdmin[QueuedRequest]):
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[QueuedRequest]:
        return cast(QuerySet[QueuedRequest], matching_queue())

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        # The queue's own order, not the request model's newest-first.
        return ("queue_rank", "contact_due_at", "waiting_since", "pk")

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        # Columns computed in Python share one clock and one calendar per page.
        clock = clock_of(request)

        @admin.display(description=_("case code"))
        def case_code(row: QueueRow) -> SafeString:
            return format_html('<span class="matching-case-code">{}</span>', row.case_code)

        @admin.display(description=_("status"))
        def status(row: QueueRow) -> str:
            return str(row.get_status_display())

        @admin.display(description=_("waiting"))
        def waiting(row: QueueRow) -> str:
            return queue_waiting(row, clock)

        @admin.display(description=_("supporter"))
        def supporter(row: QueueRow) -> str:
            return row.supporter_name or ""

        @admin.display(description=_("first contact"))
        def deadline(row: QueueRow) -> SafeString | str:
            return deadline_badge(row, clock)

        @admin.display(description=_("match"))
        def match(row: QueueRow) -> SafeString:
            return format_html(
                '<a class="matching-match-link" href="{}">{}'
                '<span class="matching-visually-hidden"> {}</span></a>',
                reverse("admin:matching_queuedrequest_match", args=[row.public_id]),
                _("Match"),
                row.case_code,
            )

        columns: list[Callable[[QueueRow], Any]] = [
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
        clock = clock_of(request)
        status = support_request.status
        is_matchable = status in lifecycle.QUEUE
        current = active_assignment(support_request) if is_matchable else None
        avoided_ids = [supporter.pk for supporter in support_request.avoid_supporters.all()]
        suggestions: list[Suggestion] = []
        unavailable: list[Suggestion] = []
        if is_matchable:
            suggestions, unavailable = rank(
                support_request,
                candidates(today=clock.calendar.local_date(clock.now)),
                avoided_ids=avoided_ids,
                exclude_ids=[current.supporter_id] if current is not None else [],
            )
        current_deadline = (
            deadline_of(
                current.contact_due_at,
                first_contact_at=current.first_contact_at,
                now=clock.now,
                calendar=clock.calendar,
            )
            if current is not None
            else None
        )
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Match %(code)s") % {"code": support_request.case_code},
            "support_request": support_request,
            "hints": self._hints(support_request),
            "current": current,
            "current_due_words": (
                due_date_words(current.contact_due_at, calendar=clock.calendar) if current else ""
            ),
            "current_is_overdue": (
                current_deadline is not None and current_deadline.state == "overdue"
            ),
            "history": list(assignment_history(support_request)),
            "is_matchable": is_matchable,
            "can_assign": lifecycle.can_assign(status),
            "can_reassign": lifecycle.can_reassign(status),
            "can_withdraw": lifecycle.can_withdraw(status),
            "suggestions": suggestions,
            "unavailable": unavailable,
            "avoided_count": len(avoided_ids),
            # "No longer waiting" is the retention sweep's own reason, not a choice.
            "withdrawal_reasons": [
                (value, label)
                for value, label in WithdrawalReason.choices
                if value != WithdrawalReason.NO_LONGER_WAITING
            ],
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
        current = active_assignment(support_request) if reassigning else None
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
                "date": due_date_words(assignment.contact_due_at, calendar=calendar),
            },
        )
        if current is not None and requester_hears_of_matches(support_request):
            # The service emails the requester only when the date changes: say which it was.
            same_date = not due_date_changed(
                current.contact_due_at, assignment.contact_due_at, calendar=calendar
            )
            messages.info(
                request,
                _("The date to expect contact is unchanged, so the requester is not emailed again.")
                if same_date
                else _("The requester is emailed the new date to expect contact."),
            )

    @staticmethod
    def _posted_supporter(request: HttpRequest) -> Supporter | None:
        pk = as_pk(request.POST.get("supporter", ""))
        return None if pk is None else roster().filter(pk=pk).first()
