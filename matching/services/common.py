"""What every matching service shares: the refusal, the locks, and ending an assignment.

Each service is one transaction that locks the request row first (then the supporter or
the assignment), so two people acting on one request at once are serialised: the second
sees the first's result and gets a clear refusal, never a second row.
"""

from datetime import datetime

from django.utils.translation import gettext as _

from accounts.models import User
from intake.models import SupportRequest
from intake.selectors import requests

from ..models import Assignment, ScratchNote
from ..selectors import assignments
from .note_keys import forget_keys


class MatchingRefused(Exception):
    """The action does not fit where the request stands now; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def lock_request(request_id: int) -> SupportRequest:
    return requests().select_for_update().get(pk=request_id)


def lock_active_assignment(assignment_id: int) -> tuple[SupportRequest, Assignment]:
    """Lock the assignment's request, then the assignment; refuse if it has ended."""
    request_id = assignments().values_list("request_id", flat=True).get(pk=assignment_id)
    request = lock_request(request_id)
    assignment = (
        assignments().select_for_update().select_related("supporter__user").get(pk=assignment_id)
    )
    if assignment.ended_at is not None:
        raise MatchingRefused(
            _("This contact is no longer assigned to this supporter; nothing was changed.")
        )
    assignment.request = request
    return request, assignment


def lock_active_assignment_of(request: SupportRequest) -> Assignment | None:
    """Lock the request's active assignment, if it has one (the request is locked already)."""
    return (
        assignments()
        .select_for_update()
        .select_related("supporter__user")
        .filter(request=request, ended_at__isnull=True)
        .first()
    )


def end_assignment(
    assignment: Assignment,
    *,
    reason: str,
    now: datetime,
    ended_by: User | None,
    hand_back_reason: str = "",
) -> None:
    """End an assignment (never edit it to another supporter); its note goes with it."""
    assignment.ended_at = now
    assignment.end_reason = reason
    assignment.hand_back_reason = hand_back_reason
    assignment.ended_by = ended_by
    assignment.save(update_fields=["ended_at", "end_reason", "hand_back_reason", "ended_by"])
    # The contact has ended for this supporter: the note goes with it, at once.
    notes = list(ScratchNote.objects.filter(assignment=assignment))
    forget_keys(*notes)
    ScratchNote.objects.filter(pk__in=[note.pk for note in notes]).delete()
