"""A request's life (DESIGN.md): its statuses, which may follow which, and how it may close.

The status field and its check constraints are intake's; matching's services, the
admin's buttons and the portal's close form ask here instead of repeating the sets.
Only services change a status, and each asks here first.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from programs.vocabulary import Outcome


class Status(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting the colleague's confirmation")
    WAITING = "waiting", _("Waiting to be matched")
    MATCHED = "matched", _("Matched, not reached yet")
    IN_CONTACT = "in_contact", _("In contact")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# In the matching queue: an administrator may match, rematch or follow them there.
QUEUE = frozenset({Status.WAITING, Status.MATCHED, Status.IN_CONTACT})
# With an active assignment: a supporter holds the contact.
ASSIGNED = frozenset({Status.MATCHED, Status.IN_CONTACT})
# Not ended yet: identifiers are still needed to reach the person.
OPEN = frozenset({Status.AWAITING_CONFIRMATION, *QUEUE})
# Ended: the retention scrub counts from here.
ENDED = frozenset({Status.CLOSED, Status.WITHDRAWN})

# Which status may follow which (DESIGN.md, "A request's life"). A matched request
# matched again is a reassignment; an in-contact one reassigned is matched again.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.AWAITING_CONFIRMATION: frozenset({Status.WAITING}),
    Status.WAITING: frozenset({Status.MATCHED, Status.WITHDRAWN}),
    Status.MATCHED: frozenset(
        {Status.IN_CONTACT, Status.CLOSED, Status.WAITING, Status.MATCHED, Status.WITHDRAWN}
    ),
    Status.IN_CONTACT: frozenset({Status.CLOSED, Status.WAITING, Status.MATCHED}),
    Status.CLOSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# A matched request not reached yet closes only as unreachable or declined: nobody is
# "supported" or "referred on" before being reached.
NOT_REACHED_OUTCOMES = frozenset({Outcome.UNREACHABLE, Outcome.DECLINED})


def can_move(current: str, to: str) -> bool:
    """Return whether a request in status `current` may move to status `to`."""
    return to in TRANSITIONS.get(Status(current), frozenset())


def can_assign(status: str) -> bool:
    """A first match, or a match after a hand-back: only from the queue's waiting list."""
    return status == Status.WAITING


def can_reassign(status: str) -> bool:
    """Move the contact to another supporter: only while someone holds it."""
    return status in ASSIGNED


def can_withdraw(status: str) -> bool:
    """Withdraw: only before anyone reached the person (in contact, the supporter closes)."""
    return can_move(status, Status.WITHDRAWN)


def can_close(status: str) -> bool:
    return can_move(status, Status.CLOSED)


def outcomes_for(status: str) -> frozenset[Outcome]:
    """Return the outcomes a request in `status` may close with (none when it cannot close)."""
    if not can_close(status):
        return frozenset()
    if status == Status.MATCHED:
        return NOT_REACHED_OUTCOMES
    return frozenset(Outcome)
