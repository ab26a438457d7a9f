"""The roster: one profile per peer supporter, and the words for their availability."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.phones import phone_number
from programs.models import Region
from programs.vocabulary import CareerStage, Language, Modality, SpecialtyGroup

from .validators import email_or_phone

MIN_CAPACITY = 1
MAX_CAPACITY = 20
BIO_MAX_LENGTH = 600
PUBLISHED_CONTACT_MAX_LENGTH = 254
TRAINING_TITLE_MAX_LENGTH = 200
MIN_TRAINING_HOURS = Decimal("0.5")
MAX_TRAINING_HOURS = Decimal("500")


class AvailabilityStatus(models.TextChoices):
    """Where a supporter stands today; `supporters.selectors` decides, in one place."""

    AVAILABLE = "available", _("Taking new requests")
    NOT_ACCEPTING = "not_accepting", _("Not taking new requests")
    AT_CAPACITY = "at_capacity", _("At capacity")
    AWAY = "away", _("Away")
    NOT_READY = "not_ready", _("Not ready: training or agreement not recorded")


@dataclass(frozen=True)
class Availability:
    """A supporter's availability on one day: the status, and the away date when away."""

    status: AvailabilityStatus
    away_until: date | None = None

    @property
    def is_available(self) -> bool:
        return self.status == AvailabilityStatus.AVAILABLE

    @property
    def is_away(self) -> bool:
        return self.status == AvailabilityStatus.AWAY

    @property
    def is_not_accepting(self) -> bool:
        return self.status == AvailabilityStatus.NOT_ACCEPTING

    @property
    def is_at_capacity(self) -> bool:
        return self.status == AvailabilityStatus.AT_CAPACITY

    @property
    def label(self) -> str:
        """Return the words shown to the public: "Away until <date>" names the date.

        A supporter at capacity is "not taking new requests" to the public: how many
        contacts a supporter has is nobody else's business.
        """
        if self.status == AvailabilityStatus.AWAY and self.away_until is not None:
            return gettext("Away until %(date)s") % {
                "date": date_format(self.away_until, "DATE_FORMAT")
            }
        if self.status == AvailabilityStatus.AT_CAPACITY:
            return str(AvailabilityStatus.NOT_ACCEPTING.label)
        return str(self.status.label)

    @property
    def staff_label(self) -> str:
        """Return the words shown to administrators, which name capacity as the reason."""
        if self.status == AvailabilityStatus.AT_CAPACITY:
            return str(self.status.label)
        return self.label


