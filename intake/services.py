"""Write requests: submissions, the colleague's confirmation, deletion, the access log.

Each service is one transaction that queues its emails through the outbox, so an email
exists exactly when the event that causes it does.
"""

import logging
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import email_administrators
from notifications.services import discard_pending_emails, queue_email
from programs.models import Region
from programs.program import current
from supporters.models import Supporter

from .models import AccessLog, ReferralTally, SupportRequest
from .selectors import find_by_submission_key, hash_token, referral_by_token, requests

logger = logging.getLogger(__name__)

Status = SupportRequest.Status


@dataclass(frozen=True)
class Preferences:
    """How the person would like to be supported: the matching hints of a request."""

    preferred_contact: str
    modality: str
    language: str
    career_stage: str = ""
    specialty_group: str = ""
    region: Region | None = None
    reasons: Sequence[str] = field(default_factory=tuple)
    best_times: str = ""
    preferred_supporter: Supporter | None = None
    avoid_supporters: Sequence[Supporter] = field(default_factory=tuple)


def _apply_preferences(request: SupportRequest, preferences: Preferences) -> None:
    request.preferred_contact = preferences.preferred_contact
    request.modality = preferences.modality
    request.language = preferences.language
    request.career_stage = preferences.career_stage
    request.specialty_group = preferences.specialty_group
    request.region = preferences.region
    request.reasons = sorted(set(preferences.reasons))
    request.best_times = preferences.best_times
    request.preferred_supporter = preferences.preferred_supporter


def _apply_avoid_list(request: SupportRequest, preferences: Preferences) -> None:
    # Someone asked for by name is never also avoided.
    avoided = [
        supporter
        for supporter in preferences.avoid_supporters
        if supporter != preferences.preferred_supporter
    ]
    request.avoid_supporters.set(avoided)


def _save_new(request: SupportRequest, preferences: Preferences) -> tuple[SupportRequest, bool]:
    """Insert a new request with its avoid list; return it and whether it was created.

    A rare case-code collision draws another code. When the same form was sent twice at
    once, the other submission won: return the request it made, not created.
    """
    for _attempt in range(5):
        try:
            with transaction.atomic():
                request.save(force_insert=True)
        except IntegrityError:
            existing = find_by_submission_key(request.submission_key)
            if existing is not None:
                return existing, False
            request.case_code = SupportRequest._meta.get_field("case_code").get_default()
            continue
        _apply_avoid_list(request, preferences)
        return request, True
    raise RuntimeError("could not draw a free case code")


def _notify_administrators(request: SupportRequest) -> None:
    """Tell each administrator a request is waiting: the case code and a link, nothing else."""
    # By URL name: the matching queue is matching's, above intake.
    link = settings.SITE_URL + reverse("admin:matching_queuedrequest_changelist")
    email_administrators(
        kind="new_request",
        template="intake/new_request",
        context={**current().email_context(), "case_code": request.case_code, "link": link},
        request_public_id=request.public_id,
    )


def _confirm_to_requester(request: SupportRequest) -> None:
    if not request.email:
        return
    program = current()
    queue_email(
        kind="request_received",
        to=request.email,
        template="intake/request_received",
        context={
            **program.email_context(),
            "case_code": request.case_code,
            "preferred_contact": request.get_preferred_contact_display(),
            "deadline_days": program.contact_deadline_business_days,
            "survey_invited": not request.no_survey,
        },
        language=request.interface_language,
        request_public_id=request.public_id,
    )


@transaction.atomic
def submit_self_referral(
    *,
    name: str,
    email: str,
    phone: str,
    preferences: Preferences,
    interface_language: str,
    submission_key: uuid.UUID | None = None,
    no_survey: bool = False,
    now: datetime | None = None,
) -> SupportRequest:
    """Save a physician's request for themselves; it enters the matching queue at once.

    Side effects: a confirmation email with the case code to the requester (when they gave
    an email address) and a notice to each administrator. The same `submission_key` sent
    twice returns the request the first one made. `no_survey`: never invite them to the
    feedback survey.
    """
    now = now or timezone.now()
    existing = find_by_submission_key(submission_key)
    if existing is not None:
        return existing
    request = SupportRequest(
        source=SupportRequest.Source.SELF,
        status=Status.WAITING,
        name=name,
        email=email,
        phone=phone,
        interface_language=interface_language,
        submission_key=submission_key,
        no_survey=no_survey,
        submitted_at=now,
        confirmed_at=now,
        waiting_since=now,
    )
    _apply_preferences(request, preferences)
    request, created = _save_new(request, preferences)
    if not created:
        return request
    _confirm_to_requester(request)
    _notify_administrators(request)
    return request


@dataclass(frozen=True)
class ReferralResult:
    request: SupportRequest
    # The colleague's link token, present only when confirmation is required and only
    # here: the database keeps its hash.
    token: str = ""


