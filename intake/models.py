"""Requests for support and the access log of who opened them.

A request holds only what matching and evaluation need (DESIGN.md "Collect less"): how to
reach the person, a few coarse preferences, fixed-category reasons, and the times each
step first happened. Its status changes only through services, backed by the check
constraints below.
"""

import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programs.models import Region
from programs.vocabulary import (
    CareerStage,
    ContactMethod,
    Language,
    Modality,
    Outcome,
    Reason,
    ReferralResource,
    SpecialtyGroup,
    WithdrawalReason,
)
from supporters.models import Supporter

from .lifecycle import Status

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a case code is read aloud over the phone.
CASE_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CASE_CODE_LENGTH = 6


def new_case_code() -> str:
    return "PS-" + "".join(secrets.choice(CASE_CODE_ALPHABET) for _ in range(CASE_CODE_LENGTH))


class SupportRequest(models.Model):
    """One person's request for support, from a self-referral or a colleague's referral."""

    class Source(models.TextChoices):
        SELF = "self", _("Self-referral")
        COLLEAGUE = "colleague", _("Colleague referral")

    Status = Status

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case_code = models.CharField(
        _("case code"), max_length=12, unique=True, default=new_case_code, editable=False
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices)

    # How to reach the person: identifiers, scrubbed on schedule.
    name = models.CharField(_("preferred name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    best_times = models.CharField(_("best times to reach"), max_length=200, blank=True)
    preferred_contact = models.CharField(
        _("preferred way to be contacted"), max_length=10, choices=ContactMethod.choices
    )
    # A colleague referral: who referred, and when they attested the colleague's consent.
    referrer_name = models.CharField(_("referrer's name"), max_length=100, blank=True)
    referrer_email = models.EmailField(_("referrer's email"), max_length=254, blank=True)
    consent_attested_at = models.DateTimeField(_("consent attested at"), null=True, blank=True)

    # Matching hints, coarse on purpose.
    modality = models.CharField(_("modality"), max_length=10, choices=Modality.choices)
    language = models.CharField(_("language of support"), max_length=8, choices=Language.choices)
    interface_language = models.CharField(
        _("language of the emails"),
        max_length=12,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the request was made in; its emails are written in it."),
    )
    career_stage = models.CharField(
        _("career stage"), max_length=12, choices=CareerStage.choices, blank=True
    )
    specialty_group = models.CharField(
        _("specialty group"), max_length=12, choices=SpecialtyGroup.choices, blank=True
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    preferred_supporter = models.ForeignKey(
        Supporter,
        verbose_name=_("asked for supporter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requested_by",
    )
    avoid_supporters = models.ManyToManyField(
        Supporter,
        verbose_name=_("supporters to avoid"),
        blank=True,
        related_name="avoided_by",
    )
    reasons = ArrayField(
        models.CharField(max_length=16, choices=Reason.choices),
        verbose_name=_("reasons"),
        default=list,
        blank=True,
    )

    # The colleague's single-use confirmation link: only its hash is kept.
    confirmation_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    # A random key of the form that created this request: the same form sent twice
    # (double click, back and resubmit) finds the request it already made.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    # The person asked not to be sent the feedback survey after their support ends.
    no_survey = models.BooleanField(_("no feedback survey"), default=False)

    # What closing and withdrawing record: fixed categories, never free text.
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    referred_to = models.CharField(
        _("referred on to"), max_length=20, choices=ReferralResource.choices, blank=True
    )
    withdrawal_reason = models.CharField(
        _("withdrawal reason"), max_length=20, choices=WithdrawalReason.choices, blank=True
    )

    submitted_at = models.DateTimeField(_("submitted at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    first_matched_at = models.DateTimeField(_("first matched at"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    scrubbed_at = models.DateTimeField(_("identifiers scrubbed at"), null=True, blank=True)
    # When administrators were reminded that this request waits unmatched; cleared on every
    # return to the queue, so each stay in the queue gets one reminder.
    unmatched_reminded_at = models.DateTimeField(
        _("unmatched reminder sent at"), null=True, blank=True
    )
    # Evaluation's measures, in the program's business days, stored by the services when
    # the step first happens (`intake.measures`), so that reports only aggregate columns.
    business_days_to_match = models.PositiveSmallIntegerField(
        _("business days to match"), null=True, blank=True
    )
    business_days_to_first_contact = models.PositiveSmallIntegerField(
        _("business days to first contact"), null=True, blank=True
    )
    # When matching's sweep claimed this request to send its survey invitation (once).
    # Which link it got is recorded nowhere: the survey's answers cannot lead back here.
    survey_invited_at = models.DateTimeField(_("survey invitation sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["status", "waiting_since"], name="request_queue_idx"),
            models.Index(
                fields=["submitted_at"],
                name="request_unconfirmed_idx",
                condition=Q(status="awaiting_confirmation"),
            ),
            models.Index(
                fields=["confirmation_token_hash"],
                name="request_token_idx",
                condition=~Q(confirmation_token_hash=""),
            ),
            # The retention scrub: ended requests whose identifiers are still there.
            models.Index(
                fields=["closed_at"],
                name="request_closed_kept_idx",
                condition=Q(status="closed", scrubbed_at__isnull=True),
            ),
            models.Index(
                fields=["withdrawn_at"],
                name="request_withdrawn_kept_idx",
                condition=Q(status="withdrawn", scrubbed_at__isnull=True),
            ),
            # The survey invitations' sweep: closed with support given, not invited yet.
            models.Index(
                fields=["closed_at"],
                name="request_survey_due_idx",
                condition=Q(
                    status="closed",
                    outcome__in=["completed", "referred_on"],
                    survey_invited_at__isnull=True,
                    no_survey=False,
                ),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="request_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=["self", "colleague"]),
                name="request_source_valid",
            ),
            # Someone must be able to reach the person, until the identifiers are scrubbed.
            models.CheckConstraint(
                condition=Q(scrubbed_at__isnull=False) | ~Q(email="") | ~Q(phone=""),
                name="request_reachable",
            ),
            models.CheckConstraint(
                condition=Q(scrubbed_at__isnull=False)
                | (Q(preferred_contact="email") & ~Q(email=""))
                | (Q(preferred_contact__in=["phone", "text"]) & ~Q(phone="")),
                name="request_reachable_as_preferred",
            ),
            models.CheckConstraint(
                condition=Q(source="colleague") | Q(referrer_name="", referrer_email=""),
                name="request_self_has_no_referrer",
            ),
            models.CheckConstraint(
                condition=Q(source="self") | Q(consent_attested_at__isnull=False),
                name="request_referral_has_consent",
            ),
            models.CheckConstraint(
                condition=~Q(status="awaiting_confirmation")
                | Q(source="colleague", confirmed_at__isnull=True),
                name="request_awaiting_is_unconfirmed_referral",
            ),
            models.CheckConstraint(
                condition=Q(status="awaiting_confirmation") | Q(confirmed_at__isnull=False),
                name="request_confirmed_after_awaiting",
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(waiting_since__isnull=False),
                name="request_waiting_has_waiting_since",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["matched", "in_contact"])
                | Q(first_matched_at__isnull=False),
                name="request_matched_has_first_matched_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="in_contact") | Q(first_contact_at__isnull=False),
                name="request_in_contact_has_first_contact_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="request_closed_has_closed_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False),
                name="request_withdrawn_has_withdrawn_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""),
                name="request_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="referred_on") | ~Q(referred_to=""),
                name="request_referred_on_has_resource",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawal_reason=""),
                name="request_withdrawn_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(scrubbed_at__isnull=True) | Q(status__in=["closed", "withdrawn"]),
                name="request_scrubbed_only_when_ended",
            ),
            # A scrubbed request holds nothing that names, reaches or singles out a person.
            models.CheckConstraint(
                condition=Q(scrubbed_at__isnull=True)
                | Q(
                    name="",
                    email="",
                    phone="",
                    best_times="",
                    referrer_name="",
                    referrer_email="",
                    confirmation_token_hash="",
                    specialty_group="",
                    preferred_supporter__isnull=True,
                ),
                name="request_scrubbed_holds_no_identifier",
            ),
        ]

    def __str__(self) -> str:
        # Never a name: the admin's log copies str(obj).
        return self.case_code

    @property
    def is_referral(self) -> bool:
        return self.source == self.Source.COLLEAGUE


class AccessLog(models.Model):
    """Who opened a page showing a request's identifiers, and when — never what they saw."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    request = models.ForeignKey(
        SupportRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="access_logs",
    )
    view = models.CharField(_("page"), max_length=40)
    accessed_at = models.DateTimeField(_("accessed at"))

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-accessed_at"]
        indexes = [models.Index(fields=["request", "-accessed_at"], name="accesslog_request_idx")]

    def __str__(self) -> str:
        return f"{self.view} {self.accessed_at:%Y-%m-%d %H:%M}"


class LegalHold(models.Model):
    """Keep one request's identifiers past the retention schedule, for a reason, until a date.

    Placed by an administrator when the law requires records to be kept (a court order,
    a regulator's inquiry); the scrub passes a held request by until the hold ends, and
    the hold ends by itself on its end date. Who placed or lifted it is in the access log.
    """

    class Reason(models.TextChoices):
        LITIGATION = "litigation", _("Litigation or a court order")
        REGULATOR = "regulator", _("A regulator's or college's inquiry")
        INVESTIGATION = "investigation", _("An investigation required by law")
        OTHER = "other", _("Another legal obligation")

    request = models.ForeignKey(
        SupportRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="legal_holds",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    held_until = models.DateField(
        _("held until"), help_text=_("The last day the hold applies; it lifts itself after it.")
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    placed_at = models.DateTimeField(_("placed at"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at"]
        indexes = [
            models.Index(
                fields=["request", "held_until"],
                name="legalhold_active_idx",
                condition=Q(lifted_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.held_until.isoformat()}"


class PendingCompaction(models.Model):
    """A table that the day's scrub or purge touched: the nightly step rewrites it.

    Deleted and blanked values stay in a table's pages (dead row versions, free space)
    until the table is rewritten, so the nightly `VACUUM FULL` runs on these tables only.
    """

    table = models.CharField(_("table"), max_length=63, unique=True)
    since = models.DateTimeField(_("touched since"))

    class Meta:
        verbose_name = _("table to compact")
        verbose_name_plural = _("tables to compact")

    def __str__(self) -> str:
        return self.table


class ReferralTally(models.Model):
    """How many colleague referrals were declined or lapsed, by month: the only trace a
    deleted referral leaves (no person, no request — a month, an outcome and a count)."""

    class Outcome(models.TextChoices):
        DECLINED = "declined", _("Declined by the colleague")
        LAPSED = "lapsed", _("Not confirmed in time")

    month = models.DateField(_("month"), help_text=_("The first day of the referral's month."))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("referral tally")
        verbose_name_plural = _("referral tallies")
        ordering = ["month", "outcome"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "outcome"], name="referraltally_one_per_month"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["declined", "lapsed"]), name="referraltally_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.outcome} {self.count}"
