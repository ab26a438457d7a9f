from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared helpers; a Django app only for the periodic jobs' heartbeats table."""

    name = "core"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from .heartbeats import register_scheduled_jobs

        # One row per scheduled job from the first migrate on, so that a job that never
        # runs is noticed too.
        post_migrate.connect(register_scheduled_jobs, dispatch_uid="core.register_jobs")
