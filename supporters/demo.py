"""Demo data: five supporters, one each away, paused, unlisted and untrained."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from accounts.demo import DEMO_PASSWORD, ensure_user
from accounts.roles import SUPPORTERS
from programs.models import Region
from programs.program import current
from programs.vocabulary import CareerStage, Language, Modality, SpecialtyGroup

from .models import Supporter, TrainingRecord
from .selectors import roster
from .services import record_training, unique_slug

TRAINED_ON = date(2025, 9, 15)
SIGNED_ON = date(2025, 9, 20)

SIGN_IN_LABELS = {
    "available": "Supporter",
    "away": "Supporter (away)",
    "not_accepting": "Supporter (paused)",
    "unlisted": "Supporter (unlisted)",
    "untrained": "Supporter (untrained)",
}

SUPPORTERS_DEMO: list[dict[str, Any]] = [
    {
        "email": "amrit.gill@demo.peersupport.test",
        "display_name": "Dr. Amrit Gill",
        "pronouns": "she/her",
        "specialty_group": SpecialtyGroup.FAMILY,
        "career_stage": CareerStage.LATE,
        "languages": [Language.ENGLISH, Language.PUNJABI, Language.HINDI],
        "modalities": [Modality.IN_PERSON, Modality.PHONE, Modality.VIDEO],
        "region": "Fraser",
        "bio": "Family physician in a community practice; I have been through a college "
        "complaint and I am glad to listen.",
        "phone": "604 555 0142",  # 555-01xx: a fictional number, for the program's use
        "state": "available",
    },
    {
        "email": "claire.roy@demo.peersupport.test",
        "display_name": "Dr. Claire Roy",
        "pronouns": "elle/she",
        "specialty_group": SpecialtyGroup.ANESTHESIA,
        "career_stage": CareerStage.EARLY,
        "languages": [Language.FRENCH, Language.ENGLISH],
        "modalities": [Modality.VIDEO],
        "region": "Vancouver Island",
        "bio": "Anesthesiologist, early in practice, and a parent of two small children.",
        "state": "away",
    },
    {
        "email": "jordan.mendes@demo.peersupport.test",
        "display_name": "Dr. Jordan Mendes",
        "pronouns": "they/them",
        "specialty_group": SpecialtyGroup.PSYCHIATRY,
        "career_stage": CareerStage.RESIDENT,
        "languages": [Language.ENGLISH, Language.SPANISH],
        "modalities": [Modality.IN_PERSON, Modality.VIDEO],
        "region": "Interior",
        "bio": "Psychiatry resident. Residency is a lot; you do not have to carry it alone.",
        "phone": "250 555 0117",
        "state": "not_accepting",
    },
    {
        "email": "farah.haddad@demo.peersupport.test",
        "display_name": "Dr. Farah Haddad",
        "pronouns": "she/her",
        "specialty_group": SpecialtyGroup.SURGERY,
        "career_stage": CareerStage.MID,
        "languages": [Language.ENGLISH, Language.ARABIC, Language.FRENCH],
        "modalities": [Modality.PHONE],
        "region": "Northern",
        "bio": "General surgeon in a rural hospital.",
        "state": "unlisted",
    },
    {
        "email": "wei.zhang@demo.peersupport.test",
        "display_name": "Dr. Wei Zhang",
        "pronouns": "",
        "specialty_group": SpecialtyGroup.PEDIATRICS,
        "career_stage": CareerStage.LATE,
        "languages": [Language.MANDARIN, Language.ENGLISH],
        "modalities": [Modality.PHONE, Modality.VIDEO, Modality.IN_PERSON],
        "region": "Vancouver Coastal",
        "bio": "Pediatrician; training with the program this season.",
        "state": "untrained",
    },
]


def _record_demo_training(supporter: Supporter, *, today: date) -> None:
    """The cohort's initial training, and one continuing-education session this year."""
    record_training(
        supporter=supporter,
        kind=TrainingRecord.Kind.INITIAL,
        title="Peer supporter training, autumn cohort",
        completed_on=TRAINED_ON,
        hours=Decimal("12"),
    )
    record_training(
        supporter=supporter,
        kind=TrainingRecord.Kind.CONTINUING,
        title="Supporting a colleague after an adverse event",
        completed_on=date(today.year, 1, 15),
        hours=Decimal("1.5"),
    )


def run() -> list[tuple[str, str, str]]:
    """Create the demo supporters once; return their sign-ins."""
    today = current().today()
    sign_ins = []
    for item in SUPPORTERS_DEMO:
        state = item["state"]
        user = ensure_user(email=item["email"], role=SUPPORTERS, name=item["display_name"])
        if not roster().filter(user=user).exists():
            supporter = roster().create(
                user=user,
                display_name=item["display_name"],
                slug=unique_slug(item["display_name"]),
                pronouns=item["pronouns"],
                specialty_group=item["specialty_group"],
                career_stage=item["career_stage"],
                languages=item["languages"],
                modalities=item["modalities"],
                region=Region.objects.filter(name=item["region"]).first(),
                bio=item["bio"],
                accepts_new=state != "not_accepting",
                away_until=today + timedelta(days=14) if state == "away" else None,
                trained_on=None if state == "untrained" else TRAINED_ON,
                agreement_signed_on=None if state == "untrained" else SIGNED_ON,
                is_listed=state != "unlisted",
                phone=item.get("phone", ""),
                # One supporter may be reached directly from the public list.
                published_contact=item["email"] if state == "available" else "",
            )
            if state != "untrained":
                _record_demo_training(supporter, today=today)
        sign_ins.append((SIGN_IN_LABELS[state], item["email"], DEMO_PASSWORD))
    return sign_ins
