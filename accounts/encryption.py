"""Keep second factors out of a stolen database dump.

Keys come from `FIELD_ENCRYPTION_KEY`, a setting kept apart from the database and its
backups: TOTP secrets are encrypted with AES-256-GCM (authenticated, so a changed byte
is refused rather than decrypted to garbage) and bound to their purpose, so a secret
copied onto another user's row does not decrypt; backup codes are stored only as an
HMAC under a second key, so the database alone cannot be searched for them.
"""

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = "v1"
NONCE_BYTES = 12


class DecryptionError(ValueError):
    """The ciphertext was changed, belongs elsewhere, or the key is not the one used."""


def _derived_key(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        settings.FIELD_ENCRYPTION_KEY.encode()
    )


def encrypt(plaintext: bytes, *, context: str) -> str:
    """Return `plaintext` encrypted under the field key, bound to `context`, as text."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_derived_key(b"peersupport/aes-gcm")).encrypt(
        nonce, plaintext, context.encode()
    )
    return f"{VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, context: str) -> bytes:
    """Return the plaintext of `encrypt(…, context=context)`; raise DecryptionError."""
    version, _, payload = token.partition(":")
    if version != VERSION:
        raise DecryptionError("unknown ciphertext version")
    try:
        raw = base64.urlsafe_b64decode(payload.encode())
        return AESGCM(_derived_key(b"peersupport/aes-gcm")).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()
        )
    except (InvalidTag, ValueError) as error:
        raise DecryptionError("cannot decrypt") from error


def keyed_hash(value: str, *, context: str) -> str:
    """Return an HMAC-SHA256 of `value` under the field key: for codes checked, never read."""
    return hmac.new(
        _derived_key(b"peersupport/hmac"), f"{context}|{value}".encode(), hashlib.sha256
    ).hexdigest()
