"""Where one request's time goes: the app driven in-process over ASGI (no sockets, no
server), under cProfile, for one route at a time.

    python -m benchmarks profile -- --route match --requests 2000 --items 100000
    python -m benchmarks profile -- --route report --requests 300

Prints CPU ms per request (process CPU time / requests) and the top functions by cumulative
time. No target: it is a tool for finding costs, so it always exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.api import build_bank
from benchmarks.soak import _plausible_pdq

#: Run only when named: `python -m benchmarks` alone leaves it out.
ON_REQUEST = True


async def _call(app: Any, method: str, path: str, headers: dict[str, str], body: bytes) -> int:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    if body:
        raw.append((b"content-length", str(len(body)).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks profile")
    parser.add_argument("--route", choices=["match", "report", "healthz"], default="match")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--no-profile", action="store_true", help="only CPU ms per request")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(5)
    pyrng = random.Random(5)
    with tempfile.TemporaryDirectory(prefix="reclaim-profile-") as tmp:
        data_dir = Path(tmp) / "var"
        token, hexes = build_bank(data_dir, args.items, rng)
        for name in [k for k in os.environ if k.startswith("RECLAIM_")]:
            del os.environ[name]
        os.environ.update(
            RECLAIM_DATA_DIR=str(data_dir),
            RECLAIM_LOG_LEVEL="WARNING",
            RECLAIM_BOT_GUARD_POW_BITS="0",
            RECLAIM_REPORT_RATE_PER_HOUR="1000000",
        )
        from reclaim.config import get_settings
        from reclaim.web.app import create_app

        get_settings.cache_clear()
        app = create_app()

        def request(i: int) -> tuple[str, str, dict[str, str], bytes]:
            if args.route == "match":
                value = hexes[i % len(hexes)] if i % 2 else f"{pyrng.getrandbits(256):064x}"
                body = {"signals": [{"type": "pdq", "value": value, "quality": 100}]}
                headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
                return "POST", "/api/v1/match", headers, json.dumps(body).encode()
            if args.route == "report":
                files = [{"kind": "image", "pdq": _plausible_pdq(pyrng),
                          "quality": 90, "sha256": f"{pyrng.getrandbits(256):064x}",
                          "md5": f"{pyrng.getrandbits(128):032x}"}]  # fmt: skip
                body = {"age_group": "under18", "country": "GB", "files": files}
                headers = {
                    "content-type": "application/json",
                    "idempotency-key": f"p-{pyrng.getrandbits(64)}",
                }
                return "POST", "/api/v1/reports", headers, json.dumps(body).encode()
            return "GET", "/healthz", {}, b""

        if not args.no_profile:
            # Run synchronous routes and dependencies on the loop's thread, so that the
            # profiler (which sees one thread) sees their work too.
            import anyio.to_thread

            async def inline(func: Any, *call_args: Any, **_kwargs: Any) -> Any:
                return func(*call_args)

            anyio.to_thread.run_sync = inline  # type: ignore[assignment]

        async def run() -> None:
            async with app.router.lifespan_context(app):
                while not app.state.services.matcher.ready:
                    await asyncio.sleep(0.1)
                for i in range(20):  # warm up
                    status = await _call(app, *request(i))
                    assert status < 300, status
                profiler = cProfile.Profile()
                cpu, wall = time.process_time(), time.perf_counter()
                if not args.no_profile:
                    profiler.enable()
                statuses = [await _call(app, *request(i)) for i in range(args.requests)]
                profiler.disable()
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                print(f"statuses: {sorted(set(statuses))}")
                note = "" if args.no_profile else " under cProfile"
                print(
                    f"{args.route}: {cpu / args.requests * 1000:.2f} CPU ms per request "
                    f"({wall / args.requests * 1000:.2f} wall ms){note}; load average "
                    + ", ".join(f"{x:.2f}" for x in os.getloadavg())
                )
                if not args.no_profile:
                    stats = pstats.Stats(profiler)
                    stats.sort_stats("cumulative").print_stats(args.top)
                    stats.sort_stats("tottime").print_stats(args.top)

        asyncio.run(run())
    return 0
