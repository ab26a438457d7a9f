"""Matching's periodic tasks: thin wrappers over the services, safe to run twice at once.

Each sweep works in batches, each batch its own transaction, until a batch comes back
short: a backlog (after a lost beat tick, say) drains in one run without one long lock.
"""

from collections.abc import Callable

from celery import shared_task

from . import services
from .services import sweeps


def _drain(sweep: Callable[[], int]) -> int:
    total = 0
    while True:
        done = sweep()
        total += done
        if done < sweeps.SWEEP_BATCH_SIZE:
            return total


@shared_task(name="matching.tasks.send_due_reminders")
def send_due_reminders() -> int:
    """Remind supporters on the deadline's morning when first contact is not recorded."""
    return _drain(services.send_due_reminders)


@shared_task(name="matching.tasks.escalate_overdue")
def escalate_overdue() -> int:
    """Tell administrators about contacts whose deadline passed without first contact."""
    return _drain(services.escalate_overdue)


@shared_task(name="matching.tasks.remind_unmatched")
def remind_unmatched() -> int:
    """Tell administrators about requests waiting unmatched more than one business day."""
    return _drain(services.remind_unmatched)


@shared_task(name="matching.tasks.purge_expired_notes")
def purge_expired_notes() -> int:
    """Destroy scratch notes NOTE_TTL_HOURS after they were first written."""
    return services.purge_expired_notes()


@shared_task(name="matching.tasks.send_survey_invitations")
def send_survey_invitations() -> int:
    """Invite requests closed with support given SURVEY_DELAY_DAYS ago to the survey, once."""
    return _drain(services.send_survey_invitations)
