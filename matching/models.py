"""Assignments of requests to supporters, and what supporters record about a contact.

An assignment row says who was matched when; a reassignment ends one row and starts
another, never edits it. Nothing here holds what was said: a conversation is a date, a
length and a modality; the scratch note is destroyed within hours.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from core.shredding import OVERHEAD_BYTES as SEAL_OVERHEAD_BYTES
from intake.models import SupportRequest
from programs.vocabulary import CareerStage, Modality, Reason, ReferralResource
from supporters.models import Supporter

MIN_CONVERSATION_MINUTES = 5
MAX_CONVERSATION_MINUTES = 240
NOTE_MAX_LENGTH = 2000
DIRECT_CONTACT_EDIT_DAYS = 7


class ContactMeans(models.TextChoices):
    """How a supporter first reached the person."""

    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video call")
    IN_PERSON = "in_person", _("In person")
    EMAIL = "email", _("Email")
    TEXT = "text", _("Text message")


class Assignment(models.Model):
    """One supporter matched to one request, from assignment until it ends."""

    class EndReason(models.TextChoices):
        CLOSED = "closed", _("Closed")
        HANDED_BACK = "handed_back", _("Handed back")
        REASSIGNED = "reassigned", _("Reassigned")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class HandBackReason(models.TextChoices):
        CONFLICT_OF_INTEREST = "conflict", _("Conflict of interest")
        NO_CAPACITY = "no_capacity", _("No capacity right now")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(
        SupportRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    supporter = models.ForeignKey(
        Supporter,
        verbose_name=_("supporter"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    contact_due_at = models.DateTimeField(_("first contact due by"))
    remind_at = models.DateTimeField(_("remind the supporter at"))
    first_contact_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
    first_contact_means = models.CharField(
        _("first contact by"), max_length=10, choices=ContactMeans.choices, blank=True
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(
        _("ended because"), max_length=12, choices=EndReason.choices, blank=True
    )
    hand_back_reason = models.CharField(
        _("handed back because"), max_length=12, choices=HandBackReason.choices, blank=True
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Claimed by a conditional UPDATE, so each reminder and escalation goes out once.
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-assigned_at"]
        indexes = [
            # The supporter's load and the portal's list: active rows by supporter.
            models.Index(
                fields=["supporter", "contact_due_at"],
                name="assignment_active_idx",
                condition=Q(ended_at__isnull=True),
            ),
            # "Least recently assigned" and "recently closed".
            models.Index(fields=["supporter", "-assigned_at"], name="assignment_recent_idx"),
            models.Index(
                fields=["supporter", "-ended_at"],
                name="assignment_closed_idx",
                condition=Q(end_reason="closed"),
            ),
            # The periodic sweeps: only rows still waiting for their first contact.
            models.Index(
                fields=["remind_at"],
                name="assignment_reminder_due_idx",
                condition=Q(
                    ended_at__isnull=True, first_contact_at__isnull=True, reminded_at__isnull=True
                ),
            ),
            models.Index(
                fields=["contact_due_at"],
                name="assignment_escalation_due_idx",
                condition=Q(
                    ended_at__isnull=True, first_contact_at__isnull=True, escalated_at__isnull=True
                ),
            ),
        ]
        constraints = [
            # Two administrators assigning at once can never make two active rows.
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(ended_at__isnull=True),
                name="assignment_one_active_per_request",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, end_reason="")
                | Q(
                    ended_at__isnull=False,
                    end_reason__in=["closed", "handed_back", "reassigned", "withdrawn"],
                ),
                name="assignment_ended_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(end_reason="handed_back") | ~Q(hand_back_reason=""),
                name="assignment_hand_back_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(first_contact_at__isnull=True)
                | Q(first_contact_at__gte=F("assigned_at"), first_contact_means__gt=""),
                name="assignment_first_contact_after_assignment",
            ),
            models.CheckConstraint(
                condition=Q(contact_due_at__gt=F("assigned_at")),
                name="assignment_due_after_assignment",
            ),
        ]

    def __str__(self) -> str:
        # An opaque code: the admin's log copies str(obj).
        return f"{self.request_id}/{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class Conversation(models.Model):
    """That a conversation happened: when, how long, how. Never what was said."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="conversations",
    )
    held_on = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(
        _("minutes"),
        validators=[
            MinValueValidator(MIN_CONVERSATION_MINUTES),
            MaxValueValidator(MAX_CONVERSATION_MINUTES),
        ],
    )
    modality = models.CharField(_("modality"), max_length=10, choices=Modality.choices)
    is_follow_up_planned = models.BooleanField(_("follow-up planned"))
    logged_at = models.DateTimeField(_("logged at"))
    # The form's random key: the same form sent twice logs one conversation.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-held_on", "-logged_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=MIN_CONVERSATION_MINUTES)
                & Q(minutes__lte=MAX_CONVERSATION_MINUTES),
                name="conversation_minutes_in_range",
            ),
            models.CheckConstraint(
                condition=Q(modality__in=["in_person", "phone", "video"]),
                name="conversation_modality_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.minutes} min"


class ScratchNote(models.Model):
    """A supporter's short-lived note for structuring a conversation.

    Destroyed `NOTE_TTL_HOURS` after it was first written (editing does not extend it),
    when the assignment ends, or at once on request. Never shown in the admin, emails or
    logs: conversations may be legally discoverable, and a note that no longer exists
    cannot be. The text is stored only sealed with a key of its own that lives in the
    notes' Redis for the note's lifetime (`core.shredding`): without the key, the row,
    the WAL and every backup hold bytes that nobody can read.
    """

    assignment = models.OneToOneField(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="scratch_note",
    )
    key_id = models.UUIDField(_("key id"), default=uuid.uuid4, unique=True, editable=False)
    sealed = models.BinaryField(_("sealed text"))
    first_written_at = models.DateTimeField(_("first written at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("scratch note")
        verbose_name_plural = _("scratch notes")
        indexes = [models.Index(fields=["first_written_at"], name="scratchnote_expiry_idx")]
        constraints = [
            # At most NOTE_MAX_LENGTH characters of four UTF-8 bytes, sealed.
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    Length("sealed"), NOTE_MAX_LENGTH * 4 + SEAL_OVERHEAD_BYTES
                ),
                name="scratchnote_sealed_length",
            ),
        ]

    def __str__(self) -> str:
        return f"note {self.pk}"


class CallForHelp(models.Model):
    """A supporter's call to the administrators, open until one of them marks it handled."""

    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        abstract = True


def open_call_constraints(*, per: str, prefix: str) -> list[models.BaseConstraint]:
    """One open call per `per` at a time; a handled call names who handled it."""
    return [
        models.UniqueConstraint(
            fields=[per],
            condition=Q(handled_at__isnull=True),
            name=f"{prefix}_one_open_per_{per}",
        ),
        models.CheckConstraint(
            condition=Q(handled_at__isnull=True) | Q(handled_by__isnull=False),
            name=f"{prefix}_handled_has_handler",
        ),
    ]


class SafetyConcern(CallForHelp):
    """A supporter's urgent call to the administrators about a contact: who, when. No details."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="safety_concerns",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised at"))
    # Claimed by the re-escalation sweep: a concern nobody marked handled within
    # SAFETY_REESCALATE_MINUTES is emailed to the administrators once more, once.
    reescalated_at = models.DateTimeField(_("emailed again at"), null=True, blank=True)

    class Meta:
        verbose_name = _("safety concern")
        verbose_name_plural = _("safety concerns")
        ordering = ["-raised_at"]
        indexes = [
            models.Index(
                fields=["raised_at"],
                name="safetyconcern_open_idx",
                condition=Q(handled_at__isnull=True),
            ),
            # The re-escalation sweep: open concerns not emailed again yet.
            models.Index(
                fields=["raised_at"],
                name="safetyconcern_reescalate_idx",
                condition=Q(handled_at__isnull=True, reescalated_at__isnull=True),
            ),
        ]
        # A second press of the button while the first is open tells nobody twice.
        constraints = open_call_constraints(per="assignment", prefix="safetyconcern")

    def __str__(self) -> str:
        return f"{self.assignment.request} {self.raised_at:%Y-%m-%d %H:%M}"


class DebriefRequest(CallForHelp):
    """A supporter asking for a debrief for themselves after a hard conversation."""

    supporter = models.ForeignKey(
        Supporter,
        verbose_name=_("supporter"),
        on_delete=models.CASCADE,
        related_name="debrief_requests",
    )
    requested_at = models.DateTimeField(_("asked at"))

    class Meta:
        verbose_name = _("debrief request")
        verbose_name_plural = _("debrief requests")
        ordering = ["-requested_at"]
        constraints = open_call_constraints(per="supporter", prefix="debrief")

    def __str__(self) -> str:
        return f"{self.supporter} {self.requested_at:%Y-%m-%d}"


class QueuedRequest(SupportRequest):
    """The matching queue's view of a request (an admin of its own, on the same table)."""

    class Meta:
        proxy = True
        verbose_name = _("request to match")
        verbose_name_plural = _("matching queue")


class DirectContact(models.Model):
    """A conversation with someone who reached a supporter directly: no name, contact or text.

    It counts like a conversation on an assigned contact, and apart from requests in the
    reports. Its supporter may correct it for `DIRECT_CONTACT_EDIT_DAYS` days.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    supporter = models.ForeignKey(
        Supporter, models.PROTECT, related_name="direct_contacts", verbose_name=_("supporter")
    )
    held_on = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    modality = models.CharField(_("modality"), max_length=10, choices=Modality.choices)
    is_first_conversation = models.BooleanField(_("first conversation with this person"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    career_stage = models.CharField(
        _("career stage"), max_length=20, choices=CareerStage.choices, blank=True
    )
    is_follow_up_planned = models.BooleanField(_("follow-up planned"))
    # The kind of resource only, never which one; empty when not referred on.
    referred_to = models.CharField(
        _("referred on to"), max_length=20, choices=ReferralResource.choices, blank=True
    )
    logged_at = models.DateTimeField(_("logged at"))
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("direct contact")
        verbose_name_plural = _("direct contacts")
        ordering = ["-held_on", "-logged_at"]
        indexes = [
            # The supporter's entries still open to correction; totals by period.
            models.Index(fields=["supporter", "-logged_at"], name="directcontact_recent_idx"),
            models.Index(fields=["held_on"], name="directcontact_held_on_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__range=(MIN_CONVERSATION_MINUTES, MAX_CONVERSATION_MINUTES)),
                name="directcontact_minutes_in_range",
            ),
            models.CheckConstraint(
                condition=Q(modality__in=Modality.values, reason__in=["", *Reason.values])
                & Q(career_stage__in=["", *CareerStage.values])
                & Q(referred_to__in=["", *ReferralResource.values]),
                name="directcontact_choices_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.minutes} min"
