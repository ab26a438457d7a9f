"""Signing in through the real pages in the browser: the password, then a code computed
from the account's authenticator secret (the tests' key, or the one read at enrolment)."""

import base64
import re
from typing import Any

from django.utils import timezone

from accounts.models import TOTPDevice, User
from accounts.second_factor import code_at
from tests.factories import TEST_TOTP_KEY, second_factor_device

PASSWORD = "correct-horse-battery"  # the factories' password
CODE_LABEL = "Code from your authenticator app"


def current_code(key: bytes, device: TOTPDevice | None = None) -> str:
    """Return the app's code for `key` now, or the next one if now's was used already."""
    now = timezone.now()
    if device is not None:
        device.refresh_from_db()
        step = int(now.timestamp()) // TOTPDevice.STEP
        if step <= device.last_t:
            # The device accepts one step ahead (a phone clock a little fast).
            now = now + timezone.timedelta(seconds=TOTPDevice.STEP * (device.last_t + 1 - step))
    return code_at(key, now)


def enter_code(page: Any, email: str, key: bytes = TEST_TOTP_KEY) -> None:
    """On the code page, type the account's current code and continue."""
    page.wait_for_url(re.compile(r"/accounts/two-step/"))
    device = TOTPDevice.objects.get(user__email=email)
    page.get_by_label(CODE_LABEL).fill(current_code(key, device))
    page.get_by_role("button", name="Continue").click()


def enter_password(page: Any, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page: Any, email: str, password: str = PASSWORD, key: bytes = TEST_TOTP_KEY) -> None:
    """Sign in as `email` (whose authenticator secret is `key`) from the sign-in page."""
    second_factor_device(User.objects.get(email=email), key)
    page.goto("/accounts/login/")
    enter_password(page, email, password)
    enter_code(page, email, key)


def key_on_enrolment_page(page: Any) -> bytes:
    """Read the secret the enrolment page shows for typing into an app."""
    text = page.locator("#second-factor-key").inner_text().replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))
