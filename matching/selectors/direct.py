"""Read direct contacts and the totals they count in: the supporter's own entries still
open to correction, a supporter's year, and the program's months.

Direct contacts hold no identifier, yet only their own supporter ever sees an entry;
everyone else sees counts.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from accounts.access import is_supporter
from supporters.models import Supporter

from ..models import DIRECT_CONTACT_EDIT_DAYS, Conversation, DirectContact
from . import assignments


def direct_contacts() -> QuerySet[DirectContact]:
    """Return every direct contact logged (the base of their queries)."""
    return DirectContact.objects.all()


def direct_contacts_of(supporter: Supporter, *, now: datetime) -> QuerySet[DirectContact]:
    """Return the supporter's own direct contacts still open to correction, newest first."""
    return DirectContact.objects.filter(
        supporter=supporter, logged_at__gt=now - timedelta(days=DIRECT_CONTACT_EDIT_DAYS)
    ).order_by("-logged_at", "-pk")


def direct_contact_for(
    user: AbstractBaseUser | AnonymousUser, public_id: uuid.UUID, *, now: datetime
) -> DirectContact | None:
    """Return the direct contact `public_id` if it is `user`'s own and still correctable.

    Another supporter's entry, or one logged more than `DIRECT_CONTACT_EDIT_DAYS` ago,
    is None, the same as one that never existed: the page answers 404 for all three.
    """
    if not is_supporter(user) or user.pk is None:
        return None
    return (
        DirectContact.objects.select_related("supporter")
        .filter(
            supporter__user_id=user.pk,
            public_id=public_id,
            logged_at__gt=now - timedelta(days=DIRECT_CONTACT_EDIT_DAYS),
        )
        .first()
    )


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class SupporterTotals:
    """One supporter's year: people reached, conversations and minutes, direct ones included."""

    contacts: int
    conversations: int
    minutes: int

    @property
    def hours(self) -> Decimal:
        return _hours(self.minutes)


def _year_span(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def totals_of(supporter: Supporter, *, year: int, time_zone: ZoneInfo) -> SupporterTotals:
    """Return the supporter's totals for `year` (in the program's time zone), in 3 queries.

    Contacts are the assigned people first reached that year plus the direct contacts
    logged as a first conversation; conversations and minutes count both kinds alike.
    """
    first_day, last_day = _year_span(year)
    reached = (
        assignments()
        .filter(
            supporter=supporter,
            first_contact_at__gte=datetime(year, 1, 1, tzinfo=time_zone),
            first_contact_at__lt=datetime(year + 1, 1, 1, tzinfo=time_zone),
        )
        .count()
    )
    assigned = Conversation.objects.filter(
        assignment__supporter=supporter, held_on__range=(first_day, last_day)
    ).aggregate(count=Count("pk"), minutes=Sum("minutes"))
    direct = DirectContact.objects.filter(
        supporter=supporter, held_on__range=(first_day, last_day)
    ).aggregate(
        count=Count("pk"),
        minutes=Sum("minutes"),
        people=Count("pk", filter=Q(is_first_conversation=True)),
    )
    return SupporterTotals(
        contacts=reached + direct["people"],
        conversations=assigned["count"] + direct["count"],
        minutes=(assigned["minutes"] or 0) + (direct["minutes"] or 0),
    )


@dataclass(frozen=True)
class DirectContactMonth:
    """The program's direct contacts in one month: counts only, never an entry."""

    month: date
    conversations: int
    first_conversations: int
    minutes: int
    follow_ups_planned: int
    referred_on: int

    @property
    def hours(self) -> Decimal:
        return _hours(self.minutes)


@dataclass(frozen=True)
class DirectContactYear:
    """The program's direct contacts of one year: its months, and the year's total."""

    year: int
    months: list[DirectContactMonth]

    @property
    def total(self) -> DirectContactMonth:
        return DirectContactMonth(
            month=date(self.year, 1, 1),
            conversations=sum(month.conversations for month in self.months),
            first_conversations=sum(month.first_conversations for month in self.months),
            minutes=sum(month.minutes for month in self.months),
            follow_ups_planned=sum(month.follow_ups_planned for month in self.months),
            referred_on=sum(month.referred_on for month in self.months),
        )


def direct_contact_year(*, year: int) -> DirectContactYear:
    """Return the program's direct contacts of `year`, month by month, in one query."""
    first_day, last_day = _year_span(year)
    rows = (
        DirectContact.objects.filter(held_on__range=(first_day, last_day))
        .annotate(month=TruncMonth("held_on"))
        .order_by("month")
        .values("month")
        .annotate(
            conversations=Count("pk"),
            first_conversations=Count("pk", filter=Q(is_first_conversation=True)),
            minutes=Sum("minutes"),
            follow_ups_planned=Count("pk", filter=Q(is_follow_up_planned=True)),
            referred_on=Count("pk", filter=~Q(referred_to="")),
        )
    )
    return DirectContactYear(year=year, months=[DirectContactMonth(**row) for row in rows])
