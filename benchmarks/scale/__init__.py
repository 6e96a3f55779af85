"""How far one machine goes, and what Dask adds (issue 15).

Four measurements, each printed and written to ``benchmarks/results/scale.json``:

1. ``index``: the single-process exact index at each ``--index-sizes`` (default 10M; 50M and
   100M on request): build time, resident memory added and the process's peak, snapshot size
   and load time (CRC verified, warm page cache), batched lookups/s (1,000 queries, half
   near-duplicates at 5-30 bits, radius 31, best of 3; also one 20,000-query batch, the
   reloaded snapshot, and lookups per CPU-second). Each size runs in a fresh process.
2. ``sharded``: the same bank (``--shard-size``) as one PdqIndex and as a DaskPdqIndex on a
   LocalCluster of 2 worker processes, same run, same queries; results compared.
3. ``scan``: ``reclaim scan``'s throughput on a generated catalogue (``--scan-images``) with
   Dask 1 worker and 2 workers (same run; the ratio is the figure), with each worker's CPU
   seconds and busy fraction and the CPU per file (robust to other jobs on the machine).
4. ``table``: a hashes-only scan of a ``--table-rows`` Parquet table against a ``--table-bank``
   bank on the local engine with 2 processes, in hashes a minute and per CPU-minute, with the
   host's random-read cost just before and after (the scan's rate moves with it on a shared VM).
5. ``reads`` (only when asked for): what one random read costs by the memory it is spread over
   (``benchmarks/scale/reads.py``), the reason big indexes use the batched kernel.

Targets: 100M hashes in one process under 16 GB with >= 3,000 batched lookups/s; 2 workers
>= 1.7x one worker's scan throughput; >= 1M hashes a minute hashes-only. Exit status 1 if a
measured target is missed or a result differs.

    python -m benchmarks scale -- --index-sizes 10000000,50000000 --table-rows 10000000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["main"]

RESULTS = Path(__file__).resolve().parents[1] / "results" / "scale.json"


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished, reaped children."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def queries_for(bank: np.ndarray, count: int = 1000, seed: int = 7) -> np.ndarray:
    from benchmarks.matching.data import query_batch

    return query_batch(bank, count, seed)


def best_rate(fn: Any, count: int, repeat: int = 3) -> float:
    best = 0.0
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = max(best, count / (time.perf_counter() - started))
    return best


def best_cpu_rate(fn: Any, count: int, repeat: int = 3) -> float:
    """Lookups per CPU-second of this process (all its threads): contention-robust."""
    best = 0.0
    for _ in range(repeat):
        started = time.process_time()
        fn()
        best = max(best, count / max(time.process_time() - started, 1e-9))
    return best


def peak_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def index_child(size: int, directory: str) -> dict[str, Any]:
    """One size, in this (fresh) process.

    The input is generated (in slices) straight into a cache-line aligned array that the index
    then keeps as its hash storage (``copy=False``): a build needs the index's memory plus its
    temporaries, not a second copy of the input."""
    from reclaim.matching import PdqIndex, warm_up
    from reclaim.matching._segment import aligned_empty

    warm_up()
    rng = np.random.default_rng(size)
    base = rss()
    bank = aligned_empty((size, 32), np.uint8)
    step = 10_000_000
    for start in range(0, size, step):  # generated in slices: no 2x peak
        bank[start : start + step] = rng.integers(0, 256, (min(step, size - start), 32), np.uint8)
    data_bytes = rss() - base
    started = time.perf_counter()
    index = PdqIndex.build(bank, copy=False)
    build_s = time.perf_counter() - started
    index_rss = rss() - base
    build_peak = peak_rss()
    queries = queries_for(bank)
    big = queries_for(bank, 20_000, seed=8)
    batched = best_rate(lambda built=index: built.search_arrays(queries, 31), len(queries))
    per_cpu = best_cpu_rate(lambda built=index: built.search_arrays(queries, 31), len(queries))
    batched_big = best_rate(lambda built=index: built.search_arrays(big, 31), len(big), 1)
    path = Path(directory) / f"pdq-{size}.index"
    started = time.perf_counter()
    index.save(path)
    save_s = time.perf_counter() - started
    expected = index.search_arrays(queries, 31)
    threads = index.threads
    del index, bank
    started = time.perf_counter()
    loaded = PdqIndex.load(path)
    load_s = time.perf_counter() - started
    again = loaded.search_arrays(queries, 31)
    loaded_qps = best_rate(lambda: loaded.search_arrays(queries, 31), len(queries))
    same = bool(np.array_equal(expected.ids, again.ids))
    snapshot_gb = path.stat().st_size / 1e9
    path.unlink()
    return {
        "size": size,
        "build_s": round(build_s, 1),
        "rss_gb_with_input": round(index_rss / 1e9, 2),
        "peak_rss_gb": round(build_peak / 1e9, 2),
        "input_gb": round(data_bytes / 1e9, 2),
        "index_gb": round(loaded.stats().nbytes / 1e9, 2),
        "snapshot_gb": round(snapshot_gb, 2),
        "save_s": round(save_s, 1),
        "load_s": round(load_s, 2),
        "batched_qps": round(batched),
        "batched_qps_20k": round(batched_big),
        "loaded_qps": round(loaded_qps),
        "qps_per_cpu_second": round(per_cpu),
        "threads": threads,
        "same_after_load": same,
        "load_average": load_average(),
    }


def bench_index(sizes: list[int]) -> list[dict[str, Any]]:
    out = []
    for size in sizes:
        with tempfile.TemporaryDirectory(dir=os.environ.get("RECLAIM_BENCH_DIR")) as tmp:
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.scale", "--child-index", str(size), tmp],
                capture_output=True,
                text=True,
                check=False,
            )
        if done.returncode != 0:
            # A negative code is a signal: -9 is usually the kernel's OOM killer (see dmesg).
            why = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
            print(f"  index {size:,}: FAILED ({why[0]})\n{done.stderr[-2000:]}", flush=True)
            out.append({"size": size, "error": why})
            continue
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  index {size:,}: {figures}", flush=True)
        out.append(figures)
    return out


def bench_sharded(size: int) -> dict[str, Any]:
    from distributed import Client, LocalCluster

    from reclaim.matching import PdqIndex
    from reclaim.scale.sharded import DaskPdqIndex

    rng = np.random.default_rng(3)
    bank = rng.integers(0, 256, (size, 32), np.uint8)
    single = PdqIndex.build(bank)
    queries = queries_for(bank)
    with tempfile.TemporaryDirectory() as tmp:
        single.save(Path(tmp) / "pdq.index")
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
        )
        client = Client(cluster)
        try:
            started = time.perf_counter()
            sharded = DaskPdqIndex.create(client, shards=2, snapshot=Path(tmp) / "pdq.index")
            shard_build = time.perf_counter() - started
            same = sharded.search(queries, 31) == single.search(queries, 31)
            single_qps = best_rate(lambda: single.search_arrays(queries, 31), len(queries))
            sharded_qps = best_rate(lambda: sharded.search_arrays_merged(queries, 31), len(queries))
        finally:
            client.close()
            cluster.close()
    figures = {
        "size": size,
        "single_qps": round(single_qps),
        "sharded_2_workers_qps": round(sharded_qps),
        "shards_built_s": round(shard_build, 1),
        "same": same,
        "load_average": load_average(),
    }
    print(f"  sharded: {figures}", flush=True)
    return figures


def _worker_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bench_scan(images: int) -> dict[str, Any]:
    """Dask 1 worker vs 2 workers on the same catalogue, alternated, best of two each.

    Besides wall-clock files/s (distorted when other jobs share the cores), each worker's CPU
    seconds and busy fraction (CPU s / wall s) and the CPU seconds per file summed over the
    workers and the client: if the second worker adds work rather than overhead, CPU per file
    stays the same and each worker is busy most of the time. ``cpu_ratio`` is the speed-up the
    two workers would have if each had a core of its own: one worker's CPU seconds over the
    busier of the two workers' CPU seconds, for the same files.
    """
    from benchmarks.scale.setup import corpus_and_bank
    from reclaim.scale.engines import DaskEngine
    from reclaim.scale.runner import ScanPlan, run_scan

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        catalogue, bank = corpus_and_bank(root, images)
        best: dict[int, dict[str, Any]] = {}
        sets = {}
        for workers in (1, 2, 1, 2):  # alternated, best of two each
            engine = DaskEngine(workers=workers, processes=True)
            try:
                output = root / f"out-{workers}.jsonl"
                run_scan(  # warm the workers (kernels, bank)
                    ScanPlan([str(catalogue)], str(bank), output, files_per_chunk=16, restart=True),
                    engine,
                    count=False,
                )
                before = engine.client.run(_worker_cpu)
                client_before = cpu_seconds()[0]
                summary = run_scan(
                    ScanPlan([str(catalogue)], str(bank), output, files_per_chunk=16, restart=True),
                    engine,
                    count=False,
                )
                client_cpu = cpu_seconds()[0] - client_before
                after = engine.client.run(_worker_cpu)
            finally:
                engine.close()
            cpu = sorted(after[w] - before[w] for w in after)
            run = {
                "files_per_s": round(summary.rate, 1),
                "seconds": round(summary.seconds, 2),
                "worker_cpu_s": [round(c, 2) for c in cpu],
                "worker_busy": [round(c / summary.seconds, 2) for c in cpu],
                "client_cpu_s": round(client_cpu, 2),
                "cpu_ms_per_file": round(1000 * (sum(cpu) + client_cpu) / summary.inputs, 2),
                "load_average": load_average(),
            }
            print(f"    {workers} worker(s): {run}", flush=True)
            if workers not in best or run["files_per_s"] > best[workers]["files_per_s"]:
                best[workers] = run
            sets[workers] = sorted(output.read_text().splitlines())
    figures = {
        "images": images,
        "files_per_s_1_worker": best[1]["files_per_s"],
        "files_per_s_2_workers": best[2]["files_per_s"],
        "ratio": round(best[2]["files_per_s"] / best[1]["files_per_s"], 2),
        "cpu_ratio": round(sum(best[1]["worker_cpu_s"]) / max(best[2]["worker_cpu_s"]), 2),
        "runs": best,
        "same": sets[1] == sets[2],
        "load_average": load_average(),
    }
    print(f"  scan: {figures}", flush=True)
    return figures


def bench_table(rows: int, bank_size: int) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from benchmarks.scale.reads import host_read_ns
    from reclaim.matching import array_to_hexes
    from reclaim.scale.bank import BankContents, write_bank
    from reclaim.scale.engines import LocalEngine
    from reclaim.scale.runner import ScanPlan, run_scan

    rng = np.random.default_rng(11)
    with tempfile.TemporaryDirectory(dir=os.environ.get("RECLAIM_BENCH_DIR")) as tmp:
        root = Path(tmp)
        stored = rng.integers(0, 256, (bank_size, 32), np.uint8)
        contents = BankContents(lists=["bench"])
        contents.items = dict.fromkeys(range(bank_size), (0, 31))
        contents.pdq_signals = [(i, i, "") for i in range(bank_size)]
        from reclaim.matching import PdqIndex

        started = time.perf_counter()
        write_bank(root / "bank", contents, index=PdqIndex.build(stored))
        bank_s = time.perf_counter() - started
        table = root / "hashes.parquet"
        writer = None
        planted = 0
        for start in range(0, rows, 1_000_000):
            n = min(1_000_000, rows - start)
            batch = rng.integers(0, 256, (n, 32), np.uint8)
            k = n // 100  # 1 % near-duplicates of listed hashes
            batch[:k] = stored[rng.integers(0, bank_size, k)]
            batch[:k, 0] ^= 0x0F
            planted += k
            frame = pa.table(
                {
                    "signal_type": pa.array(["pdq"] * n),
                    "signal_str": pa.array(array_to_hexes(batch)),
                    "id": pa.array([f"u{start + i}" for i in range(n)]),
                }
            )
            if writer is None:
                writer = pq.ParquetWriter(table, frame.schema)
            writer.write_table(frame, row_group_size=100_000)
        assert writer is not None
        writer.close()
        output = root / "matches.jsonl"
        read_ns_before = host_read_ns()
        before = cpu_seconds()
        summary = run_scan(
            ScanPlan([str(table)], str(root / "bank"), output), LocalEngine(2), count=False
        )
        client_cpu, workers_cpu = (a - b for a, b in zip(cpu_seconds(), before, strict=True))
        read_ns_after = host_read_ns()
    figures = {
        "rows": rows,
        "bank": bank_size,
        "bank_written_s": round(bank_s, 1),
        "seconds": round(summary.seconds, 1),
        "hashes_per_minute": round(rows / summary.seconds * 60),
        # Contention-robust: what the work costs in CPU time (2 worker processes + client).
        "worker_cpu_s": round(workers_cpu, 1),
        "client_cpu_s": round(client_cpu, 1),
        "hashes_per_cpu_minute": round(rows / max(workers_cpu + client_cpu, 1e-9) * 60),
        "planted": planted,
        "matched_inputs": summary.matched_inputs,
        "load_average": load_average(),
        # The host's random-read cost just before and after (see reads.host_read_ns): the
        # scan is bound by the index's random reads, so its rate moves with this.
        "host_read_ns_1gib": [read_ns_before, read_ns_after],
    }
    print(f"  table: {figures}", flush=True)
    return figures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks scale")
    parser.add_argument("--index-sizes", default="10000000")
    parser.add_argument("--shard-size", type=int, default=2_000_000)
    parser.add_argument("--scan-images", type=int, default=600)
    parser.add_argument("--table-rows", type=int, default=1_000_000)
    parser.add_argument("--table-bank", type=int, default=1_000_000)
    parser.add_argument("--only", default="index,sharded,scan,table")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    results: dict[str, Any] = {"machine": f"{os.cpu_count()} cores", "command": argv}
    if "index" in only:
        results["index"] = bench_index([int(s) for s in args.index_sizes.split(",") if s])
    if "sharded" in only:
        results["sharded"] = bench_sharded(args.shard_size)
    if "scan" in only:
        results["scan"] = bench_scan(args.scan_images)
    if "table" in only:
        results["table"] = bench_table(args.table_rows, args.table_bank)
    if "reads" in only:  # not in the default set: a diagnostic (docs/scale.md)
        from benchmarks.scale.reads import bench_reads

        results["reads"] = bench_reads()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    status = 0
    for figures in results.get("index", []):
        if "error" in figures:
            status = 1
        if figures.get("size") == 100_000_000 and (
            figures.get("rss_gb_with_input", 99) > 16 or figures.get("batched_qps", 0) < 3000
        ):
            status = 1
    if "sharded" in results and not results["sharded"]["same"]:
        status = 1
    if "scan" in results and (results["scan"]["ratio"] < 1.7 or not results["scan"]["same"]):
        status = 1
    if "table" in results and results["table"]["hashes_per_minute"] < 1_000_000:
        status = 1
    return status
