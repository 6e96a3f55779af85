"""The bank's matcher under concurrent callers, before and after the split (issue 10, item 4).

A fresh SQLite bank of ``--items`` PDQ items; both matchers (the old one, kept verbatim in
``legacy.py``, and ``reclaim.bank.matcher.Matcher``) load it, then 1 and 2 threads each call
``match`` with one hash at a time (half near-duplicates of bank rows at distance 5-30, half
random) for ``--seconds``; the figure is lookups/s summed over the threads. Each caller
also runs ``sync`` before each lookup, as a request does, when ``--sync`` is given. Usage:

    python -m benchmarks matcher -- --items 200000 --seconds 3
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.api import _flip, build_bank

RESULTS = Path(__file__).resolve().parents[1] / "results" / "matcher.json"


def _rate(
    matcher: Any, db: Any, queries: list[Any], callers: int, seconds: float, sync: bool
) -> float:
    stop = threading.Event()
    counts = [0] * callers

    def caller(slot: int) -> None:
        n = slot
        with db.read_session() as session:
            while not stop.is_set():
                if sync:
                    matcher.sync(session)
                matcher.match([queries[n % len(queries)]])
                n += callers
                counts[slot] += 1

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(callers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks matcher")
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; best is kept")
    parser.add_argument("--sync", action="store_true", help="sync before every lookup")
    args = parser.parse_args(argv)

    from benchmarks.matcher.legacy import Matcher as LegacyMatcher
    from reclaim.bank.matcher import Matcher
    from reclaim.bank.signals import Signal, SignalType
    from reclaim.config import load_settings
    from reclaim.matching import warm_up
    from reclaim.storage.database import Database

    rng = np.random.default_rng(10)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        _token, hexes = build_bank(data_dir, args.items, rng)
        db = Database(load_settings(data_dir=data_dir))
        warm_up()
        queries = []
        for i in range(2000):
            if i % 2:
                value = f"{int.from_bytes(rng.bytes(32), 'big'):064x}"
            else:
                value = _flip(hexes[int(rng.integers(len(hexes)))], int(rng.integers(5, 31)), rng)
            queries.append(Signal(SignalType.PDQ, value))
        engines: dict[str, Any] = {"before": LegacyMatcher(), "after": Matcher()}
        for name, matcher in engines.items():
            with db.read_session() as session:
                matcher.sync(session)
            found = [matcher.match([q])[0] for q in queries[:200]]
            assert sum(bool(f) for f in found) >= 100, name
        best: dict[str, dict[int, float]] = {name: {1: 0.0, 2: 0.0} for name in engines}
        load = []
        for _round in range(args.rounds):
            for callers in (1, 2):
                for name, matcher in engines.items():
                    rate = _rate(matcher, db, queries, callers, args.seconds, args.sync)
                    best[name][callers] = max(best[name][callers], rate)
            load.append(os.getloadavg()[0])
        db.dispose()
    print(
        f"{args.items:,} items, sync before each lookup: {args.sync}, {os.cpu_count()} cores, "
        f"1-min load average during the rounds: {', '.join(f'{x:.1f}' for x in load)}"
    )
    print("| Matcher | 1 caller lookups/s | 2 callers lookups/s | 2 / 1 |")
    print("|---|--:|--:|--:|")
    for name, rates in best.items():
        print(f"| {name} | {rates[1]:,.0f} | {rates[2]:,.0f} | {rates[2] / rates[1]:.2f} |")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"items": args.items, "sync": args.sync, "best": best}, indent=2))
    return 0
