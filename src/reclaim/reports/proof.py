"""A small proof-of-work that keeps scripted floods of reports expensive, with no third party.

The server hands out a signed challenge; the client finds a nonce such that
``SHA-256(challenge + ":" + nonce)`` starts with ``bits`` zero bits (about 2**bits tries),
and sends both with its report. Challenges expire and are accepted once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from threading import Lock

CHALLENGE_SECONDS = 600


class ProofRejected(ValueError):
    pass


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def solve(challenge: str, bits: int) -> str:
    """Find a nonce (used by tests and by clients written in Python)."""
    nonce = 0
    while True:
        digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
        if leading_zero_bits(digest) >= bits:
            return str(nonce)
        nonce += 1


class ProofOfWork:
    def __init__(self, key: bytes, bits: int) -> None:
        self.key, self.bits = key, bits
        self._used: dict[str, float] = {}
        self._lock = Lock()

    def _sign(self, body: str) -> str:
        return hmac.new(self.key, b"pow|" + body.encode(), hashlib.sha256).hexdigest()[:32]

    def challenge(self, now: float | None = None) -> str:
        moment = int(time.time() if now is None else now)
        body = f"{moment}.{self.bits}.{secrets.token_hex(8)}"
        return f"{body}.{self._sign(body)}"

    def check(self, challenge: str, nonce: str, now: float | None = None) -> None:
        moment = time.time() if now is None else now
        parts = challenge.split(".")
        if len(parts) != 4 or len(nonce) > 20:
            raise ProofRejected("The check that this is a person is missing. Reload the page.")
        body, signature = ".".join(parts[:3]), parts[3]
        if not hmac.compare_digest(signature, self._sign(body)):
            raise ProofRejected("The check that this is a person is not valid. Reload the page.")
        issued, bits = int(parts[0]), int(parts[1])
        if moment - issued > CHALLENGE_SECONDS:
            raise ProofRejected("The page was open a long time. Send again to try once more.")
        digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
        if leading_zero_bits(digest) < bits:
            raise ProofRejected("The check that this is a person did not pass. Try again.")
        with self._lock:
            self._used = {c: t for c, t in self._used.items() if t > moment - CHALLENGE_SECONDS}
            if challenge in self._used:
                raise ProofRejected("This check was already used. Send again to try once more.")
            self._used[challenge] = moment
