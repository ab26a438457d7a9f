"""Write accounts: create staff in a role, keep `is_staff` for administrators only."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import ADMINISTRATORS, ROLES


@transaction.atomic
def create_user_in_role(
    *, email: str, role: str, name: str = "", password: str | None = None, language: str = "en"
) -> User:
    """Create an active user in `role`; only administrators get `is_staff`.

    A user created without a password cannot sign in until they set one.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user = User.objects.create_user(
        email=email,
        password=password,
        name=name,
        language=language,
        is_staff=role == ADMINISTRATORS,
    )
    user.groups.add(Group.objects.get(name=role))
    return user
