"""Write matching. Each module is one part of the story; each service is one transaction
that takes `now`, enforces its rule and queues its emails through the outbox.

- `assignments`: the administrator's assign, reassign and withdraw;
- `contacts`: the supporter's first contact, conversations, hand-back and closure;
- `notes`: the scratch note and its purge;
- `safety`: safety concerns and debriefs;
- `sweeps`: the periodic reminders and escalations;
- `invitations`: the post-support survey invitation after a closure;
- `common`: the refusal, the locks and ending an assignment, which they share.
"""

from .assignments import assign_supporter, reassign, withdraw_request
from .common import MatchingRefused
from .contacts import close_request, hand_back, log_conversation, record_first_contact
from .invitations import send_survey_invitations
from .notes import destroy_note, note_lifetime, purge_expired_notes, save_note
from .safety import (
    ask_for_debrief,
    flag_safety_concern,
    mark_debrief_handled,
    mark_safety_concern_handled,
)
from .sweeps import SWEEP_BATCH_SIZE, escalate_overdue, remind_unmatched, send_due_reminders

__all__ = [
    "SWEEP_BATCH_SIZE",
    "MatchingRefused",
    "ask_for_debrief",
    "assign_supporter",
    "close_request",
    "destroy_note",
    "escalate_overdue",
    "flag_safety_concern",
    "hand_back",
    "log_conversation",
    "mark_debrief_handled",
    "mark_safety_concern_handled",
    "note_lifetime",
    "purge_expired_notes",
    "reassign",
    "record_first_contact",
    "remind_unmatched",
    "save_note",
    "send_due_reminders",
    "send_survey_invitations",
    "withdraw_request",
]
