"""Hold off floods without a third-party CAPTCHA: hourly counters in Redis.

Counts live in Redis through Django's cache, per clock hour. Keys are HMACs under the
secret key, so Redis never holds a raw address. When Redis is down the limiter lets
the request through (fail open for people, DESIGN.md) and logs it.
"""

import hashlib
import hmac
import logging
from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60 * 60


def _key(scope: str, *parts: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), "|".join(parts).encode(), hashlib.sha256
    ).hexdigest()
    return f"{scope}-limit:{digest[:40]}"


def _hit(key: str) -> int:
    if cache.add(key, 1, timeout=WINDOW_SECONDS):
        return 1
    return int(cache.incr(key))


def allow(
    *, scope: str, limits: Mapping[str, tuple[str, int]], now: datetime | None = None
) -> bool:
    """Count one hit on each of `limits`; return False when any is over its hourly cap.

    `limits` maps a counter's name to (what it counts per, the cap): for example
    `{"ip": (client_ip(request), 10), "all": ("", 200)}`. Every counter is counted, so
    a refused hit still counts against each of them.
    """
    now = now or timezone.now()
    hour = now.strftime("%Y%m%d%H")
    try:
        counts = {
            name: _hit(_key(scope, name, hour, value)) for name, (value, _cap) in limits.items()
        }
    except Exception:
        logger.warning("%s: rate limiter unavailable (Redis down?); letting a request in", scope)
        return True
    if any(counts[name] > cap for name, (_value, cap) in limits.items()):
        logger.warning("%s: rate limit reached; answered 429", scope)
        return False
    return True
