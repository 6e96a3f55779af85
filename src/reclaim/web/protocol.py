"""The HTTP/1.1 protocol `reclaim serve` runs: uvicorn's h11 with a read deadline.

uvicorn closes idle keep-alive connections, but a client that opens a connection and then
sends its headers (or its body) a byte at a time holds a slot for as long as it likes. Here
each request has :attr:`Settings.request_read_timeout` seconds, from the moment the
connection opens (or the previous response ends), to arrive whole: headers and body. When
the deadline passes first, the client gets ``408 Request Timeout`` (if nothing was answered
yet) and the connection is closed.

Every accepted connection gets ``TCP_NODELAY``. asyncio sets it only on sockets whose protocol
number says TCP; with ``--workers`` above 1 uvicorn binds the listening socket itself as
``socket.socket(AF_INET)`` (protocol 0), so the workers' connections kept Nagle's algorithm
and each response waited for the client's delayed ACK: about 40 ms more on every request.
"""

from __future__ import annotations

import asyncio
import socket
from contextlib import suppress
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from reclaim.config import get_settings

__all__ = ["ReadDeadlineProtocol"]

_TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 29\r\nconnection: close\r\n\r\nThe request took too long.\r\n\r\n"
)


def no_delay(transport: asyncio.BaseTransport) -> None:
    """Send small writes at once (``TCP_NODELAY``) on a TCP connection, whatever protocol number
    its listening socket was made with."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with suppress(OSError):  # e.g. the client already went away
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class ReadDeadlineProtocol(H11Protocol):
    """h11 with a deadline for every request to arrive, headers and body."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read_timeout = float(get_settings().request_read_timeout)
        self._deadline: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.read_timeout, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        no_delay(transport)
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE and self.conn.their_state is not h11.SEND_BODY:
            self._disarm()  # the request has arrived whole (or the connection is ending)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request on this connection has its own deadline

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is None or not self.cycle.response_started:
            self.transport.write(_TIMED_OUT)
        self.transport.close()
