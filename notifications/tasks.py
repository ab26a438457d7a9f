"""Celery tasks of the outbox. Thin: each calls one service and is safe to run twice."""

from core.heartbeats import periodic_task

from .services import send_due_emails


@periodic_task("notifications.tasks.send_pending_emails")
def send_pending_emails() -> int:
    """Send every due outbox row (woken on commit; the beat runs it every minute)."""
    return send_due_emails()
