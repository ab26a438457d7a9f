"""Load idempotent demo data: each installed app's `demo.run()`, in INSTALLED_APPS order."""

import importlib
import importlib.util
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.demo import DEMO_TOTP_KEY
from accounts.second_factor import spaced_base32


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even when DEBUG is off (never in production)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo refuses to run with DEBUG off; pass --force to insist.")
        sign_ins: list[tuple[str, str, str]] = []
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if importlib.util.find_spec(module_name) is None:
                    continue
                module = importlib.import_module(module_name)
                sign_ins.extend(module.run() or [])
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
        if sign_ins:
            self.stdout.write("Demo sign-ins:")
            for role, email, password in sign_ins:
                self.stdout.write(f"  {role:<24} {email:<40} {password}")
            self.stdout.write(
                "Two-step sign-in: every demo account uses the demo authenticator key "
                f"{spaced_base32(DEMO_TOTP_KEY)}; print an account's current code with\n"
                "  .venv/bin/python manage.py demo_totp <email>"
            )
