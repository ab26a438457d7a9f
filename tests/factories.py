"""factory-boy factories for the tests."""

from datetime import date
from typing import Any

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import TOTPDevice, User
from accounts.roles import ADMINISTRATORS, SUPPORTERS
from accounts.second_factor import set_up_second_factor

# The authenticator secret of the tests' users: `code_at(TEST_TOTP_KEY, when)` is their code.
TEST_TOTP_KEY = b"tests-only-totp-key!"


class UserFactory(factory.django.DjangoModelFactory):
    """A user; `UserFactory(role=ADMINISTRATORS)` puts them in a role (and staff for admins)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        if not extracted:
            return
        obj.groups.add(Group.objects.get(name=extracted))
        if extracted == ADMINISTRATORS and not obj.is_staff:
            obj.is_staff = True
            obj.save(update_fields=["is_staff"])


def second_factor_device(user: User, key: bytes = TEST_TOTP_KEY) -> TOTPDevice:
    """Return `user`'s authenticator device, giving them one with `key` when they have none."""
    device = TOTPDevice.objects.filter(user=user).first()
    if device is None:
        device, _codes = set_up_second_factor(user=user, key=key)
    return device


class SupporterFactory(factory.django.DjangoModelFactory):
    """A complete supporter: trained, signed, accepting, present and listed."""

    class Meta:
        model = "supporters.Supporter"

    user = factory.SubFactory(UserFactory, role=SUPPORTERS)
    display_name = factory.Sequence(lambda n: f"Dr. Supporter {n}")
    slug = factory.Sequence(lambda n: f"supporter-{n}")
    pronouns = "they/them"
    specialty_group = "family"
    career_stage = "mid"
    languages = factory.LazyFunction(lambda: ["en"])
    modalities = factory.LazyFunction(lambda: ["phone", "video"])
    bio = "Family physician. I listen."
    capacity = 3
    accepts_new = True
    away_until = None
    trained_on = date(2025, 1, 15)
    agreement_signed_on = date(2025, 1, 20)
    is_listed = True


class SupportRequestFactory(factory.django.DjangoModelFactory):
    """A self-referral waiting in the matching queue since `submitted_at`."""

    class Meta:
        model = "intake.SupportRequest"
        skip_postgeneration_save = True

    source = "self"
    status = "waiting"
    name = factory.Sequence(lambda n: f"Requester {n}")
    email = factory.Sequence(lambda n: f"requester{n}@example.org")
    phone = "604 555 0100"
    best_times = "Weekday evenings"
    preferred_contact = "email"
    modality = "phone"
    language = "en"
    interface_language = "en"
    career_stage = "mid"
    specialty_group = "family"
    reasons = factory.LazyFunction(lambda: ["burnout"])
    submitted_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.SelfAttribute("submitted_at")
    waiting_since = factory.SelfAttribute("submitted_at")

    @factory.post_generation
    def avoid(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:
        if extracted:
            obj.avoid_supporters.set(extracted)
