"""Demo data: a few regions."""

from .models import Region

REGIONS = ["Vancouver Coastal", "Fraser", "Vancouver Island", "Interior", "Northern"]


def run() -> list[tuple[str, str, str]]:
    for order, name in enumerate(REGIONS):
        Region.objects.get_or_create(name=name, defaults={"sort_order": order})
    return []
