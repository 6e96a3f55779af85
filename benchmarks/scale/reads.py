"""What one random read costs on this machine, by how much memory the reads are spread over.

The exact index is bound by random reads; this shows why a big index reads more slowly than a
small one on the same machine (address translation, not the data caches, past ~1 GiB on the
measured VM) and why the batched kernel reads region by region (docs/scale.md).

    python -m benchmarks scale -- --only reads
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from reclaim.matching._kernels import _jit, _prefetch

_READS = 4_000_000


@_jit
def _walk(arr: Any, idx: Any) -> Any:
    total = np.uint64(0)
    n = idx.shape[0]
    for j in range(n):
        if j + 32 < n:
            _prefetch(arr, idx[j + 32])
        total += arr[idx[j]]
    return total


def _ns_per_read(arr: np.ndarray, idx: np.ndarray) -> float:
    _walk(arr, idx[:1000])
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        _walk(arr, idx)
        best = min(best, time.perf_counter() - started)
    return round(best / idx.shape[0] * 1e9, 1)


def bench_reads(max_mib: int = 8192) -> dict[str, Any]:
    """Nanoseconds per prefetched random 8-byte read over 16 MiB .. ``max_mib``, and over the
    largest size with the reads grouped by 2 MiB region and by 4 KiB page."""
    rng = np.random.default_rng(1)
    arr = np.ones(max_mib * 2**20 // 8, np.uint64)
    figures: dict[str, Any] = {}
    size = 16
    while size <= max_mib:
        idx = rng.integers(0, size * 2**20 // 8, _READS)
        figures[f"random over {size} MiB"] = _ns_per_read(arr, idx)
        size *= 4 if size < 1024 else 2
    n = arr.shape[0]
    for label, span, per in (
        ("64 reads per 2 MiB region", 2**21 // 8, 64),
        ("8 reads per 4 KiB page", 2**12 // 8, 8),
    ):
        regions = rng.integers(0, n // span, _READS // per)
        idx = (np.repeat(regions, per) * span + rng.integers(0, span, _READS)).astype(np.int64)
        figures[f"{max_mib} MiB, {label}"] = _ns_per_read(arr, idx)
    print(f"  reads (ns each): {figures}", flush=True)
    return figures


def host_read_ns() -> float:
    """The host's speed at the index's kind of work, for the record beside a rate: ns per
    prefetched random read over 1 GiB (6.3 on the quiet evening of docs/scale.md, 12.6 on a
    busy one). Rates of the memory-bound index move with it on a shared VM."""
    rng = np.random.default_rng(2)
    arr = np.ones(2**30 // 8, np.uint64)
    return _ns_per_read(arr, rng.integers(0, arr.shape[0], _READS))
