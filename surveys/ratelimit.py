"""Hold off floods of survey answers: intake's limits, counted apart from intake's; and of
poll answers, with limits sized for a group that may share one hospital's address."""

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest

from core.http import client_ip
from core.ratelimit import allow


def allow_submission(request: HttpRequest, *, now: datetime | None = None) -> bool:
    """Count one sent survey; return False when a limit is exceeded (Redis down: True).

    The client's address only keys an hourly counter in Redis, as an HMAC; no survey row
    ever holds it.
    """
    return allow(
        scope="surveys",
        limits={
            "ip": (client_ip(request), settings.INTAKE_LIMIT_PER_IP_PER_HOUR),
            "all": ("", settings.INTAKE_LIMIT_PER_HOUR),
        },
        now=now,
    )


# A whole group may answer from behind one hospital's address, within minutes.
POLL_LIMIT_PER_IP_PER_HOUR = 60
POLL_LIMIT_PER_HOUR = 600


def allow_poll_answer(request: HttpRequest, *, now: datetime | None = None) -> bool:
    """Count one sent poll; return False when a limit is exceeded (Redis down: True).

    As for surveys, the address only keys an hourly counter in Redis, as an HMAC.
    """
    return allow(
        scope="polls",
        limits={
            "ip": (client_ip(request), POLL_LIMIT_PER_IP_PER_HOUR),
            "all": ("", POLL_LIMIT_PER_HOUR),
        },
        now=now,
    )
