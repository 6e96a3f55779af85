"""A real Reclaim server on a free loopback port (uvicorn in a thread) that records every
request it receives, and the Debian Chromium the browser tests drive."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("RECLAIM_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_or_skip() -> str:
    """The Chromium executable; skip (locally) or fail (CI=true) when it is missing."""
    path = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    problem = None
    if not path:
        problem = f"Chromium not found at {CHROMIUM} (install it: `make chromium`)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the Python package playwright is missing (`make install-dev`)"
    if problem:
        if IN_CI:
            pytest.fail(problem + "; CI=true requires the browser tests to run.")
        pytest.skip(problem)
    assert path
    return path


@dataclass
class Recorded:
    method: str
    path: str
    query: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes = b""


@dataclass
class RecordingApp:
    """ASGI wrapper keeping every HTTP request and WebSocket message the server receives."""

    app: Any
    requests: list[Recorded] = field(default_factory=list)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        entry = Recorded(
            scope.get("method", "WEBSOCKET"),
            scope["path"],
            scope.get("query_string", b""),
            list(scope.get("headers", [])),
        )
        self.requests.append(entry)

        async def recording_receive() -> Any:
            message = await receive()
            entry.body += message.get("body", b"") or (message.get("bytes") or b"")
            text = message.get("text")
            if text:
                entry.body += text.encode()
            return message

        await self.app(scope, recording_receive, send)


def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


@contextmanager
def serve(app: Any, sock: socket.socket | None = None) -> Iterator[str]:
    """Run an ASGI app on a free loopback port (or on ``sock``, when the app must know its
    address beforehand) until the block ends; yields its base URL."""
    sock = sock or free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
