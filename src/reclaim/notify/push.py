"""Web push for staff alerts (VAPID, RFC 8292; payload encrypted per RFC 8291 by pywebpush).

The payload says only that something is waiting and where to look ("An urgent report is
waiting", ``/staff/alerts``): push services and lock screens see nothing about anyone.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from reclaim.notify.alerts import PushTarget

__all__ = ["PushFailed", "PushGone", "Pusher", "WebPusher", "alert_payload", "new_vapid_keys"]

#: Sends one payload to one subscription; raises PushGone or PushFailed.
Pusher = Callable[[PushTarget, bytes], None]


class PushFailed(Exception):
    """The push service did not take the message (the kind only, never its words)."""


class PushGone(PushFailed):
    """The subscription no longer exists (404 or 410): forget it."""


def alert_payload(words: str, url: str = "/staff/alerts") -> bytes:
    """What a push carries: a fixed title, the alert's words and the staff page to open."""
    return json.dumps({"title": "Reclaim", "body": words, "url": url}).encode()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def new_vapid_keys() -> tuple[str, str]:
    """(public, private): the public key as browsers want it (uncompressed P-256 point) and
    the private scalar, both urlsafe base64."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = key.private_numbers().private_value.to_bytes(32, "big")
    return _b64(public), _b64(private)


@dataclass(frozen=True, slots=True)
class WebPusher:
    """Sends with pywebpush, signed with the server's VAPID key."""

    private_key: str
    subject: str
    ttl: int = 3600
    timeout: float = 10.0

    def __call__(self, target: PushTarget, payload: bytes) -> None:
        from pywebpush import WebPushException, webpush  # type: ignore[import-untyped]

        try:
            webpush(
                {
                    "endpoint": target.endpoint,
                    "keys": {"p256dh": target.p256dh, "auth": target.auth},
                },
                data=payload.decode(),
                vapid_private_key=self.private_key,
                vapid_claims={"sub": self.subject},
                ttl=self.ttl,
                timeout=self.timeout,
            )
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in (404, 410):
                raise PushGone(str(status)) from None
            raise PushFailed(f"push-{status or 'error'}") from None
        except Exception as exc:  # the network, a malformed key
            raise PushFailed(type(exc).__name__) from None
