"""Sessions that end, and a second factor before anything else.

`SessionTimeoutMiddleware` signs a session out after `SESSION_IDLE_TIMEOUT` without a
request, or `SESSION_ABSOLUTE_TIMEOUT` after it signed in, whatever the activity (a
page's own live refresh counts as activity, up to that cap).
`SecondFactorRequiredMiddleware` lets a session that passed the password but not the
second factor reach only the second-factor pages and signing out: every other page,
the admin site included, sends it to enrolment or to the code page first.
"""

import time
from collections.abc import Callable
from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from .models import User

STARTED_AT = "_signed_in_at"
SEEN_AT = "_seen_at"
# Writing the session on every request would cost a query each time; to the minute is
# precise enough for a 30-minute idle limit.
SEEN_PRECISION = 60

# URL names a half signed-in session may open.
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {
        "accounts:second_factor",
        "accounts:second_factor_setup",
        "accounts:backup_code",
        "accounts:logout",
        "healthz",
    }
)


def start_session_clock(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """On `user_logged_in`: the 12 hours and the idle time count from this sign-in."""
    now = int(time.time())
    request.session[STARTED_AT] = now
    request.session[SEEN_AT] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            started = int(session.setdefault(STARTED_AT, now))
            seen = int(session.get(SEEN_AT, now))
            if now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                hours = settings.SESSION_ABSOLUTE_TIMEOUT // 3600
                self._end(
                    request,
                    _("For your security, a session ends %(hours)s hours after signing in.")
                    % {"hours": hours},
                )
            elif now - seen > settings.SESSION_IDLE_TIMEOUT:
                minutes = settings.SESSION_IDLE_TIMEOUT // 60
                self._end(
                    request,
                    _("For your security, you were signed out after %(minutes)s minutes idle.")
                    % {"minutes": minutes},
                )
            elif now - seen >= SEEN_PRECISION or SEEN_AT not in session:
                session[SEEN_AT] = now
        return self.get_response(request)

    @staticmethod
    def _end(request: HttpRequest, why: str) -> None:
        logout(request)  # deletes the session row and gives the browser a new key
        messages.info(request, why + " " + _("Please sign in again."))


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # OTPMiddleware, earlier in the chain, gives every user `is_verified()`.
        is_verified: Callable[[], bool] = getattr(user, "is_verified", lambda: False)
        if user.is_authenticated and not is_verified() and not self._is_open(request):
            return self._send_to_second_factor(request)
        return self.get_response(request)

    @staticmethod
    def _is_open(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in OPEN_BEFORE_SECOND_FACTOR

    @staticmethod
    def _send_to_second_factor(request: HttpRequest) -> HttpResponse:
        from .second_factor import has_second_factor

        user = cast(User, request.user)  # authenticated: the caller checked
        name = (
            "accounts:second_factor" if has_second_factor(user) else "accounts:second_factor_setup"
        )
        url = reverse(name)
        if request.method in ("GET", "HEAD"):
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)
