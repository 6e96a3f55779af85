"""One written form per place: validating and canonicalising a reported URL. Never fetched.

The same place reported twice, typed differently, must become one record with many reports,
and a link that is not a public web address must be refused with words a person can act on.
Pure: no network (the Public Suffix List is tldextract's bundled snapshot, read from the
package, never downloaded), no database, no web code.

What changes (RFC 3986 section 6 normalisation, and what browsers do with what people type):

- a missing scheme becomes ``https://``; only ``http`` and ``https`` are accepted;
- no name or password before the host; tabs and line breaks removed, ``\\`` read as ``/``;
- the host in lower case, without a trailing dot, IDN hosts in punycode (UTS 46), numeric
  IPv4 forms (``0x7f.1``, ``2130706433``) in dotted decimal, IPv6 compressed; an address that
  is not public (loopback, private, link-local, multicast, reserved) is refused;
- the default port dropped; ``.`` and ``..`` path segments resolved; percent-encoding
  normalised (unreserved characters decoded, hex in upper case, unsafe characters encoded);
- tracking parameters dropped (``utm_*``, ``fbclid`` ...), the query sorted by name (values of
  a repeated name keep their order), empty parameters dropped;
- the fragment dropped, except a hash route (``#!`` or ``#/``), which names a different page on
  single-page sites;
- known mobile and alias hosts mapped to the main one (``m.facebook.com``); path short links
  that name their target mapped (``youtu.be/ID``); other short links flagged ``short-link``
  (where they lead cannot be known without opening them, which Reclaim never does).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import lru_cache

import idna
import tldextract

__all__ = [
    "MAX_URL_LENGTH",
    "CanonicalUrl",
    "UrlRejected",
    "canonical",
    "registered_domain",
]

MAX_URL_LENGTH = 2000
#: DNS limits (RFC 1035 section 2.3.4): a name of 253 characters, labels of 63.
MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63

#: Query parameters that only say who clicked or shared; removing them never changes the page.
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
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "vero_id",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "wickedid",
        "mibextid",
    }
)
#: Sharing parameters of particular platforms (dropped only on those hosts).
HOST_TRACKING: dict[str, frozenset[str]] = {
    "www.tiktok.com": frozenset(
        {"_r", "_t", "is_from_webapp", "sender_device", "is_copy_url", "web_id", "share_app_id"}
    ),
    "www.facebook.com": frozenset({"__tn__", "__cft__[0]", "sfnsn", "rdid", "paipv"}),
    "www.youtube.com": frozenset({"feature", "pp"}),
    "www.reddit.com": frozenset({"share_id", "rdt", "utm_name"}),
    "www.instagram.com": frozenset({"img_index"}),
    "twitter.com": frozenset({"s", "t", "ref_src"}),
    "x.com": frozenset({"s", "t", "ref_src"}),
}

#: Mobile and alias hosts of large platforms, and the host their pages live on.
HOST_ALIASES: dict[str, str] = {
    "facebook.com": "www.facebook.com",
    "m.facebook.com": "www.facebook.com",
    "mobile.facebook.com": "www.facebook.com",
    "mbasic.facebook.com": "www.facebook.com",
    "touch.facebook.com": "www.facebook.com",
    "web.facebook.com": "www.facebook.com",
    "youtube.com": "www.youtube.com",
    "m.youtube.com": "www.youtube.com",
    "mobile.twitter.com": "twitter.com",
    "www.twitter.com": "twitter.com",
    "m.twitter.com": "twitter.com",
    "mobile.x.com": "x.com",
    "www.x.com": "x.com",
    "tiktok.com": "www.tiktok.com",
    "m.tiktok.com": "www.tiktok.com",
    "instagram.com": "www.instagram.com",
    "m.instagram.com": "www.instagram.com",
    "instagr.am": "www.instagram.com",
    "www.instagr.am": "www.instagram.com",
    "reddit.com": "www.reddit.com",
    "m.reddit.com": "www.reddit.com",
    "old.reddit.com": "www.reddit.com",
    "new.reddit.com": "www.reddit.com",
    "np.reddit.com": "www.reddit.com",
    "i.reddit.com": "www.reddit.com",
    "twitch.tv": "www.twitch.tv",
    "m.twitch.tv": "www.twitch.tv",
    "m.vk.com": "vk.com",
    "www.vk.com": "vk.com",
    "pinterest.com": "www.pinterest.com",
    "tumblr.com": "www.tumblr.com",
}
#: Hosts whose pages are all served over HTTPS: ``http://`` becomes ``https://``.
HTTPS_HOSTS = frozenset(HOST_ALIASES.values())

#: Short-link hosts: the page they lead to is unknown without opening them. Recorded as they
#: are and flagged, so the analyst asks for the full address (or the shortener's own abuse
#: desk acts on it).
SHORT_LINK_HOSTS = frozenset(
    {
        "bit.ly",
        "bitly.com",
        "t.co",
        "tinyurl.com",
        "goo.gl",
        "ow.ly",
        "is.gd",
        "buff.ly",
        "rebrand.ly",
        "cutt.ly",
        "t.ly",
        "shorturl.at",
        "rb.gy",
        "tiny.cc",
        "vm.tiktok.com",
        "vt.tiktok.com",
        "fb.me",
        "fb.watch",
        "amzn.to",
        "lnkd.in",
        "snip.ly",
        "s.id",
        "bl.ink",
        "shorte.st",
        "adf.ly",
        "dlvr.it",
        "trib.al",
        "v.gd",
        "qrco.de",
        "linktr.ee",
        "pin.it",
        "on.soundcloud.com",
    }
)

FLAG_SHORT_LINK = "short-link"
FLAG_MAPPED_HOST = "mapped-host"
FLAG_UNKNOWN_SUFFIX = "unknown-suffix"
FLAG_IP_ADDRESS = "ip-address"

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS = frozenset("!$&'()*+,;=")
_PATH_SAFE = _UNRESERVED | _SUB_DELIMS | frozenset(":@/")
_QUERY_SAFE = _PATH_SAFE | frozenset("?")
_HEX = frozenset("0123456789abcdefABCDEF")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?")  # whole label: fullmatch


def N_(message: str) -> str:  # noqa: N802  (marks words for the public site's catalogues)
    """Mark a refusal for translation; the web layer shows it in the person's language."""
    return message


