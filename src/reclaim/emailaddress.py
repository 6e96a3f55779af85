"""What counts as an email address Reclaim will write to: one check, for the notify context
(a young person's contact, staff) and the takedown context (a host's abuse address). Pure."""

from __future__ import annotations

import re

__all__ = ["looks_like_email"]

_EMAIL = re.compile(
    r"^[^@\s<>()\[\],;:\"\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


def looks_like_email(text: str) -> bool:
    """One plain address (no name, no second address, no line breaks), at most 200 chars."""
    return len(text) <= 200 and _EMAIL.match(text) is not None
