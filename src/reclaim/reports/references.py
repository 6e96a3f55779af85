"""Case references and PINs: short, easy to read aloud, hard to guess together.

A reference is 9 characters from 31 that cannot be confused (no 0/O, 1/I/L), shown as
``ABC-DEF-GHJ``; a PIN is 6 digits. Together: 9 x log2(31) + 6 x log2(10) = 64.5 bits.
"""

from __future__ import annotations

import math
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 9
PIN_LENGTH = 6
ENTROPY_BITS = REFERENCE_LENGTH * math.log2(len(ALPHABET)) + PIN_LENGTH * math.log2(10)

# What people type for characters that are not in the alphabet.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "L": "I"})


def new_reference() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(REFERENCE_LENGTH))


def new_public_id() -> str:
    """A report's id in staff URLs: 128 random bits, URL-safe (22 characters). Unlike the
    row's sequential number it cannot be guessed or counted through."""
    return secrets.token_urlsafe(16)


def new_pin() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PIN_LENGTH))


def show_reference(reference: str) -> str:
    """``ABCDEFGHJ`` as ``ABC-DEF-GHJ``."""
    return "-".join(reference[i : i + 3] for i in range(0, len(reference), 3))


def normalise_reference(text: str) -> str | None:
    """What a person typed, as a stored reference; None if it cannot be one."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(_LOOKALIKES)
    if len(cleaned) != REFERENCE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def normalise_pin(text: str) -> str | None:
    cleaned = "".join(ch for ch in text if not ch.isspace())
    if len(cleaned) != PIN_LENGTH or not cleaned.isascii() or not cleaned.isdigit():
        return None
    return cleaned
