"""Demo data: the administrator and the lead."""

from django.contrib.auth.models import Group

from .models import User
from .roles import ADMINISTRATORS, LEADS

DEMO_PASSWORD = "demo-peer-support"
ADMIN_EMAIL = "admin@demo.peersupport.test"
LEAD_EMAIL = "lead@demo.peersupport.test"


def ensure_user(*, email: str, role: str, name: str, password: str = DEMO_PASSWORD) -> User:
    """Create the demo user once; later runs leave it as it is."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"name": name, "is_staff": role == ADMINISTRATORS}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    return user


def run() -> list[tuple[str, str, str]]:
    """Create the demo administrator and lead; return their sign-ins."""
    ensure_user(email=ADMIN_EMAIL, role=ADMINISTRATORS, name="Demo Administrator")
    ensure_user(email=LEAD_EMAIL, role=LEADS, name="Demo Lead")
    return [
        ("Program administrator", ADMIN_EMAIL, DEMO_PASSWORD),
        ("Program lead", LEAD_EMAIL, DEMO_PASSWORD),
    ]
