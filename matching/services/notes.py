"""The scratch note: written by its supporter, destroyed within hours, unreadable after.

Destroyed `NOTE_TTL_HOURS` after it was first written (editing does not extend it), when
the assignment ends, or at once on request. Conversations may be legally discoverable;
a note that no longer exists cannot be. Its text is sealed with a key of its own kept in
the notes' Redis for the note's remaining lifetime (`core.shredding`), so deleting the
key destroys the note in the database, its WAL and its backups at once. Without that
Redis, a note can be neither saved nor read: it fails closed, with a plain message.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.shredding import KeyStoreUnavailable, seal, unseal
from programs.program import current

from ..models import Assignment, ScratchNote
from .common import MatchingRefused, lock_active_assignment
from .note_keys import forget_keys, note_keys

logger = logging.getLogger(__name__)


class NotesUnavailable(MatchingRefused):
    """The notes' Redis cannot be reached: a note can be neither saved nor read now."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Notes are unavailable right now, so your note was not saved. Nothing else "
                "is affected; try again in a few minutes."
            )
        )


def note_lifetime() -> timedelta:
    return timedelta(hours=current().note_ttl_hours)


def _bound_to(note: ScratchNote) -> bytes:
    # The sealed text opens only in its own row, with its own key id.
    return note.key_id.bytes


def read_note(note: ScratchNote) -> str | None:
    """Return the note's text, or None when its key is gone (the note is destroyed).

    Raise `NotesUnavailable` when the notes' Redis cannot be reached.
    """
    try:
        key = note_keys().get(note.key_id)
    except KeyStoreUnavailable:
        raise NotesUnavailable from None
    if key is None:
        return None
    return unseal(key, bytes(note.sealed), bound_to=_bound_to(note))


@transaction.atomic
def save_note(*, assignment: Assignment, text: str, now: datetime | None = None) -> ScratchNote:
    """Write or replace the contact's scratch note; its destruction time never moves.

    Refused with `NotesUnavailable` (nothing saved) when the notes' Redis is unreachable.
    """
    now = now or timezone.now()
    _locked_request, locked_assignment = lock_active_assignment(assignment.pk)
    keys = note_keys()
    note = ScratchNote.objects.select_for_update().filter(assignment=locked_assignment).first()
    try:
        key = keys.get(note.key_id) if note is not None else None
        if note is None or key is None or note.first_written_at <= now - note_lifetime():
            if note is not None:
                # Expired (its key gone, or not yet swept): it is gone, and a new note
                # starts a new life with a new key.
                keys.destroy(note.key_id)
                note.delete()
            note = ScratchNote(assignment=locked_assignment, first_written_at=now, updated_at=now)
            key = keys.create(note.key_id, lifetime=note_lifetime())
    except KeyStoreUnavailable:
        raise NotesUnavailable from None
    note.sealed = seal(key, text, bound_to=_bound_to(note))
    note.updated_at = now
    note.save()
    return note


@transaction.atomic
def destroy_note(*, assignment: Assignment) -> bool:
    """Destroy the contact's scratch note at once; return whether there was one."""
    _locked_request, locked_assignment = lock_active_assignment(assignment.pk)
    notes = list(ScratchNote.objects.filter(assignment=locked_assignment))
    forget_keys(*notes)
    deleted, _rows = ScratchNote.objects.filter(pk__in=[note.pk for note in notes]).delete()
    return deleted > 0


def purge_expired_notes(*, now: datetime | None = None) -> int:
    """Delete every note first written `NOTE_TTL_HOURS` ago or more: one set-based DELETE.

    Their keys expired with them in Redis (their TTL was the note's lifetime), so these
    rows are already unreadable; deleting them tidies the table.
    """
    now = now or timezone.now()
    deleted, _rows = ScratchNote.objects.filter(
        first_written_at__lte=now - note_lifetime()
    ).delete()
    if deleted:
        logger.info("matching: purged %d expired notes", deleted)
    return deleted
