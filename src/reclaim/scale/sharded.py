"""The exact PDQ index sharded over Dask workers, with :class:`PdqIndex`'s interface.

Each shard is a Dask actor holding a :class:`PdqIndex` of the ids ``id mod n == shard``
(:mod:`reclaim.scale.shards` says why round-robin). A shard is built by its worker from the
snapshot file (memory-mapped, read once), saved next to it as ``NAME.shard-i-of-n`` and
re-opened memory-mapped, so the worker's memory holds pages of its own shard only. Queries go
to every shard at once and the answers are merged (sorted by distance, then id): the same
answer as one :class:`PdqIndex` holding everything. Adds and removals go to the shard of each
id; every call waits for the shards' answers, and an actor runs its calls one at a time in
order, so a removal has reached its shard before ``remove`` returns and the next search
cannot see the removed id.

``RECLAIM_MATCH_BACKEND=dask://scheduler:8786`` (or ``dask://local`` for a LocalCluster inside
the server process) makes the match API use it; ``?shards=N`` sets the number of shards
(default: one per worker thread).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
from numpy.typing import NDArray

from reclaim.matching import PDQ_MATCH_THRESHOLD, PdqIndex
from reclaim.scale.shards import ShardAnswer, merge_answers, split_by_shard, to_lists


class PdqShard:
    """One shard, living on a Dask worker (created with ``actor=True``)."""

    def __init__(self, shard: int, shards: int, source: str | None, directory: str | None) -> None:
        self.shard, self.shards = shard, shards
        if source is None:
            self.index = PdqIndex()
            return
        full = PdqIndex.load(source, verify=False)
        hashes, ids = full.live_rows(lambda i: np.mod(i, shards) == shard)
        del full
        built = PdqIndex.build(hashes, ids=ids)
        target = Path(directory or Path(source).parent) / (
            f"{Path(source).name}.shard-{shard}-of-{shards}.{os.getpid()}"
        )
        built.save(target)
        del built, hashes
        self.index = PdqIndex.load(target)  # memory-mapped
        target.unlink()  # the mapping keeps the pages; nothing is left behind on disk

    def search(self, queries: NDArray[np.uint8], radius: int) -> ShardAnswer:
        result = self.index.search_arrays(queries, radius)
        return result.offsets, result.ids, result.distances

    def search_dihedral(self, variants: NDArray[np.uint8], radius: int) -> ShardAnswer:
        lists = self.index.search_dihedral(variants, radius)
        offsets = np.zeros(len(lists) + 1, np.int64)
        np.cumsum([len(x) for x in lists], out=offsets[1:])
        ids = np.array([i for x in lists for i, _ in x], np.int64)
        distances = np.array([d for x in lists for _, d in x], np.int64)
        return offsets, ids, distances

    def add(self, hashes: NDArray[np.uint8], ids: NDArray[np.int64]) -> int:
        return int(self.index.add(hashes, ids).shape[0])

    def remove(self, ids: NDArray[np.int64]) -> int:
        return self.index.remove(ids)

    def size(self) -> int:
        return len(self.index)

    def live_rows(self) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
        return self.index.live_rows()


class DaskPdqIndex:
    """A sharded :class:`PdqIndex` (same search results, adds and removals)."""

    def __init__(self, client: Any, actors: Sequence[Any], cluster: Any = None) -> None:
        self.client = client
        self.actors = list(actors)
        self._cluster = cluster

    @classmethod
    def create(
        cls,
        client: Any,
        *,
        shards: int | None = None,
        snapshot: str | os.PathLike[str] | None = None,
        directory: str | None = None,
        cluster: Any = None,
    ) -> DaskPdqIndex:
        """Shards on the client's workers (round-robin), each built from ``snapshot`` (a
        :meth:`PdqIndex.save` file every worker can read) or empty."""
        workers = sorted(client.scheduler_info()["workers"])
        if not workers:
            raise RuntimeError("the Dask cluster has no workers")
        n = shards or max(1, sum(client.nthreads().values()))
        source = None if snapshot is None else str(snapshot)
        futures = [
            client.submit(
                PdqShard, i, n, source, directory, actor=True, workers=[workers[i % len(workers)]]
            )
            for i in range(n)
        ]
        return cls(client, [f.result() for f in futures], cluster)

    @classmethod
    def from_backend(cls, backend: str, snapshot: Path | None = None) -> DaskPdqIndex:
        """From a ``dask://host:port[?shards=N]`` or ``dask://local[?shards=N&workers=N]``."""
        from distributed import Client, LocalCluster

        parts = urlsplit(backend)
        if parts.scheme != "dask" or not parts.netloc:
            raise ValueError(f"{backend!r}: expected dask://host:port or dask://local")
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        shards = int(options["shards"]) if "shards" in options else None
        cluster = None
        if parts.netloc == "local":
            cluster = LocalCluster(
                n_workers=int(options.get("workers", 2)),
                threads_per_worker=1,
                processes=False,
                dashboard_address=None,
            )
            client = Client(cluster)
        else:
            client = Client(f"tcp://{parts.netloc}")
        usable = snapshot if snapshot is not None and snapshot.exists() else None
        return cls.create(client, shards=shards, snapshot=usable, cluster=cluster)

    # -- PdqIndex's interface -------------------------------------------------------------

    def search_arrays_merged(self, queries: NDArray[np.uint8], radius: int) -> ShardAnswer:
        q = np.ascontiguousarray(np.asarray(queries, np.uint8).reshape(-1, 32))
        pending = [actor.search(q, radius) for actor in self.actors]
        return merge_answers([p.result() for p in pending], int(q.shape[0]))

    def search(
        self, queries: NDArray[np.uint8], max_distance: int = PDQ_MATCH_THRESHOLD
    ) -> list[list[tuple[int, int]]]:
        return to_lists(self.search_arrays_merged(queries, max_distance))

    def search_dihedral(
        self, variants: NDArray[np.uint8], max_distance: int = PDQ_MATCH_THRESHOLD
    ) -> list[list[tuple[int, int]]]:
        v = np.asarray(variants, np.uint8)
        if v.ndim == 2:
            v = v.reshape(1, *v.shape)
        pending = [actor.search_dihedral(v, max_distance) for actor in self.actors]
        return to_lists(merge_answers([p.result() for p in pending], int(v.shape[0])))

    def add(
        self, hashes: NDArray[np.uint8], ids: NDArray[np.int64] | Sequence[int] | None = None
    ) -> NDArray[np.int64]:
        if ids is None:
            raise ValueError("a sharded index needs explicit ids")
        id_arr = np.asarray(ids, np.int64)
        rows = np.asarray(hashes, np.uint8).reshape(-1, 32)
        pending = [
            self.actors[s].add(rows[positions], id_arr[positions])
            for s, positions in enumerate(split_by_shard(id_arr, len(self.actors)))
            if positions.shape[0]
        ]
        for p in pending:
            p.result()
        return id_arr

    def remove(self, ids: NDArray[np.int64] | Sequence[int] | int) -> int:
        id_arr = np.atleast_1d(np.asarray(ids, np.int64))
        pending = [
            self.actors[s].remove(id_arr[positions])
            for s, positions in enumerate(split_by_shard(id_arr, len(self.actors)))
            if positions.shape[0]
        ]
        return sum(int(p.result()) for p in pending)

    def __len__(self) -> int:
        return sum(int(p.result()) for p in [a.size() for a in self.actors])

    def save(self, path: str | os.PathLike[str]) -> None:
        """Gather every shard's rows into one :class:`PdqIndex` snapshot file."""
        parts = [p.result() for p in [a.live_rows() for a in self.actors]]
        hashes = np.concatenate([h for h, _ in parts]) if parts else np.zeros((0, 32), np.uint8)
        ids = np.concatenate([i for _, i in parts]) if parts else np.zeros(0, np.int64)
        PdqIndex.build(hashes, ids=ids).save(path)

    def close(self) -> None:
        self.actors = []
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
