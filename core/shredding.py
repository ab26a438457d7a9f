"""Crypto-shredding: data that must be destroyable everywhere at once, backups included.

Each item is sealed (AES-256-GCM) with a key of its own. The key lives only in a Redis
that keeps nothing on disk, with the item's remaining lifetime as its TTL; the database
(and so its WAL and backups) only ever holds the sealed bytes. Deleting the key — or its
expiry, or losing that Redis — makes the item unrecoverable wherever its bytes lie.
"""

import os
import uuid
from dataclasses import dataclass
from datetime import timedelta

import redis
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
KEY_BITS = 256
# A sealed item is its nonce, then the ciphertext with GCM's 16-byte tag.
OVERHEAD_BYTES = NONCE_BYTES + 16


class KeyStoreUnavailable(Exception):
    """The keys' Redis cannot be reached: nothing can be sealed or opened now."""


@dataclass(frozen=True)
class KeyStore:
    """The Redis that holds the keys, under `prefix`, with short timeouts."""

    url: str
    prefix: str
    timeout_seconds: float = 1.0

    def _client(self) -> redis.Redis:
        return redis.Redis.from_url(
            self.url,
            socket_connect_timeout=self.timeout_seconds,
            socket_timeout=self.timeout_seconds,
        )

    def _name(self, key_id: uuid.UUID) -> str:
        return f"{self.prefix}:{key_id.hex}"

    def create(self, key_id: uuid.UUID, *, lifetime: timedelta) -> bytes:
        """Make a fresh key that lives for `lifetime`, and return it."""
        seconds = max(1, int(lifetime.total_seconds()))
        key = AESGCM.generate_key(bit_length=KEY_BITS)
        try:
            with self._client() as client:
                if not client.set(self._name(key_id), key, ex=seconds, nx=True):
                    raise KeyStoreUnavailable("a key with this id exists already")
        except redis.RedisError as error:
            raise KeyStoreUnavailable(type(error).__name__) from None
        return key

    def get(self, key_id: uuid.UUID) -> bytes | None:
        """Return the key, or None when it is gone (destroyed, expired or lost)."""
        try:
            with self._client() as client:
                key = client.get(self._name(key_id))
        except redis.RedisError as error:
            raise KeyStoreUnavailable(type(error).__name__) from None
        return bytes(key) if key is not None else None

    def destroy(self, *key_ids: uuid.UUID) -> int:
        """Delete the keys; return how many existed."""
        if not key_ids:
            return 0
        try:
            with self._client() as client:
                return int(client.delete(*[self._name(key_id) for key_id in key_ids]))
        except redis.RedisError as error:
            raise KeyStoreUnavailable(type(error).__name__) from None


def seal(key: bytes, plaintext: str, *, bound_to: bytes) -> bytes:
    """Encrypt `plaintext`; `bound_to` (authenticated, not stored) ties it to its row."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext.encode(), bound_to)


def unseal(key: bytes, sealed: bytes, *, bound_to: bytes) -> str | None:
    """Decrypt what `seal` made; None when the key or the binding does not match."""
    nonce, ciphertext = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, bound_to).decode()
    except (InvalidTag, ValueError):
        return None