@transaction.atomic
def submit_colleague_referral(
    *,
    colleague_name: str,
    colleague_email: str,
    colleague_phone: str,
    referrer_name: str,
    referrer_email: str,
    preferences: Preferences,
    interface_language: str,
    submission_key: uuid.UUID | None = None,
    now: datetime | None = None,
) -> ReferralResult:
    """Save a colleague's referral, made with the colleague's consent.

    With `REFERRAL_CONFIRMATION_REQUIRED`, the colleague gets a single-use link to confirm
    and nobody reaches out before they do. Without it, the referral enters the queue at
    once. Side effects: the colleague's email (the link, or the case code), the referrer's
    acknowledgement (which never says whether the colleague confirmed), and the
    administrators' notice once the request is in the queue.
    """
    now = now or timezone.now()
    existing = find_by_submission_key(submission_key)
    if existing is not None:
        return ReferralResult(request=existing)
    program = current()
    needs_confirmation = program.referral_confirmation_required
    token = secrets.token_urlsafe(32) if needs_confirmation else ""
    request = SupportRequest(
        source=SupportRequest.Source.COLLEAGUE,
        status=Status.AWAITING_CONFIRMATION if needs_confirmation else Status.WAITING,
        name=colleague_name,
        email=colleague_email,
        phone=colleague_phone,
        referrer_name=referrer_name,
        referrer_email=referrer_email,
        consent_attested_at=now,
        interface_language=interface_language,
        confirmation_token_hash=hash_token(token) if token else "",
        submission_key=submission_key,
        submitted_at=now,
        confirmed_at=None if needs_confirmation else now,
        waiting_since=None if needs_confirmation else now,
    )
    _apply_preferences(request, preferences)
    request, created = _save_new(request, preferences)
    if not created:
        return ReferralResult(request=request)
    if needs_confirmation:
        if request.email:
            queue_email(
                kind="referral_confirm",
                to=request.email,
                template="intake/referral_confirm",
                context={
                    **program.email_context(),
                    # The colleague is told who referred them (the referral form says so).
                    "referrer_name": referrer_name,
                    "case_code": request.case_code,
                    "link": settings.SITE_URL + reverse("intake:referral", args=[token]),
                    "days": program.referral_confirm_days,
                },
                language=interface_language,
                request_public_id=request.public_id,
            )
    else:
        _confirm_to_requester(request)
        _notify_administrators(request)
    queue_email(
        kind="referral_received",
        to=referrer_email,
        template="intake/referral_received",
        context=program.email_context(),
        language=interface_language,
        request_public_id=request.public_id,
    )
    return ReferralResult(request=request, token=token)


class ReferralLinkInvalid(Exception):
    """The link was used already, has expired, or never existed."""


@transaction.atomic
def confirm_referral(
    *,
    token: str,
    preferences: Preferences | None = None,
    phone: str | None = None,
    no_survey: bool = False,
    now: datetime | None = None,
) -> SupportRequest:
    """The referred colleague confirms: the request enters the queue and the link is spent.

    The token's hash stays, so the link opened again says the request went through
    (`is_used_referral_link`); it confirms nothing a second time. Side effects: the
    colleague's confirmation email with the case code, and the administrators' notice.
    `no_survey`: never invite them to the feedback survey.
    """
    now = now or timezone.now()
    found = referral_by_token(token, now=now)
    if found is None:
        raise ReferralLinkInvalid
    request = requests().select_for_update().get(pk=found.pk)
    if request.status != Status.AWAITING_CONFIRMATION or not request.confirmation_token_hash:
        raise ReferralLinkInvalid
    if preferences is not None:
        _apply_preferences(request, preferences)
        _apply_avoid_list(request, preferences)
    if phone:
        request.phone = phone
    request.no_survey = no_survey
    request.status = Status.WAITING
    request.confirmed_at = now
    request.waiting_since = now
    request.save()
    _confirm_to_requester(request)
    _notify_administrators(request)
    return request


@transaction.atomic
def decline_referral(*, token: str, now: datetime | None = None) -> None:
    """The referred colleague declines: the referral is deleted at once, with its emails."""
    found = referral_by_token(token, now=now)
    if found is None:
        raise ReferralLinkInvalid
    discard_pending_emails(request_public_ids=[found.public_id])
    deleted, _rows = requests().filter(pk=found.pk, status=Status.AWAITING_CONFIRMATION).delete()
    if deleted:
        _tally(ReferralTally.Outcome.DECLINED, [(found.submitted_at, 1)])


# One statement per month, safe under concurrent runs: the unique (month, outcome) pair
# takes the conflict, and the count adds up.
TALLY_UPSERT = (
    "INSERT INTO intake_referraltally (month, outcome, count) VALUES (%s, %s, %s) "
    "ON CONFLICT (month, outcome) DO UPDATE SET count = intake_referraltally.count "
    "+ EXCLUDED.count"
)


def _tally(outcome: str, months: Iterable[tuple[datetime, int]]) -> None:
    """Add to the de-identified count of referrals that ended without confirmation."""
    program = current()
    added: dict[date, int] = {}
    for moment, count in months:
        month = program.local_time(moment).date().replace(day=1)
        added[month] = added.get(month, 0) + count
    with connection.cursor() as cursor:
        for month, count in added.items():
            cursor.execute(TALLY_UPSERT, [month, outcome, count])


def delete_unconfirmed_referrals(*, now: datetime | None = None) -> int:
    """Delete referrals the colleague did not confirm within `REFERRAL_CONFIRM_DAYS`.

    One set-based DELETE on an indexed column; returns how many were deleted.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=current().referral_confirm_days)
    with transaction.atomic():
        expired = requests().filter(status=Status.AWAITING_CONFIRMATION, submitted_at__lte=cutoff)
        discard_pending_emails(request_public_ids=expired.values("public_id"))
        by_month = list(
            expired.annotate(month=TruncMonth("submitted_at", tzinfo=current().time_zone))
            .order_by()
            .values("month")
            .annotate(count=Count("pk"))
            .values_list("month", "count")
        )
        deleted, _ = expired.delete()
        _tally(ReferralTally.Outcome.LAPSED, by_month)
    if deleted:
        logger.info("intake: deleted unconfirmed referrals")
    return deleted


def record_access(
    *,
    user: User,
    requests: Iterable[SupportRequest],
    view: str,
    now: datetime | None = None,
) -> int:
    """Write who opened which requests' identifiers, and when (never what was shown)."""
    now = now or timezone.now()
    rows = [
        AccessLog(user=user, request=request, view=view, accessed_at=now) for request in requests
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)
