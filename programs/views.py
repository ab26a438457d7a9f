"""The program's public pages: the landing page, and pages for the people around a physician."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .program import current


@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    """Say what peer support is and is not, how confidentiality works, and how to ask."""
    return render(request, "programs/landing.html")


@require_safe
def colleagues(request: HttpRequest) -> HttpResponse:
    """Help a colleague who notices someone in distress: consent, words, how to refer."""
    return render(request, "programs/colleagues.html", {"program": current()})


@require_safe
def leaders(request: HttpRequest) -> HttpResponse:
    """Help managers and medical leaders: warning signs, TRUST, do's and don'ts, promotion."""
    return render(request, "programs/leaders.html", {"program": current()})


@require_safe
def confidentiality(request: HttpRequest) -> HttpResponse:
    """Say who sees what and for how long, with the deployment's own retention figures."""
    return render(request, "programs/confidentiality.html", {"program": current()})
