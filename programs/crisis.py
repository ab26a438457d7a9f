"""Crisis resources, shown on every public page and every error page."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

PHONE_CHARACTERS = frozenset("0123456789+-(). ")


def tel_digits(number: str) -> str:
    """Return the digits of a phone number for a `tel:` link ('' when it is not a number)."""
    if not number or any(ch not in PHONE_CHARACTERS for ch in number):
        return ""
    return "".join(ch for ch in number if ch.isdigit() or ch == "+")


@dataclass(frozen=True)
class CrisisResource:
    label: str
    contact: str

    @property
    def tel(self) -> str:
        """Return the digits of a phone contact, for a tel: link ('' when not a number)."""
        return tel_digits(self.contact)


def crisis_resources() -> list[CrisisResource]:
    """Return the configured resources; the defaults are translated, a deployment's are not."""
    configured = settings.CRISIS_RESOURCES
    if configured:
        return [CrisisResource(label=item["label"], contact=item["contact"]) for item in configured]
    return [
        CrisisResource(
            label=_("Suicide crisis helpline: call or text, 24 hours a day, 7 days a week"),
            contact="9-8-8",
        ),
        CrisisResource(label=_("Emergency: police, fire, ambulance"), contact="9-1-1"),
    ]
