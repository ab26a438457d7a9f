"""The roster's admin, with what needs assignments: deactivating a supporter who leaves.

The roster's own admin lives in `supporters`, which never imports matching; matching
registers this subclass in its place, so deactivation can go through the service that
knows about contacts.
"""

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from supporters.admin import SupporterAdmin
from supporters.models import Supporter

from ..selectors import assignments
from ..services import deactivate_supporter

admin.site.unregister(Supporter)


@admin.register(Supporter)
class RosterAdmin(SupporterAdmin):
    """The roster, plus "Deactivate": a supporter who leaves loses access at once."""

    actions = [*SupporterAdmin.actions, "deactivate"]

    def get_list_display(self, request: HttpRequest) -> Any:
        return [*super().get_list_display(request), "account_active"]

    @admin.display(description=_("can sign in"), boolean=True, ordering="user__is_active")
    def account_active(self, obj: Supporter) -> bool:
        return obj.user.is_active

    @admin.action(description=_("Deactivate: end their access now"), permissions=["change"])
    def deactivate(
        self, request: HttpRequest, queryset: QuerySet[Supporter]
    ) -> HttpResponse | None:
        """Ask once, listing the contacts each leaves; then deactivate through the service."""
        supporters = list(queryset.select_related("user").order_by("display_name", "pk"))
        if request.POST.get("post") != "yes":
            return self._confirm_deactivation(request, supporters)
        # The admin's own views let only administrators in.
        administrator = cast(User, request.user)
        to_reassign = 0
        for supporter in supporters:
            left = deactivate_supporter(supporter=supporter, deactivated_by=administrator)
            to_reassign += len(left)
        self.message_user(
            request,
            ngettext(
                "Deactivated %(count)d supporter: they can no longer sign in.",
                "Deactivated %(count)d supporters: they can no longer sign in.",
                len(supporters),
            )
            % {"count": len(supporters)},
            messages.SUCCESS,
        )
        if to_reassign:
            self.message_user(
                request,
                ngettext(
                    "%(count)d contact needs reassigning; the administrators are emailed "
                    "its case code.",
                    "%(count)d contacts need reassigning; the administrators are emailed "
                    "their case codes.",
                    to_reassign,
                )
                % {"count": to_reassign},
                messages.WARNING,
            )
        return None

    def _confirm_deactivation(
        self, request: HttpRequest, supporters: list[Supporter]
    ) -> TemplateResponse:
        active = (
            assignments()
            .filter(supporter__in=supporters, ended_at__isnull=True)
            .select_related("request")
            .order_by("contact_due_at")
        )
        codes: dict[int, list[str]] = {}
        for assignment in active:
            codes.setdefault(assignment.supporter_id, []).append(assignment.request.case_code)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Deactivate supporters?"),
            "opts": self.opts,
            "rows": [(supporter, codes.get(supporter.pk, [])) for supporter in supporters],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/matching/deactivate_supporters.html", context)
