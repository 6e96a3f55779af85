"""Soak: a real `reclaim serve` at a fixed mixed rate for minutes; errors, latency per route
and memory growth after warm-up.

Open loop per route (requests leave on schedule whether or not earlier ones answered; latency
is measured from the scheduled time, so a stall cannot hide): matches against a bank,
young people's reports (with an Idempotency-Key, no proof-of-work) and status checks with a
reference and PIN (Argon2 with the default parameters: the expensive call). The server's
resident memory is sampled every second; growth is measured from the end of the warm-up.

    python -m benchmarks soak -- --seconds 300 --warmup 60     # the figures in docs/operations.md

Targets: 0 errors, memory growth under 10 % after warm-up. Exit 1 if either is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.api import _flip, _free_port, build_bank, percentile
from benchmarks.loadgen import CpuMeter, Pool, no_collector_pauses, open_loop, request_bytes

RESULTS = Path(__file__).resolve().parents[1] / "results" / "soak.json"


def _plausible_pdq(rng: random.Random) -> str:
    bits = [1] * 128 + [0] * 128
    rng.shuffle(bits)
    return f"{int(''.join(map(str, bits)), 2):064x}"


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


#: Errors by what they were (a status code, or "no answer"), all routes together.
refused: dict[int | str, int] = {}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks soak")
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--warmup", type=float, default=60.0, help="seconds not counted")
    parser.add_argument("--items", type=int, default=100_000, help="PDQ items in the bank")
    parser.add_argument("--match-rate", type=float, default=20.0, help="match calls per second")
    parser.add_argument("--report-rate", type=float, default=0.5, help="reports per second")
    parser.add_argument("--status-rate", type=float, default=1.0, help="status checks per second")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    import httpx2  # only to wait for the server to be ready

    rng = np.random.default_rng(args.seed)
    pyrng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="reclaim-soak-") as tmp:
        data_dir = Path(tmp) / "var"
        token, hexes = build_bank(data_dir, args.items, rng)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("RECLAIM_")}
        env.update(
            RECLAIM_DATA_DIR=str(data_dir),
            RECLAIM_LOG_LEVEL="WARNING",
            RECLAIM_BOT_GUARD_POW_BITS="0",
            RECLAIM_REPORT_RATE_PER_HOUR="1000000",
            RECLAIM_PIN_RATE_PER_MINUTE="1000000",
            RECLAIM_PIN_FAILURES_PER_DAY="1000000",
        )
        server = subprocess.Popen(
            [sys.executable, "-m", "reclaim.cli.main", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.perf_counter() + 900
            while True:
                try:
                    if httpx2.get(f"{url}/readyz", timeout=2).status_code == 200:
                        break
                except httpx2.TransportError:
                    pass
                if server.poll() is not None or time.perf_counter() > deadline:
                    print("server did not become ready")
                    return 1
                time.sleep(0.25)
            # A pool of reports to check the status of.
            pool: list[tuple[str, str]] = []
            with httpx2.Client(base_url=url, timeout=30) as client:
                for i in range(20):
                    made = client.post(
                        "/api/v1/reports",
                        json={"age_group": "under18", "country": "GB",
                              "urls": [f"https://example.com/{i}"]},
                    )  # fmt: skip
                    pool.append((made.json()["reference"], made.json()["pin"]))
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            authority = f"127.0.0.1:{port}"
            # Every request's bytes made before the clock starts: the load generator shares
            # the server's two cores, so it does as little as it can while measuring.
            matches = []
            for i in range(int(args.match_rate * args.seconds)):
                query = _flip(hexes[i % len(hexes)], 10, rng) if i % 2 else pyrng.getrandbits(256)
                value = query if isinstance(query, str) else f"{query:064x}"
                body = {"signals": [{"type": "pdq", "value": value, "quality": 100}]}
                matches.append(request_bytes("POST", "/api/v1/match", authority, headers, body))
            reports = []
            for i in range(int(args.report_rate * args.seconds)):
                files = [{"kind": "image", "pdq": _plausible_pdq(pyrng), "quality": 90,
                          "sha256": f"{pyrng.getrandbits(256):064x}",
                          "md5": f"{pyrng.getrandbits(128):032x}"}]  # fmt: skip
                key = f"soak-{args.seed}-{i}-{pyrng.getrandbits(32)}"
                reports.append(
                    request_bytes(
                        "POST",
                        "/api/v1/reports",
                        authority,
                        {"Idempotency-Key": key},
                        {"age_group": "under18", "country": "GB", "files": files},
                    )
                )
            checks = [
                request_bytes(
                    "GET", f"/api/v1/reports/{reference}", authority, {"X-Reclaim-PIN": pin}
                )
                for reference, pin in pool
            ]

            async def match(client: Any, i: int) -> Any:
                return await client.send(matches[i])

            async def report(client: Any, i: int) -> Any:
                return await client.send(reports[i])

            async def status(client: Any, i: int) -> Any:
                return await client.send(checks[i % len(checks)])

            memory: list[tuple[float, int]] = []
            load_before = os.getloadavg()
            meter = CpuMeter(server.pid)

            async def run() -> dict[str, tuple[list[tuple[float, float]], int]]:
                client = Pool(url, size=128)
                start = time.perf_counter() + 0.5
                stop = asyncio.Event()

                async def sample() -> None:
                    while not stop.is_set():
                        memory.append((time.perf_counter() - start, _rss_kib(server.pid)))
                        await asyncio.sleep(1.0)

                sampler = asyncio.create_task(sample())
                meter.start()
                routes = {
                    "POST /api/v1/match": (args.match_rate, match, {200}),
                    "POST /api/v1/reports": (args.report_rate, report, {201}),
                    "GET /api/v1/reports/{reference}": (args.status_rate, status, {200}),
                }
                results = await asyncio.gather(
                    *(
                        open_loop(client, rate, args.seconds, start, call, frozenset(ok), refused)
                        for rate, call, ok in routes.values()
                    )
                )
                meter.stop()
                stop.set()
                await sampler
                await client.close()
                return dict(zip(routes, results, strict=True))

            with no_collector_pauses():
                measured = asyncio.run(run())
            load_after = os.getloadavg()
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:  # still draining queued requests: the run is over
                server.kill()
                server.wait(timeout=30)

    after_warmup = [kib for t, kib in memory if t >= args.warmup]
    base = after_warmup[0] if after_warmup else 0
    end = after_warmup[-1] if after_warmup else 0
    peak = max(after_warmup, default=0)
    growth = (end - base) / base * 100 if base else float("nan")
    total_errors = sum(errors for _timings, errors in measured.values())
    print(
        f"\n{args.seconds:.0f} s at {args.match_rate:g} matches + {args.report_rate:g} reports + "
        f"{args.status_rate:g} status checks per second, {args.items:,}-item bank, one server "
        f"process (SQLite); warm-up {args.warmup:.0f} s not counted"
    )
    print(f"{'route':<34}{'requests':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
    summary: dict[str, Any] = {"routes": {}}
    for name, (timings, errors) in measured.items():
        kept = [ms for t, ms in timings if t >= args.warmup]
        cells = [percentile(kept, 50), percentile(kept, 99), max(kept, default=float("nan"))]
        print(f"{name:<34}{len(kept):>9}" + "".join(f"{c:>9.1f}" for c in cells) + f"{errors:>8}")
        summary["routes"][name] = {
            "requests": len(kept),
            "p50_ms": cells[0],
            "p99_ms": cells[1],
            "max_ms": cells[2],
            "errors": errors,
        }
    print(
        f"server RSS after warm-up {base / 1024:.1f} MiB, at the end {end / 1024:.1f} MiB "
        f"(peak {peak / 1024:.1f}): growth {growth:+.1f} %"
    )
    if refused:
        print("errors by answer: " + ", ".join(f"{k}: {v}" for k, v in refused.items()))
    requests = sum(len(timings) for timings, _errors in measured.values())
    print(
        f"CPU per request (all routes, warm-up included, {requests} requests): server "
        f"{meter.server / requests * 1000:.2f} ms, load generator "
        f"{meter.client / requests * 1000:.2f} ms ({meter.server:.1f} s and "
        f"{meter.client:.1f} s in {args.seconds:.0f} s)"
    )
    print(
        "load average (1, 5, 15 min) before "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after "
        + ", ".join(f"{x:.2f}" for x in load_after)
    )
    summary.update(
        seconds=args.seconds,
        warmup=args.warmup,
        items=args.items,
        rss_kib={"after_warmup": base, "end": end, "peak": peak},
        growth_percent=growth,
        load_before=load_before,
        load_after=load_after,
        errors=total_errors,
        server_cpu_ms_per_request=meter.server / requests * 1000,
        loadgen_cpu_ms_per_request=meter.client / requests * 1000,
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    return 0 if total_errors == 0 and growth < 10 else 1
