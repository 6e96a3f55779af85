from __future__ import annotations

import base64
import hashlib

from reclaim.accounts import totp

# RFC 6238 appendix B, SHA-1 secret "12345678901234567890", 8 digits; we use the last 6.
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


def test_rfc6238_vectors() -> None:
    assert totp.code_at(RFC_SECRET, 59) == "287082"
    assert totp.code_at(RFC_SECRET, 1111111109) == "081804"
    assert totp.code_at(RFC_SECRET, 2000000000) == "279037"


def test_a_code_is_accepted_once_and_then_refused() -> None:
    secret = totp.new_secret()
    now = 1_700_000_000.0
    code = totp.code_at(secret, now)
    step = totp.matching_step(secret, code, last_step=None, now=now)
    assert step == int(now) // 30
    assert totp.matching_step(secret, code, last_step=step, now=now) is None


def test_one_step_of_clock_drift_is_allowed_but_not_more() -> None:
    secret = totp.new_secret()
    now = 1_700_000_000.0
    assert (
        totp.matching_step(secret, totp.code_at(secret, now - 30), last_step=None, now=now)
        is not None
    )
    assert (
        totp.matching_step(secret, totp.code_at(secret, now + 30), last_step=None, now=now)
        is not None
    )
    assert (
        totp.matching_step(secret, totp.code_at(secret, now - 90), last_step=None, now=now) is None
    )


def test_malformed_codes_are_refused() -> None:
    secret = totp.new_secret()
    for code in ("", "12345", "1234567", "abcdef"):
        assert totp.matching_step(secret, code, last_step=None) is None


def test_spaces_in_a_code_are_ignored() -> None:
    secret = totp.new_secret()
    now = 1_700_000_000.0
    code = totp.code_at(secret, now)
    assert totp.matching_step(secret, f"{code[:3]} {code[3:]}", last_step=None, now=now) is not None


def test_provisioning_uri_names_issuer_and_account() -> None:
    uri = totp.provisioning_uri("ABC", account="dsl@school.example", issuer="Reclaim")
    assert uri.startswith("otpauth://totp/Reclaim%3Adsl%40school.example?")
    assert "secret=ABC" in uri and "issuer=Reclaim" in uri


def test_recovery_codes_are_unique_and_digests_ignore_formatting() -> None:
    codes = totp.new_recovery_codes()
    assert len(set(codes)) == 10
    key = hashlib.sha256(b"k").digest()
    code = codes[0]
    assert totp.recovery_digest(code, key) == totp.recovery_digest(
        code.upper().replace("-", " "), key
    )
