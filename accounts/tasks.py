"""Celery tasks of accounts. Thin: no arguments (never an address), safe to run twice."""

from core.heartbeats import periodic_task

from . import services


@periodic_task("accounts.tasks.send_password_resets")
def send_password_resets() -> int:
    """Queue the reset links asked for (woken on commit; the beat runs it every minute)."""
    return services.send_password_resets()
