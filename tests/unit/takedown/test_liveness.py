"""The optional liveness check: HEAD only, no body read, and zero connections to addresses
that are not public, on the first hop or any redirect. Loopback listeners only."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from reclaim.takedown.liveness import LivenessCheck, public_address


@dataclass
class Listener:
    """A loopback HTTP listener that counts connections and keeps each request's head."""

    address: str
    response: bytes
    sock: socket.socket = field(init=False)
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((self.address, 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            with conn:
                conn.settimeout(2)
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    head += chunk
                self.requests.append(head)
                conn.sendall(self.response)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


def _serve(address: str, response: bytes) -> Iterator[Listener]:
    listener = Listener(address, response)
    try:
        yield listener
    finally:
        listener.close()


# A body follows the headers: a HEAD client must never read it.
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: close\r\n\r\nSECRET-BYTES"


@pytest.fixture
def target() -> Iterator[Listener]:
    yield from _serve("127.0.0.1", OK)


@pytest.fixture
def inner() -> Iterator[Listener]:
    yield from _serve("127.0.0.2", OK)


def test_refused_addresses_get_zero_connections(target: Listener) -> None:
    checker = LivenessCheck(timeout=2)
    for url in (
        f"http://127.0.0.1:{target.port}/x",
        f"http://localhost:{target.port}/x",
        f"http://2130706433:{target.port}/x",
        f"http://[::ffff:127.0.0.1]:{target.port}/x",
    ):
        assert checker.check(url).outcome == "refused"
    # A name that resolves to loopback (DNS pointed inwards), or to one public and one private
    # address, is refused before any connection.
    for answer in (["127.0.0.1"], ["8.8.8.8", "10.0.0.1"], ["169.254.169.254"], ["224.0.0.1"]):
        stub = LivenessCheck(timeout=2, resolver=lambda host, port, a=answer: a)
        result = stub.check(f"http://public.example.com:{target.port}/x")
        assert result.outcome == "refused" and "not public" in result.detail
    assert target.connections == 0


def test_head_only_no_body_and_every_redirect_hop_checked(
    target: Listener, inner: Listener
) -> None:
    """The first hop is allowed (this test allows exactly the first listener); it redirects to
    a name that resolves to another loopback address: that hop is refused, unconnected."""
    redirect = (
        b"HTTP/1.1 302 Found\r\nLocation: http://inside.example.com:"
        + str(inner.port).encode()
        + b"/admin\r\nContent-Length: 5\r\nConnection: close\r\n\r\nBODY!"
    )
    target.response = redirect
    names = {"public.example.com": ["127.0.0.1"], "inside.example.com": ["127.0.0.2"]}
    checker = LivenessCheck(
        timeout=2, resolver=lambda host, port: names[host], allow=lambda a: a == "127.0.0.1"
    )
    result = checker.check(f"http://public.example.com:{target.port}/p")
    assert result.outcome == "refused" and len(result.hops) == 2
    assert target.connections == 1 and inner.connections == 0
    head = target.requests[0]
    assert head.startswith(b"HEAD /p HTTP/1.1\r\n") and b"\r\nHost: public.example.com" in head


def test_available_and_gone(target: Listener) -> None:
    checker = LivenessCheck(
        timeout=2, resolver=lambda h, p: ["127.0.0.1"], allow=lambda a: a == "127.0.0.1"
    )
    assert checker.check(f"http://a.example.com:{target.port}/").outcome == "available"
    target.response = b"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nNO!"
    result = checker.check(f"http://a.example.com:{target.port}/")
    assert (result.outcome, result.status) == ("gone", 404)
    assert all(r.startswith(b"HEAD ") for r in target.requests)


def test_per_host_rate_limit_with_an_injected_clock(target: Listener) -> None:
    now = [1000.0]
    checker = LivenessCheck(
        timeout=2,
        per_host_per_minute=2,
        resolver=lambda h, p: ["127.0.0.1"],
        allow=lambda a: a == "127.0.0.1",
        clock=lambda: now[0],
    )
    url = f"http://a.example.com:{target.port}/"
    assert [checker.check(url).outcome for _ in range(3)] == [
        "available",
        "available",
        "rate-limited",
    ]
    now[0] += 61
    assert checker.check(url).outcome == "available"
    assert target.connections == 3


def test_public_address() -> None:
    assert public_address("8.8.8.8") and public_address("2001:4860:4860::8888")
    for address in (
        "127.0.0.1",
        "10.1.1.1",
        "192.168.0.1",
        "169.254.1.1",
        "224.0.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "100.64.0.1",
        "not-an-ip",
    ):
        assert not public_address(address), address
