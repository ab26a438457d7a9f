"""Build a large roster quickly, for the query-count tests."""

from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import SUPPORTERS
from supporters.models import Supporter
from tests.factories import SupporterFactory


def make_roster(count: int) -> list[Supporter]:
    """Create `count` complete, listed supporters in a few bulk queries."""
    users = User.objects.bulk_create(
        User(email=f"bulk{number}@example.org", name=f"Bulk {number}") for number in range(count)
    )
    group = Group.objects.get(name=SUPPORTERS)
    membership = User.groups.through
    membership.objects.bulk_create(membership(user_id=user.pk, group_id=group.pk) for user in users)
    return Supporter.objects.bulk_create(
        SupporterFactory.build(user=user, display_name=f"Bulk {number:03d}", slug=f"bulk-{number}")
        for number, user in enumerate(users)
    )