class UrlRejected(ValueError):
    """Not a web address we can record; the message says what to change, kindly. Every
    message is marked with :func:`N_` (the public site shows it translated)."""


@dataclass(frozen=True, slots=True)
class CanonicalUrl:
    """A place, written down one way. ``flags`` say what the analyst should know about it."""

    url: str
    host: str
    registered_domain: str
    #: What the analyst should know about the address as given (a short link, a mobile host
    #: mapped): not part of the place, so not compared.
    flags: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict[str, object]:
        return {
            "canonical": self.url,
            "host": self.host,
            "registered_domain": self.registered_domain,
            "flags": list(self.flags),
        }


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # No URLs to fetch and no cache directory: the snapshot bundled with the package is used,
    # so nothing is ever downloaded at run time (tested with the network switched off).
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(host: str) -> tuple[str, bool]:
    """The registrable domain of ``host`` by the Public Suffix List (ICANN section), and
    whether its suffix is known. An IP address is its own domain."""
    if host.startswith("[") or _is_ipv4(host):
        return host, True
    found = _extractor().extract_str(host)
    domain = found.top_domain_under_public_suffix
    if not found.suffix or not domain:
        return host, False
    return domain, True


def _is_ipv4(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def _normalise(component: str, safe: frozenset[str]) -> str:
    """RFC 3986 6.2.2: decode unreserved escapes, upper-case the others, encode the unsafe."""
    out: list[str] = []
    i = 0
    while i < len(component):
        char = component[i]
        if char == "%":
            pair = component[i + 1 : i + 3]
            if len(pair) == 2 and pair[0] in _HEX and pair[1] in _HEX:
                decoded = chr(int(pair, 16))
                out.append(decoded if decoded in _UNRESERVED else "%" + pair.upper())
                i += 3
                continue
            out.append("%25")
        elif char in safe:
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
        i += 1
    return "".join(out)


def _decode_unreserved_key(key: str) -> str:
    """A parameter name as compared with the tracking lists (escapes decoded, lower case)."""
    return re.sub(
        r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), key.replace("+", " ")
    ).lower()


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, on a path that starts with ``/``."""
    output: list[str] = []
    segments = path.split("/")[1:]
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if output:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/" + "/".join(output)


def _parse_ipv4_number(part: str) -> int | None:
    if part.lower().startswith("0x"):
        digits, base = part[2:], 16
    elif len(part) > 1 and part.startswith("0"):
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    if digits == "":
        return 0
    if not re.fullmatch(r"[0-9A-Fa-f]+", digits):  # no sign, underscore or space (int() takes them)
        return None
    try:
        return int(digits, base)
    except ValueError:
        return None


def _whatwg_ipv4(host: str) -> str | None:
    """A host that ends in a number is an IPv4 address to a browser (``127.1``, ``0x7f.0.0.1``,
    ``2130706433``): its dotted form, or None if it is not one. Raises if it is malformed."""
    parts = host.split(".")
    last = parts[-1]
    if not last or not (last.isdigit() or re.fullmatch(r"0[xX][0-9A-Fa-f]*", last)):
        return None
    if len(parts) > 4:
        raise UrlRejected(N_("This web address has a number where the name should be. Check it."))
    numbers = [_parse_ipv4_number(p) for p in parts]
    if any(n is None for n in numbers) or any(p == "" for p in parts):
        raise UrlRejected(N_("This web address has a number where the name should be. Check it."))
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        raise UrlRejected(N_("This web address has a number where the name should be. Check it."))
    address = values[-1]
    for position, n in enumerate(values[:-1]):
        address += n * 256 ** (3 - position)
    return str(ipaddress.IPv4Address(address))


def _refuse_if_not_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        raise UrlRejected(
            N_(
                "This link points to this computer (a loopback address), not to a website. "
                "Copy the address from the website itself."
            )
        )
    if address.is_unspecified or address.is_reserved:
        raise UrlRejected(
            N_(
                "This link points to an address that is not on the public internet. "
                "Copy the address from the website itself."
            )
        )
    if address.is_link_local:
        raise UrlRejected(
            N_(
                "This link points to a link-local network address, not to a website on the "
                "internet. Copy the address from the website itself."
            )
        )
    if address.is_multicast:
        raise UrlRejected(N_("This link points to a multicast address, not to a website."))
    if address.is_private:
        raise UrlRejected(
            N_(
                "This link points to a private network address (like a home or school network), "
                "not to a website on the internet. Copy the address from the website itself."
            )
        )
    if not address.is_global:
        raise UrlRejected(
            N_(
                "This link points to an address that is not on the public internet. "
                "Copy the address from the website itself."
            )
        )


def _host(netloc_host: str) -> tuple[str, bool]:
    """The canonical host, and whether it is an IP address."""
    if netloc_host.startswith("["):
        inner = netloc_host[1:-1] if netloc_host.endswith("]") else ""
        if "%" in inner:
            raise UrlRejected(N_("This link has a network zone in its address. Check it."))
        try:
            address6 = ipaddress.IPv6Address(inner)
        except ValueError:
            raise UrlRejected(N_("This web address is not written correctly. Check it.")) from None
        _refuse_if_not_public(address6)
        return f"[{address6.compressed}]", True
    text = re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), netloc_host)
    text = text.rstrip(".").lower() if text.endswith(".") and text != "." else text.lower()
    if not text:
        raise UrlRejected(N_("This does not look like a web address. Check it and try again."))
    dotted = _whatwg_ipv4(text)
    if dotted is not None:
        _refuse_if_not_public(ipaddress.IPv4Address(dotted))
        return dotted, True
    if text == "localhost" or text.endswith(".localhost"):
        raise UrlRejected(
            N_(
                "This link points to this computer (localhost), not to a website. "
                "Copy the address from the website itself."
            )
        )
    try:
        # ASCII names are kept as typed (lower case): some real hosts have "_" in a label,
        # which IDNA refuses. Names with other characters go to punycode by UTS 46.
        ascii_host = (
            text
            if text.isascii()
            else idna.encode(text, uts46=True, transitional=False).decode("ascii").lower()
        )
    except (idna.IDNAError, UnicodeError, ValueError):
        raise UrlRejected(
            N_("This does not look like a web address. Check it and try again.")
        ) from None
    labels = ascii_host.split(".")
    if (
        len(labels) < 2
        or len(ascii_host) > MAX_HOST_LENGTH
        or any(len(label) > MAX_LABEL_LENGTH or not _LABEL.fullmatch(label) for label in labels)
    ):
        raise UrlRejected(N_("This does not look like a web address. Check it and try again."))
    return ascii_host, False


def _split(raw: str) -> tuple[str, str, str, str, str]:
    """scheme, authority, path, query, fragment (RFC 3986 appendix B), browser-style."""
    match = _SCHEME.match(raw)
    scheme = ""
    rest = raw
    if match and raw[match.end() : match.end() + 2] in ("//", "\\\\", "/\\", "\\/"):
        scheme, rest = match.group(1).lower(), raw[match.end() :]
    elif match and not re.match(r"^[^:]+:\d", raw) and "." not in match.group(1):
        # mailto:, javascript:, data: ... (but not "example.com:8080/x")
        raise UrlRejected(N_("A link starts with http:// or https://."))
    if scheme and scheme not in {"http", "https"}:
        raise UrlRejected(N_("A link starts with http:// or https://."))
    scheme = scheme or "https"
    rest = rest.lstrip("/\\") if rest[:2] in ("//", "\\\\", "/\\", "\\/") else rest
    fragment = ""
    if "#" in rest:
        rest, fragment = rest.split("#", 1)
    query = ""
    if "?" in rest:
        rest, query = rest.split("?", 1)
    rest = rest.replace("\\", "/")
    authority, slash, path = rest.partition("/")
    return scheme, authority, slash + path, query, fragment


def _query(query: str, host: str) -> str:
    parts = [p for p in query.split("&") if p]
    dropped = TRACKING | HOST_TRACKING.get(host, frozenset())
    kept = []
    for part in parts:
        name = _decode_unreserved_key(part.split("=", 1)[0])
        if name in dropped or name.startswith("utm_"):
            continue
        kept.append(_normalise(part, _QUERY_SAFE))
    kept.sort(key=lambda p: p.split("=", 1)[0])  # stable: a repeated name keeps its order
    return "&".join(kept)


def _mapped(host: str, path: str, query: str) -> tuple[str, str, str, bool]:
    """Mobile, alias and path short-link hosts of large platforms, mapped to the main page."""
    if host == "youtu.be" and re.fullmatch(r"/[A-Za-z0-9_-]{6,20}", path):
        video = path[1:]
        return "www.youtube.com", "/watch", "&".join(filter(None, [query, f"v={video}"])), True
    if host == "redd.it" and re.fullmatch(r"/[A-Za-z0-9]{4,12}", path):
        return "www.reddit.com", f"/comments{path}", query, True
    if host in HOST_ALIASES:
        return HOST_ALIASES[host], path, query, True
    return host, path, query, False


def canonical(text: str) -> CanonicalUrl:
    """Validate and canonicalise one URL (see the module's docstring); raises
    :class:`UrlRejected` with a message a person can act on."""
    raw = re.sub(r"[\t\n\r]", "", text.strip())
    if not raw:
        raise UrlRejected(N_("This link is empty."))
    if len(raw) > MAX_URL_LENGTH:
        raise UrlRejected(N_("This link is very long. Copy just the address of the page."))
    if any(ord(c) < 32 or ord(c) == 127 for c in raw):
        raise UrlRejected(N_("This link has hidden characters in it. Copy it again from the page."))
    scheme, authority, path, query, fragment = _split(raw)
    if "@" in authority:
        raise UrlRejected(
            N_("This link has a name or password in it. Remove the part up to the @ and try again.")
        )
    host_text, port_text = authority, ""
    if authority.startswith("["):
        end = authority.find("]")
        host_text, after = authority[: end + 1], authority[end + 1 :]
        if after and not after.startswith(":"):
            raise UrlRejected(N_("This web address is not written correctly. Check it."))
        port_text = after[1:]
    elif ":" in authority:
        host_text, port_text = authority.rsplit(":", 1)
    port: int | None = None
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) <= 65535:
            raise UrlRejected(N_("This web address has a port we cannot read."))
        port = int(port_text)
    host, is_ip = _host(host_text)
    path = _remove_dot_segments(_normalise(path or "/", _PATH_SAFE))
    query = _query(query, host)
    host, path, query, mapped = _mapped(host, path, query)
    if mapped:
        query = _query(query, host)
        if host in HTTPS_HOSTS and port is None:
            scheme = "https"
    if port is not None and (scheme, port) in {("http", 80), ("https", 443)}:
        port = None
    netloc = host if port is None else f"{host}:{port}"
    url = f"{scheme}://{netloc}{path}"
    if query:
        url += "?" + query
    if fragment.startswith(("!", "/")):
        url += "#" + _normalise(fragment, _QUERY_SAFE)
    domain, known = registered_domain(host)
    flags = []
    if mapped:
        flags.append(FLAG_MAPPED_HOST)
    if host in SHORT_LINK_HOSTS:
        flags.append(FLAG_SHORT_LINK)
    if is_ip:
        flags.append(FLAG_IP_ADDRESS)
    elif not known:
        flags.append(FLAG_UNKNOWN_SUFFIX)
    if len(url) > MAX_URL_LENGTH:
        raise UrlRejected(N_("This link is very long. Copy just the address of the page."))
    return CanonicalUrl(url, host, domain, tuple(flags))
