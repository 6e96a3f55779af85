"""A cheap HTTP/1.1 load generator for the benchmarks: persistent keep-alive connections on
raw asyncio streams, requests written as prepared bytes, nothing parsed but the status line,
the headers and a ``Content-Length`` body.

It runs on the same cores as the server, so it must cost little: an HTTP client library
building a request object per call can burn a core by itself and make the server look slow.
Each benchmark prints this process's own CPU time beside the server's.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@contextmanager
def no_collector_pauses() -> Iterator[None]:
    """While measuring, the load generator's own garbage collector stays out of the way.

    It holds every prepared request (a million-item bank's hashes too) and a coroutine per
    request: a full collection of that heap paused it 130 ms at a time, and on waking it sent
    the 50 requests due meanwhile at once, which the server's admission control rightly shed:
    errors and latency that were the load generator's. What exists is frozen and the collector
    is off until the measurement ends (reference counting still frees almost everything).
    """
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


@dataclass(slots=True)
class Reply:
    status_code: int
    headers: dict[str, str]
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)


def request_bytes(
    method: str, path: str, host: str, headers: dict[str, str] | None = None, body: Any = None
) -> bytes:
    """One request, ready to write (``body``: bytes, or anything JSON)."""
    payload = b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body is not None:
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        if not any(name.lower() == "content-type" for name in headers or {}):
            lines.append("Content-Type: application/json")
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, raw: bytes) -> Reply:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        try:
            self.writer.write(raw)
            head = await self.reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            headers = {}
            for line in lines[1:]:
                if line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            content = await self.reader.readexactly(length) if length else b""
        except BaseException:
            self.close()
            raise
        if headers.get("connection", "").lower() == "close":
            self.close()
        return Reply(status, headers, content)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Pool:
    """Up to ``size`` persistent connections; a request waits for a free one."""

    def __init__(self, url: str, size: int = 128) -> None:
        address = url.split("://", 1)[1].rstrip("/")
        self.host, _, port = address.partition(":")
        self.port = int(port or 80)
        self.authority = address
        self._free: asyncio.Queue[Connection] = asyncio.Queue()
        for _ in range(size):
            self._free.put_nowait(Connection(self.host, self.port))

    def prepare(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: Any = None
    ) -> bytes:
        return request_bytes(method, path, self.authority, headers, body)

    async def send(self, raw: bytes, timeout: float = 60.0) -> Reply:
        connection = await self._free.get()
        try:
            return await asyncio.wait_for(connection.send(raw), timeout)
        finally:
            self._free.put_nowait(connection)

    async def close(self) -> None:
        while not self._free.empty():
            self._free.get_nowait().close()


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds spent by the server and by this load generator between start and stop."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.server = self.client = 0.0
        self._marks = (0.0, 0.0)

    def start(self) -> None:
        self._marks = (process_cpu_seconds(self.server_pid), time.process_time())

    def stop(self) -> None:
        self.server = process_cpu_seconds(self.server_pid) - self._marks[0]
        self.client = time.process_time() - self._marks[1]


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


Call = Callable[[Any, int], Awaitable[Any]]


async def open_loop(
    pool: Any,
    rate: float,
    seconds: float,
    start: float,
    call: Call,
    ok: frozenset[int] = frozenset({200}),
    refused: dict[int | str, int] | None = None,
) -> tuple[list[tuple[float, float]], int]:
    """Send ``call(pool, i)`` on schedule from ``start`` (``rate`` a second for ``seconds``),
    open loop: a request leaves when it is due whatever happened to earlier ones, and its
    latency counts from when it was due. Returns (offset s, latency ms) per request and the
    errors; ``refused`` (if given) counts the errors by answer (a status, with a problem
    document's type, or "no answer")."""
    timings: list[tuple[float, float]] = []
    errors = 0
    tally = refused if refused is not None else {}

    async def one(i: int) -> None:
        nonlocal errors
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            response = await call(pool, i)
            if response.status_code not in ok:
                errors += 1
                what: int | str = response.status_code
                if response.headers.get("content-type") == "application/problem+json":
                    what = f"{what} {response.json()['type'].rsplit('/', 1)[-1]}"
                tally[what] = tally.get(what, 0) + 1
        except Exception:
            errors += 1
            tally["no answer"] = tally.get("no answer", 0) + 1
        timings.append((scheduled - start, (time.perf_counter() - scheduled) * 1000))

    await asyncio.gather(*(one(i) for i in range(int(rate * seconds))))
    return timings, errors
