"""Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 seconds) and recovery codes.

Pure: no web or storage code. Codes are accepted one step either side of now, to allow for a
phone's clock drift, and each step is accepted once only (the caller stores the last step used).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from urllib.parse import quote, urlencode

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

STEP_SECONDS = 30
DIGITS = 6
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def new_secret() -> str:
    """A 160-bit secret in base32, as authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def _totp(secret: str) -> TOTP:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return TOTP(key, DIGITS, SHA1(), STEP_SECONDS, enforce_key_length=False)  # noqa: S303


def code_at(secret: str, moment: float) -> str:
    return _totp(secret).generate(int(moment)).decode()


def matching_step(
    secret: str, code: str, *, last_step: int | None, now: float | None = None
) -> int | None:
    """The time step ``code`` belongs to, if valid and not used before; else None."""
    cleaned = "".join(ch for ch in code if ch.isdigit())
    if len(cleaned) != DIGITS:
        return None
    moment = time.time() if now is None else now
    current = int(moment) // STEP_SECONDS
    totp = _totp(secret)
    for step in (current, current - 1, current + 1):
        if last_step is not None and step <= last_step:
            continue
        expected = totp.generate(step * STEP_SECONDS)
        if hmac.compare_digest(expected, cleaned.encode()):
            return step
    return None


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    label = quote(f"{issuer}:{account}")
    query = urlencode(
        {
            "secret": secret,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        }
    )
    return f"otpauth://totp/{label}?{query}"


def new_recovery_codes(count: int = 10) -> list[str]:
    """Codes like ``k7qm-3xr9-tp2w`` (about 59 bits each), shown once, stored only as digests."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes


def recovery_digest(code: str, key: bytes) -> str:
    cleaned = "".join(ch for ch in code.lower() if ch.isalnum())
    return hmac.new(key, cleaned.encode(), hashlib.sha256).hexdigest()
