"""Typed hashing errors: each has a stable ``code`` and a message a person can act on.

Messages never contain pixel data and name no file: the caller adds the path if it wants.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "CorruptFileError",
    "EmptyFileError",
    "FileTooLargeError",
    "HashingError",
    "TooManyPixelsError",
    "TooSlowError",
    "TruncatedFileError",
    "UnknownFormatError",
    "UnreadableFileError",
]


class HashingError(Exception):
    """A file that cannot be hashed. ``code`` is stable and machine-readable."""

    code: ClassVar[str] = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        """``{"code", "message"}``, the ``error`` member of the CLI's JSON lines."""
        return {"code": self.code, "message": self.message}


class EmptyFileError(HashingError):
    code = "empty"

    def __init__(self) -> None:
        super().__init__("The file is empty (0 bytes), so there is nothing to hash.")


class TruncatedFileError(HashingError):
    code = "truncated"

    @classmethod
    def cut_off(cls, name: str, kind: str = "file") -> TruncatedFileError:
        return cls(
            f"The {name} {kind} ends too early: it looks cut off (an incomplete download or copy?)."
        )


class CorruptFileError(HashingError):
    code = "corrupt"


class UnknownFormatError(HashingError):
    code = "unknown_format"


class TooManyPixelsError(HashingError):
    code = "too_many_pixels"


class FileTooLargeError(HashingError):
    code = "too_large"


class TooSlowError(HashingError):
    code = "too_slow"


class UnreadableFileError(HashingError):
    code = "unreadable"
