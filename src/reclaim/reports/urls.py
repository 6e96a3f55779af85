"""Where an image was seen, written down the same way every time. Never fetched."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MAX_URL_LENGTH = 2000
#: DNS limits (RFC 1035 section 2.3.4): a name of 253 characters, labels of 63.
MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63

#: Query parameters that only track who clicked; removing them never changes the page.
TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "yclid",
        "twclid",
        "ttclid",
        "si",
        "ref_src",
        "ref_url",
        "s_cid",
    }
)


class UrlRejected(ValueError):
    """Not a web address we can record; the message says what to change, kindly."""


def canonical_url(text: str) -> str:
    """Lowercase scheme and host, no fragment, no tracking parameters, no default port."""
    raw = text.strip()
    if not raw:
        raise UrlRejected("This link is empty.")
    if len(raw) > MAX_URL_LENGTH:
        raise UrlRejected("This link is very long. Copy just the address of the page.")
    if "://" not in raw:
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
    except ValueError:  # e.g. "[" : "Invalid IPv6 URL" (found by fuzz/run.py urls)
        raise UrlRejected(
            "This does not look like a web address. Check it and try again."
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise UrlRejected("A link starts with http:// or https://.")
    host = (parts.hostname or "").lower().rstrip(".")
    too_long = len(host) > MAX_HOST_LENGTH or any(
        len(label) > MAX_LABEL_LENGTH for label in host.split(".")
    )
    if not host or too_long or " " in host or ("." not in host and host != "localhost"):
        raise UrlRejected("This does not look like a web address. Check it and try again.")
    try:
        port = parts.port
    except ValueError:
        raise UrlRejected("This web address has a port we cannot read.") from None
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in TRACKING and not k.lower().startswith("utm_")
        ]
    )
    url = urlunsplit((scheme, netloc, parts.path or "/", query, ""))
    if len(url) > MAX_URL_LENGTH:  # re-encoding a query can lengthen it (found by fuzzing)
        raise UrlRejected("This link is very long. Copy just the address of the page.")
    return url


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""
