"""Shared fixtures: personas, a Redis database of the tests' own, the browser."""

import os
import re
from collections.abc import Iterator
from typing import Any

# Playwright's sync API runs an event loop in this thread; Django must not refuse the
# ORM calls that live_server's teardown makes from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest
import redis
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.roles import ADMINISTRATORS, LEADS
from tests.factories import SupporterFactory, UserFactory, second_factor_device


def _test_redis_url() -> str:
    """The tests' own Redis database: 15, 14... one per xdist worker (TEST_REDIS_DB moves it)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = int(os.environ.get("TEST_REDIS_DB", "15")) - int(re.sub(r"\D", "", worker) or 0)
    base = settings.REDIS_URL.rsplit("/", 1)[0]
    return f"{base}/{number}"


TEST_REDIS_URL = _test_redis_url()


@pytest.fixture(scope="session", autouse=True)
def _test_redis() -> Iterator[str]:
    """Point the cache and the broker at the tests' Redis database and flush it first,
    so that tasks left by a crashed run never reach this run's workers."""
    from peersupport.celery import app

    settings.REDIS_URL = TEST_REDIS_URL
    settings.CACHES["default"]["LOCATION"] = TEST_REDIS_URL
    settings.CELERY_BROKER_URL = TEST_REDIS_URL
    # The notes' keys too: in production their own Redis; here the tests' database.
    settings.NOTES_REDIS_URL = TEST_REDIS_URL
    app.conf.broker_url = TEST_REDIS_URL
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    yield TEST_REDIS_URL


@pytest.fixture(autouse=True)
def _empty_cache(_test_redis: str) -> None:
    """Each test starts with no rate-limit counts (flushes the tests' own Redis database)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _plain_settings(settings: Any) -> None:
    """Tests use plain static storage (manifest storage breaks live_server) and locmem mail."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PROGRAM_CONTACT_EMAIL = "program@example.org"


class SignInClient(Client):
    """The test client, signing in as a person who passed both steps of sign-in.

    Every signed-in page refuses a session without a verified second factor
    (`accounts.middleware.SecondFactorRequiredMiddleware`). `force_login(user)` here is
    Django's, plus what the second-factor page does on success: the user gets an
    authenticator device (secret `tests.factories.TEST_TOTP_KEY`) if they have none, and
    the session records it as verified. Tests about the second factor itself sign in
    with `force_login_password_only(user)` (a session after the password step only),
    or go through the real pages.
    """

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = second_factor_device(user).persistent_id
        session.save()

    def force_login_password_only(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)


@pytest.fixture
def client() -> SignInClient:
    """pytest-django's `client`, whose `force_login` gives a fully signed-in session."""
    return SignInClient()


@pytest.fixture
def administrator(db: None) -> Any:
    return UserFactory(email="alice@example.org", name="Alice Admin", role=ADMINISTRATORS)


@pytest.fixture
def lead(db: None) -> Any:
    return UserFactory(email="lee@example.org", name="Lee Lead", role=LEADS)


@pytest.fixture
def outsider(db: None) -> Any:
    """Signed in, but in no role."""
    return UserFactory(email="oscar@example.org", name="Oscar Outsider")


@pytest.fixture
def supporter(db: None) -> Any:
    """A user in `Peer supporters` with a complete, available, listed profile."""
    return SupporterFactory(
        user__email="sam@example.org", user__name="Sam Supporter", display_name="Dr. Sam Lee"
    ).user


@pytest.fixture
def other_supporter(db: None) -> Any:
    """A second supporter, just as complete: for "not someone else's" tests."""
    return SupporterFactory(
        user__email="sky@example.org", user__name="Sky Supporter", display_name="Dr. Sky Park"
    ).user


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def assert_no_axe_violations(page: Any) -> None:
    """Run axe-core on the page and fail with a readable list of violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    assert not violations, results.generate_report()
