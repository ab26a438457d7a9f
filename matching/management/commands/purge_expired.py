"""Run the note purge, the unmatched withdrawal, the retention scrub and its clean-ups now."""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from intake.retention import compact_touched_tables, run_retention
from matching.services import SWEEP_BATCH_SIZE, purge_expired_notes, withdraw_long_waiting


class Command(BaseCommand):
    help = (
        "Destroy expired scratch notes, withdraw requests left waiting too long, scrub the "
        "identifiers of requests ended long enough ago and run the clean-ups, now; print how "
        "many rows each step touched. --dry-run counts and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what each step would touch, then roll everything back.",
        )
        parser.add_argument(
            "--compact",
            action="store_true",
            help="Afterwards, rewrite the touched tables now (VACUUM FULL; brief table locks).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["dry_run"]:
            # Every step runs for real inside one transaction that is rolled back, so the
            # counts are exactly what a real run would touch now; no email leaves.
            with transaction.atomic():
                counts = self._run(now=now)
                transaction.set_rollback(True)
            self.stdout.write("Dry run: nothing was changed.")
        else:
            counts = self._run(now=now)
        for step, count in counts.items():
            self.stdout.write(f"{step}: {count}")
        if options["compact"] and not options["dry_run"]:
            tables = compact_touched_tables()
            self.stdout.write(f"tables rewritten: {', '.join(tables) or 'none'}")

    @staticmethod
    def _run(*, now: datetime) -> dict[str, int]:
        withdrawn = 0
        while batch := withdraw_long_waiting(now=now):
            withdrawn += batch
            if batch < SWEEP_BATCH_SIZE:
                break
        return {
            "expired notes destroyed": purge_expired_notes(now=now),
            "requests withdrawn, no longer waiting": withdrawn,
            **run_retention(now=now),
        }
