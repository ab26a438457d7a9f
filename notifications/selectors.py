"""Read the outbox."""

from django.db.models import QuerySet

from .models import OutgoingEmail


def failed_emails() -> QuerySet[OutgoingEmail]:
    """Return the emails the outbox gave up on, newest first."""
    return OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).order_by("-created_at")
