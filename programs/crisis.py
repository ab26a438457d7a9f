"""Crisis resources, shown on every public page and every error page."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.phones import tel_digits


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
