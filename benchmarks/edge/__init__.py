"""The HTTP edge under attack: what a real `reclaim serve` spends on requests it refuses.

1. An unauthenticated 64 MiB chunked body to `POST /api/v1/match`: how much of it the server
   reads, its answer, and its memory (RSS) before and after.
2. Half-open connections (headers never finished): how long the server holds them.

Usage (fails if the server reads the body, grows by more than 16 MiB, or holds a connection
past the read timeout plus 2 s):

    python -m benchmarks edge -- --connections 300 --read-timeout 20
"""

from __future__ import annotations

import argparse
import os
import select
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _big_unauthenticated_match(port: int, pid: int) -> tuple[bool, str]:
    block = b"a" * (1 << 20)
    before = _rss(pid)
    sent, started = 0, time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /api/v1/match HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + _chunk(b'{"signals":[{"type":"md5","value":"')
        )
        try:
            for _ in range(64):
                if select.select([sock], [], [], 0)[0]:
                    break
                sock.sendall(_chunk(block))
                sent += len(block)
            else:
                sock.sendall(_chunk(b'"}]}') + b"0\r\n\r\n")
        except OSError:
            pass
        sock.settimeout(60)
        try:
            reply = sock.recv(200)
        except OSError:
            reply = b""
    after = _rss(pid)
    status = reply.split(b" ")[1].decode() if reply.startswith(b"HTTP/") else "closed"
    print(
        f"64 MiB chunked, no key: answer {status} after {sent >> 20} MiB sent "
        f"({time.monotonic() - started:.1f} s); server RSS {before >> 20} MiB -> "
        f"{after >> 20} MiB"
    )
    return sent < 64 * len(block) and after - before < 16 << 20, status


def _half_open(port: int, count: int, limit: float) -> tuple[bool, float]:
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    started = time.monotonic()
    for sock in socks:
        sock.sendall(b"POST /api/v1/match HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    open_socks = set(socks)
    while open_socks and time.monotonic() - started < limit + 10:
        readable, _, _ = select.select(list(open_socks), [], [], 0.5)
        for sock in readable:
            try:
                while sock.recv(65536):
                    pass
            except OSError:
                pass
            open_socks.discard(sock)
            sock.close()
    held = time.monotonic() - started
    for sock in open_socks:
        sock.close()
    print(
        f"{count} half-open connections: {count - len(open_socks)} closed by the server "
        f"within {held:.1f} s ({len(open_socks)} still open)"
    )
    return not open_socks and held <= limit + 2, held


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks edge")
    parser.add_argument("--connections", type=int, default=300)
    parser.add_argument("--read-timeout", type=int, default=20)
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="reclaim-edge-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECLAIM_")}
    env.update(
        RECLAIM_DATA_DIR=str(base / "var"),
        RECLAIM_REQUEST_READ_TIMEOUT=str(args.read_timeout),
    )
    subprocess.run([BIN / "reclaim", "db", "upgrade"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [BIN / "reclaim", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None:
                print("the server did not start")
                return 1
            time.sleep(0.3)
        body_ok, _ = _big_unauthenticated_match(port, server.pid)
        open_ok, _ = _half_open(port, args.connections, args.read_timeout)
        return 0 if body_ok and open_ok else 1
    finally:
        server.terminate()
        server.wait(timeout=30)
