"""The roster in the admin: one add form invites a supporter; the change form edits a profile."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programs.program import current

from .forms import ADMIN_FIELDS, SupporterAdminForm, SupporterInviteForm
from .models import Supporter, TrainingRecord
from .selectors import roster_for_staff
from .services import invite_supporter, send_invitation, update_trained_on


class TrainingRecordInline(admin.TabularInline[TrainingRecord, Supporter]):
    """The supporter's courses and sessions; the earliest initial training sets their date."""

    model = TrainingRecord
    fields = ["kind", "title", "completed_on", "hours"]
    extra = 1
    verbose_name = _("training record")
    verbose_name_plural = _("training (the earliest initial training sets “training completed on”)")


@admin.register(Supporter)
class SupporterAdmin(admin.ModelAdmin[Supporter]):
    form = SupporterAdminForm
    inlines = [TrainingRecordInline]
    list_display = [
        "display_name",
        "availability_now",
        "capacity",
        "is_listed",
        "trained_on",
        "agreement_signed_on",
        "away_until",
    ]
    list_filter = ["is_listed", "accepts_new", "specialty_group", "region"]
    search_fields = ["display_name", "user__email"]
    readonly_fields = ["account", "availability_now"]
    actions = ["send_invitation_again"]
    fieldsets = (
        (_("Profile"), {"fields": ("display_name", "slug", "pronouns", "bio")}),
        (
            _("Matching"),
            {"fields": ("specialty_group", "career_stage", "languages", "modalities", "region")},
        ),
        (_("Reached directly"), {"fields": ("published_contact",)}),
        (
            _("Availability"),
            {"fields": ("capacity", "accepts_new", "away_until", "is_listed", "availability_now")},
        ),
        (_("Readiness"), {"fields": ("trained_on", "agreement_signed_on")}),
        (_("Account"), {"fields": ("account", "phone")}),
    )
    add_fieldsets = (
        (_("Account"), {"fields": ("email", "language", "phone")}),
        (_("Profile"), {"fields": ("display_name", "pronouns", "bio")}),
        (
            _("Matching"),
            {"fields": ("specialty_group", "career_stage", "languages", "modalities", "region")},
        ),
        (_("Availability"), {"fields": ("capacity", "accepts_new", "away_until", "is_listed")}),
        (_("Readiness"), {"fields": ("trained_on", "agreement_signed_on")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Supporter]:
        return roster_for_staff(today=current().today())

    def get_fieldsets(self, request: HttpRequest, obj: Supporter | None = None) -> Any:
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_inlines(self, request: HttpRequest, obj: Supporter | None) -> Any:
        # The add form invites the supporter; training is recorded on their page after.
        return [] if obj is None else super().get_inlines(request, obj)

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm[Supporter],
        formsets: list[BaseInlineFormSet[Any, Supporter, Any]],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        if change:
            update_trained_on(supporter=form.instance)

    def get_readonly_fields(self, request: HttpRequest, obj: Supporter | None = None) -> Any:
        return () if obj is None else super().get_readonly_fields(request, obj)

    def get_form(
        self,
        request: HttpRequest,
        obj: Supporter | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        if obj is None:
            kwargs["form"] = SupporterInviteForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Supporter, form: ModelForm[Supporter], change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        invited = invite_supporter(
            email=data["email"],
            language=data["language"],
            now=timezone.now(),
            **{name: data[name] for name in ADMIN_FIELDS},
        )
        # The admin goes on with the object it built: make it the one the service saved.
        for field in Supporter._meta.concrete_fields:
            setattr(obj, field.attname, getattr(invited, field.attname))
        obj._state = invited._state
        self.message_user(
            request,
            _("An invitation to set a password is on its way to %(email)s.")
            % {"email": data["email"]},
            messages.SUCCESS,
        )

    @admin.display(description=_("account"))
    def account(self, obj: Supporter) -> str:
        return obj.user.email

    @admin.display(description=_("availability today"))
    def availability_now(self, obj: Supporter) -> str:
        return obj.availability.label

    @admin.action(description=_("Send the invitation again"))
    def send_invitation_again(self, request: HttpRequest, queryset: QuerySet[Supporter]) -> None:
        sent = skipped = 0
        now = timezone.now()
        for supporter in queryset.select_related("user"):
            if supporter.user.has_usable_password() or not supporter.user.is_active:
                skipped += 1
                continue
            send_invitation(supporter=supporter, now=now)
            sent += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "Sent the invitation again to %(count)d supporter.",
                    "Sent the invitation again to %(count)d supporters.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d supporter already has a password (or is inactive): they can use "
                    "“Forgot your password?” on the sign-in page.",
                    "%(count)d supporters already have a password (or are inactive): they can "
                    "use “Forgot your password?” on the sign-in page.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
