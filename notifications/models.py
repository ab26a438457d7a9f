"""The outbox row: one email, from queueing to sent (or failed)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """One email waiting to go, sent, or given up on.

    Once sent, the row keeps only its kind, times and status: the address and the
    bodies are blanked, so the outbox is not a second copy of anyone's details.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=64)
    to_address = models.EmailField(_("recipient"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=12)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body_text = models.TextField(_("text body"), blank=True)
    body_html = models.TextField(_("HTML body"), blank=True)
    request_public_id = models.UUIDField(
        _("request public id"),
        null=True,
        blank=True,
        help_text=_("Lets the retention scrub clear an email that is still pending."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # 0 urgent (a safety concern, an overdue contact), 1 the rest: the sender takes
    # urgent emails first.
    priority = models.PositiveSmallIntegerField(_("priority"), default=1)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    # A claim expires, so a worker that died mid-send does not strand its rows.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [
            # The sender's sweep: pending rows that are due, and expired claims.
            models.Index(
                fields=["priority", "next_attempt_at"],
                name="outbox_due_by_priority_idx",
                condition=models.Q(status__in=["pending", "sending"]),
            ),
            models.Index(
                fields=["request_public_id"],
                name="outbox_request_idx",
                condition=models.Q(request_public_id__isnull=False),
            ),
            # The retention clean-up: sent rows by age, failed rows by age.
            models.Index(
                fields=["sent_at"], name="outbox_sent_idx", condition=models.Q(status="sent")
            ),
            models.Index(
                fields=["created_at"],
                name="outbox_failed_idx",
                condition=models.Q(status="failed"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outbox_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(to_address="", body_text=""),
                name="outbox_sent_keeps_no_content",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
