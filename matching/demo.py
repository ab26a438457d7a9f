"""Demo data: a sixth supporter, at capacity, and assignments in every state.

Uses intake's demo requests (found by their submission keys) and runs the real services
with times in the past, so the demo shows what the program would really hold: a contact
due today, one overdue, one in contact, one handed back, one closed, one withdrawn.
"""

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.demo import ADMIN_EMAIL, DEMO_PASSWORD, ensure_user
from accounts.models import User
from accounts.roles import SUPPORTERS
from intake.demo import NAMESPACE
from intake.models import SupportRequest
from intake.selectors import find_by_submission_key
from programs.business_days import Calendar, load_calendar
from programs.models import Region
from programs.vocabulary import (
    CareerStage,
    Language,
    Modality,
    Outcome,
    Reason,
    ReferralResource,
    SpecialtyGroup,
    WithdrawalReason,
)
from supporters.demo import SIGNED_ON, TRAINED_ON
from supporters.models import Supporter
from supporters.selectors import roster
from supporters.services import unique_slug

from .deadlines import contact_deadline
from .demo_history import run_history
from .models import Assignment, ContactMeans, DirectContact
from .selectors import assignments
from .services import (
    DirectContactFacts,
    assign_supporter,
    close_request,
    hand_back,
    log_direct_contact,
    record_first_contact,
    withdraw_request,
)

AT_CAPACITY_EMAIL = "nadia.okafor@demo.peersupport.test"
AVAILABLE_EMAIL = "amrit.gill@demo.peersupport.test"


def _request(number: int) -> SupportRequest | None:
    return find_by_submission_key(uuid.uuid5(NAMESPACE, f"self-{number}"))


def _at_capacity_supporter() -> Supporter:
    user = ensure_user(email=AT_CAPACITY_EMAIL, role=SUPPORTERS, name="Dr. Nadia Okafor")
    supporter = roster().filter(user=user).first()
    if supporter is None:
        supporter = roster().create(
            user=user,
            display_name="Dr. Nadia Okafor",
            slug=unique_slug("Dr. Nadia Okafor"),
            pronouns="she/her",
            specialty_group=SpecialtyGroup.EMERGENCY,
            career_stage=CareerStage.MID,
            languages=[Language.ENGLISH, Language.FRENCH],
            modalities=[Modality.PHONE, Modality.VIDEO],
            region=Region.objects.filter(name="Vancouver Coastal").first(),
            bio="Emergency physician. Night shifts and hard cases: I have been there.",
            capacity=2,
            accepts_new=True,
            trained_on=TRAINED_ON,
            agreement_signed_on=SIGNED_ON,
            is_listed=True,
        )
    return supporter


def _due_today_start(now: datetime, calendar: Calendar) -> datetime:
    """Return a past moment whose contact deadline falls today, or 4 days ago if none does."""
    today = calendar.local_date(now)
    for days_back in range(1, 10):
        start = now - timedelta(days=days_back)
        if calendar.local_date(contact_deadline(start, calendar=calendar)) == today:
            return start
    return now - timedelta(days=4)


def _direct_contacts(supporter: Supporter, *, now: datetime, calendar: Calendar) -> None:
    """Two conversations with someone who called the supporter from the public list."""
    if DirectContact.objects.filter(supporter=supporter).exists():
        return
    for days_back, first, minutes, referred_to in [
        (10, True, 40, ""),
        (3, False, 25, ReferralResource.EAP),
    ]:
        moment = now - timedelta(days=days_back)
        log_direct_contact(
            supporter=supporter,
            facts=DirectContactFacts(
                held_on=calendar.local_date(moment),
                minutes=minutes,
                modality=Modality.PHONE,
                is_first_conversation=first,
                is_follow_up_planned=first,
                reason=Reason.COMPLAINT,
                career_stage=CareerStage.MID,
                referred_to=referred_to,
            ),
            now=moment,
            calendar=calendar,
        )


def run() -> list[tuple[str, str, str]]:
    """Assign the demo requests once; return the sign-in of the supporter at capacity."""
    now = timezone.now()
    calendar = load_calendar()
    administrator = User.objects.get(email=ADMIN_EMAIL)
    nadia = _at_capacity_supporter()
    amrit = roster().filter(user__email=AVAILABLE_EMAIL).first()
    sign_ins = [("Supporter (at capacity)", AT_CAPACITY_EMAIL, DEMO_PASSWORD)]
    if amrit is None:
        return sign_ins

    def story(
        number: int, supporter: Supporter, then: Callable[[Assignment, datetime], None]
    ) -> None:
        request = _request(number)
        if request is None or assignments().filter(request=request).exists():
            return
        if request.status != SupportRequest.Status.WAITING:
            return
        start = max(request.submitted_at + timedelta(hours=1), now - timedelta(days=8))
        if number == 0:
            start = _due_today_start(now, calendar)
        assignment = assign_supporter(
            request=request,
            supporter=supporter,
            assigned_by=administrator,
            now=start,
            calendar=calendar,
        )
        then(assignment, start)

    def nothing(assignment: Assignment, start: datetime) -> None:
        return None

    def handed_back(assignment: Assignment, start: datetime) -> None:
        hand_back(
            assignment=assignment,
            reason=Assignment.HandBackReason.NO_CAPACITY,
            handed_back_by=assignment.supporter.user,
            now=min(start + timedelta(days=1), now),
        )

    def in_contact(assignment: Assignment, start: datetime) -> None:
        contacted = min(start + timedelta(days=1), now)
        record_first_contact(
            assignment=assignment, contacted_at=contacted, means=ContactMeans.PHONE, now=contacted
        )

    def closed(assignment: Assignment, start: datetime) -> None:
        in_contact(assignment, start)
        close_request(
            assignment=assignment,
            outcome=Outcome.COMPLETED,
            closed_by=assignment.supporter.user,
            now=min(start + timedelta(days=2), now),
        )

    def withdrawn(assignment: Assignment, start: datetime) -> None:
        withdraw_request(
            request=assignment.request,
            reason=WithdrawalReason.REQUESTER_ASKED,
            withdrawn_by=administrator,
            now=min(start + timedelta(hours=2), now),
        )

    # Nadia's hand-back first, so that her two active contacts come last and fill her.
    story(5, nadia, handed_back)  # Chris: handed back, waiting again
    story(1, nadia, nothing)  # Dr. Priya, six days ago: overdue
    story(0, nadia, nothing)  # Sam: due today
    story(2, amrit, closed)  # Alex: closed, shows under "recently closed"
    story(3, amrit, withdrawn)  # Jordan: withdrawn, the requester asked
    story(4, amrit, in_contact)  # Mei: in contact
    _direct_contacts(amrit, now=now, calendar=calendar)
    run_history(supporters=[amrit], administrator=administrator, now=now, calendar=calendar)
    return sign_ins
