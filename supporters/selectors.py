"""Read the roster. Every query of supporters starts at `roster()`; availability is
decided here, once, by `with_availability`.

Every caller (the public list, "my profile", the admin, matching) goes through these
functions, so the rule and the number of queries are the same everywhere, and scoping
by program can later be added in `roster()` alone.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When

from .models import Availability, AvailabilityStatus, Supporter, TrainingRecord


def _ready() -> Q:
    """Trained, agreement signed, and the account still active."""
    return Q(
        trained_on__isnull=False,
        agreement_signed_on__isnull=False,
        user__is_active=True,
    )


def with_availability(queryset: QuerySet[Supporter], *, today: date) -> QuerySet[Supporter]:
    """Annotate `availability_status` on each supporter, as of `today`.

    The first matching rule wins, so a supporter who is away and not accepting shows as
    away (the more useful thing to tell a requester). `away_until` is the last day
    away: on that day the supporter is still away. Each row also carries `active_load`,
    the number of active assignments, counted in the same query by following matching's
    `assignments` relation by name (supporters never imports matching).
    """
    # Supporter declares these two attributes so that its `availability` is typed; the
    # django-stubs plugin reads an annotation of a declared name as a redefinition.
    return queryset.annotate(  # type: ignore[no-redef]
        active_load=Count("assignments", filter=Q(assignments__ended_at__isnull=True)),
        availability_status=Case(
            When(~_ready(), then=Value(AvailabilityStatus.NOT_READY.value)),
            When(away_until__gte=today, then=Value(AvailabilityStatus.AWAY.value)),
            When(accepts_new=False, then=Value(AvailabilityStatus.NOT_ACCEPTING.value)),
            When(
                active_load__gte=F("capacity"),
                then=Value(AvailabilityStatus.AT_CAPACITY.value),
            ),
            default=Value(AvailabilityStatus.AVAILABLE.value),
            output_field=CharField(),
        ),
    )


def available_supporters(*, today: date) -> QuerySet[Supporter]:
    """Return the supporters who may be assigned a new request today."""
    return with_availability(roster(), today=today).filter(
        Q(availability_status=AvailabilityStatus.AVAILABLE.value)
    )


def listed_supporters(*, today: date) -> QuerySet[Supporter]:
    """Return the public list: listed, trained and signed supporters, with availability.

    Each row carries `availability_status` (read it as `supporter.availability`) and its
    region, so the page costs one query whatever the roster's size.
    """
    return (
        with_availability(roster().filter(is_listed=True), today=today)
        .exclude(Q(availability_status=AvailabilityStatus.NOT_READY.value))
        .select_related("region")
        .order_by("display_name", "pk")
    )


def availability_of(supporter: Supporter, *, today: date) -> Availability:
    """Return one supporter's availability today (one query, the same rule as the lists)."""
    return with_availability(roster().filter(pk=supporter.pk), today=today).get().availability


def supporter_of(user: AbstractBaseUser | AnonymousUser) -> Supporter | None:
    """Return the signed-in user's own profile, or None when they have none.

    This is "which supporter is this user", in one place: accounts knows nothing of
    supporters, so the reverse relation is followed here.
    """
    if not user.is_authenticated:
        return None
    return roster().select_related("region", "user").filter(user_id=user.pk).first()


def roster() -> QuerySet[Supporter]:
    """Return every supporter of the program: the base of every other query of supporters."""
    return Supporter.objects.all()


def roster_for_staff(*, today: date) -> QuerySet[Supporter]:
    """Return every supporter with account, region and availability (the admin's list)."""
    return with_availability(roster().select_related("user", "region"), today=today)


@dataclass(frozen=True)
class TrainingSummary:
    """A supporter's training records, newest first, and their continuing-education hours."""

    records: list[TrainingRecord]
    continuing_hours_this_year: Decimal
    continuing_hours_in_all: Decimal


def training_of(supporter: Supporter, *, today: date) -> TrainingSummary:
    """Return the supporter's training records and continuing-education hours (one query)."""
    records = list(TrainingRecord.objects.filter(supporter=supporter))
    continuing = [r for r in records if r.kind == TrainingRecord.Kind.CONTINUING]
    return TrainingSummary(
        records=records,
        continuing_hours_this_year=sum(
            (r.hours for r in continuing if r.completed_on.year == today.year), Decimal(0)
        ),
        continuing_hours_in_all=sum((r.hours for r in continuing), Decimal(0)),
    )


def training_records() -> QuerySet[TrainingRecord]:
    """Return every training record of the program's supporters."""
    return TrainingRecord.objects.all()
