"""Sign-in pages: one way in for everyone, each role's home, and password links."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from .access import is_administrator, is_supporter
from .forms import ChoosePasswordForm, LoginForm, PasswordResetRequestForm
from .services import password_link_days, request_password_reset


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each signed-in person to where their work is."""
    if is_administrator(request.user):
        return redirect(reverse("admin:index"))
    if is_supporter(request.user):
        # By URL name: accounts sits below matching and never imports it.
        return redirect(reverse("matching:portal"))
    return render(request, "accounts/home.html")


@sensitive_post_parameters("email")
@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a password link; the answer is the same whether or not the account exists."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request_password_reset(email=form.cleaned_data["email"], now=timezone.now())
        return redirect("accounts:password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


@require_safe
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/password_reset_done.html", {"days": password_link_days()})


@method_decorator(sensitive_post_parameters("new_password1", "new_password2"), name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a password from an emailed link: a reset, or a supporter's invitation.

    Django's view moves the token from the URL into the session at once, so the page
    that holds the form has no token in its address (nor in a Referer header).
    """

    form_class = ChoosePasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
