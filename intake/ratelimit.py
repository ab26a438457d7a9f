"""Hold off floods of the public forms: per client IP and in all, per clock hour."""

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest

from core.http import client_ip
from core.ratelimit import allow


def allow_submission(request: HttpRequest, *, now: datetime | None = None) -> bool:
    """Count one submission of a public form; return False when a limit is exceeded."""
    return allow(
        scope="intake",
        limits={
            "ip": (client_ip(request), settings.INTAKE_LIMIT_PER_IP_PER_HOUR),
            "all": ("", settings.INTAKE_LIMIT_PER_HOUR),
        },
        now=now,
    )
