from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reclaim.accounts.passwords import (
    MAX_LENGTH,
    Argon2Parameters,
    PasswordHashing,
    PasswordRejected,
    check_password,
)

FAST = PasswordHashing(Argon2Parameters(1, 8192, 1))


def test_single_factor_needs_fifteen_characters() -> None:
    with pytest.raises(PasswordRejected, match="15"):
        check_password("tulip-kettle-9", second_factor=False)
    check_password("tulip kettle river", second_factor=False)


def test_with_a_second_factor_eight_is_enough() -> None:
    check_password("tulip-k9", second_factor=True)
    with pytest.raises(PasswordRejected, match="8"):
        check_password("tulip-9", second_factor=True)


def test_at_least_64_characters_are_allowed_and_any_characters_work() -> None:
    check_password(
        "a very long passphrase with spaces " * 2 + "and more words!", second_factor=False
    )
    check_password("ünïcødé pässwörd 🐢 ok", second_factor=True)
    with pytest.raises(PasswordRejected, match=str(MAX_LENGTH)):
        check_password("x" * 60 + "y" * (MAX_LENGTH - 59), second_factor=True)


@pytest.mark.parametrize(
    "common", ["password1234", "qwertyuiop", "iloveyou123", "Password123", "football"]
)
def test_common_passwords_are_refused(common: str) -> None:
    with pytest.raises(PasswordRejected):
        check_password(common, second_factor=True)


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "abcdefghijkl", "zyxwvuts", "abababababab"])
def test_repetitive_or_sequential_passwords_are_refused(weak: str) -> None:
    with pytest.raises(PasswordRejected, match="easy to guess"):
        check_password(weak, second_factor=True)


def test_no_composition_rules() -> None:
    check_password("all lower case words here", second_factor=False)


def test_password_containing_the_username_is_refused() -> None:
    with pytest.raises(PasswordRejected, match="username"):
        check_password("my name is jsmith really", second_factor=False, username="jsmith")


def test_hash_is_argon2id_and_verifies() -> None:
    stored = FAST.hash("tulip kettle river")
    assert stored.startswith("$argon2id$")
    assert FAST.verify(stored, "tulip kettle river")
    assert not FAST.verify(stored, "tulip kettle rivers")


def test_unknown_account_is_verified_against_a_dummy_and_never_succeeds() -> None:
    assert not FAST.verify(None, "reclaim-dummy-password-for-timing-only")
    assert not FAST.verify(None, "anything at all")


def test_normalisation_makes_equivalent_unicode_match() -> None:
    stored = FAST.hash("caf\u00e9 au lait please")
    assert FAST.verify(stored, "cafe\u0301 au lait please")


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=15, max_size=40).filter(lambda s: len(set(s)) > 6))
def test_rules_never_crash_on_any_text(text: str) -> None:
    with contextlib.suppress(PasswordRejected):
        check_password(text, second_factor=False)


@pytest.mark.parametrize(
    "guessable",
    ["reclaim1", "childline1", "Reclaim2024!", "r3claim12", "safeguarding99", "password2024"],
)
def test_the_services_own_words_with_a_little_added_are_refused(guessable: str) -> None:
    with pytest.raises(PasswordRejected, match="easy to guess here"):
        check_password(guessable, second_factor=True)


def test_a_passphrase_that_happens_to_use_a_context_word_is_fine() -> None:
    check_password("reclaim tulip kettle river", second_factor=True)
