"""Field encryption: personal data is stored as AES-256-GCM ciphertext.

Each value is encrypted with a fresh 96-bit nonce; the stored text is
``v2.<key id>.<urlsafe-base64(nonce || ciphertext || tag)>``, where the key id is 8 hex
characters derived from the key (an HMAC of a label, so it says nothing about the key). The
column name is bound in as associated data, so a ciphertext copied into another column does not
decrypt. Values written before key ids (``v1.<...>``) are still read: each known key is tried.

Rotation (``reclaim admin rotate-field-key``): the cipher encrypts with the current key and
decrypts with it or any previous key (``RECLAIM_PREVIOUS_FIELD_ENCRYPTION_KEYS``), so readers
keep working while stored values are re-encrypted one batch at a time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from threading import Lock

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text, TypeDecorator
from sqlalchemy.engine import Dialect

_LEGACY = "v1."
_PREFIX = "v2."


class FieldKeyError(ValueError):
    """A stored value that none of the configured keys decrypts."""


def key_id(key: bytes) -> str:
    """A short, stable name for a key that reveals nothing about it."""
    return hmac.new(key, b"reclaim/field-key-id/v1", hashlib.sha256).hexdigest()[:8]


def stored_key_id(stored: str) -> str | None:
    """The id of the key a stored value was written with (None for values without one)."""
    if stored.startswith(_PREFIX):
        return stored[len(_PREFIX) :].split(".", 1)[0]
    return None


class FieldCipher:
    def __init__(self, key: bytes, previous: Sequence[bytes] = ()) -> None:
        for k in (key, *previous):
            if len(k) != 32:
                raise ValueError("field encryption key must be 32 bytes")
        self.key_id = key_id(key)
        self._aead = AESGCM(key)
        # Newest first: the current key, then the previous ones (given oldest first).
        self._keys: dict[str, AESGCM] = {self.key_id: self._aead}
        for k in reversed(previous):
            self._keys.setdefault(key_id(k), AESGCM(k))

    @property
    def key_ids(self) -> list[str]:
        return list(self._keys)

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return f"{_PREFIX}{self.key_id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def is_current(self, stored: str) -> bool:
        """Whether ``stored`` is already encrypted with the current key."""
        return stored_key_id(stored) == self.key_id

    def decrypt(self, stored: str, context: str) -> str:
        if stored.startswith(_PREFIX):
            kid, _, body = stored[len(_PREFIX) :].partition(".")
            aead = self._keys.get(kid)
            candidates = [aead] if aead is not None else []
        elif stored.startswith(_LEGACY):
            body = stored[len(_LEGACY) :]
            candidates = list(self._keys.values())
        else:
            raise FieldKeyError("not an encrypted field value")
        try:
            raw = base64.urlsafe_b64decode(body)
        except ValueError as exc:
            raise FieldKeyError("an encrypted field value is damaged") from exc
        for candidate in candidates:
            try:
                return candidate.decrypt(raw[:12], raw[12:], context.encode()).decode()
            except InvalidTag:
                continue
        raise FieldKeyError(
            "an encrypted field could not be decrypted: is RECLAIM_FIELD_ENCRYPTION_KEY "
            "the key this database was written with (or, during a rotation, is the old key "
            "in RECLAIM_PREVIOUS_FIELD_ENCRYPTION_KEYS)?"
        )


_cipher: FieldCipher | None = None
_lock = Lock()


def configure_field_cipher(key: bytes, previous: Sequence[bytes] = ()) -> None:
    """Install the process-wide cipher (done by ``Database`` from the settings)."""
    global _cipher
    with _lock:
        _cipher = FieldCipher(key, previous)


def field_cipher() -> FieldCipher:
    if _cipher is None:
        raise RuntimeError("field encryption is not configured; create a Database first")
    return _cipher


class EncryptedText(TypeDecorator[str]):
    """A text column whose value is encrypted at rest. ``context`` names the column."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else field_cipher().encrypt(value, self.context)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else field_cipher().decrypt(value, self.context)
