"""Exact-digest lookup for SHA-256 and MD5 signals (exact copies only)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Literal

Algorithm = Literal["sha256", "md5"]
DIGEST_HEX_LEN: dict[str, int] = {"sha256": 64, "md5": 32}
_HEX = re.compile(r"[0-9a-fA-F]+")


def normalize_digest(algorithm: Algorithm, digest: str | bytes) -> bytes:
    """Hex (either case) or raw bytes -> raw digest bytes; ValueError if malformed."""
    size = DIGEST_HEX_LEN[algorithm] // 2
    if isinstance(digest, bytes):
        if len(digest) != size:
            raise ValueError(f"a {algorithm} digest is {size} bytes, got {len(digest)}")
        return digest
    if len(digest) != 2 * size or not _HEX.fullmatch(digest):
        raise ValueError(f"not a {algorithm} hex digest: {digest!r:.80}")
    return bytes.fromhex(digest)


class ExactHashIndex:
    """Digest -> ids of the items carrying it (several items may share a digest)."""

    def __init__(self, algorithm: Algorithm) -> None:
        if algorithm not in DIGEST_HEX_LEN:
            raise ValueError(f"unknown algorithm {algorithm!r}")
        self.algorithm: Algorithm = algorithm
        self._lock = threading.Lock()
        self._ids_of: dict[bytes, set[int]] = {}
        self._digests_of: dict[int, set[bytes]] = {}

    def __len__(self) -> int:
        """Number of distinct digests stored."""
        return len(self._ids_of)

    def add(self, digest: str | bytes, item_id: int) -> None:
        key = normalize_digest(self.algorithm, digest)
        with self._lock:
            self._ids_of.setdefault(key, set()).add(item_id)
            self._digests_of.setdefault(item_id, set()).add(key)

    def add_many(self, pairs: Iterable[tuple[str | bytes, int]]) -> None:
        for digest, item_id in pairs:
            self.add(digest, item_id)

    def remove(self, item_id: int) -> int:
        """Forget every digest of an item; returns how many were removed."""
        with self._lock:
            keys = self._digests_of.pop(item_id, set())
            for key in keys:
                ids = self._ids_of[key]
                ids.discard(item_id)
                if not ids:
                    del self._ids_of[key]
        return len(keys)

    def digests_of(self, item_id: int) -> list[str]:
        """The item's digests as lowercase hex, sorted."""
        with self._lock:
            return sorted(key.hex() for key in self._digests_of.get(item_id, ()))

    def lookup(self, digest: str | bytes) -> list[int]:
        """Sorted ids of the items with exactly this digest."""
        key = normalize_digest(self.algorithm, digest)
        with self._lock:
            return sorted(self._ids_of.get(key, ()))

    def lookup_many(self, digests: Iterable[str | bytes]) -> list[list[int]]:
        return [self.lookup(d) for d in digests]
