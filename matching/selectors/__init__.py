"""Read assignments, the matching queue and a supporter's contacts.

Every query of assignments starts at `assignments()` (as requests start at
`intake.selectors.requests()` and supporters at `supporters.selectors.roster()`), so
the portal, the admin and the reports share one rule for who may see a contact, one
constant number of queries per page, and one place to scope by program later.
Direct contacts and the totals they count in are read in `direct`.
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    Avg,
    Case,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)

from accounts.access import is_supporter
from intake import lifecycle
from intake.models import SupportRequest
from intake.selectors import requests
from supporters.models import Supporter
from supporters.selectors import roster, with_availability

from ..models import Assignment, Conversation, DebriefRequest, SafetyConcern, ScratchNote

Status = SupportRequest.Status

RECENTLY_CLOSED_DAYS = 7


class QueueAnnotations(TypedDict):
    """What `matching_queue()` reads from each row's active assignment."""

    contact_due_at: datetime | None
    assignment_first_contact_at: datetime | None
    supporter_name: str | None
    queue_rank: int


class ContactAnnotations(TypedDict):
    """What `contacts_of()` and `contact_for()` add to each active contact."""

    note_first_written_at: datetime | None
    has_open_safety_concern: bool
    open_safety_concern_raised_at: datetime | None


class CandidateAnnotations(TypedDict):
    """What `candidates()` adds to each supporter, beside the availability."""

    availability_status: str
    active_load: int
    last_assigned_at: datetime | None
    recent_time_to_contact: timedelta | None


# Models with the selectors' annotations, for the type checker (django-stubs reads them);
# at run time they are the plain models.
if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    QueueRow = WithAnnotations[SupportRequest, QueueAnnotations]
    ActiveContact = WithAnnotations[Assignment, ContactAnnotations]
    Candidate = WithAnnotations[Supporter, CandidateAnnotations]
else:
    QueueRow = SupportRequest
    ActiveContact = Assignment
    Candidate = Supporter


def assignments() -> QuerySet[Assignment]:
    """Return every assignment of the program: the base of every other query of them."""
    return Assignment.objects.all()


def _active_assignment_of_request() -> QuerySet[Assignment]:
    return assignments().filter(request=OuterRef("pk"), ended_at__isnull=True)


