"""Sign-in pages: one way in for everyone (a password, then a second factor), each role's
home, password links, and the admin site's door for people who are not administrators."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_safe

from core.http import client_ip
from core.ratelimit import allow

from .access import is_administrator, is_lead, is_supporter
from .encryption import DecryptionError, decrypt, encrypt
from .forms import (
    AuthenticatorCodeForm,
    BackupCodeForm,
    ChoosePasswordForm,
    LoginForm,
    PasswordResetRequestForm,
)
from .models import User
from .second_factor import (
    backup_codes_left,
    confirm_enrolment,
    has_second_factor,
    mark_verified,
    new_secret,
    provisioning_uri,
    qr_code_data_uri,
    spaced_base32,
    verify_backup_code,
    verify_code,
)
from .services import password_link_hours, request_password_reset
from .tokens import password_link_tokens

# Reset links asked for one address, and from one IP, per hour.
RESET_LIMIT_PER_ADDRESS = 3
RESET_LIMIT_PER_IP = 10
PENDING_KEY = "_pending_totp_key"


def _next_url(request: HttpRequest) -> str:
    """Return the safe `next` of this request, or the signed-in home."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    """The password step; the second factor comes next, on its own page."""

    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        super().form_valid(form)  # signs in under a new session key
        user = form.get_user()
        step = (
            "accounts:second_factor" if has_second_factor(user) else "accounts:second_factor_setup"
        )
        return HttpResponseRedirect(_with_next(step, self.get_success_url()))


class LogoutView(auth_views.LogoutView):
    pass


def _half_signed_in_user(request: HttpRequest) -> User | None:
    """Return the user who passed the password step, or None (then sign in first)."""
    return request.user if isinstance(request.user, User) else None


@sensitive_post_parameters("code")
@sensitive_variables()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan, type the first code, save the backup codes.

    The new secret waits, encrypted, in the session until a code confirms it, so
    opening this page creates nothing.
    """
    user = _half_signed_in_user(request)
    if user is None:
        return redirect(settings.LOGIN_URL)
    next_url = _next_url(request)
    if has_second_factor(user) and not user.is_verified():  # type: ignore[attr-defined]
        # A password alone must never replace a second factor that exists.
        return HttpResponseRedirect(_with_next("accounts:second_factor", next_url))
    key = _pending_key(request, user)
    form = AuthenticatorCodeForm(request.POST or None, submit=_("Turn on two-step sign-in"))
    if request.method == "POST" and form.is_valid():
        enrolled = confirm_enrolment(
            user=user, key=key, code=form.cleaned_data["code"], now=timezone.now()
        )
        if enrolled is not None:
            device, codes = enrolled
            del request.session[PENDING_KEY]
            mark_verified(request, device)
            return render(
                request,
                "registration/backup_codes.html",
                {"codes": codes, "next": next_url},
            )
        form.add_error(
            "code",
            _("That code does not match. Type the newest code your app shows for this account."),
        )
    return render(
        request,
        "registration/second_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": qr_code_data_uri(provisioning_uri(user=user, key=key)),
            "secret": spaced_base32(key),
        },
    )


def _pending_key(request: HttpRequest, user: User) -> bytes:
    context = f"pending-totp-key:{user.pk}"
    stored = request.session.get(PENDING_KEY)
    if stored:
        try:
            return decrypt(stored, context=context)
        except DecryptionError:
            pass
    key = new_secret()
    request.session[PENDING_KEY] = encrypt(key, context=context)
    return key


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the authenticator app's code after the password."""
    user = _half_signed_in_user(request)
    if user is None:
        return redirect(settings.LOGIN_URL)
    next_url = _next_url(request)
    if user.is_verified():  # type: ignore[attr-defined]
        return HttpResponseRedirect(next_url)
    if not has_second_factor(user):
        return HttpResponseRedirect(_with_next("accounts:second_factor_setup", next_url))
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = verify_code(user=user, code=form.cleaned_data["code"])
        if device is not None:
            mark_verified(request, device)
            return HttpResponseRedirect(next_url)
        form.add_error("code", _wrong_code_message())
    return render(request, "registration/second_factor.html", {"form": form, "next": next_url})


def _wrong_code_message() -> str:
    return _(
        "That code did not work. Wait for the next code and type it; after several wrong "
        "codes, each new try has to wait a little longer."
    )


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def backup_code(request: HttpRequest) -> HttpResponse:
    """Sign in with a backup code instead of the app's code; the code is then used up."""
    user = _half_signed_in_user(request)
    if user is None:
        return redirect(settings.LOGIN_URL)
    next_url = _next_url(request)
    if user.is_verified():  # type: ignore[attr-defined]
        return HttpResponseRedirect(next_url)
    form = BackupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = verify_backup_code(user=user, code=form.cleaned_data["code"])
        if device is not None:
            mark_verified(request, device)
            left = backup_codes_left(user)
            messages.warning(
                request,
                ngettext(
                    "You signed in with a backup code. You have %(left)d backup code left.",
                    "You signed in with a backup code. You have %(left)d backup codes left.",
                    left,
                )
                % {"left": left},
            )
            return HttpResponseRedirect(next_url)
        form.add_error("code", _wrong_code_message())
    return render(request, "registration/backup_code.html", {"form": form, "next": next_url})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each signed-in person to where their work is."""
    if is_administrator(request.user):
        return redirect(reverse("admin:index"))
    if is_supporter(request.user):
        # By URL name: accounts sits below matching and reports and imports neither.
        return redirect(reverse("matching:portal"))
    if is_lead(request.user):
        return redirect(reverse("reports:dashboard"))
    return render(request, "accounts/home.html")


@require_safe
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site's login: the one sign-in page, or a 403 for a signed-in non-administrator.

    Without the 403, a signed-in supporter or lead would loop between the admin's login
    and ours (each sends a signed-in person to the other).
    """
    if request.user.is_authenticated:
        if is_administrator(request.user):
            return HttpResponseRedirect(_next_url(request))
        return render(request, "registration/admin_refused.html", status=403)
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(reverse(settings.LOGIN_URL) + (f"?{query}" if query else ""))


@sensitive_post_parameters("email")
@sensitive_variables()
@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a password link: one code path whether or not the account exists.

    The page writes a request row and wakes a worker, which looks the account up and
    renders the email; the answer is the same either way.
    """
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if not allow(
            scope="password-reset",
            limits={
                "address": (email, RESET_LIMIT_PER_ADDRESS),
                "ip": (client_ip(request), RESET_LIMIT_PER_IP),
            },
        ):
            return render(request, "registration/too_many_requests.html", status=429)
        request_password_reset(email=email, now=timezone.now())
        return redirect("accounts:password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


@require_safe
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(
        request, "registration/password_reset_done.html", {"hours": password_link_hours()}
    )


@method_decorator(sensitive_post_parameters("new_password1", "new_password2"), name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a password from an emailed link: a reset (an hour), or an invitation (3 days).

    Django's view moves the token from the URL into the session at once, so the page
    that holds the form has no token in its address (nor in a Referer header).
    """

    form_class = ChoosePasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    token_generator = password_link_tokens


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
