"""The scratch notes' keys, in the notes' own Redis (`NOTES_REDIS_URL`, never flushed by a
cache clear): deleting a note's key destroys the note, wherever its sealed bytes lie."""

import logging

from django.conf import settings

from core.shredding import KeyStore, KeyStoreUnavailable

from ..models import ScratchNote

logger = logging.getLogger(__name__)


def note_keys() -> KeyStore:
    return KeyStore(url=settings.NOTES_REDIS_URL, prefix="peersupport-note-key")


def forget_keys(*notes: ScratchNote) -> None:
    """Delete the notes' keys, which destroys the notes; their rows may follow at leisure.

    When the notes' Redis cannot be reached, each key still dies by its TTL, by the end of
    its note's lifetime at the latest.
    """
    try:
        note_keys().destroy(*[note.key_id for note in notes])
    except KeyStoreUnavailable:
        logger.warning("matching: notes' Redis unreachable; note keys will expire by their TTL")
