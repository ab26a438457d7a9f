"""Read requests. Every query of requests goes through here (later: scoped by program)."""

from django.db.models import QuerySet

from .models import AccessLog, SupportRequest


def requests_for_staff() -> QuerySet[SupportRequest]:
    """Return every request an administrator may see, with what its list pages show."""
    return SupportRequest.objects.select_related("region")


def access_log() -> QuerySet[AccessLog]:
    return AccessLog.objects.select_related("user", "request")
