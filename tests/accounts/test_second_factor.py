"""Two-step sign-in: enrolment, codes, backup codes, secrets kept encrypted, admin reset."""

import base64
import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.demo import DEMO_TOTP_KEY
from accounts.encryption import DecryptionError, decrypt
from accounts.models import BackupCode, SecondFactorReset, Session, TOTPDevice
from accounts.second_factor import code_at, set_up_second_factor, verify_code
from tests.conftest import SignInClient
from tests.factories import TEST_TOTP_KEY, UserFactory, second_factor_device

pytestmark = pytest.mark.django_db

SETUP = "/accounts/two-step/set-up/"
VERIFY = "/accounts/two-step/"
BACKUP = "/accounts/two-step/backup-code/"
PASSWORD = "correct-horse-battery"


def sign_in_with_password(client: Client, email: str) -> Any:
    return client.post("/accounts/login/", {"username": email, "password": PASSWORD})


def secret_on_page(body: str) -> bytes:
    spaced = re.search(r'id="second-factor-key">([A-Z2-7 ]+)<', body)
    assert spaced, "the key is shown for typing"
    text = spaced.group(1).replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def test_signing_in_without_a_device_goes_to_enrolment(client: Client, supporter: Any) -> None:
    response = sign_in_with_password(client, "sam@example.org")
    assert response.headers["Location"] == f"{SETUP}?next=%2Faccounts%2F"


def test_opening_enrolment_creates_nothing_and_keeps_the_secret_only_in_the_session(
    client: Client, supporter: Any
) -> None:
    sign_in_with_password(client, "sam@example.org")
    body = client.get(SETUP).content.decode()
    assert 'src="data:image/svg+xml;base64,' in body  # the QR code, drawn by the app
    assert not TOTPDevice.objects.exists()
    key = secret_on_page(body)
    # The same secret on a reload, until a code confirms it; stored encrypted.
    assert secret_on_page(client.get(SETUP).content.decode()) == key
    stored = client.session["_pending_totp_key"]
    assert key.hex() not in stored and base64.b32encode(key).decode()[:16] not in stored


def test_enrolment_with_the_first_code_turns_it_on_and_shows_ten_backup_codes(
    client: Client, supporter: Any
) -> None:
    sign_in_with_password(client, "sam@example.org")
    password_session = client.session.session_key
    key = secret_on_page(client.get(f"{SETUP}?next=/portal/").content.decode())
    response = client.post(SETUP, {"code": code_at(key, timezone.now()), "next": "/portal/"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Save your backup codes" in body
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", body)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/portal/"' in body
    assert response.headers["Cache-Control"].startswith("max-age=0")
    device = TOTPDevice.objects.get(user=supporter)
    assert device.bin_key == key
    assert BackupCode.objects.filter(device__user=supporter).count() == 10
    # Verified, under a new session key.
    assert client.session.session_key != password_session
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/portal/").status_code == 200


def test_a_wrong_first_code_is_an_error_next_to_the_field_and_creates_nothing(
    client: Client, supporter: Any
) -> None:
    sign_in_with_password(client, "sam@example.org")
    key = secret_on_page(client.get(SETUP).content.decode())
    wrong = f"{(int(code_at(key, timezone.now())) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"code": wrong})
    body = response.content.decode()
    assert "There is a problem" in body
    assert "That code does not match" in body
    assert not TOTPDevice.objects.exists()
    assert secret_on_page(body) == key  # the same secret: the app need not be set up again


def test_a_password_alone_cannot_replace_an_existing_second_factor(
    client: Client, supporter: Any
) -> None:
    second_factor_device(supporter)
    sign_in_with_password(client, "sam@example.org")
    response = client.get(SETUP)
    assert response.headers["Location"].startswith(VERIFY)
    response = client.post(SETUP, {"code": "123456"})
    assert response.headers["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.get(user=supporter).bin_key == TEST_TOTP_KEY


def test_the_apps_code_signs_in_once_under_a_new_session_key(
    client: Client, supporter: Any
) -> None:
    second_factor_device(supporter)
    response = sign_in_with_password(client, "sam@example.org")
    assert response.headers["Location"] == f"{VERIFY}?next=%2Faccounts%2F"
    before = client.session.session_key
    code = code_at(TEST_TOTP_KEY, timezone.now())
    response = client.post(VERIFY, {"code": code, "next": "/portal/"})
    assert response.headers["Location"] == "/portal/"
    assert client.session.session_key != before
    assert client.get("/portal/").status_code == 200
    # The same code cannot be used again, by anyone.
    other = Client()
    sign_in_with_password(other, "sam@example.org")
    response = other.post(VERIFY, {"code": code})
    assert "That code did not work" in response.content.decode()
    assert other.get("/portal/").status_code == 302


def test_wrong_codes_are_throttled(supporter: Any) -> None:
    device = second_factor_device(supporter)
    now = timezone.now()
    good = code_at(TEST_TOTP_KEY, now)
    with time_machine.travel(now, tick=False):
        assert verify_code(user=supporter, code="000000" if good != "000000" else "111111") is None
        # Right after a failure even the right code waits.
        assert verify_code(user=supporter, code=good) is None
    with time_machine.travel(now + timedelta(seconds=5), tick=False):
        assert verify_code(user=supporter, code=good) == device


def test_a_backup_code_signs_in_once(client: Client, supporter: Any) -> None:
    second_factor_device(supporter).delete()
    _device, codes = set_up_second_factor(user=supporter, key=TEST_TOTP_KEY)
    sign_in_with_password(client, "sam@example.org")
    response = client.post(BACKUP, {"code": codes[3].upper().replace("-", " "), "next": "/portal/"})
    assert response.headers["Location"] == "/portal/"
    page = client.get("/portal/")
    assert "You have 9 backup codes left." in page.content.decode()
    client.post("/accounts/logout/")
    sign_in_with_password(client, "sam@example.org")
    response = client.post(BACKUP, {"code": codes[3]})
    assert response.status_code == 200
    assert "That code did not work" in response.content.decode()
    assert client.get("/portal/").status_code == 302
    assert BackupCode.objects.filter(device__user=supporter).count() == 9


def test_stored_secrets_and_backup_codes_are_not_their_plain_text(supporter: Any) -> None:
    device, codes = set_up_second_factor(user=supporter, key=TEST_TOTP_KEY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT encrypted_key FROM accounts_totpdevice")
        (stored_key,) = cursor.fetchone()
        cursor.execute("SELECT code_hash FROM accounts_backupcode")
        hashes = [row[0] for row in cursor.fetchall()]
    for form in (
        TEST_TOTP_KEY.decode(),
        TEST_TOTP_KEY.hex(),
        base64.b32encode(TEST_TOTP_KEY).decode(),
    ):
        assert form not in stored_key
    assert len(hashes) == 10
    for code in codes:
        plain = code.replace("-", "")
        assert all(plain not in stored and code not in stored for stored in hashes)
    # The ciphertext is bound to its user: copied onto another row it does not decrypt.
    other = UserFactory()
    with pytest.raises(DecryptionError):
        decrypt(stored_key, context=TOTPDevice.key_context(other.pk))
    # And without the field key it is useless.
    assert device.bin_key == TEST_TOTP_KEY


def test_a_different_field_key_cannot_read_the_secret(supporter: Any, settings: Any) -> None:
    device = second_factor_device(supporter)
    settings.FIELD_ENCRYPTION_KEY = "another-deployment-key-of-32-characters!"
    with pytest.raises(DecryptionError):
        TOTPDevice.objects.get(pk=device.pk).bin_key  # noqa: B018


# --- Every signed-in page refuses a session without the second factor ----------------


def _named_paths() -> list[str]:
    """Every named page of the site but the sign-in steps, found from the URL configuration.

    A half signed-in session reaches none of them (public pages included: it is in the
    middle of signing in), so pages added later are covered without a change here.
    """
    import uuid

    from django.urls import URLPattern, URLResolver, get_resolver, reverse
    from django.urls.converters import IntConverter, UUIDConverter

    open_pages = {
        "accounts:login",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "accounts:second_factor",
        "accounts:second_factor_setup",
        "accounts:backup_code",
        "accounts:logout",
        "admin-login-redirect",
        "healthz",
    }
    paths: list[str] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}{entry.name}"
                converters = getattr(entry.pattern, "converters", {})
                kwargs = {
                    key: uuid.UUID(int=1)
                    if isinstance(conv, UUIDConverter)
                    else 1
                    if isinstance(conv, IntConverter)
                    else "x"
                    for key, conv in converters.items()
                }
                if name in open_pages:
                    continue
                try:
                    paths.append(reverse(name, kwargs=kwargs))
                except Exception:  # noqa: S112  (an admin pattern needing a real app label)
                    continue

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))


SIGNED_IN_PATHS = _named_paths()


def test_the_list_of_signed_in_pages_holds_the_known_ones() -> None:
    for path in ("/accounts/", "/portal/", "/portal/profile/", "/admin/", "/admin/accounts/user/"):
        assert path in SIGNED_IN_PATHS


@pytest.mark.parametrize("path", SIGNED_IN_PATHS)
def test_every_page_refuses_a_session_that_passed_only_the_password(
    path: str, supporter: Any, administrator: Any
) -> None:
    for user, step in ((supporter, SETUP), (administrator, VERIFY)):
        if user is administrator:
            second_factor_device(administrator)
        client = SignInClient()
        client.force_login_password_only(user)
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith(f"{step}?next="), path
        response = client.post(path, {})
        assert response.status_code == 302 and response.headers["Location"] == step, path


def test_a_post_from_a_half_signed_in_session_changes_nothing(
    supporter: Any, administrator: Any
) -> None:
    client = SignInClient()
    client.force_login_password_only(supporter)
    client.post("/portal/profile/", {"display_name": "Changed", "bio": "x"})
    assert supporter.supporter.display_name == "Dr. Sam Lee"


def test_a_half_signed_in_session_can_still_sign_out(supporter: Any) -> None:
    client = SignInClient()
    client.force_login_password_only(supporter)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(user=supporter).exists()


# --- Reset by an administrator, and the admin's door ---------------------------------


def test_an_administrator_resets_a_second_factor_and_it_is_recorded(
    client: Client, administrator: Any, supporter: Any
) -> None:
    second_factor_device(supporter)
    elsewhere = SignInClient()
    elsewhere.force_login(supporter)
    client.force_login(administrator)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [supporter.pk]},
        follow=True,
    )
    assert "Two-step sign-in is reset for 1 account" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=supporter).exists()
    assert not BackupCode.objects.filter(device__user=supporter).exists()
    assert not Session.objects.filter(user=supporter).exists()
    assert elsewhere.get("/portal/").status_code == 302
    reset = SecondFactorReset.objects.get()
    assert (reset.user, reset.reset_by) == (supporter, administrator)
    assert timezone.now() - reset.reset_at < timedelta(minutes=1)
    # Their next sign-in enrols again.
    fresh = Client()
    assert sign_in_with_password(fresh, "sam@example.org").headers["Location"].startswith(SETUP)


@pytest.mark.parametrize("persona", ["supporter", "lead", "outsider"])
def test_the_admin_is_a_403_with_a_link_home_for_anyone_not_an_administrator(
    client: Client, persona: str, request: Any
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    body = response.content.decode()
    assert "The administration site is for program administrators" in body
    assert 'href="/accounts/"' in body
    assert len(response.redirect_chain) == 1  # no loop


def test_the_admin_opens_for_an_administrator(client: Client, administrator: Any) -> None:
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/?next=/admin/").headers["Location"] == "/admin/"


# --- Demo accounts ---------------------------------------------------------------------


def test_seed_demo_gives_demo_accounts_the_demo_secret_and_demo_totp_prints_its_code(
    settings: Any,
) -> None:
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "demo_totp" in out.getvalue()
    devices = TOTPDevice.objects.filter(user__email__endswith="@demo.peersupport.test")
    assert devices.count() >= 2
    assert all(device.bin_key == DEMO_TOTP_KEY for device in devices)
    printed = StringIO()
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        call_command("demo_totp", "admin@demo.peersupport.test", stdout=printed)
    assert printed.getvalue().strip() == code_at(DEMO_TOTP_KEY, now)


def test_demo_totp_refuses_any_other_account(supporter: Any) -> None:
    second_factor_device(supporter)
    with pytest.raises(CommandError, match="demo accounts only"):
        call_command("demo_totp", "sam@example.org", stdout=StringIO())
    # A demo address enrolled with someone's real app is not a demo account either.
    real = UserFactory(email="someone@demo.peersupport.test")
    second_factor_device(real, key=b"a-real-persons-key!!")
    with pytest.raises(CommandError, match="demo accounts only"):
        call_command("demo_totp", "someone@demo.peersupport.test", stdout=StringIO())
