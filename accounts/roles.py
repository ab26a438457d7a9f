"""Roles are Django groups (CONTRACT.md); one handler grants each its permissions."""

from typing import Any

from django.apps import apps as global_apps

ADMINISTRATORS = "Program administrators"
SUPPORTERS = "Peer supporters"
LEADS = "Program leads"
ROLES = (ADMINISTRATORS, SUPPORTERS, LEADS)

# Administrators may do everything in these apps; apps that do not exist yet are skipped.
DOMAIN_APPS = (
    "notifications",
    "accounts",
    "programs",
    "surveys",
    "supporters",
    "intake",
    "matching",
    "reports",
)
# Leads read aggregate reports only.
LEAD_APPS = ("reports",)


def grant_role_permissions(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    """Create the three groups if missing and set each one's permissions exactly."""
    apps = kwargs.get("apps", global_apps)
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:
        return
    groups = {name: group_model.objects.using(using).get_or_create(name=name)[0] for name in ROLES}
    # Groups' permissions are the code's to define: each migrate sets them exactly.
    groups[ADMINISTRATORS].permissions.set(
        permission_model.objects.using(using).filter(content_type__app_label__in=DOMAIN_APPS)
    )
    groups[LEADS].permissions.set(
        permission_model.objects.using(using).filter(content_type__app_label__in=LEAD_APPS)
    )
    groups[SUPPORTERS].permissions.clear()
