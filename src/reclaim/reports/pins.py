"""A report's PIN, stored as a keyed hash: Argon2id (a small profile) over HMAC-SHA256 of the
PIN under a key derived from ``RECLAIM_SECRET_KEY``, which is never in the database.

A PIN has six digits: a million values. No Argon2 profile makes a million guesses slow enough
once the hashes are stolen (64 MiB and 3 passes cost a server about 0.15 s per PIN; all of
them, a day on one core), so the cost that protects a stolen database is the key, not the
work factor: without the secret key, a stolen hash cannot be checked against any PIN. The
small Argon2 profile is a second line if the key is stolen too, and costs a few milliseconds
a report instead of 64 MiB and ~150 ms (docs/security.md, "PINs").

The stored string says its format, so older hashes keep working::

    pin1.<key id>$argon2id$v=19$m=...,t=...,p=...$<salt>$<hash>   (this module)
    $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>                   (before: Argon2id of the PIN)

A right PIN checked against an older hash is rehashed in the new format
(:meth:`PinHasher.needs_rehash`). Older secret keys (``RECLAIM_PREVIOUS_SECRET_KEYS``) still
verify, by their key id, until the operator removes them.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Final

from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = ["PIN_PROFILE", "PinHasher", "PinProfile"]

_PREFIX: Final = "pin1."
_CONTEXT: Final = b"reclaim/report-pin/v1"


@dataclass(frozen=True, slots=True)
class PinProfile:
    """Argon2id parameters for PINs (recorded in each hash, so they can change later)."""

    time_cost: int = 2
    memory_kib: int = 4096
    parallelism: int = 1


#: About 4-6 ms on one core of a small server; see docs/security.md for why it is enough.
PIN_PROFILE: Final = PinProfile()


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"reclaim/report-pin/key-id:" + key).hexdigest()[:8]


class PinHasher:
    """Hash and check report PINs. Thread-safe; CPU work only (no I/O), so callers run it off
    the event loop and outside any write transaction."""

    def __init__(
        self,
        secret_key: bytes,
        previous_secret_keys: list[bytes] | tuple[bytes, ...] = (),
        profile: PinProfile = PIN_PROFILE,
    ) -> None:
        keys = [
            hmac.new(secret, _CONTEXT, hashlib.sha256).digest()
            for secret in (secret_key, *previous_secret_keys)
        ]
        self._current = keys[0]
        self._current_id = _key_id(keys[0])
        self._keys = {_key_id(k): k for k in reversed(keys)} | {self._current_id: keys[0]}
        self._argon2 = Argon2Hasher(
            time_cost=profile.time_cost,
            memory_cost=profile.memory_kib,
            parallelism=profile.parallelism,
            type=Type.ID,
        )
        # Checked when there is no such reference, so that both answers cost the same.
        self._dummy = self.hash("000000")

    @staticmethod
    def _mac(key: bytes, pin: str) -> str:
        return hmac.new(key, pin.encode(), hashlib.sha256).hexdigest()

    def hash(self, pin: str) -> str:
        return f"{_PREFIX}{self._current_id}{self._argon2.hash(self._mac(self._current, pin))}"

    def verify(self, stored_hash: str | None, pin: str) -> bool:
        """Whether ``pin`` matches; a missing hash costs the same as a real one and is False."""
        stored = stored_hash or self._dummy
        try:
            if stored.startswith(_PREFIX):
                kid, encoded = stored[len(_PREFIX) : len(_PREFIX) + 8], stored[len(_PREFIX) + 8 :]
                key = self._keys.get(kid)
                if key is None:  # written under a secret key this server no longer has
                    self._argon2.verify(self._dummy[len(_PREFIX) + 8 :], pin)
                    return False
                ok = self._argon2.verify(encoded, self._mac(key, pin))
            else:  # an Argon2id hash of the PIN itself (before pin1)
                ok = self._argon2.verify(stored, pin)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return ok and bool(stored_hash)

    def needs_rehash(self, stored_hash: str) -> bool:
        """True for an older format, an older secret key or an older profile."""
        if not stored_hash.startswith(_PREFIX + self._current_id):
            return True
        return self._argon2.check_needs_rehash(stored_hash[len(_PREFIX) + 8 :])
