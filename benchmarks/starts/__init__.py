"""Worker starts: start `reclaim serve` with several workers again and again, with traffic
while it starts, and count the workers that die (uvicorn's manager logs "Child process [...]
died" when it replaces one, "failed to start" when one never came up).

    python -m benchmarks starts -- --starts 20 --workers 2 --items 20000

Target: no worker dies. Prints the load average with the result (deaths were seen only on a
busy machine).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.api import _free_port, build_bank
from benchmarks.loadgen import Pool, load_average

#: Run only when named: `python -m benchmarks` alone leaves it out.
ON_REQUEST = True

DEATH = re.compile(r"Child process \[\d+\] (died|failed to start)|was not ready in time")


async def _traffic(url: str, token: str, seconds: float) -> tuple[int, int]:
    """Matches and health checks at about 50/s while the workers start: (answered, failed)."""
    pool = Pool(url, size=16)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = {"signals": [{"type": "md5", "value": "b" * 32}]}
    match = pool.prepare("POST", "/api/v1/match", headers, body)
    health = pool.prepare("GET", "/healthz")
    answered = failed = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        try:
            replies = await asyncio.gather(pool.send(match, 10), pool.send(health, 10))
            answered += sum(1 for r in replies if r.status_code in (200, 503))
        except Exception:
            failed += 1
        await asyncio.sleep(0.04)
    await pool.close()
    return answered, failed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks starts")
    parser.add_argument("--starts", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--serve-seconds", type=float, default=8.0, help="traffic after ready")
    args = parser.parse_args(argv)
    import httpx2  # only to wait for readiness

    deaths = 0
    with tempfile.TemporaryDirectory(prefix="reclaim-starts-") as tmp:
        data_dir = Path(tmp) / "var"
        token, _hexes = build_bank(data_dir, args.items, np.random.default_rng(5))
        print(f"load average before: {load_average()}", flush=True)
        for attempt in range(1, args.starts + 1):
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            env = {k: v for k, v in os.environ.items() if not k.startswith("RECLAIM_")}
            env.update(
                RECLAIM_DATA_DIR=str(data_dir),
                RECLAIM_LOG_LEVEL="INFO",
                RECLAIM_WORKERS=str(args.workers),
            )
            log = Path(tmp) / f"serve-{attempt}.log"
            with log.open("wb") as sink:
                server = subprocess.Popen(
                    [sys.executable, "-m", "reclaim.cli.main", "serve", "--port", str(port)],
                    env=env,
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                )
                started = time.perf_counter()
                try:
                    while time.perf_counter() - started < 300 and server.poll() is None:
                        try:
                            if httpx2.get(f"{url}/readyz", timeout=2).status_code == 200:
                                break
                        except httpx2.TransportError:
                            pass
                        time.sleep(0.2)
                    ready = time.perf_counter() - started
                    answered, failed = asyncio.run(_traffic(url, token, args.serve_seconds))
                finally:
                    server.terminate()
                    try:
                        server.wait(timeout=60)
                    except subprocess.TimeoutExpired:
                        server.kill()
                        server.wait(timeout=30)
            text = log.read_text(errors="replace")
            found = DEATH.findall(text)
            died = [line for line in text.splitlines() if DEATH.search(line)]
            deaths += len(found)
            print(
                f"start {attempt:>3}: ready in {ready:5.1f} s, {answered} answers, {failed} "
                f"failed, worker deaths {len(found)}; load average {load_average()}",
                flush=True,
            )
            for line in died:
                print(f"    {line.strip()[:300]}")
    print(
        f"\n{deaths} worker deaths in {args.starts} starts of {args.workers} workers "
        f"({args.starts * args.workers} worker starts); load average after: {load_average()}"
    )
    return 0 if deaths == 0 else 1
