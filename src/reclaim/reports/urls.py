"""Where an image was seen, written down the same way every time. Never fetched.

The canonical form is the takedown context's (:mod:`reclaim.takedown.canonical`): one
canonicaliser for reports, cases and imports, so the same place is one record everywhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from reclaim.takedown.canonical import MAX_URL_LENGTH, TRACKING, UrlRejected, canonical

__all__ = ["MAX_URL_LENGTH", "TRACKING", "UrlRejected", "canonical_url", "host_of"]


def canonical_url(text: str) -> str:
    """The canonical form of a URL (see :func:`reclaim.takedown.canonical.canonical`); raises
    :class:`UrlRejected` with a message a person can act on."""
    return canonical(text).url


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""
