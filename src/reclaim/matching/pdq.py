"""PDQ hash encoding: 64 lowercase hex characters <-> 32 bytes, and Hamming distances.

The byte order is python-threatexchange's: ``bytes.fromhex(pdq_hex)``, so hash byte 0 is the first
two hex characters (pytx ``convert_pdq_strings_to_ndarray`` unpacks exactly these bytes).
Input may be upper or lower case; output is always lowercase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from reclaim.matching import _kernels

PDQ_BITS = 256
PDQ_BYTES = 32
PDQ_HEX_LEN = 64
# pytx PDQ_CONFIDENT_MATCH_THRESHOLD and QUALITY_THRESHOLD.
PDQ_MATCH_THRESHOLD = 31
PDQ_QUALITY_THRESHOLD = 50

_HEX_RE = re.compile(r"[0-9a-fA-F]*")


def hex_to_bits(pdq_hex: str) -> NDArray[np.uint8]:
    """One PDQ hex string -> ``uint8`` array of shape (32,)."""
    row: NDArray[np.uint8] = hexes_to_array([pdq_hex]).reshape(PDQ_BYTES)
    return row


def bits_to_hex(bits: NDArray[np.uint8] | bytes) -> str:
    """One 32-byte PDQ hash -> 64 lowercase hex characters."""
    raw = bytes(bits) if isinstance(bits, bytes) else np.asarray(bits, np.uint8).tobytes()
    if len(raw) != PDQ_BYTES:
        raise ValueError(f"a PDQ hash is {PDQ_BYTES} bytes, got {len(raw)}")
    return raw.hex()


def is_pdq_hex(value: str) -> bool:
    """True for exactly 64 hex characters (either case)."""
    return len(value) == PDQ_HEX_LEN and _HEX_RE.fullmatch(value) is not None


def hexes_to_array(hexes: Iterable[str]) -> NDArray[np.uint8]:
    """PDQ hex strings -> ``uint8`` array of shape (N, 32). Raises ValueError on a bad string."""
    items = list(hexes)
    for i, h in enumerate(items):
        if not isinstance(h, str) or not is_pdq_hex(h):
            raise ValueError(f"item {i} is not a 64-character hex PDQ hash: {h!r:.80}")
    if not items:
        return np.empty((0, PDQ_BYTES), np.uint8)
    raw = bytes.fromhex("".join(items))
    return np.frombuffer(raw, np.uint8).reshape(len(items), PDQ_BYTES).copy()


_NIBBLE = np.full(256, 255, np.uint8)
_NIBBLE[np.frombuffer(b"0123456789", np.uint8)] = np.arange(10, dtype=np.uint8)
_NIBBLE[np.frombuffer(b"abcdef", np.uint8)] = np.arange(10, 16, dtype=np.uint8)
_NIBBLE[np.frombuffer(b"ABCDEF", np.uint8)] = np.arange(10, 16, dtype=np.uint8)


def hex_chars_to_array(chars: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], NDArray[np.bool_]]:
    """Rows of 64 ASCII hex characters ((N, 64) ``uint8``, either case) -> ``(hashes, valid)``:
    the (N, 32) ``uint8`` hashes and which rows were all hex digits (invalid rows hold zeros).
    Vectorised: no Python object per row."""
    arr = np.asarray(chars, np.uint8)
    if arr.ndim != 2 or arr.shape[1] != PDQ_HEX_LEN:
        raise ValueError(f"hex characters must have shape (N, {PDQ_HEX_LEN}), got {arr.shape}")
    nibbles = _NIBBLE[arr]
    valid = ~(nibbles == 255).any(axis=1)
    nibbles[~valid] = 0
    hashes = np.ascontiguousarray((nibbles[:, 0::2] << 4) | nibbles[:, 1::2])
    return hashes, valid


def array_to_hexes(hashes: NDArray[np.uint8]) -> list[str]:
    """``uint8`` array of shape (N, 32) -> lowercase hex strings."""
    arr = as_hash_array(hashes, "hashes")
    raw = arr.tobytes().hex()
    return [raw[i : i + PDQ_HEX_LEN] for i in range(0, len(raw), PDQ_HEX_LEN)]


def as_hash_array(hashes: object, name: str = "hashes") -> NDArray[np.uint8]:
    """Validate and return a C-contiguous ``uint8`` (N, 32) array; (32,) becomes (1, 32)."""
    arr = np.asarray(hashes)
    if arr.dtype != np.uint8:
        raise TypeError(f"{name} must be a numpy uint8 array, got dtype {arr.dtype}")
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.shape[1] != PDQ_BYTES:
        raise ValueError(f"{name} must have shape (N, {PDQ_BYTES}), got {arr.shape}")
    return np.ascontiguousarray(arr)


def words(hashes: NDArray[np.uint8]) -> NDArray[np.uint64]:
    """Zero-copy (N, 4) ``uint64`` view of C-contiguous (N, 32) hashes."""
    return hashes.view(np.uint64)


def hamming_distance(a: NDArray[np.uint8], b: NDArray[np.uint8]) -> NDArray[np.int64]:
    """Row-wise Hamming distances between two (N, 32) arrays (or one row against many)."""
    x = as_hash_array(a, "a")
    y = as_hash_array(b, "b")
    if x.shape[0] == 1 and y.shape[0] != 1:
        x = np.repeat(x, y.shape[0], axis=0)
    elif y.shape[0] == 1 and x.shape[0] != 1:
        y = np.repeat(y, x.shape[0], axis=0)
    if x.shape != y.shape:
        raise ValueError(f"cannot compare {x.shape[0]} hashes with {y.shape[0]}")
    result: NDArray[np.int64] = _kernels.pairwise_distances(words(x), words(y))
    return result


def hex_distance(a: str, b: str) -> int:
    """Hamming distance between two PDQ hex strings."""
    return int(hamming_distance(hex_to_bits(a), hex_to_bits(b))[0])
