"""Read requests. Every query of requests starts at `requests()`: later, scoped by program there.

Services, views, the admin, tasks and the demo all begin here, never at
`SupportRequest.objects`, so that a deployment with several programs can narrow every
read of requests in one place.
"""

import hashlib
import uuid
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from programs.program import current

from .models import AccessLog, ReferralTally, SupportRequest

Status = SupportRequest.Status


def requests() -> QuerySet[SupportRequest]:
    """Return every request of the program: the base of every other query of requests."""
    return SupportRequest.objects.all()


def requests_for_staff() -> QuerySet[SupportRequest]:
    """Return every request an administrator may see, with what its list pages show."""
    return requests().select_related("region")


def hash_token(token: str) -> str:
    """Return the stored form of a colleague's link token: the token itself is never kept."""
    return hashlib.sha256(token.encode()).hexdigest()


def find_by_submission_key(submission_key: uuid.UUID | None) -> SupportRequest | None:
    """Return the request a form with this random key already made, if any."""
    if submission_key is None:
        return None
    return requests().filter(submission_key=submission_key).first()


def referral_by_token(token: str, *, now: datetime | None = None) -> SupportRequest | None:
    """Return the unconfirmed, unexpired referral this link token belongs to, if any."""
    now = now or timezone.now()
    if not token or len(token) > 100:
        return None
    return (
        requests()
        .filter(
            confirmation_token_hash=hash_token(token),
            status=Status.AWAITING_CONFIRMATION,
            submitted_at__gt=now - timedelta(days=current().referral_confirm_days),
        )
        .first()
    )


def is_used_referral_link(token: str) -> bool:
    """Return whether this link token belongs to a referral its colleague already confirmed.

    Confirming keeps the token's hash (not the token) so that the link, opened again, can
    say the request went through rather than that it never existed.
    """
    if not token or len(token) > 100:
        return False
    return (
        requests()
        .filter(confirmation_token_hash=hash_token(token))
        .exclude(status=Status.AWAITING_CONFIRMATION)
        .exists()
    )


def access_log() -> QuerySet[AccessLog]:
    return AccessLog.objects.select_related("user", "request")


def referral_tallies() -> QuerySet[ReferralTally]:
    """Return the de-identified counts of declined and lapsed referrals, by month."""
    return ReferralTally.objects.all()
