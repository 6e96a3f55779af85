"""The HTTP edge of a real `reclaim serve`, attacked with raw sockets (issue 9, items 1 and 3).

Each test talks to a server process on a loopback port and watches what that process does
while the request is still in flight: its open files, its temporary directory, its memory.
"""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

BIN = Path(sys.executable).parent
READ_TIMEOUT = 2  # seconds: RECLAIM_REQUEST_READ_TIMEOUT for this server, short for the test

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs Linux /proc")


class Server:
    def __init__(
        self, port: int, process: subprocess.Popen[bytes], tmpdir: Path, log: Path
    ) -> None:
        self.port, self.process, self.tmpdir, self.log = port, process, tmpdir, log

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def open_temp_files(self) -> list[str]:
        """Files the server holds open in its temporary directory (spooled uploads)."""
        found = []
        fd_dir = Path(f"/proc/{self.process.pid}/fd")
        for fd in fd_dir.iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith(str(self.tmpdir)):
                found.append(target)
        return found

    def rss_bytes(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise AssertionError("no VmRSS")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("edge")
    tmpdir = base / "tmp"
    tmpdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECLAIM_")}
    env.update(
        RECLAIM_DATA_DIR=str(base / "var"),
        RECLAIM_REQUEST_READ_TIMEOUT=str(READ_TIMEOUT),
        TMPDIR=str(tmpdir),
    )
    subprocess.run(
        [BIN / "reclaim", "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120
    )
    port = _free_port()
    log = (base / "serve.log").open("w")
    process = subprocess.Popen(
        [BIN / "reclaim", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, (base / "serve.log").read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield Server(port, process, tmpdir, base / "serve.log")
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _status_of(reply: bytes) -> int:
    assert reply.startswith(b"HTTP/1.1 "), reply[:200]
    return int(reply.split(b" ", 2)[1])


def _read_reply(sock: socket.socket) -> bytes:
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return data


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def test_two_content_types_and_chunked_multipart_never_spool_a_file(server: Server) -> None:
    """Finding 1: the edge read the last Content-Type, the form parser the first."""
    boundary = b"reclaimedgeboundary"
    head = (
        f"POST /report HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary.decode()}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    part = (
        b"--" + boundary + b"\r\n"
        b'Content-Disposition: form-data; name="file"; filename="synthetic.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
    )
    filler = os.urandom(256 * 1024)  # synthetic bytes, more than the parser keeps in memory
    seen: list[str] = []
    with server.connect() as sock:
        sock.sendall(head + _chunk(part))
        try:
            for _ in range(8):  # 2 MiB of "file", the request left unfinished
                sock.sendall(_chunk(filler))
                time.sleep(0.05)
                seen += server.open_temp_files()
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused and closed by the server: what we want
        time.sleep(0.5)
        seen += server.open_temp_files()
        seen += [str(p) for p in server.tmpdir.iterdir()]
        sock.settimeout(5)
        reply = _read_reply(sock)
    assert seen == [], f"the server spooled the upload to disk: {seen}"
    assert _status_of(reply) == 400


def test_only_json_and_urlencoded_bodies_pass_the_edge(server: Server) -> None:
    body = b"pdq=" + b"a" * 64
    for media_type in ("text/plain", "application/xml", "multipart/mixed; boundary=x"):
        with server.connect() as sock:
            sock.sendall(
                (
                    f"POST /report HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Content-Type: {media_type}\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode()
                + body
            )
            assert _status_of(_read_reply(sock)) == 415, media_type


def test_unauthenticated_64_mib_chunked_match_is_refused_without_being_read(
    server: Server,
) -> None:
    """Finding 3: the body was read and parsed (RSS +800 MB) before the key was checked."""
    block = b"a" * (1024 * 1024)
    before = server.rss_bytes()
    sent = 0
    reply = b""
    with server.connect() as sock:
        sock.sendall(
            b"POST /api/v1/match HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + _chunk(b'{"signals":[{"type":"md5","value":"')
        )
        try:
            for _ in range(64):
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break  # the server answered while we were still sending
                sock.sendall(_chunk(block))
                sent += len(block)
            else:
                sock.sendall(_chunk(b'"}]}') + b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.settimeout(30)
        reply = _read_reply(sock)
    grown = server.rss_bytes() - before
    assert _status_of(reply) == 401
    assert sent < 64 * len(block), "the whole body was accepted before the key was checked"
    assert grown < 16 * 1024 * 1024, f"server memory grew by {grown} bytes"


def test_half_open_connections_are_dropped_after_the_read_timeout(server: Server) -> None:
    """Finding 3: 300 half-open connections were held for 45 s."""
    slow_headers = [server.connect() for _ in range(20)]
    slow_bodies = [server.connect() for _ in range(5)]
    try:
        for sock in slow_headers:
            sock.sendall(b"POST /api/v1/match HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        for sock in slow_bodies:
            sock.sendall(
                b"POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
            )
        for sock in slow_headers + slow_bodies:
            # Well past the configured timeout, the server must have let go.
            sock.settimeout(READ_TIMEOUT + 8)
            try:
                data = sock.recv(65536)
                while data and not data.endswith(b"\r\n\r\n") and b"\r\n\r\n" not in data:
                    data += sock.recv(65536)
                if data:
                    assert _status_of(data) == 408
                    assert sock.recv(65536) == b""
            except ConnectionResetError:
                pass
            except TimeoutError:
                pytest.fail("the server held a half-open connection past the read timeout")
    finally:
        for sock in slow_headers + slow_bodies:
            sock.close()


def test_none_of_it_left_a_traceback_or_an_error_in_the_log(server: Server) -> None:
    """Runs last: refusals and timeouts are ordinary, not errors (and never a 500)."""
    log = server.log.read_text()
    assert "Traceback" not in log and '"level": "error"' not in log, log[-3000:]
    assert '"status": 500' not in log
