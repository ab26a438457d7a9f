"""Fill the business-day measures of requests that predate them (idempotent).

Run after `migrate` on each release (the set-up script does): the services store the
measures as each step happens; this fills the rows made before they did, and touches no
row twice.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from intake.measures import business_days_to_first_contact, business_days_to_match
from intake.selectors import requests
from programs.business_days import load_calendar

BATCH_SIZE = 1000


class Command(BaseCommand):
    help = "Fill the business days to match and to first contact where they are missing."

    def handle(self, *args: Any, **options: Any) -> None:
        calendar = load_calendar()
        missing = requests().filter(
            Q(business_days_to_match__isnull=True, first_matched_at__isnull=False)
            | Q(business_days_to_first_contact__isnull=True, first_contact_at__isnull=False)
        )
        filled = 0
        while True:
            with transaction.atomic():
                batch = list(
                    missing.order_by("pk")
                    .select_for_update(skip_locked=True)
                    .only("pk", "confirmed_at", "first_matched_at", "first_contact_at")[:BATCH_SIZE]
                )
                for request in batch:
                    request.business_days_to_match = business_days_to_match(
                        request.confirmed_at, request.first_matched_at, calendar=calendar
                    )
                    request.business_days_to_first_contact = business_days_to_first_contact(
                        request.first_matched_at, request.first_contact_at, calendar=calendar
                    )
                requests().bulk_update(
                    batch, ["business_days_to_match", "business_days_to_first_contact"]
                )
            filled += len(batch)
            if len(batch) < BATCH_SIZE:
                break
        self.stdout.write(f"requests filled: {filled}")
