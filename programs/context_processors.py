"""Put the program's name, contact address and crisis resources on every page."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .crisis import crisis_resources


def program(request: HttpRequest) -> dict[str, Any]:
    return {
        "program_name": settings.PROGRAM_NAME,
        "program_contact_email": settings.PROGRAM_CONTACT_EMAIL,
        "crisis_resources": crisis_resources(),
    }
