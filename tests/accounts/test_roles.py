"""The three roles exist and carry exactly their permissions."""

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from accounts.access import is_administrator, is_lead, is_supporter
from accounts.roles import (
    ADMINISTRATORS,
    DOMAIN_APPS,
    LEADS,
    SUPPORTERS,
    grant_role_permissions,
)
from accounts.services import create_user_in_role

pytestmark = pytest.mark.django_db


def test_the_three_groups_exist() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {ADMINISTRATORS, SUPPORTERS, LEADS}


def test_administrators_hold_every_domain_permission_and_nothing_else() -> None:
    group = Group.objects.get(name=ADMINISTRATORS)
    granted = set(group.permissions.values_list("pk", flat=True))
    domain = set(
        Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS).values_list(
            "pk", flat=True
        )
    )
    assert granted == domain
    assert group.permissions.filter(codename="view_outgoingemail").exists()
    assert not group.permissions.filter(content_type__app_label="auth").exists()


def test_supporters_hold_no_permission_and_leads_only_reports() -> None:
    assert not Group.objects.get(name=SUPPORTERS).permissions.exists()
    leads = Group.objects.get(name=LEADS).permissions
    assert not leads.exclude(content_type__app_label="reports").exists()


def test_granting_is_idempotent_and_restores_a_changed_group() -> None:
    group = Group.objects.get(name=SUPPORTERS)
    group.permissions.add(Permission.objects.get(codename="view_outgoingemail"))
    grant_role_permissions()
    grant_role_permissions()
    assert not group.permissions.exists()
    assert Group.objects.filter(name=ADMINISTRATORS).count() == 1


def test_only_administrators_are_staff() -> None:
    admin = create_user_in_role(email="a@example.org", role=ADMINISTRATORS)
    supporter = create_user_in_role(email="s@example.org", role=SUPPORTERS)
    lead = create_user_in_role(email="l@example.org", role=LEADS)
    assert admin.is_staff and not supporter.is_staff and not lead.is_staff
    assert is_administrator(admin) and not is_administrator(supporter)
    assert is_supporter(supporter) and is_lead(lead)
    assert not admin.has_usable_password()


def test_an_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown role"):
        create_user_in_role(email="x@example.org", role="Superheroes")


def test_migrate_again_keeps_the_groups(settings: Any) -> None:
    call_command("migrate", verbosity=0)
    assert Group.objects.filter(name__in=[ADMINISTRATORS, SUPPORTERS, LEADS]).count() == 3
