"""The periodic jobs' heartbeats: when each last finished without an error."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """One periodic job's last successful run (`succeeded_at`), or when it was first
    expected (`registered_at`) while it has never succeeded."""

    task = models.CharField(_("job"), max_length=200, unique=True)
    registered_at = models.DateTimeField(_("expected since"))
    succeeded_at = models.DateTimeField(_("last succeeded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")
        ordering = ["task"]

    def __str__(self) -> str:
        return self.task
