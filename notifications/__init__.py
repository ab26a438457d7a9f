"""The outbox: every email is a row written with the event that causes it, sent by Celery."""
