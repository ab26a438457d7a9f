"""Put the program's name, contact and crisis resources on every page."""

from typing import Any

from django.http import HttpRequest

from .program import current


def program(request: HttpRequest) -> dict[str, Any]:
    return current().page_context()
