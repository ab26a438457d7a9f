"""Phone numbers: the check of what people type, and the digits of a `tel:` link."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_CHARACTERS = re.compile(r"^[0-9+().\- ]+(\s*(x|ext\.?)\s*[0-9]{1,6})?$", re.IGNORECASE)
DIALLABLE_CHARACTERS = frozenset("0123456789+-(). ")


def phone_number(value: str) -> None:
    """Accept a phone number with its area code (7 to 15 digits), an extension allowed."""
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE_CHARACTERS.match(value) or not 7 <= digits <= 15:
        raise ValidationError(_("Enter a phone number with its area code, such as 604 555 0123."))


def tel_digits(number: str) -> str:
    """Return the digits of a phone number for a `tel:` link ('' when it is not a number)."""
    if not number or any(ch not in DIALLABLE_CHARACTERS for ch in number):
        return ""
    return "".join(ch for ch in number if ch.isdigit() or ch == "+")
