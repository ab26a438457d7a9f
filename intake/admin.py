"""Requests and the access log in the admin, for program administrators.

Identifiers show only on a request's change page, and opening it writes an access-log
row. Search takes a case code or a public id only: a name typed into a search box would
end up in URLs and server logs.
"""

from datetime import date
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from core.admin import CaseCodeSearchMixin, ReadOnlyAdminMixin
from core.widgets import DateInput
from programs.business_days import clock_of
from programs.dates import age_words
from programs.program import current
from programs.vocabulary import Reason

from .models import AccessLog, LegalHold, SupportRequest
from .retention import lift_legal_hold, place_legal_hold
from .selectors import access_log, requests, requests_for_staff
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


class LegalHoldInline(ReadOnlyAdminMixin, admin.TabularInline[LegalHold, SupportRequest]):
    """The request's legal holds, on its page: placed and lifted from the holds' own list."""

    model = LegalHold
    fields = readonly_fields = ("reason", "held_until", "placed_by", "placed_at", "lifted_at")
    extra = 0
    can_delete = False


@admin.register(SupportRequest)
class SupportRequestAdmin(CaseCodeSearchMixin, admin.ModelAdmin[SupportRequest]):
    list_filter = ["status", "source", ReasonFilter, "language", "modality"]
    search_fields = ["case_code"]
    search_help_text = _("Search by case code (PS-…) or public id.")
    inlines = [LegalHoldInline]
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

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        # The age counts business days, as every deadline does, with one calendar a page.
        clock = clock_of(request)

        @admin.display(description=_("age"), ordering="submitted_at")
        def age(obj: SupportRequest) -> str:
            return age_words(clock.calendar.business_days_between(obj.submitted_at, clock.now))

        return ["case_code", "status", "source", age, "submitted_at"]

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


class LegalHoldForm(forms.ModelForm[LegalHold]):
    """Place a hold: the request by its case code, a reason from the list, an end date."""

    case_code = forms.CharField(
        label=_("Case code"),
        max_length=12,
        help_text=_("The request to hold, for example PS-7F3K2Q."),
    )

    class Meta:
        model = LegalHold
        fields = ["case_code", "reason", "held_until"]
        widgets = {"held_until": DateInput()}

    def clean_case_code(self) -> SupportRequest:
        code = self.cleaned_data["case_code"].strip().upper()
        if not code.startswith("PS-"):
            code = f"PS-{code}"
        found = requests().filter(case_code=code).first()
        if found is None:
            raise forms.ValidationError(_("No request has this case code."))
        if found.scrubbed_at is not None:
            raise forms.ValidationError(
                _("This request's identifiers were already scrubbed: there is nothing to hold.")
            )
        return found

    def clean_held_until(self) -> date:
        held_until: date = self.cleaned_data["held_until"]
        if held_until < current().today():
            raise forms.ValidationError(_("Choose today or a later date."))
        return held_until


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin[LegalHold]):
    """Legal holds: placed here by case code, lifted early by the action, never deleted."""

    form = LegalHoldForm
    list_display = ["case_code", "reason", "held_until", "placed_by", "placed_at", "state"]
    list_filter = ["reason"]
    search_fields = ["request__case_code"]
    readonly_fields = ["case_code", "placed_by", "placed_at", "lifted_at", "state"]
    actions = ["lift"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[LegalHold]:
        return LegalHold.objects.select_related("request", "placed_by")

    def get_fields(self, request: HttpRequest, obj: LegalHold | None = None) -> Any:
        if obj is None:
            return ["case_code", "reason", "held_until"]
        return ["case_code", "reason", "held_until", "placed_by", "placed_at", "state"]

    def get_readonly_fields(self, request: HttpRequest, obj: LegalHold | None = None) -> Any:
        if obj is None:
            return []
        return ["case_code", "reason", "held_until", "placed_by", "placed_at", "state"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: LegalHold, form: forms.ModelForm[LegalHold], change: bool
    ) -> None:
        if change:
            return
        hold = place_legal_hold(
            request=form.cleaned_data["case_code"],
            reason=form.cleaned_data["reason"],
            held_until=form.cleaned_data["held_until"],
            placed_by=cast(User, request.user),
        )
        obj.pk, obj.request, obj.placed_by, obj.placed_at = (
            hold.pk,
            hold.request,
            hold.placed_by,
            hold.placed_at,
        )
        obj._state = hold._state

    @admin.display(description=_("case code"), ordering="request__case_code")
    def case_code(self, obj: LegalHold) -> str:
        return obj.request.case_code

    @admin.display(description=_("state"))
    def state(self, obj: LegalHold) -> str:
        if obj.lifted_at is not None:
            return str(_("Lifted"))
        if obj.held_until < current().today():
            return str(_("Ended"))
        return str(_("Holding"))

    @admin.action(description=_("Lift the selected holds now"))
    def lift(self, request: HttpRequest, queryset: QuerySet[LegalHold]) -> None:
        lifted = sum(
            lift_legal_hold(hold=hold, lifted_by=cast(User, request.user))
            for hold in queryset.select_related("request")
        )
        self.message_user(
            request,
            ngettext("Lifted %(count)d hold.", "Lifted %(count)d holds.", lifted)
            % {"count": lifted},
            messages.SUCCESS,
        )
