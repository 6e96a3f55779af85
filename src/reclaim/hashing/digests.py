"""SHA-256 and MD5 of the exact bytes of a file (exact-copy matching; StopNCII uses MD5)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["Digests", "digest_bytes", "digest_stream"]

_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Digests:
    sha256: str
    md5: str


def digest_bytes(data: bytes | bytearray | memoryview) -> Digests:
    """Digests of bytes already in memory."""
    return Digests(
        sha256=hashlib.sha256(data).hexdigest(),
        md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
    )


def digest_stream(stream: BinaryIO) -> Digests:
    """Digests of a binary stream read to its end in 1 MiB chunks (constant memory)."""
    sha = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)
    while chunk := stream.read(_CHUNK):
        sha.update(chunk)
        md5.update(chunk)
    return Digests(sha256=sha.hexdigest(), md5=md5.hexdigest())
