"""Requests and the access log in the admin, for program administrators.

Identifiers show only on a request's change page, and opening it writes an access-log
row. Search takes a case code or a public id only: a name typed into a search box would
end up in URLs and server logs.
"""

from typing import Any, cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.admin import CaseCodeSearchMixin, ReadOnlyAdminMixin
from programs.vocabulary import Reason

from .models import AccessLog, SupportRequest
from .selectors import access_log, requests_for_staff
from .services import record_access


class ReasonFilter(admin.SimpleListFilter):
    title = _("reason")
    parameter_name = "reason"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in Reason.choices]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[SupportRequest]
    ) -> QuerySet[SupportRequest]:
        if self.value() in Reason.values:
            return queryset.filter(reasons__contains=[self.value()])
        return queryset


@admin.register(SupportRequest)
class SupportRequestAdmin(CaseCodeSearchMixin, admin.ModelAdmin[SupportRequest]):
    list_display = ["case_code", "status", "source", "age", "submitted_at"]
    list_filter = ["status", "source", ReasonFilter, "language", "modality"]
    search_fields = ["case_code"]
    search_help_text = _("Search by case code (PS-…) or public id.")
    ordering = ["-submitted_at"]
    list_per_page = 50
    show_full_result_count = False
    # Status changes only through the services; this page shows, it does not edit.
    fieldsets = (
        (_("Request"), {"fields": ("case_code", "public_id", "status", "source")}),
        (
            _("How to reach the person"),
            {"fields": ("name", "email", "phone", "preferred_contact", "best_times")},
        ),
        (
            _("Preferences"),
            {
                "fields": (
                    "modality",
                    "language",
                    "career_stage",
                    "specialty_group",
                    "region",
                    "reasons",
                    "no_survey",
                )
            },
        ),
        (_("Referral"), {"fields": ("referrer_name", "referrer_email", "consent_attested_at")}),
        (_("Ending"), {"fields": ("outcome", "referred_to", "withdrawal_reason")}),
        (
            _("Times"),
            {
                "fields": (
                    "submitted_at",
                    "confirmed_at",
                    "waiting_since",
                    "first_matched_at",
                    "first_contact_at",
                    "closed_at",
                    "withdrawn_at",
                    "scrubbed_at",
                    "unmatched_reminded_at",
                    "survey_invited_at",
                )
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [str(name) for _title, section in self.fieldsets for name in section["fields"]]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SupportRequest]:
        return requests_for_staff()

    @admin.display(description=_("age"), ordering="submitted_at")
    def age(self, obj: SupportRequest) -> str:
        days = (timezone.now() - obj.submitted_at).days
        return str(_("today")) if days == 0 else f"{days} d"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        support_request = getattr(response, "context_data", {}).get("original")
        if response.status_code == 200 and support_request is not None:
            # The admin's own views let only signed-in staff in.
            administrator = cast(User, request.user)
            record_access(user=administrator, requests=[support_request], view="admin request")
        return response


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[AccessLog]):
    list_display = ["accessed_at", "user", "request", "view"]
    list_filter = ["view"]
    search_fields = ["request__case_code"]
    date_hierarchy = "accessed_at"
    readonly_fields = ["accessed_at", "user", "request", "view"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AccessLog]:
        return access_log()
