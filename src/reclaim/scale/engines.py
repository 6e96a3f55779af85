"""Engines run chunks: a local process pool (default) or Dask (LocalCluster or a cluster).

Both keep at most ``2 x workers`` chunks in flight and take the next chunk from the (lazy)
plan only when one finishes, so memory stays flat however many inputs there are. Results come
back in completion order; the runner does not need them in order (the checkpoint records
which chunks are done).

If a decoder crashes a worker process (a hostile file), the chunks that were in flight are
run again file by file in fresh processes, so only the culprit is reported (``crashed``).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from reclaim.scale.plan import Chunk
from reclaim.scale.work import ChunkResult, ScanOptions, run_chunk

CRASHED = {
    "code": "crashed",
    "message": "The decoder crashed on this file (it is probably damaged or hostile).",
}


def available_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _spawn_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def _merge(index: int, parts: list[ChunkResult]) -> ChunkResult:
    merged = ChunkResult(index, sum(p.inputs for p in parts))
    for part in parts:
        merged.matches.extend(part.matches)
        merged.errors.extend(part.errors)
    return merged


def _isolated(chunk: Chunk, bank: str, options: ScanOptions) -> ChunkResult:
    """Run a chunk file by file, each in a fresh process."""
    if chunk.kind != "files":
        with _spawn_pool(1) as pool:
            return pool.submit(run_chunk, chunk, bank, options).result()
    parts = []
    for path in chunk.files:
        single = Chunk(chunk.index, "files", files=(path,))
        with _spawn_pool(1) as pool:
            try:
                parts.append(pool.submit(run_chunk, single, bank, options).result())
            except BrokenProcessPool:
                parts.append(ChunkResult(chunk.index, 1, errors=[{"path": path, "error": CRASHED}]))
    return _merge(chunk.index, parts)


class LocalEngine:
    """A pool of spawned processes on this machine (``workers=1``: in this process)."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or available_workers())

    def describe(self) -> str:
        return f"local, {self.workers} process{'es' if self.workers > 1 else ''}"

    def run(
        self, chunks: Iterator[Chunk], bank: str, options: ScanOptions
    ) -> Iterator[ChunkResult]:
        if self.workers == 1:
            for chunk in chunks:
                yield run_chunk(chunk, bank, options)
            return
        limit = 2 * self.workers
        pool = _spawn_pool(self.workers)
        pending: dict[Future[ChunkResult], Chunk] = {}
        try:
            exhausted = False
            while True:
                while not exhausted and len(pending) < limit:
                    following = next(chunks, None)
                    if following is None:
                        exhausted = True
                        break
                    pending[pool.submit(run_chunk, following, bank, options)] = following
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                broken: list[Chunk] = []
                for future in done:
                    chunk = pending.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        broken.append(chunk)
                if broken:
                    broken.extend(pending.values())
                    pending.clear()
                    pool.shutdown(cancel_futures=True)
                    for chunk in sorted(broken, key=lambda c: c.index):
                        yield _isolated(chunk, bank, options)
                    pool = _spawn_pool(self.workers)
        finally:
            pool.shutdown(cancel_futures=True)

    def close(self) -> None:
        return None


class DaskEngine:
    """Dask distributed: a scheduler's address, or a LocalCluster made here."""

    name = "dask"

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int | None = None,
        *,
        processes: bool = True,
        client: Any = None,
    ) -> None:
        from distributed import Client, LocalCluster

        self._cluster: Any = None
        if client is not None:
            self.client = client
            self._owns_client = False
        elif scheduler:
            self.client = Client(scheduler)
            self._owns_client = True
        else:
            self._cluster = LocalCluster(
                n_workers=max(1, workers or available_workers()),
                threads_per_worker=1,
                processes=processes,
                dashboard_address=None,
                **({"host": "127.0.0.1"} if processes else {}),  # in-process: no sockets
            )
            self.client = Client(self._cluster)
            self._owns_client = True
        self.workers = max(1, sum(self.client.nthreads().values()))

    def describe(self) -> str:
        where = "LocalCluster" if self._cluster is not None else self.client.scheduler.address
        return f"dask ({where}), {self.workers} worker thread{'s' if self.workers > 1 else ''}"

    def run(
        self, chunks: Iterator[Chunk], bank: str, options: ScanOptions
    ) -> Iterator[ChunkResult]:
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        limit = 2 * self.workers
        submitted: dict[str, Chunk] = {}

        def submit(chunk: Chunk) -> Any:
            future = self.client.submit(run_chunk, chunk, bank, options, pure=False)
            submitted[future.key] = chunk
            return future

        initial = []
        for _ in range(limit):
            chunk = next(chunks, None)
            if chunk is None:
                break
            initial.append(submit(chunk))
        if not initial:
            return
        queue = as_completed(initial)
        for future in queue:
            chunk = submitted.pop(future.key)
            try:
                result: ChunkResult = future.result()
            except KilledWorker:
                result = self._isolated(chunk, bank, options)
            future.release()
            yield result
            following = next(chunks, None)
            if following is not None:
                queue.add(submit(following))

    def _isolated(self, chunk: Chunk, bank: str, options: ScanOptions) -> ChunkResult:
        from distributed.scheduler import KilledWorker

        if chunk.kind != "files":
            raise RuntimeError(f"chunk {chunk.index} keeps killing Dask workers")
        parts = []
        for path in chunk.files:
            single = Chunk(chunk.index, "files", files=(path,))
            future = self.client.submit(run_chunk, single, bank, options, pure=False, retries=0)
            try:
                parts.append(future.result())
            except KilledWorker:
                parts.append(ChunkResult(chunk.index, 1, errors=[{"path": path, "error": CRASHED}]))
        return _merge(chunk.index, parts)

    def close(self) -> None:
        if self._owns_client:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()
