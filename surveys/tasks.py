"""Surveys' periodic task: thin, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="surveys.tasks.delete_expired_tokens")
def delete_expired_tokens() -> int:
    """Delete survey links older than SURVEY_TOKEN_DAYS."""
    return services.delete_expired_tokens()
