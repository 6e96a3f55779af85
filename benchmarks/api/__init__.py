"""HTTP benchmark: `POST /api/v1/match` with one hash against a large bank, at a fixed rate.

A real `reclaim serve` process on loopback, an open-loop load (requests are sent on a fixed
schedule whether or not earlier ones have answered, and latency is measured from the scheduled
time, so a stall cannot hide), and in the same run the anchor: `GET /healthz` at the same rate,
which is the framework's own floor. Usage:

    python -m benchmarks api -- --items 1000000 --rate 200 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.loadgen import (
    Call,
    CpuMeter,
    Pool,
    load_average,
    no_collector_pauses,
    open_loop,
    request_bytes,
)

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _flip(hex_hash: str, bits: int, rng: np.random.Generator) -> str:
    value = int(hex_hash, 16)
    for bit in rng.choice(256, size=bits, replace=False):
        value ^= 1 << int(bit)
    return f"{value:064x}"


def build_bank(data_dir: Path, items: int, rng: np.random.Generator) -> tuple[str, list[str]]:
    """Fill a fresh database with ``items`` PDQ items (bulk inserts) and return an API key."""
    from sqlalchemy import insert

    from reclaim.accounts.apikeys import issue
    from reclaim.accounts.staff import create_organisation
    from reclaim.bank.items import get_or_create_list
    from reclaim.bank.models import ContentItem, Signal
    from reclaim.config import load_settings
    from reclaim.storage.base import utcnow
    from reclaim.storage.database import Database
    from reclaim.storage.migrations_runner import upgrade

    db = Database(load_settings(data_dir=data_dir))
    upgrade(db)
    with db.session() as session:
        token = issue(
            session,
            create_organisation(session, "Bench", "platform"),
            "bench",
            rate_per_minute=100_000,
        ).token
        list_id = get_or_create_list(session).id
    raw = rng.integers(0, 256, size=(items, 32), dtype=np.uint8)
    hexes = [row.tobytes().hex() for row in raw]
    now = utcnow()
    chunk = 20_000
    with db.engine.begin() as connection:
        for start in range(0, items, chunk):
            stop = min(items, start + chunk)
            connection.execute(
                insert(ContentItem),
                [
                    {
                        "id": i + 1,
                        "list_id": list_id,
                        "provenance": "imported",
                        "categories": [],
                        "status": "active",
                        "change_seq": i + 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in range(start, stop)
                ],
            )
            connection.execute(
                insert(Signal),
                [
                    {
                        "id": i + 1,
                        "item_id": i + 1,
                        "signal_type": "pdq",
                        "value": hexes[i],
                        "value_key": hexes[i],
                        "quality": 100,
                    }
                    for i in range(start, stop)
                ],
            )
    db.dispose()
    return token, hexes


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q)) if values else float("nan")


#: Errors by answer, all runs together.
refused: dict[int | str, int] = {}


async def run_open_loop(
    url: str, rate: float, seconds: float, call: Call
) -> tuple[list[float], int]:
    """``call(pool, i)`` on schedule over persistent keep-alive connections; latencies in ms."""
    pool = Pool(url, size=256)
    start = time.perf_counter() + 0.2
    timings, errors = await open_loop(pool, rate, seconds, start, call, refused=refused)
    await pool.close()
    return [latency for _offset, latency in timings], errors


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks api")
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--p99-ms", type=float, default=20.0, help="target: match p99 (issue 11)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)

    with tempfile.TemporaryDirectory(prefix="reclaim-bench-api-") as tmp:
        data_dir = Path(tmp) / "var"
        started = time.perf_counter()
        token, hexes = build_bank(data_dir, args.items, rng)
        print(
            f"bank: {args.items:,} PDQ items written in {time.perf_counter() - started:.1f}s",
            flush=True,
        )
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("RECLAIM_")}
        env.update({"RECLAIM_DATA_DIR": str(data_dir), "RECLAIM_LOG_LEVEL": "WARNING"})
        server = subprocess.Popen(
            [str(BIN / "reclaim"), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            import httpx2

            url = f"http://127.0.0.1:{port}"
            started = time.perf_counter()
            while True:
                try:
                    if httpx2.get(f"{url}/readyz", timeout=2).status_code == 200:
                        break
                except httpx2.TransportError:
                    pass
                if server.poll() is not None or time.perf_counter() - started > 900:
                    print("server did not become ready")
                    return 1
                time.sleep(0.25)
            ready_seconds = time.perf_counter() - started
            print(
                f"server ready (index built from the database) in {ready_seconds:.1f}s", flush=True
            )

            queries = []
            for i in range(int(args.rate * args.seconds)):
                if i % 2 == 0:
                    queries.append(
                        (
                            _flip(
                                hexes[int(rng.integers(len(hexes)))], int(rng.integers(5, 31)), rng
                            ),
                            True,
                        )
                    )
                else:
                    queries.append(
                        (rng.integers(0, 256, 32, dtype=np.uint8).tobytes().hex(), False)
                    )
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            authority = f"127.0.0.1:{port}"
            requests = [
                request_bytes(
                    "POST",
                    "/api/v1/match",
                    authority,
                    headers,
                    json.dumps({"signals": [{"type": "pdq", "value": q, "quality": 100}]}).encode(),
                )
                for q, _ in queries
            ]
            healthz = request_bytes("GET", "/healthz", authority)
            missed = 0

            async def match(pool, i):  # type: ignore[no-untyped-def]
                nonlocal missed
                response = await pool.send(requests[i])
                if (
                    response.status_code == 200
                    and queries[i][1]
                    and not response.json()["results"][0]["matches"]
                ):
                    missed += 1
                return response

            async def health(pool, i):  # type: ignore[no-untyped-def]
                return await pool.send(healthz)

            cpu = {}
            for name, call in (("anchor", health), ("match", match)):
                meter = CpuMeter(server.pid)
                load = load_average()
                meter.start()
                with no_collector_pauses():
                    run = asyncio.run(run_open_loop(url, args.rate, args.seconds, call))
                cpu[name] = (run, meter)
                meter.stop()
                cpu[name] += (load, load_average())
            (anchor, anchor_errors), anchor_meter, *anchor_load = cpu["anchor"]
            (measured, errors), match_meter, *match_load = cpu["match"]
        finally:
            server.terminate()
            server.wait(timeout=30)

    rows = [
        ("GET /healthz (anchor)", anchor, anchor_errors, anchor_meter, anchor_load),
        ("POST /api/v1/match", measured, errors, match_meter, match_load),
    ]
    print(
        f"\n{args.items:,}-item bank, {args.rate:.0f} requests/s for {args.seconds:.0f}s, "
        "open loop, one server process"
    )
    print(
        f"{'request':<24}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
        f"{'server CPU ms/req':>19}{'loadgen CPU ms/req':>20}   load average before -> after"
    )
    for name, values, errs, meter, (before, after) in rows:
        cells = [percentile(values, q) for q in (50, 90, 99)] + [max(values)]
        per = [meter.server / len(values) * 1000, meter.client / len(values) * 1000]
        print(
            f"{name:<24}"
            + "".join(f"{c:>9.2f}" for c in cells)
            + f"{errs:>8}{per[0]:>19.2f}{per[1]:>20.2f}   {before} -> {after}"
        )
    ratio = percentile(measured, 99) / percentile(anchor, 99)
    print(f"p99 match / p99 healthz: {ratio:.2f}x; planted near-duplicates missed: {missed}")
    if refused:
        print("errors by answer: " + ", ".join(f"{k}: {v}" for k, v in refused.items()))
    p99 = percentile(measured, 99)
    print(f"target: 0 errors, match p99 <= {args.p99_ms:g} ms (got {p99:.1f} ms)")
    return 0 if errors == 0 and missed == 0 and p99 <= args.p99_ms else 1
