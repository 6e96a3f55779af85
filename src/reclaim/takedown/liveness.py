"""The optional liveness check: is the page still there? Off by default
(``RECLAIM_TAKEDOWN_LIVENESS``). It sends HEAD requests only and never reads a body.

Safety, step by step (each is tested):

- only ``http``/``https`` URLs that pass :func:`reclaim.takedown.canonical.canonical`;
- the host is resolved once per hop, and every address it resolves to must be public: one
  loopback, private, link-local, multicast, reserved or unspecified address refuses the hop
  (so DNS cannot point the check at an internal service); the connection goes to the address
  that was checked, never to a second lookup;
- redirects are followed by hand, at most :data:`MAX_HOPS`, each hop checked the same way;
- per request a timeout (``RECLAIM_TAKEDOWN_LIVENESS_TIMEOUT``) and per host a rate limit
  (``RECLAIM_TAKEDOWN_LIVENESS_PER_HOST_PER_MINUTE``);
- the response's headers are read and the connection closed: no body byte is read.

The answer is a word (``available``, ``gone``, ``unreachable``, ``refused``, ``rate-limited``)
that an analyst weighs: a HEAD answer is a hint, never proof that an image is gone.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from reclaim.takedown.canonical import UrlRejected, canonical

__all__ = ["LivenessCheck", "LivenessResult", "public_address"]

MAX_HOPS = 5
USER_AGENT = "Reclaim-liveness/1 (HEAD only; a hotline checking that a reported page is gone)"

Resolver = Callable[[str, int], Sequence[str]]
Clock = Callable[[], float]


def _system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def public_address(text: str) -> bool:
    """Whether an address is one the check may connect to (global unicast only)."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_multicast
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_reserved
        or address.is_unspecified
    )


@dataclass(frozen=True, slots=True)
class LivenessResult:
    outcome: str  # available, gone, unreachable, refused, rate-limited
    status: int | None = None
    detail: str = ""
    hops: list[str] = field(default_factory=list)


class LivenessCheck:
    """One checker per process (its rate limits are per process)."""

    def __init__(
        self,
        *,
        timeout: float = 5.0,
        per_host_per_minute: int = 6,
        resolver: Resolver = _system_resolver,
        allow: Callable[[str], bool] = public_address,
        clock: Clock = time.monotonic,
    ) -> None:
        self.timeout, self.per_minute = timeout, per_host_per_minute
        self.resolver, self.allow, self.clock = resolver, allow, clock
        self._hits: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _within_limit(self, host: str) -> bool:
        now = self.clock()
        with self._lock:
            recent = [t for t in self._hits.get(host, []) if now - t < 60]
            if len(recent) >= self.per_minute:
                self._hits[host] = recent
                return False
            recent.append(now)
            self._hits[host] = recent
            return True

    def check(self, url: str) -> LivenessResult:
        hops: list[str] = []
        current = url
        for _ in range(MAX_HOPS + 1):
            try:
                place = canonical(current)
            except UrlRejected as exc:
                return LivenessResult("refused", detail=str(exc), hops=hops)
            hops.append(place.url)
            parts = urlsplit(place.url)
            host = parts.hostname or ""
            port = parts.port or (443 if parts.scheme == "https" else 80)
            if not self._within_limit(host):
                return LivenessResult("rate-limited", detail=host, hops=hops)
            try:
                addresses = list(self.resolver(host.strip("[]"), port))
            except OSError as exc:
                return LivenessResult("unreachable", detail=type(exc).__name__, hops=hops)
            if not addresses or not all(self.allow(a) for a in addresses):
                return LivenessResult(
                    "refused", detail=f"{host} resolves to an address that is not public", hops=hops
                )
            try:
                status, location = self._head(parts.scheme, host, addresses[0], port, parts)
            except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
                return LivenessResult("unreachable", detail=type(exc).__name__, hops=hops)
            if status in (301, 302, 303, 307, 308) and location:
                current = urljoin(place.url, location)
                continue
            if status in (404, 410):
                return LivenessResult("gone", status, hops=hops)
            if 200 <= status < 400:
                return LivenessResult("available", status, hops=hops)
            return LivenessResult("unreachable", status, detail=f"HTTP {status}", hops=hops)
        return LivenessResult("unreachable", detail="too many redirects", hops=hops)

    def _head(
        self, scheme: str, host: str, address: str, port: int, parts: object
    ) -> tuple[int, str | None]:
        """HEAD to the checked address (not a new lookup); headers only, then close."""
        target = urlsplit(str(parts.geturl()))  # type: ignore[attr-defined]
        path = (target.path or "/") + (f"?{target.query}" if target.query else "")
        sock = socket.create_connection((address, port), timeout=self.timeout)
        try:
            if scheme == "https":
                context = ssl.create_default_context()
                sock = context.wrap_socket(sock, server_hostname=host.strip("[]"))
            connection = http.client.HTTPConnection(host, port, timeout=self.timeout)
            connection.sock = sock
            connection.putrequest("HEAD", path, skip_accept_encoding=True)
            connection.putheader("User-Agent", USER_AGENT)
            connection.putheader("Connection", "close")
            connection.endheaders()
            response = connection.getresponse()  # a HEAD response has no body to read
            return response.status, response.getheader("Location")
        finally:
            sock.close()
