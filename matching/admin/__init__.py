"""Matching in the admin: the queue and the Match page (`queue`), and the records an
administrator reads and acts on — assignments, safety concerns, debriefs (`records`)."""

from . import queue, records

__all__ = ["queue", "records"]
