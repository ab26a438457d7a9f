"""Calls for help: a supporter's safety concern about a contact, or a debrief for themselves.

Both tell the administrators at once, by case code or not at all (never a name or a
reason), and both tell them only once while the first call is open.
"""

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from supporters.models import Supporter
from supporters.selectors import roster

from .. import emails
from ..models import Assignment, DebriefRequest, SafetyConcern
from .common import lock_active_assignment

logger = logging.getLogger(__name__)


@transaction.atomic
def flag_safety_concern(
    *, assignment: Assignment, raised_by: User, now: datetime | None = None
) -> tuple[SafetyConcern, bool]:
    """Raise a safety concern about a contact; return it and whether it is new.

    Side effect: an immediate email to every administrator with the case code, a link to
    the concern and the urgent number, nothing more. While a concern on this contact is
    open, pressing again tells nobody twice; `reescalate_safety_concerns` emails once more
    if nobody marks it handled in time.
    """
    now = now or timezone.now()
    locked_request, locked_assignment = lock_active_assignment(assignment.pk)
    existing = SafetyConcern.objects.filter(
        assignment=locked_assignment, handled_at__isnull=True
    ).first()
    if existing is not None:
        return existing, False
    concern = SafetyConcern.objects.create(
        assignment=locked_assignment, raised_by=raised_by, raised_at=now
    )
    emails.safety_concern_to_administrators(concern)
    logger.warning("matching: safety concern raised on request %s", locked_request.public_id)
    return concern, True


@transaction.atomic
def mark_safety_concern_handled(
    *, concern: SafetyConcern, handled_by: User, now: datetime | None = None
) -> bool:
    """Mark an open safety concern handled, which clears the admin's banner."""
    return _mark_handled(SafetyConcern.objects.filter(pk=concern.pk), handled_by, now)


@transaction.atomic
def ask_for_debrief(
    *, supporter: Supporter, now: datetime | None = None
) -> tuple[DebriefRequest, bool]:
    """A supporter asks for a debrief for themselves; return it and whether it is new.

    Side effect: the administrators are told a supporter asked, with no details. While a
    request is open, asking again tells nobody twice.
    """
    now = now or timezone.now()
    list(roster().select_for_update().filter(pk=supporter.pk).values_list("pk"))
    existing = DebriefRequest.objects.filter(supporter=supporter, handled_at__isnull=True).first()
    if existing is not None:
        return existing, False
    debrief = DebriefRequest.objects.create(supporter=supporter, requested_at=now)
    emails.debrief_to_administrators(debrief)
    return debrief, True


@transaction.atomic
def mark_debrief_handled(
    *, debrief: DebriefRequest, handled_by: User, now: datetime | None = None
) -> bool:
    """Mark a debrief request handled; asking again is possible from then on."""
    return _mark_handled(DebriefRequest.objects.filter(pk=debrief.pk), handled_by, now)


def _mark_handled(rows: QuerySet[Any], handled_by: User, now: datetime | None) -> bool:
    """Stamp an open row handled; return False when someone else already had."""
    updated = rows.filter(handled_at__isnull=True).update(
        handled_at=now or timezone.now(), handled_by=handled_by
    )
    return updated > 0
