"""Demo data: about a dozen requests across sources, reasons and states of intake."""

import uuid
from datetime import timedelta

from django.utils import timezone

from programs.models import Region
from programs.vocabulary import Reason

from .selectors import find_by_submission_key
from .services import Preferences, submit_colleague_referral, submit_self_referral

NAMESPACE = uuid.UUID("5b0f8a54-0c3e-4a55-9d0b-3f4f0b1c2d01")

SELF_REFERRALS = [
    ("Sam", "email", "phone", "en", ["adverse_event"], 9),
    ("Dr. Priya", "phone", "video", "en", ["burnout"], 6),
    ("Alex", "text", "phone", "fr", ["complaint", "conflict"], 5),
    ("Jordan", "email", "in_person", "en", ["life_stressor"], 4),
    ("Mei", "email", "video", "zh", ["work_change"], 3),
    ("Chris", "phone", "phone", "en", ["discrimination"], 3),
    ("Taylor", "email", "video", "en", ["burnout", "other"], 2),
    ("Robin", "email", "phone", "pa", ["conflict"], 1),
    ("Jamie", "text", "in_person", "en", [], 1),
]
REFERRALS = [
    ("Dr. Morgan", "Casey", "email", "phone", ["adverse_event"], 2),
    ("Pat", "Lee", "email", "video", ["burnout"], 1),
    ("Dana", "Kim", "phone", "phone", ["life_stressor"], 0),
]


def run() -> list[tuple[str, str, str]]:
    now = timezone.now()
    regions = list(Region.objects.order_by("sort_order")[:3])
    for number, (name, contact, modality, language, reasons, days_ago) in enumerate(SELF_REFERRALS):
        key = uuid.uuid5(NAMESPACE, f"self-{number}")
        if find_by_submission_key(key) is not None:
            continue
        submit_self_referral(
            name=name,
            email=f"requester{number}@demo.peersupport.test",
            phone=f"604 555 01{number:02d}",
            preferences=Preferences(
                preferred_contact=contact,
                modality=modality,
                language=language,
                career_stage=["resident", "early", "mid", "late"][number % 4],
                specialty_group=["family", "emergency", "surgery", "psychiatry"][number % 4],
                region=regions[number % len(regions)] if regions else None,
                reasons=[Reason(reason) for reason in reasons],
                best_times="Weekdays after 6 pm" if number % 2 else "",
            ),
            interface_language="en",
            submission_key=key,
            now=now - timedelta(days=days_ago, hours=number),
        )
    for number, (colleague, referrer, contact, modality, reasons, days_ago) in enumerate(REFERRALS):
        key = uuid.uuid5(NAMESPACE, f"referral-{number}")
        if find_by_submission_key(key) is not None:
            continue
        submit_colleague_referral(
            colleague_name=colleague,
            colleague_email=f"colleague{number}@demo.peersupport.test",
            colleague_phone=f"250 555 01{number:02d}",
            referrer_name=referrer,
            referrer_email=f"referrer{number}@demo.peersupport.test",
            preferences=Preferences(
                preferred_contact=contact, modality=modality, language="en", reasons=reasons
            ),
            interface_language="en",
            submission_key=key,
            now=now - timedelta(days=days_ago, hours=2),
        )
    return []
