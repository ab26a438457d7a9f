"""Matching in the admin: the queue and the Match page (`queue`), the records an
administrator reads and acts on — assignments, safety concerns, debriefs (`records`) —
and the roster with deactivation, which needs the supporter's contacts (`roster`)."""

from . import queue, records, roster

__all__ = ["queue", "records", "roster"]
