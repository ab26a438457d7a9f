"""Sign-in and password forms, laid out with crispy-forms."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AdminPasswordChangeForm, AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from core.forms import form_helper

from .models import User
from .services import end_sessions, set_password


class LoginForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget.attrs.update({"autocomplete": "email"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.helper = form_helper(submit=_("Sign in"))


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("The address you sign in with."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(submit=_("Send me a link"))


class ChoosePasswordForm(SetPasswordForm[User]):
    """Set a password from an emailed link (a reset, or a new supporter's first one)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password again")
        self.helper = form_helper(submit=_("Set my password"))

    def save(self, commit: bool = True) -> User:
        # Through the service: a new password ends every session opened with the old one.
        set_password(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class AdminSetPasswordForm(AdminPasswordChangeForm[User]):
    """The admin's "change password" form, ending the user's other sessions too."""

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        end_sessions(user=user)
        return user


class AuthenticatorCodeForm(forms.Form):
    """The six-digit code of an authenticator app (at enrolment and at each sign-in)."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        help_text=_("Six digits. A new code appears every 30 seconds."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, submit: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(submit=submit or _("Continue"))


class BackupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Backup code"),
        max_length=24,
        help_text=_("One of the ten codes you saved when you set up your app. Each works once."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(submit=_("Continue"))
