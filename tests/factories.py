"""factory-boy factories for the tests."""

from typing import Any

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import ADMINISTRATORS


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