class Supporter(models.Model):
    """A trained physician peer supporter's profile, one per account in `Peer supporters`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="supporter",
        verbose_name=_("account"),
    )
    display_name = models.CharField(
        _("display name"),
        max_length=100,
        help_text=_("How requesters see you, for example “Dr. Sam Lee”."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("The supporter's part of the link /request/?supporter=…"),
    )
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    specialty_group = models.CharField(
        _("specialty group"), max_length=20, choices=SpecialtyGroup.choices, blank=True
    )
    career_stage = models.CharField(
        _("career stage"), max_length=20, choices=CareerStage.choices, blank=True
    )
    languages = ArrayField(
        models.CharField(max_length=8, choices=Language.choices),
        verbose_name=_("languages"),
        default=list,
    )
    modalities = ArrayField(
        models.CharField(max_length=16, choices=Modality.choices),
        verbose_name=_("modalities offered"),
        default=list,
    )
    # A region is a matching hint: deleting one leaves its supporters without a region.
    region = models.ForeignKey(
        Region,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supporters",
        verbose_name=_("region"),
    )
    bio = models.CharField(_("short bio"), max_length=BIO_MAX_LENGTH, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=3,
        validators=[MinValueValidator(MIN_CAPACITY), MaxValueValidator(MAX_CAPACITY)],
        help_text=_("The most active contacts this supporter takes at once."),
    )
    accepts_new = models.BooleanField(_("accepting new requests"), default=True)
    away_until = models.DateField(
        _("away until"),
        null=True,
        blank=True,
        help_text=_("The last day away; empty when present."),
    )
    trained_on = models.DateField(_("training completed on"), null=True, blank=True)
    agreement_signed_on = models.DateField(
        _("confidentiality agreement signed on"), null=True, blank=True
    )
    # For the program's use only (an administrator calls back about a safety concern):
    # shown in the admin, never on a public page or to requesters.
    phone = models.CharField(
        _("phone (program use only)"),
        max_length=30,
        blank=True,
        validators=[phone_number],
        help_text=_(
            "Where an administrator can reach this supporter quickly, for example about a "
            "safety concern. Only administrators see it; it is never shown publicly."
        ),
    )
    is_listed = models.BooleanField(
        _("listed publicly"),
        default=False,
        help_text=_("Shown on the public list of supporters, from which requesters may choose."),
    )
    # The supporter's own choice, off (empty) by default: an email address or a phone
    # number shown on the public list while they are available. Never the program's own
    # record of how to reach them, which is never shown publicly.
    published_contact = models.CharField(
        _("direct contact shown on the public list"),
        max_length=PUBLISHED_CONTACT_MAX_LENGTH,
        blank=True,
        validators=[email_or_phone],
        help_text=_("An email address or a phone number; empty to be reached only by the form."),
    )

    # Annotated by `supporters.selectors.with_availability`, never stored: they exist only
    # on supporters read through it (elsewhere, reading them raises AttributeError).
    availability_status: str
    active_load: int

    class Meta:
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        ordering = ["display_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=MIN_CAPACITY, capacity__lte=MAX_CAPACITY),
                name="supporter_capacity_range",
            ),
            models.CheckConstraint(
                condition=models.Q(languages__contained_by=Language.values),
                name="supporter_languages_known",
            ),
            models.CheckConstraint(
                condition=models.Q(modalities__contained_by=Modality.values),
                name="supporter_modalities_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(display_name=""), name="supporter_display_name_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def language_labels(self) -> list[str]:
        return [str(Language(code).label) for code in self.languages if code in Language.values]

    @property
    def modality_labels(self) -> list[str]:
        return [str(Modality(code).label) for code in self.modalities if code in Modality.values]

    @property
    def published_contact_href(self) -> str:
        """Return the published contact as a `mailto:` or `tel:` link ("" when unpublished)."""
        value = self.published_contact
        if not value:
            return ""
        if "@" in value:
            return f"mailto:{value}"
        return "tel:" + "".join(ch for ch in value if ch.isdigit() or ch == "+")

    @property
    def availability(self) -> Availability:
        """Return the availability annotated by `supporters.selectors.with_availability`."""
        try:
            status = self.availability_status
        except AttributeError:
            raise AttributeError(
                "availability needs a queryset from supporters.selectors (or call availability_of)"
            ) from None
        return Availability(status=AvailabilityStatus(status), away_until=self.away_until)


class TrainingRecord(models.Model):
    """A course or session a supporter completed: their initial training, or continuing education.

    The earliest initial training is the supporter's "training completed on"
    (`supporters.services.update_trained_on` keeps it so).
    """

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial peer supporter training")
        CONTINUING = "continuing", _("Continuing education")

    supporter = models.ForeignKey(
        Supporter,
        on_delete=models.CASCADE,
        related_name="training_records",
        verbose_name=_("supporter"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CONTINUING)
    title = models.CharField(
        _("course or session"),
        max_length=TRAINING_TITLE_MAX_LENGTH,
        help_text=_("For example “Peer supporter training, spring cohort” or “Grief workshop”."),
    )
    completed_on = models.DateField(_("completed on"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(MIN_TRAINING_HOURS), MaxValueValidator(MAX_TRAINING_HOURS)],
    )

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-completed_on", "-pk"]
        indexes = [
            # "My profile" and the trained-on rule read one supporter's records by date.
            models.Index(fields=["supporter", "completed_on"], name="training_by_supporter_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gte=MIN_TRAINING_HOURS, hours__lte=MAX_TRAINING_HOURS),
                name="training_hours_range",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["initial", "continuing"]),
                name="training_kind_valid",
            ),
            models.CheckConstraint(condition=~models.Q(title=""), name="training_title_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.completed_on:%Y-%m-%d})"