def matching_queue() -> QuerySet[QueueRow]:
    """Return the requests an administrator works on: waiting first, oldest first.

    Matched and in-contact requests follow, most urgent deadline first. Each row carries
    its active assignment's `contact_due_at`, `assignment_first_contact_at` and
    `supporter_name`, read in the same query.
    """
    active = _active_assignment_of_request()
    return (
        requests()
        .filter(status__in=lifecycle.QUEUE)
        .annotate(
            contact_due_at=Subquery(active.values("contact_due_at")[:1]),
            assignment_first_contact_at=Subquery(active.values("first_contact_at")[:1]),
            supporter_name=Subquery(active.values("supporter__display_name")[:1]),
            queue_rank=Case(
                When(status=Status.WAITING, then=Value(0)),
                When(status=Status.MATCHED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        # Waiting rows have no deadline (all NULL), so they fall through to waiting_since.
        .order_by("queue_rank", "contact_due_at", "waiting_since", "pk")
    )


def request_for_matching(public_id: uuid.UUID) -> SupportRequest | None:
    """Return the request by its public id, with what the match page shows, if it exists."""
    return (
        requests()
        .select_related("region", "preferred_supporter")
        .prefetch_related(Prefetch("avoid_supporters", queryset=roster().only("pk")))
        .filter(public_id=public_id)
        .first()
    )


def active_assignment(request: SupportRequest) -> Assignment | None:
    """Return the request's active assignment with its supporter, if it has one."""
    return (
        assignments()
        .select_related("supporter", "assigned_by")
        .filter(request=request, ended_at__isnull=True)
        .first()
    )


def assignment_history(request: SupportRequest) -> QuerySet[Assignment]:
    """Return every assignment the request has had, newest first."""
    return (
        assignments().select_related("supporter", "assigned_by", "ended_by").filter(request=request)
    )


RECENT_CONTACT_WINDOW_DAYS = 90


def candidates(*, today: date) -> QuerySet[Candidate]:
    """Return every supporter with availability, load and recent record, in one query.

    `active_load` comes from the availability rule itself; `last_assigned_at` is the
    supporter's most recent assignment (ended or not); `recent_time_to_contact` is the
    average time from assignment to first contact over assignments made in the last 90
    days (None without any).
    """
    last_assigned = (
        assignments()
        .filter(supporter=OuterRef("pk"))
        .order_by()
        .values("supporter")
        .annotate(last=Max("assigned_at"))
        .values("last")
    )
    since = datetime.combine(today - timedelta(days=RECENT_CONTACT_WINDOW_DAYS), time.min, UTC)
    time_to_contact = (
        assignments()
        .filter(supporter=OuterRef("pk"), assigned_at__gte=since, first_contact_at__isnull=False)
        .order_by()
        .values("supporter")
        .annotate(
            average=Avg(
                ExpressionWrapper(
                    F("first_contact_at") - F("assigned_at"), output_field=DurationField()
                )
            )
        )
        .values("average")
    )
    # The availability annotations come from `with_availability`, which types its rows
    # as plain supporters: say here what this query adds up to.
    return cast(
        "QuerySet[Candidate]",
        with_availability(roster(), today=today)
        .annotate(
            last_assigned_at=Subquery(last_assigned, output_field=DateTimeField()),
            recent_time_to_contact=Subquery(time_to_contact, output_field=DurationField()),
        )
        .select_related("region", "user")
        .order_by("display_name", "pk"),
    )


def _active_contacts() -> QuerySet[ActiveContact]:
    open_concern = SafetyConcern.objects.filter(assignment=OuterRef("pk"), handled_at__isnull=True)
    return (
        assignments()
        .filter(ended_at__isnull=True)
        .select_related("request", "request__region")
        .annotate(
            note_first_written_at=Subquery(
                ScratchNote.objects.filter(assignment=OuterRef("pk")).values("first_written_at")[:1]
            ),
            has_open_safety_concern=Exists(open_concern),
            open_safety_concern_raised_at=Subquery(open_concern.values("raised_at")[:1]),
        )
    )


def contacts_of(supporter: Supporter) -> QuerySet[ActiveContact]:
    """Return the supporter's active contacts, most urgent deadline first.

    Each row carries its request, the request's region, `note_first_written_at` and
    `has_open_safety_concern`, so the portal's list costs one query.
    """
    return _active_contacts().filter(supporter=supporter).order_by("contact_due_at", "pk")


def contacts_of_inactive_supporters() -> QuerySet[Assignment]:
    """Return the active contacts whose supporter's account is inactive, most urgent first.

    A supporter who left keeps their contacts until an administrator reassigns each: this
    is the list of those to reassign, with the request and supporter in the same query.
    """
    return (
        assignments()
        .filter(ended_at__isnull=True, supporter__user__is_active=False)
        .select_related("request", "supporter")
        .order_by("contact_due_at", "pk")
    )


def may_see_contact(user: AbstractBaseUser | AnonymousUser, assignment: Assignment) -> bool:
    """Decide whether `user` may see this assignment's contact: the one rule for it.

    Only the supporter it is assigned to, and only while it is active: a contact that was
    reassigned, handed back, closed or withdrawn is nobody's in the portal.
    """
    return (
        is_supporter(user)
        and assignment.ended_at is None
        and assignment.supporter.user_id == user.pk
    )


def contact_for(
    user: AbstractBaseUser | AnonymousUser, public_id: uuid.UUID
) -> ActiveContact | None:
    """Return the active assignment `public_id` when `user` may see it, else None."""
    if not is_supporter(user) or user.pk is None:
        return None
    assignment = (
        _active_contacts()
        .select_related("supporter")
        .filter(supporter__user_id=user.pk, public_id=public_id)
        .first()
    )
    if assignment is None or not may_see_contact(user, assignment):
        return None
    return assignment


def recently_closed_of(supporter: Supporter, *, now: datetime) -> QuerySet[Assignment]:
    """Return the supporter's contacts closed in the last 7 days, newest first.

    Only the case code and the outcome are loaded: a closed contact shows no identifiers.
    """
    return (
        assignments()
        .filter(
            supporter=supporter,
            end_reason=Assignment.EndReason.CLOSED,
            ended_at__gte=now - timedelta(days=RECENTLY_CLOSED_DAYS),
        )
        .select_related("request")
        .only("pk", "ended_at", "request__case_code", "request__outcome", "request__referred_to")
        .order_by("-ended_at")
    )


def scratch_note_of(assignment: Assignment) -> ScratchNote | None:
    return ScratchNote.objects.filter(assignment=assignment).first()


def open_safety_concerns() -> QuerySet[SafetyConcern]:
    """Return the safety concerns no administrator has marked handled, oldest first."""
    return (
        SafetyConcern.objects.filter(handled_at__isnull=True)
        .select_related("assignment__request", "raised_by")
        .order_by("raised_at")
    )


def open_safety_concerns_of(supporter: Supporter) -> QuerySet[SafetyConcern]:
    """Return the open safety concerns on the supporter's contacts, ended ones included.

    The portal shows their guidance and whom to call for as long as they are open, even
    after the contact was closed or handed back. Only the case code and times are read.
    """
    return (
        SafetyConcern.objects.filter(handled_at__isnull=True, assignment__supporter=supporter)
        .select_related("assignment__request")
        .only(
            "pk",
            "raised_at",
            "assignment__public_id",
            "assignment__ended_at",
            "assignment__request__case_code",
        )
        .order_by("raised_at")
    )


def has_open_safety_concern(assignment: Assignment) -> bool:
    """Return whether a safety concern on this assignment is still open (one query)."""
    return SafetyConcern.objects.filter(assignment=assignment, handled_at__isnull=True).exists()


def safety_concerns() -> QuerySet[SafetyConcern]:
    return SafetyConcern.objects.select_related(
        "assignment__request", "assignment__supporter", "raised_by", "handled_by"
    )


def debrief_requests() -> QuerySet[DebriefRequest]:
    return DebriefRequest.objects.select_related("supporter", "handled_by")


def assignments_for_staff() -> QuerySet[Assignment]:
    return assignments().select_related("request", "supporter", "assigned_by", "ended_by")


def conversations() -> QuerySet[Conversation]:
    """Return every conversation logged on an assigned contact (the base of their queries)."""
    return Conversation.objects.all()
