"""Celery tasks of accounts. Thin: no arguments (never an address), safe to run twice."""

from celery import shared_task

from . import services
from .sessions import SessionStore


@shared_task(name="accounts.tasks.send_password_resets")
def send_password_resets() -> int:
    """Queue the reset links asked for (woken on commit; the beat runs it every minute)."""
    return services.send_password_resets()


@shared_task(name="accounts.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete expired sessions: each one names its user, so none is kept past its time."""
    SessionStore.clear_expired()
