"""Sessions end: 30 minutes idle, 12 hours in all; rotated at each sign-in step; deleted
on sign-out, password change, deactivation; cookies that scripts and other sites cannot use."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts.models import Session
from accounts.services import clear_expired_sessions, deactivate_user
from tests.conftest import SignInClient
from tests.factories import second_factor_device

pytestmark = pytest.mark.django_db

PORTAL = "/portal/"


def signed_in_at(moment: Any, user: Any) -> SignInClient:
    client = SignInClient()
    with time_machine.travel(moment, tick=False):
        client.force_login(user)
    return client


def get_at(client: Client, moment: Any, path: str = PORTAL) -> Any:
    with time_machine.travel(moment, tick=False):
        return client.get(path)


def test_a_session_ends_after_30_minutes_without_a_request(supporter: Any) -> None:
    start = timezone.now()
    client = signed_in_at(start, supporter)
    assert get_at(client, start + timedelta(minutes=29)).status_code == 200
    # 29 more minutes: still within 30 of the last request.
    assert get_at(client, start + timedelta(minutes=58)).status_code == 200
    response = get_at(client, start + timedelta(minutes=89))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")
    assert not Session.objects.filter(user=supporter).exists()
    login = get_at(client, start + timedelta(minutes=89), "/accounts/login/")
    assert "signed out after 30 minutes idle" in login.content.decode()


def test_a_busy_session_still_ends_12_hours_after_sign_in(supporter: Any) -> None:
    start = timezone.now()
    client = signed_in_at(start, supporter)
    moment = start
    while moment < start + timedelta(hours=11, minutes=50):
        moment += timedelta(minutes=20)  # a page's own refresh counts as activity
        assert get_at(client, moment).status_code == 200, moment - start
    assert get_at(client, start + timedelta(hours=12, minutes=1)).status_code == 302
    assert not Session.objects.filter(user=supporter).exists()


def test_the_session_key_changes_at_the_password_and_at_the_second_factor(
    supporter: Any,
) -> None:
    from accounts.second_factor import code_at
    from tests.factories import TEST_TOTP_KEY

    second_factor_device(supporter)
    client = Client()
    session = client.session  # an anonymous session, as an attacker could plant one
    session["planted"] = True
    session.save()
    anonymous = session.session_key
    client.post(
        "/accounts/login/", {"username": "sam@example.org", "password": "correct-horse-battery"}
    )
    after_password = client.session.session_key
    assert after_password and after_password != anonymous
    assert not Session.objects.filter(session_key=anonymous).exists()
    client.post("/accounts/two-step/", {"code": code_at(TEST_TOTP_KEY, timezone.now())})
    assert client.session.session_key != after_password
    assert not Session.objects.filter(session_key=after_password).exists()
    assert Session.objects.get(session_key=client.session.session_key).user == supporter


def test_signing_out_deletes_the_session(client: Client, supporter: Any) -> None:
    client.force_login(supporter)
    key = client.session.session_key
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()


def test_deactivation_deletes_every_session_of_the_user(
    supporter: Any, other_supporter: Any
) -> None:
    phone, laptop, colleague = SignInClient(), SignInClient(), SignInClient()
    phone.force_login(supporter)
    laptop.force_login(supporter)
    colleague.force_login(other_supporter)
    deactivate_user(user=supporter)
    assert not Session.objects.filter(user=supporter).exists()
    assert Session.objects.filter(user=other_supporter).count() == 1
    assert phone.get(PORTAL).status_code == 302
    assert colleague.get(PORTAL).status_code == 200


def test_deactivating_in_the_admin_deletes_the_users_sessions(
    client: Client, administrator: Any, supporter: Any
) -> None:
    elsewhere = SignInClient()
    elsewhere.force_login(supporter)
    client.force_login(administrator)
    response = client.post(
        f"/admin/accounts/user/{supporter.pk}/change/",
        {
            "email": supporter.email,
            "name": supporter.name,
            "language": "en",
            "groups": list(supporter.groups.values_list("pk", flat=True)),
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    supporter.refresh_from_db()
    assert not supporter.is_active
    assert not Session.objects.filter(user=supporter).exists()
    assert Session.objects.filter(user=administrator).exists()


def test_a_password_set_in_the_admin_deletes_the_users_sessions(
    client: Client, administrator: Any, supporter: Any
) -> None:
    elsewhere = SignInClient()
    elsewhere.force_login(supporter)
    client.force_login(administrator)
    new = "a-long-new-passphrase-2026"
    response = client.post(
        f"/admin/accounts/user/{supporter.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    supporter.refresh_from_db()
    assert supporter.check_password(new)
    assert not Session.objects.filter(user=supporter).exists()


def test_expired_sessions_are_cleared(supporter: Any) -> None:
    start = timezone.now()
    signed_in_at(start - timedelta(hours=13), supporter)
    signed_in_at(start, supporter)
    with time_machine.travel(start, tick=False):
        clear_expired_sessions()
    assert Session.objects.filter(user=supporter).count() == 1


def test_cookies_are_host_only_secure_http_only_and_same_site_lax(supporter: Any) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "sam@example.org", "password": "correct-horse-battery"}
    )
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/" and not cookie["domain"]
    csrf = Client().get("/accounts/login/").cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
