"""Wiring for Peer Support: settings, URLs, the Celery app, /healthz and error pages."""

from .celery import app as celery_app

__all__ = ["celery_app"]
