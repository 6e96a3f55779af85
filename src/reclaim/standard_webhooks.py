"""Standard Webhooks signatures (https://www.standardwebhooks.com/): pure, no I/O.

A message is signed with the endpoint's secret (``whsec_`` and the base64 of random bytes) as
``v1,<base64 of HMAC-SHA256(secret bytes, "<webhook-id>.<webhook-timestamp>.<body>")>``, sent in
the ``webhook-signature`` header beside ``webhook-id`` (the same on every retry of a message)
and ``webhook-timestamp`` (whole seconds since the epoch, of this attempt). Receivers can check
it with any Standard Webhooks library, or with :func:`verify`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
#: Receivers should refuse a timestamp further than this from their clock (replays).
TOLERANCE_SECONDS = 5 * 60


class SignatureInvalid(ValueError):
    """The message does not carry a valid signature made with this secret."""


def new_secret() -> str:
    """A new endpoint secret: ``whsec_`` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header's value: ``v1,<base64 HMAC-SHA256>``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }


def verify(
    secret: str, received: dict[str, str], body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS
) -> None:
    """Raise :class:`SignatureInvalid` unless ``received`` (lower-case header names) signs
    ``body`` with ``secret`` and its timestamp is within ``tolerance`` of ``now``."""
    try:
        message_id = received["webhook-id"]
        timestamp = int(received["webhook-timestamp"])
        offered = received["webhook-signature"].split()
    except (KeyError, ValueError):
        raise SignatureInvalid(
            "webhook-id, webhook-timestamp and webhook-signature are needed"
        ) from None
    if abs(now - timestamp) > tolerance:
        raise SignatureInvalid("the timestamp is too far from now")
    expected = sign(secret, message_id, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise SignatureInvalid("no signature matches")
