"""What the app knows of a visitor's connection."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """Return the client's IP address, trusting only `TRUSTED_PROXY_COUNT` proxies.

    With no trusted proxy, `X-Forwarded-For` is ignored (anyone can send it). With N
    trusted proxies, the Nth entry from the right is the address the nearest trusted
    proxy saw; entries further left were written by the client and are not trusted.
    """
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return forwarded[0] if forwarded else remote
    return forwarded[-count]


def as_pk(value: str) -> int | None:
    """Return `value` as a primary key, or None when it is not a plain positive number."""
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        return None
    return int(value)
