"""Demo data: the administrator and the lead; every demo account's second factor."""

from django.contrib.auth.models import Group

from .models import TOTPDevice, User
from .roles import ADMINISTRATORS, LEADS
from .second_factor import set_up_second_factor

DEMO_PASSWORD = "demo-peer-support"
DEMO_DOMAIN = "demo.peersupport.test"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
LEAD_EMAIL = f"lead@{DEMO_DOMAIN}"
# The authenticator secret every demo account shares (base32 JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP),
# public on purpose: `manage.py demo_totp <email>` prints its current code.
DEMO_TOTP_KEY = b"Hello!\xde\xad\xbe\xefHello!\xde\xad\xbe\xef"


def is_demo_email(email: str) -> bool:
    return email.lower().endswith(f"@{DEMO_DOMAIN}")


def ensure_user(*, email: str, role: str, name: str, password: str = DEMO_PASSWORD) -> User:
    """Create the demo user once (with the demo second factor); later runs leave it as it is."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"name": name, "is_staff": role == ADMINISTRATORS}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    if is_demo_email(email) and not TOTPDevice.objects.filter(user=user).exists():
        set_up_second_factor(user=user, key=DEMO_TOTP_KEY)
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
