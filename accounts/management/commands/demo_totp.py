"""Print the current second-factor code of a demo account (demo data only)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.demo import DEMO_TOTP_KEY, is_demo_email
from accounts.encryption import DecryptionError
from accounts.models import TOTPDevice
from accounts.second_factor import code_at


class Command(BaseCommand):
    help = "Print the current two-step sign-in code of a demo account (refuses any other)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "email", help="A demo account's address, e.g. admin@demo.peersupport.test"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = str(options["email"]).strip()
        refused = CommandError(
            "demo_totp prints codes of demo accounts only (made by seed_demo); this is not one."
        )
        if not is_demo_email(email):
            raise refused
        device = TOTPDevice.objects.filter(user__email__iexact=email, confirmed=True).first()
        if device is None:
            raise refused
        try:
            is_demo_key = device.bin_key == DEMO_TOTP_KEY
        except DecryptionError:
            is_demo_key = False
        if not is_demo_key:
            # A demo address that someone enrolled with a real app: its code is theirs.
            raise refused
        self.stdout.write(code_at(DEMO_TOTP_KEY, timezone.now()))
