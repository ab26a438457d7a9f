"""Sign-in throttling with django-axes: the hooks its settings name, unlocking, clean-up.

Five failures for one username from one client IP lock that pair out for 30 minutes
(settings). The IP is `core.http.client_ip`'s, which trusts only the configured proxies:
with axes' default (`REMOTE_ADDR`) everyone behind a proxy would share one address, and
five wrong passwords from anyone would lock the administrator out.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.http import client_ip

from .models import User


def client_ip_address(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE: the client's address as the project trusts it."""
    return client_ip(request)


def username_of(request: HttpRequest, credentials: Mapping[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: the typed address, trimmed and in lower case.

    Sign-in ignores case, so `Alice@` and `alice@` must count against the same lock.
    """
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username", "")
    return str(raw).strip().lower()[:254]


def client_description(
    username: str, ip_address: str, user_agent: str, path_info: str, request: HttpRequest
) -> str:
    """AXES_CLIENT_STR_CALLABLE: what axes writes in its log lines — never an address or IP."""
    return f"a client of {path_info}"


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the lockout page, with how long and whom to ask."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "program_contact_email": settings.PROGRAM_CONTACT_EMAIL},
        status=429,
    )


def unlock_sign_in(*, user: User) -> int:
    """Lift every sign-in lockout of `user`'s address, from any IP; return how many records."""
    return int(reset(username=user.email.lower()))


def expired_sign_in_failures(*, now: datetime) -> QuerySet[AccessAttempt]:
    """Return the sign-in failure records older than AXES_FAILURE_RETENTION_DAYS.

    They hold an address and an IP: the retention clean-up deletes them.
    """
    cutoff = now - timedelta(days=settings.AXES_FAILURE_RETENTION_DAYS)
    return AccessAttempt.objects.filter(attempt_time__lt=cutoff)


def delete_expired_sign_in_failures(*, now: datetime | None = None) -> int:
    """Delete the expired sign-in failure records; return how many."""
    return expired_sign_in_failures(now=now or timezone.now()).delete()[0]
