"""The outbox in the admin: read-only, failed rows easy to find and to retry."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import OutgoingEmail
from .services import retry_failed_emails


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin[OutgoingEmail]):
    list_display = ["kind", "status", "attempts", "created_at", "next_attempt_at", "sent_at"]
    list_filter = ["status", "kind"]
    # Rows hold addresses until sent: show kind, status and times, never the content.
    fields = readonly_fields = (
        "kind",
        "status",
        "attempts",
        "last_error",
        "request_public_id",
        "created_at",
        "next_attempt_at",
        "sent_at",
    )
    search_fields = ["=request_public_id"]
    actions = ["retry"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Retry the selected failed emails"), permissions=["view"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]) -> None:
        count = retry_failed_emails(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d email is queued again.", "%(count)d emails are queued again.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )
