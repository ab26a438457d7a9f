"""The second factor: enrolment, codes, backup codes, a verified session, and its reset.

Every account signs in with a password and then a code from an authenticator app (TOTP,
RFC 6238, through django-otp), or one of ten single-use backup codes. Enrolment keeps
the new secret in the session until the first code confirms it, so opening the page
creates nothing; the secret is then stored encrypted and the backup codes only as keyed
hashes (accounts.encryption).
"""

import base64
import secrets
from datetime import datetime
from urllib.parse import quote, urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp.oath import TOTP

from .encryption import encrypt
from .models import BackupCode, BackupCodeDevice, SecondFactorReset, TOTPDevice, User
from .services import end_sessions

KEY_BYTES = 20  # 160 bits, as RFC 4226 recommends for HMAC-SHA1
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
BACKUP_CODE_LENGTH = 10


def new_secret() -> bytes:
    """Return a fresh random TOTP secret."""
    return secrets.token_bytes(KEY_BYTES)


def spaced_base32(key: bytes) -> str:
    """Return the secret as people type it into an app: base32 in groups of four."""
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(*, user: User, key: bytes) -> str:
    """Return the `otpauth://` URI an authenticator app reads from the QR code."""
    issuer = settings.OTP_TOTP_ISSUER
    label = quote(f"{issuer}:{user.email}")
    params = {
        "secret": base64.b32encode(key).decode().rstrip("="),
        "issuer": issuer,
        "algorithm": "SHA1",
        "digits": TOTPDevice.DIGITS,
        "period": TOTPDevice.STEP,
    }
    return f"otpauth://totp/{label}?{urlencode(params, quote_via=quote)}"


def qr_code_data_uri(text: str) -> str:
    """Return `text` as a QR code in an SVG `data:` URI, drawn here: no other host sees it."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, border=4)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def code_at(key: bytes, when: datetime) -> str:
    """Return the six-digit code an authenticator app shows for `key` at `when`."""
    totp = TOTP(key, step=TOTPDevice.STEP, digits=TOTPDevice.DIGITS)
    totp.time = when.timestamp()
    return f"{totp.token():0{TOTPDevice.DIGITS}d}"


def _matches(key: bytes, code: str, *, now: datetime) -> int | None:
    """Return the time step at which `code` is `key`'s code near `now`, or None."""
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == TOTPDevice.DIGITS):
        return None
    totp = TOTP(key, step=TOTPDevice.STEP, digits=TOTPDevice.DIGITS)
    totp.time = now.timestamp()
    if totp.verify(int(code), tolerance=TOTPDevice.TOLERANCE):
        return int(totp.t())
    return None


def has_second_factor(user: User) -> bool:
    """Return whether `user` has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def set_up_second_factor(
    *, user: User, key: bytes, last_t: int = -1
) -> tuple[TOTPDevice, list[str]]:
    """Give `user` an authenticator app with `key` and ten new backup codes.

    Replaces any earlier app and codes. Return the device and the backup codes, which
    exist in plain text only in this return value: the caller shows them once.
    """
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user,
        name="Authenticator app",
        confirmed=True,
        encrypted_key=encrypt(key, context=TOTPDevice.key_context(user.pk)),
        last_t=last_t,
    )
    return device, issue_backup_codes(user=user)


@transaction.atomic
def issue_backup_codes(*, user: User) -> list[str]:
    """Replace `user`'s backup codes with fresh ones; return them (shown once, never stored)."""
    device, _created = BackupCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Backup codes", "confirmed": True}
    )
    device.codes.all().delete()
    codes = [
        "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
        for _ in range(settings.SECOND_FACTOR_BACKUP_CODES)
    ]
    BackupCode.objects.bulk_create(
        BackupCode(device=device, code_hash=BackupCodeDevice.code_hash(user.pk, code))
        for code in codes
    )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def confirm_enrolment(
    *, user: User, key: bytes, code: str, now: datetime
) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the pending secret `key` with the first `code`; None when it does not match.

    Side effects on success: the device and backup codes of `set_up_second_factor`; the
    code used here cannot be used again.
    """
    step = _matches(key, code, now=now)
    if step is None:
        return None
    return set_up_second_factor(user=user, key=key, last_t=step)


def verify_code(*, user: User, code: str) -> TOTPDevice | None:
    """Return `user`'s authenticator device when `code` is its current, unused code."""
    with transaction.atomic():
        device: TOTPDevice | None = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        )
        if device is not None and device.verify_token(code):
            return device
    return None


def verify_backup_code(*, user: User, code: str) -> BackupCodeDevice | None:
    """Return `user`'s backup-code device when `code` is one of their unused codes (now used)."""
    with transaction.atomic():
        device: BackupCodeDevice | None = (
            BackupCodeDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        )
        if device is not None and device.verify_token(code):
            return device
    return None


def backup_codes_left(user: User) -> int:
    return BackupCode.objects.filter(device__user=user).count()


def mark_verified(request: HttpRequest, device: TOTPDevice | BackupCodeDevice) -> None:
    """Record in the session that its user passed the second factor, under a new session key.

    django-otp's `login` does not rotate the key; a key seen before verification must
    not carry the verified session (session fixation).
    """
    django_otp.login(request, device)
    request.session.cycle_key()


@transaction.atomic
def reset_second_factor(*, user: User, reset_by: User, now: datetime) -> SecondFactorReset:
    """Remove `user`'s authenticator app and backup codes, and sign them out everywhere.

    They enrol again at their next sign-in. Side effects: every session of `user` is
    deleted; one `SecondFactorReset` row records who reset whose, and when.
    """
    TOTPDevice.objects.filter(user=user).delete()
    BackupCodeDevice.objects.filter(user=user).delete()
    end_sessions(user=user)
    return SecondFactorReset.objects.create(user=user, reset_by=reset_by, reset_at=now)
