"""Matching in the admin: the queue and the Match page (`queue`), the records an
administrator reads and acts on — assignments, safety concerns, debriefs (`records`) —
the roster with deactivation, which needs the supporter's contacts (`roster`), and the
totals of direct contacts (`direct`)."""

from . import direct, queue, records, roster

__all__ = ["direct", "queue", "records", "roster"]
