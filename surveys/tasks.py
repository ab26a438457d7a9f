"""Surveys' periodic task: thin, safe to run twice."""

from core.heartbeats import periodic_task

from . import services


@periodic_task("surveys.tasks.delete_expired_tokens")
def delete_expired_tokens() -> int:
    """Delete survey links older than SURVEY_TOKEN_DAYS."""
    return services.delete_expired_tokens()
