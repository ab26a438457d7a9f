"""The scratch note: written by its supporter, destroyed within hours.

Destroyed `NOTE_TTL_HOURS` after it was first written (editing does not extend it), when
the assignment ends, or at once on request. Conversations may be legally discoverable;
a note that no longer exists cannot be.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from programs.program import current

from ..models import Assignment, ScratchNote
from .common import lock_active_assignment

logger = logging.getLogger(__name__)


def note_lifetime() -> timedelta:
    return timedelta(hours=current().note_ttl_hours)


@transaction.atomic
def save_note(*, assignment: Assignment, text: str, now: datetime | None = None) -> ScratchNote:
    """Write or replace the contact's scratch note; its destruction time never moves."""
    now = now or timezone.now()
    _locked_request, locked_assignment = lock_active_assignment(assignment.pk)
    note = ScratchNote.objects.select_for_update().filter(assignment=locked_assignment).first()
    if note is not None and note.first_written_at <= now - note_lifetime():
        # Expired but not yet swept: it is gone, and a new note starts a new life.
        note.delete()
        note = None
    if note is None:
        return ScratchNote.objects.create(
            assignment=locked_assignment, text=text, first_written_at=now, updated_at=now
        )
    note.text = text
    note.updated_at = now
    note.save(update_fields=["text", "updated_at"])
    return note


@transaction.atomic
def destroy_note(*, assignment: Assignment) -> bool:
    """Destroy the contact's scratch note at once; return whether there was one."""
    _locked_request, locked_assignment = lock_active_assignment(assignment.pk)
    deleted, _rows = ScratchNote.objects.filter(assignment=locked_assignment).delete()
    return deleted > 0


def purge_expired_notes(*, now: datetime | None = None) -> int:
    """Delete every note first written `NOTE_TTL_HOURS` ago or more: one set-based DELETE."""
    now = now or timezone.now()
    deleted, _rows = ScratchNote.objects.filter(
        first_written_at__lte=now - note_lifetime()
    ).delete()
    if deleted:
        logger.info("matching: purged %d expired notes", deleted)
    return deleted
