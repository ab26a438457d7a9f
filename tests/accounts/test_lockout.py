"""Sign-in lockout (django-axes): 5 failures per address and client IP, 30 minutes, the
client IP as `core.http.client_ip` trusts it, unlocking, and nothing kept that need not be."""

import logging
import re
from datetime import timedelta
from typing import Any, ClassVar

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.conf import settings as django_settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.utils import timezone

from accounts.lockout import delete_expired_sign_in_failures, expired_sign_in_failures

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "correct-horse-battery"


class CountingHasher(MD5PasswordHasher):
    """The tests' hasher, counting each time a password is hashed."""

    hashed: ClassVar[int] = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.hashed += 1
        return super().encode(password, salt)


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def sign_in(client: Client, email: str, password: str) -> Any:
    return client.post(LOGIN, {"username": email, "password": password})


def fail(client: Client, email: str, times: int) -> None:
    for _ in range(times):
        response = sign_in(client, email, "wrong-password")
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()


def test_the_limits_are_set_explicitly() -> None:
    assert django_settings.AXES_FAILURE_LIMIT == 5
    cool_off = django_settings.AXES_COOLOFF_TIME
    assert cool_off == timedelta(minutes=30)
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert django_settings.AXES_CLIENT_IP_CALLABLE == "accounts.lockout.client_ip_address"
    assert django_settings.AXES_DISABLE_ACCESS_LOG is True


def test_four_failures_then_the_right_password_signs_in(client: Client, administrator: Any) -> None:
    fail(client, "alice@example.org", 4)
    response = sign_in(client, "alice@example.org", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/two-step/")
    # A success clears the count, and no record of the success is kept (it holds an IP).
    assert not AccessAttempt.objects.exists()
    assert not AccessLog.objects.exists()


def test_five_failures_lock_out_even_the_right_password_with_a_clear_message(
    client: Client, administrator: Any
) -> None:
    fail(client, "alice@example.org", 4)
    response = sign_in(client, "ALICE@example.org", "wrong-password")  # case does not matter
    assert response.status_code == 429
    response = sign_in(client, "alice@example.org", PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Sign-in paused" in body
    assert "paused here for 30 minutes" in body
    assert "program@example.org" in body
    assert 'href="/accounts/password-reset/"' in body
    assert "_auth_user_id" not in client.session


def test_the_lockout_ends_after_30_minutes(client: Client, administrator: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, "alice@example.org", 4)
        assert sign_in(client, "alice@example.org", "wrong").status_code == 429
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert sign_in(client, "alice@example.org", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert sign_in(client, "alice@example.org", PASSWORD).status_code == 302


def test_a_lockout_behind_a_proxy_leaves_other_clients_able_to_sign_in(
    administrator: Any, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66")
    fail(attacker, "alice@example.org", 4)
    assert sign_in(attacker, "alice@example.org", "wrong").status_code == 429
    # The administrator, behind the same proxy from another address, still signs in.
    colleague = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert sign_in(colleague, "alice@example.org", PASSWORD).status_code == 302
    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address == "198.51.100.66"


def test_an_administrator_unlocks_a_locked_out_account(
    client: Client, administrator: Any, supporter: Any
) -> None:
    locked = Client()
    fail(locked, "sam@example.org", 4)
    assert sign_in(locked, "sam@example.org", "wrong").status_code == 429
    client.force_login(administrator)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "unlock_sign_in", "_selected_action": [supporter.pk]},
        follow=True,
    )
    assert "Sign-in is open again for 1 account." in response.content.decode()
    assert sign_in(locked, "sam@example.org", PASSWORD).status_code == 302


def test_known_and_unknown_addresses_take_the_same_code_path(
    client: Client, administrator: Any, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["tests.accounts.test_lockout.CountingHasher"]
    CountingHasher.hashed = 0
    known = sign_in(client, "alice@example.org", "wrong-password")
    hashed_for_known = CountingHasher.hashed
    CountingHasher.hashed = 0
    unknown = sign_in(client, "nobody@example.org", "wrong-password")
    assert hashed_for_known == CountingHasher.hashed == 1
    assert known.status_code == unknown.status_code == 200
    assert without_tokens(known.content.decode()).replace("alice", "nobody") == without_tokens(
        unknown.content.decode()
    )
    # Unknown addresses are counted and locked out just the same.
    fail(client, "nobody@example.org", 3)
    assert sign_in(client, "nobody@example.org", "x").status_code == 429


def test_log_lines_name_no_address_and_no_ip(
    client: Client, administrator: Any, caplog: Any
) -> None:
    with caplog.at_level(logging.DEBUG, logger="axes"):
        fail(client, "alice@example.org", 4)
        sign_in(client, "alice@example.org", "wrong")
    text = caplog.text
    assert "Locking out" in text
    assert "alice" not in text and "127.0.0.1" not in text


def test_failure_records_older_than_90_days_are_deleted(client: Client, administrator: Any) -> None:
    # axes itself deletes a pair's records at its next try after the cool-off; these are
    # the records of pairs never seen again.
    start = timezone.now()
    fail(client, "old@example.org", 1)
    fail(client, "recent@example.org", 1)
    AccessAttempt.objects.filter(username="old@example.org").update(
        attempt_time=start - timedelta(days=91)
    )
    AccessAttempt.objects.filter(username="recent@example.org").update(
        attempt_time=start - timedelta(days=89)
    )
    assert list(expired_sign_in_failures(now=start).values_list("username", flat=True)) == [
        "old@example.org"
    ]
    assert delete_expired_sign_in_failures(now=start) == 1
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["recent@example.org"]
