"""Checks on what a supporter publishes about themselves."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

PHONE_CHARACTERS = re.compile(r"^\+?[0-9().\- ]+(\s*(x|ext\.?)\s*[0-9]{1,6})?$", re.IGNORECASE)


def email_or_phone(value: str) -> None:
    """Accept an email address or a phone number with its area code, and nothing else.

    What is published is a way to reach the supporter, never a note: anything else gets
    one clear message saying what is accepted.
    """
    message = _(
        "Enter an email address (such as name@example.org) or a phone number with its "
        "area code (such as 604 555 0123), or leave it empty."
    )
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(message, code="email_or_phone") from None
        return
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE_CHARACTERS.match(value) or not 7 <= digits <= 15:
        raise ValidationError(message, code="email_or_phone")
