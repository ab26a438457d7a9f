"""Write matching. Each module is one part of the story; each service is one transaction
that takes `now`, enforces its rule and queues its emails through the outbox.

- `assignments`: the administrator's assign, reassign and withdraw;
- `contacts`: the supporter's first contact, conversations, hand-back and closure;
- `notes`: the scratch note and its purge;
- `safety`: safety concerns and debriefs;
- `departures`: a supporter who leaves, with the contacts they leave behind;
- `sweeps`: the periodic reminders and escalations (safety concerns' included);
- `invitations`: the post-support survey invitation after a closure;
- `direct`: contacts that reached a supporter directly, logged without identifiers;
- `common`: the refusal, the locks and ending an assignment, which they share.
"""

from .assignments import assign_supporter, reassign, withdraw_request
from .common import MatchingRefused
from .contacts import close_request, hand_back, log_conversation, record_first_contact
from .departures import deactivate_supporter
from .direct import (
    DirectContactFacts,
    correct_direct_contact,
    log_direct_contact,
    remove_direct_contact,
)
from .invitations import send_survey_invitations
from .notes import (
    NotesUnavailable,
    destroy_note,
    note_lifetime,
    purge_expired_notes,
    read_note,
    save_note,
)
from .safety import (
    ask_for_debrief,
    flag_safety_concern,
    mark_debrief_handled,
    mark_safety_concern_handled,
)
from .sweeps import (
    SWEEP_BATCH_SIZE,
    escalate_overdue,
    reescalate_safety_concerns,
    remind_unmatched,
    send_due_reminders,
    withdraw_long_waiting,
)

__all__ = [
    "SWEEP_BATCH_SIZE",
    "DirectContactFacts",
    "MatchingRefused",
    "NotesUnavailable",
    "ask_for_debrief",
    "assign_supporter",
    "close_request",
    "correct_direct_contact",
    "deactivate_supporter",
    "destroy_note",
    "escalate_overdue",
    "flag_safety_concern",
    "hand_back",
    "log_conversation",
    "log_direct_contact",
    "mark_debrief_handled",
    "mark_safety_concern_handled",
    "note_lifetime",
    "purge_expired_notes",
    "read_note",
    "reassign",
    "record_first_contact",
    "reescalate_safety_concerns",
    "remind_unmatched",
    "remove_direct_contact",
    "save_note",
    "send_due_reminders",
    "send_survey_invitations",
    "withdraw_long_waiting",
    "withdraw_request",
]
