"""Demo data: a year of the program's history, so that every chart of the reports shows
something — requests closed through the real services, conversations, outcomes.

Deterministic (a seeded random generator) and idempotent (each request has a submission
key of its own): running `seed_demo` twice adds nothing.
"""

import random
import uuid
from datetime import date, datetime, timedelta

from accounts.models import User
from intake.demo import NAMESPACE
from intake.models import SupportRequest
from intake.selectors import find_by_submission_key
from intake.services import Preferences, submit_self_referral
from programs.business_days import Calendar
from programs.vocabulary import CareerStage, Modality, Outcome, Reason, ReferralResource
from supporters.models import Supporter

from .deadlines import contact_deadline
from .models import ContactMeans
from .services import (
    MatchingRefused,
    assign_supporter,
    close_request,
    log_conversation,
    record_first_contact,
)

HISTORY_DAYS = 365
REQUESTS = 60  # every fifth day from a year ago to two months ago: all closed by now


def run_history(
    *, supporters: list[Supporter], administrator: User, now: datetime, calendar: Calendar
) -> None:
    """Take about a hundred past requests through their whole life, once."""
    if not supporters:
        return
    dice = random.Random(2026)  # noqa: S311  (demo data, not security)
    reasons, stages = list(Reason.values), list(CareerStage.values)
    for number in range(REQUESTS):
        key = uuid.uuid5(NAMESPACE, f"history-{number}")
        if find_by_submission_key(key) is not None:
            continue
        submitted = now - timedelta(days=HISTORY_DAYS - 5 * number, hours=dice.randint(0, 8))
        request = submit_self_referral(
            name=f"History {number}",
            email=f"history{number}@demo.peersupport.test",
            phone="",
            preferences=Preferences(
                preferred_contact="email",
                modality=dice.choice(list(Modality.values)),
                language="en",
                career_stage=dice.choice(stages),
                reasons=dice.sample(reasons, dice.randint(1, 2)),
            ),
            interface_language="en",
            submission_key=key,
            no_survey=dice.random() < 0.2,
            now=submitted,
        )
        _live(request, dice, supporters, administrator, submitted, now, calendar)


def _live(
    request: SupportRequest,
    dice: random.Random,
    supporters: list[Supporter],
    administrator: User,
    submitted: datetime,
    now: datetime,
    calendar: Calendar,
) -> None:
    matched = submitted + timedelta(hours=dice.choice([3, 20, 28, 50, 75]))
    try:
        assignment = assign_supporter(
            request=request,
            supporter=dice.choice(supporters),
            assigned_by=administrator,
            now=matched,
            calendar=calendar,
        )
    except MatchingRefused:
        return  # the supporter was full that day: the request stays in the queue
    due = contact_deadline(matched, calendar=calendar)
    reached = matched + (due - matched) * dice.choice([0.2, 0.4, 0.6, 0.9, 1.2])
    if reached >= now:
        return
    record_first_contact(
        assignment=assignment, contacted_at=reached, means=ContactMeans.PHONE, now=reached
    )
    day: date = calendar.local_date(reached)
    for talk in range(dice.randint(1, 3)):
        held = day + timedelta(days=7 * talk)
        if held > calendar.local_date(now):
            return
        log_conversation(
            assignment=assignment,
            held_on=held,
            minutes=dice.choice([20, 30, 45, 60]),
            modality=assignment.request.modality,
            is_follow_up_planned=talk < 2,
            now=now,
            calendar=calendar,
        )
    closed = reached + timedelta(days=21)
    if closed >= now:
        return
    outcome = dice.choice([Outcome.COMPLETED] * 6 + [Outcome.REFERRED_ON] * 2)
    close_request(
        assignment=assignment,
        outcome=outcome,
        referred_to=(
            dice.choice(list(ReferralResource.values)) if outcome == Outcome.REFERRED_ON else ""
        ),
        closed_by=assignment.supporter.user,
        now=closed,
    )
