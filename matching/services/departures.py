"""A supporter who leaves: their access ends at once, and their contacts are listed for
reassignment (never handed back silently, never left with nobody told).

Deactivation lives in matching, not in the roster, because it is about the supporter's
contacts: supporters never imports matching.
"""

import logging
from datetime import datetime

from django.db import transaction

from accounts.models import User
from accounts.services import deactivate_user
from supporters.models import Supporter
from supporters.selectors import roster

from .. import emails
from ..models import Assignment
from ..selectors import assignments

logger = logging.getLogger(__name__)


@transaction.atomic
def deactivate_supporter(
    *, supporter: Supporter, deactivated_by: User, now: datetime | None = None
) -> list[Assignment]:
    """End a supporter's access at once; return their active contacts, to be reassigned.

    Side effects: the account becomes inactive and every session of it is deleted, so
    the portal is refused from the next click; the supporter can no longer be assigned
    or listed (availability needs an active account). The contacts stay assigned, shown
    by `contacts_of_inactive_supporters` until an administrator reassigns each, and the
    administrators are emailed how many and which case codes (no name) when there are
    any. Deactivating an inactive supporter changes nothing and emails nobody.
    """
    locked = roster().select_for_update().select_related("user").get(pk=supporter.pk)
    contacts = list(
        assignments()
        .filter(supporter=locked, ended_at__isnull=True)
        .select_related("request")
        .order_by("contact_due_at", "pk")
    )
    user = locked.user
    if not user.is_active:
        return contacts
    deactivate_user(user=user)
    if contacts:
        emails.departed_supporters_contacts_to_administrators(contacts)
    logger.info("matching: supporter %s deactivated by user %s", locked.pk, deactivated_by.pk)
    return contacts
