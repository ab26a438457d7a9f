"""Read accounts."""

from django.db.models import QuerySet

from .models import User
from .roles import ADMINISTRATORS


def active_administrators() -> QuerySet[User]:
    """Return the active program administrators, who receive the program's staff emails."""
    return User.objects.filter(is_active=True, is_staff=True, groups__name=ADMINISTRATORS).order_by(
        "pk"
    )
