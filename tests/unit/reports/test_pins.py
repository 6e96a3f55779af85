"""Report PINs: a keyed hash whose format is in the string; older hashes still verify."""

from __future__ import annotations

from reclaim.accounts.passwords import Argon2Parameters, PasswordHasher
from reclaim.reports.pins import PinHasher

KEY, OLD_KEY = b"k" * 48, b"o" * 48


def test_a_pin_hash_names_its_format_and_needs_the_key() -> None:
    hasher = PinHasher(KEY)
    stored = hasher.hash("123456")
    assert stored.startswith("pin1.") and "$argon2id$v=19$m=4096,t=2,p=1$" in stored
    assert hasher.verify(stored, "123456") and not hasher.verify(stored, "123457")
    assert not hasher.needs_rehash(stored)
    # Without the key, the hash checks no PIN at all (the database alone gives nothing).
    assert not PinHasher(b"x" * 48).verify(stored, "123456")


def test_hashes_under_a_previous_secret_key_verify_and_ask_to_be_rehashed() -> None:
    stored = PinHasher(OLD_KEY).hash("654321")
    rotated = PinHasher(KEY, [OLD_KEY])
    assert rotated.verify(stored, "654321") and rotated.needs_rehash(stored)


def test_old_argon2_hashes_of_the_pin_still_verify() -> None:
    old = PasswordHasher(Argon2Parameters(1, 8192, 1)).hash("111222")
    hasher = PinHasher(KEY)
    assert hasher.verify(old, "111222") and not hasher.verify(old, "111223")
    assert hasher.needs_rehash(old)


def test_no_hash_is_never_a_match() -> None:
    hasher = PinHasher(KEY)
    assert not hasher.verify(None, "000000") and not hasher.verify("", "000000")
    assert not hasher.verify("pin1.deadbeef$nonsense", "000000")
