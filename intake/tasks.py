"""Periodic jobs of intake. Thin: each calls one service and is safe to run twice."""

from celery import shared_task

from .services import delete_unconfirmed_referrals as delete_unconfirmed


@shared_task(name="intake.tasks.delete_unconfirmed_referrals")
def delete_unconfirmed_referrals() -> int:
    """Delete colleague referrals not confirmed within REFERRAL_CONFIRM_DAYS."""
    return delete_unconfirmed()
