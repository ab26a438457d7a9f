"""Matching's periodic tasks: thin wrappers over the services, safe to run twice at once.

Each sweep works in batches, each batch its own transaction, until a batch comes back
short: a backlog (after a lost beat tick, say) drains in one run without one long lock.
"""

from collections.abc import Callable

from core.heartbeats import periodic_task

from . import services
from .services import sweeps


def _drain(sweep: Callable[[], int]) -> int:
    total = 0
    while True:
        done = sweep()
        total += done
        if done < sweeps.SWEEP_BATCH_SIZE:
            return total


@periodic_task("matching.tasks.send_due_reminders")
def send_due_reminders() -> int:
    """Remind supporters on the deadline's morning when first contact is not recorded."""
    return _drain(services.send_due_reminders)


@periodic_task("matching.tasks.escalate_overdue")
def escalate_overdue() -> int:
    """Tell administrators about contacts whose deadline passed without first contact."""
    return _drain(services.escalate_overdue)


@periodic_task("matching.tasks.remind_unmatched")
def remind_unmatched() -> int:
    """Tell administrators about requests waiting unmatched more than one business day."""
    return _drain(services.remind_unmatched)


@periodic_task("matching.tasks.reescalate_safety_concerns")
def reescalate_safety_concerns() -> int:
    """Email administrators again about safety concerns nobody marked handled in time."""
    return _drain(services.reescalate_safety_concerns)


@periodic_task("matching.tasks.purge_expired_notes")
def purge_expired_notes() -> int:
    """Destroy scratch notes NOTE_TTL_HOURS after they were first written."""
    return services.purge_expired_notes()


@periodic_task("matching.tasks.withdraw_long_waiting")
def withdraw_long_waiting() -> int:
    """Withdraw requests left waiting UNMATCHED_WITHDRAW_DAYS, telling everyone kindly."""
    return _drain(services.withdraw_long_waiting)


@periodic_task("matching.tasks.send_survey_invitations")
def send_survey_invitations() -> int:
    """Invite requests closed with support given SURVEY_DELAY_DAYS ago to the survey, once."""
    return _drain(services.send_survey_invitations)
