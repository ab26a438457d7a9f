"""The program's public pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    """Say what peer support is and is not, how confidentiality works, and how to ask."""
    return render(request, "programs/landing.html")
