"""Errors raised by :mod:`reclaim.matching`."""

from __future__ import annotations


class MatchingError(Exception):
    """Base class of the matching package's own errors."""


class SnapshotError(MatchingError):
    """An index snapshot cannot be used."""


class SnapshotFormatError(SnapshotError):
    """The file is not a Reclaim PDQ index snapshot (wrong magic, unreadable header)."""


class SnapshotVersionError(SnapshotError):
    """The snapshot was written in a format version this code does not read."""

    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"snapshot format version {found} is not supported (this code reads {supported})"
        )
        self.found = found
        self.supported = supported


class SnapshotCorruptError(SnapshotError):
    """The snapshot is truncated, inconsistent or fails its checksums."""
