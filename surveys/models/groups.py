"""Group sessions: drop-in groups for physicians and the supporters' own supervision group.

A session names its facilitators (users: being named is what makes one a facilitator) and
nothing about the people who come: there is no registration and no attendance, anywhere.
Its two polls are surveys of its own (`Survey.group_session`), whose answers are as
anonymous as every survey's. A weekly or fortnightly series is created in one step as
one row per occurrence, so each can be edited or cancelled on its own.
"""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..groups.defaults import default_rules
from .surveys import in_language

# A poll opens a little before its session and stays open a while after it ends, for
# people who answer late; outside that window its page says so, kindly.
POLL_OPENS_BEFORE = timedelta(minutes=30)
POLL_CLOSES_AFTER = timedelta(hours=2)
MAX_REFLECTION_MINUTES = 60


class Audience(models.TextChoices):
    PHYSICIANS = "physicians", _("Physicians (on the public schedule)")
    SUPPORTERS = "supporters", _("Peer supporters (supervision and consultation group)")


class JoinMode(models.TextChoices):
    LINK = "link", _("The meeting link, shown on the public schedule")
    WRITE = "write", _("People write to the program for the link")
    SUPPORTERS = "supporters", _("The meeting link, shown to signed-in supporters only")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")


class PollState(models.TextChoices):
    NOT_YET = "not_yet"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class GroupSeries(models.Model):
    """How a series was made: its rhythm and its dates. Its sessions are rows of their own."""

    frequency = models.CharField(_("repeats"), max_length=12, choices=Frequency.choices)
    first_on = models.DateField(_("first session on"))
    last_on = models.DateField(_("repeats until"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("series of group sessions")
        verbose_name_plural = _("series of group sessions")
        ordering = ["-first_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_on__gte=F("first_on")),
                name="groupseries_ends_after_start",
                violation_error_message=_("The series must end on or after its first day."),
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="groupseries_frequency_valid"
            ),
        ]

    def __str__(self) -> str:
        first, last = self.first_on.isoformat(), self.last_on.isoformat()
        return f"{self.get_frequency_display()}, {first} to {last}"


class GroupSession(models.Model):
    """One meeting of a group, at its own time, with its own polls and rules."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    series = models.ForeignKey(
        GroupSeries,
        verbose_name=_("series"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="sessions",
    )
    title_en = models.CharField(_("title (English)"), max_length=120)
    title_fr = models.CharField(_("title (French)"), max_length=120, blank=True)
    description_en = models.TextField(
        _("short description (English)"),
        max_length=600,
        blank=True,
        help_text=_("A sentence or two for the schedule: who it is for and what to expect."),
    )
    description_fr = models.TextField(_("short description (French)"), max_length=600, blank=True)
    audience = models.CharField(
        _("for"), max_length=12, choices=Audience.choices, default=Audience.PHYSICIANS
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitators"),
        blank=True,
        related_name="facilitated_group_sessions",
        help_text=_(
            "People with an account who run this session: they see its page, the texts to "
            "paste in the chat and the live poll results at /groups/."
        ),
    )
    join_mode = models.CharField(
        _("how to join"), max_length=12, choices=JoinMode.choices, default=JoinMode.LINK
    )
    meeting_url = models.URLField(
        _("meeting link"),
        max_length=500,
        blank=True,
        help_text=_("The video meeting's address. Required unless people write for it."),
    )
    join_details = models.CharField(
        _("joining details"),
        max_length=200,
        blank=True,
        help_text=_("Optional: a meeting number, a passcode or a dial-in number."),
    )
    rules_en = models.TextField(
        _("rules of engagement (English)"),
        max_length=3000,
        blank=True,
        help_text=_(
            "Pasted in the chat at the start. Left empty, the program's default rules are used."
        ),
    )
    rules_fr = models.TextField(_("rules of engagement (French)"), max_length=3000, blank=True)
    reflection_minutes = models.PositiveSmallIntegerField(
        _("observers' reflection (minutes)"),
        default=15,
        validators=[MaxValueValidator(MAX_REFLECTION_MINUTES)],
        help_text=_(
            "Time after the end when observers stay to reflect on how the group went and "
            "why the facilitator chose each intervention (the supervision format); 0 for none."
        ),
    )
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    # Raised on every change, so a calendar that subscribed updates its copy (RFC 5545).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), editable=False)
    updated_at = models.DateTimeField(_("updated at"), editable=False)

    class Meta:
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["audience", "ends_at"], name="groupsession_schedule_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="groupsession_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(audience=Audience.PHYSICIANS, join_mode__in=[JoinMode.LINK, JoinMode.WRITE])
                    | Q(audience=Audience.SUPPORTERS, join_mode=JoinMode.SUPPORTERS)
                ),
                name="groupsession_join_mode_fits_audience",
                violation_error_message=_(
                    "A session for physicians is joined by its public link or by writing to "
                    "the program; the supporters' supervision group by the link shown to "
                    "signed-in supporters."
                ),
            ),
            models.CheckConstraint(
                condition=Q(join_mode=JoinMode.WRITE) | ~Q(meeting_url=""),
                name="groupsession_link_when_shown",
                violation_error_message=_(
                    "Give the meeting link, or choose that people write to the program for it."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reflection_minutes__lte=MAX_REFLECTION_MINUTES),
                name="groupsession_reflection_bounded",
            ),
        ]

    def __str__(self) -> str:
        # The day on the program's clock (the active time zone), not in UTC.
        return f"{self.title_en} ({timezone.localtime(self.starts_at).date().isoformat()})"

    @property
    def title(self) -> str:
        return in_language(self.title_en, self.title_fr)

    @property
    def description(self) -> str:
        return in_language(self.description_en, self.description_fr)

    @property
    def rules(self) -> str:
        """Return the session's own rules, or the program's default in the page's language."""
        return in_language(self.rules_en, self.rules_fr) or default_rules()

    @property
    def is_public(self) -> bool:
        return self.audience == Audience.PHYSICIANS

    @property
    def reflection_ends_at(self) -> datetime:
        return self.ends_at + timedelta(minutes=self.reflection_minutes)

    @property
    def poll_opens_at(self) -> datetime:
        return self.starts_at - POLL_OPENS_BEFORE

    @property
    def poll_closes_at(self) -> datetime:
        return self.ends_at + POLL_CLOSES_AFTER

    def poll_state(self, now: datetime) -> PollState:
        """Return whether the session's polls take answers at `now`."""
        if self.is_cancelled:
            return PollState.CANCELLED
        if now < self.poll_opens_at:
            return PollState.NOT_YET
        if now > self.poll_closes_at:
            return PollState.CLOSED
        return PollState.OPEN
