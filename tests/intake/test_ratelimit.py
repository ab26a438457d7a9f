"""The public forms' rate limits, and failing open when Redis is down."""

from typing import Any

import pytest
import redis
from django.core import mail
from django.test import Client

from intake.models import SupportRequest
from notifications.services import send_due_emails

pytestmark = pytest.mark.django_db


def key(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def test_the_eleventh_submission_from_one_ip_gets_the_friendly_429(
    client: Client, self_referral_data: dict[str, Any]
) -> None:
    for number in range(10):
        response = client.post("/request/", {**self_referral_data, "submission_key": key(number)})
        assert response.status_code == 302
    response = client.post("/request/", {**self_referral_data, "submission_key": key(99)})
    assert response.status_code == 429
    body = response.content.decode()
    assert "9-8-8" in body
    assert "program@example.org" in body
    assert SupportRequest.objects.count() == 10


def test_invalid_submissions_count_too(client: Client, self_referral_data: dict[str, Any]) -> None:
    for _ in range(10):
        client.post("/refer/", {})
    assert client.post("/request/", self_referral_data).status_code == 429


def test_another_ip_is_counted_apart(client: Client, self_referral_data: dict[str, Any]) -> None:
    for number in range(10):
        client.post("/request/", {**self_referral_data, "submission_key": key(number)})
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert (
        other.post("/request/", {**self_referral_data, "submission_key": key(50)}).status_code
        == 302
    )


def test_a_spoofed_forwarded_for_header_does_not_bypass_the_limit(
    client: Client, self_referral_data: dict[str, Any]
) -> None:
    for number in range(11):
        response = client.post(
            "/request/",
            {**self_referral_data, "submission_key": key(number)},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(
    self_referral_data: dict[str, Any], settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for number in range(10):
        proxy.post(
            "/request/",
            {**self_referral_data, "submission_key": key(number)},
            HTTP_X_FORWARDED_FOR="203.0.113.1",
        )
    response = proxy.post(
        "/request/",
        {**self_referral_data, "submission_key": key(20)},
        HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.2",
    )
    assert response.status_code == 302


def test_the_overall_limit_applies_across_ips(
    self_referral_data: dict[str, Any], settings: Any
) -> None:
    settings.INTAKE_LIMIT_PER_HOUR = 3
    for number in range(3):
        Client(REMOTE_ADDR=f"203.0.113.{number}").post(
            "/request/", {**self_referral_data, "submission_key": key(number)}
        )
    response = Client(REMOTE_ADDR="203.0.113.77").post("/refer/", {})
    assert response.status_code == 429


def test_redis_never_holds_a_raw_ip(
    client: Client, self_referral_data: dict[str, Any], _test_redis: str
) -> None:
    Client(REMOTE_ADDR="203.0.113.55").post("/request/", self_referral_data)
    keys = redis.Redis.from_url(_test_redis).keys("*")
    assert keys
    assert not any(b"203.0.113.55" in k for k in keys)


def test_with_redis_down_the_request_is_saved_and_its_email_waits(
    client: Client, self_referral_data: dict[str, Any], settings: Any, caplog: Any
) -> None:
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.post("/request/", self_referral_data)
    assert response.status_code == 302
    assert SupportRequest.objects.count() == 1
    assert "rate limiter unavailable" in caplog.text
    # Redis is back: the outbox's sweep sends the waiting email.
    assert send_due_emails() == 1
    assert mail.outbox[0].to == ["sam@example.org"]
