"""System checks for the program's settings: warn before people are promised what is not there.

Warnings, not errors: a site without these still serves, but a supporter flagging a safety
concern would have no number to call, or a requester no way to reach the program.
"""

from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

from .program import current


@register()
def check_program_contact(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn, with DEBUG off, when the urgent number or every way to reach the program is
    unset, or when the sender's name undoes the discreet subjects."""
    if settings.DEBUG:
        return []
    program = current()
    warnings: list[CheckMessage] = []
    if not program.urgent_phone:
        warnings.append(
            Warning(
                "PROGRAM_URGENT_PHONE is not set: a supporter who flags a safety concern is "
                "shown no number to call now, only the crisis resources.",
                hint="Set PROGRAM_URGENT_PHONE to the administrator's or on-call number.",
                id="programs.W001",
            )
        )
    if not program.is_reachable:
        warnings.append(
            Warning(
                "PROGRAM_CONTACT_EMAIL and PROGRAM_CONTACT_PHONE are both empty: pages and "
                "emails cannot tell people how to write to or call the program.",
                hint="Set PROGRAM_CONTACT_EMAIL, PROGRAM_CONTACT_PHONE, or both.",
                id="programs.W002",
            )
        )
    sender_name, _address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if program.discreet_subject and program.name.casefold() in sender_name.casefold():
        warnings.append(
            Warning(
                "DEFAULT_FROM_EMAIL's display name names the program, so every email to a "
                "requester shows it on a lock screen even though DISCREET_SUBJECT is on.",
                hint="Give DEFAULT_FROM_EMAIL a neutral display name, or none.",
                id="programs.W003",
            )
        )
    return warnings
