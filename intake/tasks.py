"""Periodic jobs of intake. Thin: each calls one service and is safe to run twice."""

from core.heartbeats import periodic_task

from . import retention
from .services import delete_unconfirmed_referrals as delete_unconfirmed


@periodic_task("intake.tasks.delete_unconfirmed_referrals")
def delete_unconfirmed_referrals() -> int:
    """Delete colleague referrals not confirmed within REFERRAL_CONFIRM_DAYS."""
    return delete_unconfirmed()


@periodic_task("intake.tasks.scrub_closed_requests")
def scrub_closed_requests() -> dict[str, int]:
    """Scrub requests ended IDENTIFIER_RETENTION_DAYS ago, then the clean-ups (hourly)."""
    return retention.run_retention()


@periodic_task("intake.tasks.compact_touched_tables")
def compact_touched_tables() -> list[str]:
    """Rewrite the tables the day's scrub and purges touched (nightly, off-hours)."""
    return retention.compact_touched_tables()
