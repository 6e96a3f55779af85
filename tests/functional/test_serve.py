"""`reclaim serve` as `make run` starts it: a real process on a loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_on_loopback_after_upgrade(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECLAIM_")}
    env["RECLAIM_DATA_DIR"] = str(tmp_path / "var")
    port = _free_port()
    refused = subprocess.run(
        [BIN / "reclaim", "serve", "--port", str(port)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and "reclaim db upgrade" in refused.stdout
    subprocess.run(
        [BIN / "reclaim", "db", "upgrade"], env=env, check=True, capture_output=True, timeout=60
    )
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [BIN / "reclaim", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    try:
        # Live at once; ready once the index is loaded and its kernels compiled (seconds on
        # a fresh install), as an orchestrator would see it.
        deadline = time.monotonic() + 120
        live = False
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                live = (
                    live
                    or httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
                )
                response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                if response.status_code == 200:
                    break
                assert response.json()["checks"]["index"] == "index loading", response.text
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not become ready"
            time.sleep(0.2)
        assert live and response.json()["status"] == "ready"
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert metrics.status_code == 200  # loopback clients may read metrics
        assert "server" not in response.headers
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_connections_of_workers_send_at_once() -> None:
    """With `--workers 2` uvicorn binds the listening socket as `socket.socket(AF_INET)`
    (protocol 0), so asyncio leaves Nagle's algorithm on for its connections and every answer
    waited ~40 ms for the client's delayed ACK. Reclaim's protocol sets TCP_NODELAY itself."""
    import asyncio
    import threading

    import uvicorn
    from uvicorn.server import ServerState

    from reclaim.web.protocol import ReadDeadlineProtocol

    config = uvicorn.Config(
        app="reclaim.web.app:create_app", factory=True, host="127.0.0.1", port=0, workers=2
    )
    listening = config.bind_socket()  # as uvicorn's process manager makes it
    assert listening.proto == 0

    async def accepted_option() -> int:
        made: list[ReadDeadlineProtocol] = []

        def protocol() -> ReadDeadlineProtocol:
            made.append(
                ReadDeadlineProtocol(config=config, server_state=ServerState(), app_state={})
            )
            return made[-1]

        listening.listen()
        server = await asyncio.get_running_loop().create_server(protocol, sock=listening)
        _reader, writer = await asyncio.open_connection(*listening.getsockname()[:2])
        for _ in range(100):
            if made and getattr(made[0], "transport", None) is not None:
                break
            await asyncio.sleep(0.01)
        sock = made[0].transport.get_extra_info("socket")
        option = int(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()
        await writer.wait_closed()
        made[0].transport.close()
        server.close()
        await server.wait_closed()
        return option

    # Its own thread and loop: an earlier test (Playwright's sync API) may leave a loop
    # running in this one, where asyncio.run() refuses to start.
    found: list[int] = []
    worker = threading.Thread(target=lambda: found.append(asyncio.run(accepted_option())))
    worker.start()
    worker.join(timeout=60)
    listening.close()
    assert found == [1]
