"""Password rules (NIST SP 800-63B-4) and Argon2id hashing. Pure: no web or storage code.

The rules: at least 15 characters when the password is the only factor, or 8 when a second
factor is required; at least 64 allowed; any characters (spaces and emoji too, so passphrases
and password managers work); no composition rules and no forced rotation; refuse passwords that
are common, repetitive or sequential, or that contain the account name.
"""

from __future__ import annotations

import gzip
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise

from argon2 import PasswordHasher as Argon2Hasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH_SINGLE_FACTOR = 15
MIN_LENGTH_WITH_SECOND_FACTOR = 8
MAX_LENGTH = 128  # NIST asks for at least 64; 128 keeps hashing cost bounded.

# The service's own words (NIST: "context-specific words, such as the name of the service").
_CONTEXT_WORDS = ("reclaim", "safeguarding", "childline", "password")
# Letter-for-digit swaps people use to dress a word up ("r3claim", "passw0rd").
_UNLEET = str.maketrans("013457@$!", "oieastasi")


class PasswordRejected(ValueError):
    """The password does not meet the rules; the message says why, in plain words."""


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    data = resources.files("reclaim.accounts").joinpath("data/common-passwords.txt.gz")
    return frozenset(gzip.decompress(data.read_bytes()).decode().split())


def normalise(password: str) -> str:
    """NFKC, as SP 800-63B asks, so the same passphrase typed on any device matches."""
    return unicodedata.normalize("NFKC", password)


def _is_sequential(text: str) -> bool:
    if len(text) < 3:
        return False
    steps = {ord(b) - ord(a) for a, b in pairwise(text)}
    return steps in ({1}, {-1}, {0})


def _is_context_word_with_a_little_added(lowered: str, minimum: int) -> bool:
    """True for one of the service's own words plus a few digits or symbols ("reclaim1",
    "Childline2024!"); a passphrase that merely uses such a word among others is fine."""
    for text in (lowered, lowered.translate(_UNLEET)):
        rest = text
        for word in _CONTEXT_WORDS:
            rest = rest.replace(word, " ")
        if rest == text:
            continue
        rest = rest.strip()
        if (
            len(rest) < minimum
            or not any(c.isalpha() for c in rest)
            or rest in _common_passwords()
            or len(set(rest)) <= 2
            or _is_sequential(rest)
        ):
            return True
    return False


def check_password(password: str, *, second_factor: bool, username: str = "") -> None:
    """Raise :class:`PasswordRejected` if the password breaks a rule."""
    text = normalise(password)
    minimum = MIN_LENGTH_WITH_SECOND_FACTOR if second_factor else MIN_LENGTH_SINGLE_FACTOR
    if len(text) < minimum:
        raise PasswordRejected(
            f"Use at least {minimum} characters (a few words together works well)."
        )
    if len(text) > MAX_LENGTH:
        raise PasswordRejected(f"Use at most {MAX_LENGTH} characters.")
    lowered = text.lower()
    if lowered in _common_passwords():
        raise PasswordRejected("That password is on a list of common passwords. Choose another.")
    if len(set(lowered)) <= 2 or _is_sequential(lowered):
        raise PasswordRejected("That password is too easy to guess (repeated or in sequence).")
    if _is_context_word_with_a_little_added(lowered, minimum):
        raise PasswordRejected("That password is too easy to guess here. Choose another.")
    name = username.strip().lower()
    if len(name) >= 4 and name in lowered:
        raise PasswordRejected("Your password must not contain your username.")


@dataclass(frozen=True, slots=True)
class Argon2Parameters:
    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 4


class PasswordHasher:
    """Argon2id hashing with a constant-time answer whether or not the account exists."""

    def __init__(self, params: Argon2Parameters = Argon2Parameters()) -> None:
        self._hasher = Argon2Hasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_kib,
            parallelism=params.parallelism,
        )
        # Verified when the account does not exist, so that "no such user" costs the same.
        self._dummy = self._hasher.hash("reclaim-dummy-password-for-timing-only")

    def hash(self, password: str) -> str:
        return self._hasher.hash(normalise(password))

    def verify(self, stored_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash or self._dummy, normalise(password)) and (
                stored_hash is not None
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher.check_needs_rehash(stored_hash)


#: The name this class had before; kept so older callers keep working.
PasswordHashing = PasswordHasher
