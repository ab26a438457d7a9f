"""Direct contacts in the admin: the program's totals by month, and never an entry.

An entry names no one, but with its supporter and date it is still a trace of someone's
conversation: administrators see counts only, as DESIGN.md's "least privilege" asks.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin
from programs.program import current

from ..models import DirectContact
from ..selectors.direct import direct_contact_year

EARLIEST_YEAR = 2000


def _year(request: HttpRequest, *, this_year: int) -> int:
    """Return the year asked for in `?year=`, or this year for anything else."""
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        return this_year
    return year if EARLIEST_YEAR <= year <= this_year else this_year


@admin.register(DirectContact)
class DirectContactAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[DirectContact]):
    """The list page shows the year's totals by month; no entry has a page of its own."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_view_permission(request)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            return super().changelist_view(request, extra_context)
        this_year = current().today().year
        year = _year(request, this_year=this_year)
        figures = direct_contact_year(year=year)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Direct contacts: totals"),
            "year": year,
            "years": list(range(this_year, max(EARLIEST_YEAR, this_year - 4) - 1, -1)),
            "months": figures.months,
            "total": figures.total,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/matching/directcontact/totals.html", context)
