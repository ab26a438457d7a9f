"""Read the program's vocabulary tables."""

from django.db.models import QuerySet

from .models import Region


def regions() -> QuerySet[Region]:
    """Return the program's regions in display order."""
    return Region.objects.order_by("sort_order", "name")
