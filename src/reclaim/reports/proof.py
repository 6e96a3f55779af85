"""A small proof-of-work that keeps scripted floods of reports expensive, with no third party.

The server hands out a signed challenge; the client finds a nonce such that
``SHA-256(challenge + ":" + nonce)`` starts with ``bits`` zero bits (about 2**bits tries),
and sends both with its report. Challenges expire and are accepted once. The server may ask
for more bits (a connection that already sent many reports) by issuing harder challenges and
checking them with ``min_bits``.

Without JavaScript there is no proof-of-work: the report form carries a signed, time-stamped
**form token** instead, which must be at least a few seconds old (people read and type; scripts
post at once), is accepted once, and expires after :data:`FORM_SECONDS`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from threading import Lock

CHALLENGE_SECONDS = 600
#: A report form may stay open a long time while a young person decides what to write.
FORM_SECONDS = 4 * 3600


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
        self.clock: Callable[[], float] = time.time
        self._used: dict[str, float] = {}  # token -> when it may be forgotten
        self._lock = Lock()

    def _sign(self, body: str) -> str:
        return hmac.new(self.key, b"pow|" + body.encode(), hashlib.sha256).hexdigest()[:32]

    def _now(self, now: float | None) -> float:
        return self.clock() if now is None else now

    def _use_once(self, token: str, moment: float, keep: float) -> None:
        with self._lock:
            self._used = {c: t for c, t in self._used.items() if t > moment}
            if token in self._used:
                raise ProofRejected("This check was already used. Send again to try once more.")
            self._used[token] = moment + keep

    def challenge(self, now: float | None = None, bits: int | None = None) -> str:
        moment = int(self._now(now))
        body = f"{moment}.{self.bits if bits is None else bits}.{secrets.token_hex(8)}"
        return f"{body}.{self._sign(body)}"

    def check(
        self, challenge: str, nonce: str, now: float | None = None, min_bits: int | None = None
    ) -> None:
        moment = self._now(now)
        parts = challenge.split(".")
        if len(parts) != 4 or len(nonce) > 20 or not parts[0].isdigit() or not parts[1].isdigit():
            raise ProofRejected("The check that this is a person is missing. Reload the page.")
        body, signature = ".".join(parts[:3]), parts[3]
        if not hmac.compare_digest(signature, self._sign(body)):
            raise ProofRejected("The check that this is a person is not valid. Reload the page.")
        issued, bits = int(parts[0]), int(parts[1])
        if moment - issued > CHALLENGE_SECONDS:
            raise ProofRejected("The page was open a long time. Send again to try once more.")
        if bits < (self.bits if min_bits is None else min_bits):
            raise ProofRejected("This check was too easy. Send again to try once more.")
        digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
        if leading_zero_bits(digest) < bits:
            raise ProofRejected("The check that this is a person did not pass. Try again.")
        self._use_once(challenge, moment, CHALLENGE_SECONDS)

    def form_token(self, now: float | None = None) -> str:
        """A token for the no-JavaScript report form, issued with the page."""
        body = f"form.{int(self._now(now))}.{secrets.token_hex(8)}"
        return f"{body}.{self._sign(body)}"

    def check_form(self, token: str, min_age: float, now: float | None = None) -> None:
        """The form was loaded at least ``min_age`` seconds ago, by us, and not used before."""
        moment = self._now(now)
        parts = token.split(".")
        if len(parts) != 4 or parts[0] != "form" or not parts[1].isdigit():
            raise ProofRejected("missing")
        body, signature = ".".join(parts[:3]), parts[3]
        if not hmac.compare_digest(signature, self._sign(body)):
            raise ProofRejected("not valid")
        age = moment - int(parts[1])
        if age > FORM_SECONDS:
            raise ProofRejected("expired")
        if age < min_age:
            raise ProofRejected("too quick")
        self._use_once(token, moment, FORM_SECONDS)
