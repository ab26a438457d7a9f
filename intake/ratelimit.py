"""Hold off floods of the public forms, without a third-party CAPTCHA.

Counts live in Redis through Django's cache, per client IP and in all, per clock hour.
Keys are HMACs of the IP under the secret key: Redis never holds a raw address. When
Redis is down the limiter lets the submission through (fail open for people) and logs it.
"""

import hashlib
import hmac
import logging
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from accounts.http import client_ip

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60 * 60


def _key(*parts: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), "|".join(parts).encode(), hashlib.sha256
    ).hexdigest()
    return f"intake-limit:{digest[:40]}"


def _hit(key: str) -> int:
    if cache.add(key, 1, timeout=WINDOW_SECONDS):
        return 1
    return int(cache.incr(key))


def allow_submission(request: HttpRequest, *, now: datetime | None = None) -> bool:
    """Count one submission of a public form; return False when a limit is exceeded."""
    now = now or timezone.now()
    hour = now.strftime("%Y%m%d%H")
    try:
        per_ip = _hit(_key("ip", hour, client_ip(request)))
        overall = _hit(_key("all", hour))
    except Exception:
        logger.warning("intake: rate limiter unavailable (Redis down?); letting a submission in")
        return True
    if per_ip > settings.INTAKE_LIMIT_PER_IP_PER_HOUR or overall > settings.INTAKE_LIMIT_PER_HOUR:
        logger.warning("intake: rate limit reached; answered 429")
        return False
    return True
