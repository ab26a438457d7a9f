"""Users in the admin: administrators manage accounts and their roles, reset a lost second
factor, and lift a sign-in lockout."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .forms import AdminSetPasswordForm
from .lockout import unlock_sign_in
from .models import SecondFactorReset, TOTPDevice, User
from .second_factor import reset_second_factor
from .services import end_sessions


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "has_second_factor", "last_login"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("name", "language")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "language", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups"]
    change_password_form = AdminSetPasswordForm
    actions = ["reset_second_factor", "unlock_sign_in"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
            )
        )

    @admin.display(boolean=True, description=_("two-step sign-in"), ordering="second_factor")
    def has_second_factor(self, user: User) -> bool:
        return bool(getattr(user, "second_factor", False))

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and not obj.is_active:
            # A deactivated account's open sessions go now, not at their next request.
            end_sessions(user=obj)

    @admin.action(description=_("Reset two-step sign-in (they set it up again)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        now = timezone.now()
        users = list(queryset)
        for user in users:
            reset_second_factor(user=user, reset_by=request.user, now=now)  # type: ignore[arg-type]
        self.message_user(
            request,
            ngettext(
                "Two-step sign-in is reset for %(count)d account; it is set up again at the "
                "next sign-in.",
                "Two-step sign-in is reset for %(count)d accounts; each sets it up again at "
                "the next sign-in.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Lift a sign-in pause after too many wrong passwords"))
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset)
        for user in users:
            unlock_sign_in(user=user)
        self.message_user(
            request,
            ngettext(
                "Sign-in is open again for %(count)d account.",
                "Sign-in is open again for %(count)d accounts.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )


@admin.register(SecondFactorReset)
class SecondFactorResetAdmin(admin.ModelAdmin[SecondFactorReset]):
    """Read-only: the trace of who reset whose second factor, and when."""

    list_display = ["reset_at", "user", "reset_by"]
    list_select_related = ["user", "reset_by"]
    date_hierarchy = "reset_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
