"""Matching in the admin: the queue and the Match page (`queue`), the records an
administrator reads and acts on — assignments, safety concerns, debriefs (`records`) —
and the totals of direct contacts (`direct`)."""

from . import direct, queue, records

__all__ = ["direct", "queue", "records"]
