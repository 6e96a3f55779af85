"""Field encryption: personal data is stored as AES-256-GCM ciphertext.

Each value is encrypted with a fresh 96-bit nonce; the stored text is
``v1.<urlsafe-base64(nonce || ciphertext || tag)>``. The column name is bound in as associated
data, so a ciphertext copied into another column does not decrypt.
"""

from __future__ import annotations

import base64
import secrets
from threading import Lock

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text, TypeDecorator
from sqlalchemy.engine import Dialect

_PREFIX = "v1."


class FieldCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("field encryption key must be 32 bytes")
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, stored: str, context: str) -> str:
        if not stored.startswith(_PREFIX):
            raise ValueError("not an encrypted field value")
        raw = base64.urlsafe_b64decode(stored[len(_PREFIX) :])
        try:
            return self._aead.decrypt(raw[:12], raw[12:], context.encode()).decode()
        except InvalidTag as exc:
            raise ValueError(
                "an encrypted field could not be decrypted: is RECLAIM_FIELD_ENCRYPTION_KEY "
                "the key this database was written with?"
            ) from exc


_cipher: FieldCipher | None = None
_lock = Lock()


def configure_field_cipher(key: bytes) -> None:
    """Install the process-wide cipher (done by ``Database`` from the settings)."""
    global _cipher
    with _lock:
        _cipher = FieldCipher(key)


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
