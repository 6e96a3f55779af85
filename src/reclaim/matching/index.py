"""PdqIndex: exact Hamming range search over PDQ hashes, with live adds, removals and snapshots.

Structure (details in docs/matching.md):

* **segments**: immutable multi-index segments (:mod:`reclaim.matching._segment`); the first one is
  usually the bulk-built or snapshot-loaded base, memory-mapped and shared between processes;
* **delta**: an append-only buffer of recent adds, searched by exact scan; when it reaches
  ``delta_limit`` rows it is sealed into a new segment, and a newer segment is merged into the
  one before it while that older one is less than ``merge_ratio`` times its size (so there are
  O(log n) segments and every hash is re-indexed O(log n) times);
* **tombstones**: a removal flags the row in its segment (or the delta) and the very next search
  skips it; :meth:`PdqIndex.compact` rewrites everything without the removed rows.

Searches never take the write lock for longer than it takes to copy a few references, so they
run concurrently with each other (the numba kernels release the GIL) and with writers.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
from numpy.typing import NDArray

from reclaim.matching import _kernels
from reclaim.matching._layout import BITS, Layout
from reclaim.matching._segment import (
    EMPTY_ROWS,
    Rows,
    Segment,
    aligned_copy,
    aligned_empty,
    compact_ids,
    sort_by_id,
)
from reclaim.matching._snapshot import read_snapshot, write_snapshot
from reclaim.matching.errors import SnapshotCorruptError
from reclaim.matching.pdq import PDQ_BYTES, PDQ_MATCH_THRESHOLD, as_hash_array, words

SNAPSHOT_KIND = "reclaim.matching.PdqIndex"
DEFAULT_DELTA_LIMIT = 8_192
DEFAULT_MERGE_RATIO = 2.0
# Below this many queries a batch runs on the calling thread.
_PARALLEL_MIN_QUERIES = 16

Match = tuple[int, int]  # (id, distance)
Strategy = Literal["auto", "index", "batch", "scan"]
_T = TypeVar("_T")
_R = TypeVar("_R")

_executor_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_executor_pid = 0


def available_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _pool() -> ThreadPoolExecutor:
    """Process-wide worker threads (re-created in a forked child, whose copy has no threads)."""
    global _executor, _executor_pid
    with _executor_lock:
        if _executor is None or _executor_pid != os.getpid():
            _executor = ThreadPoolExecutor(
                max_workers=available_cpus(), thread_name_prefix="reclaim-matching"
            )
            _executor_pid = os.getpid()
        return _executor


def _parallel_map(fn: Callable[[_T], _R], items: Sequence[_T], threads: int) -> list[_R]:
    if threads <= 1 or len(items) <= 1:
        return [fn(item) for item in items]
    return list(_pool().map(fn, items))


@dataclass(frozen=True)
class SearchResult:
    """Search results in compressed form: query ``q`` owns rows ``offsets[q]:offsets[q + 1]``,
    sorted by distance then id."""

    offsets: NDArray[np.int64]
    ids: NDArray[np.int64]
    distances: NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.offsets.shape[0] - 1)

    def to_lists(self) -> list[list[Match]]:
        ids = self.ids.tolist()
        dists = self.distances.tolist()
        bounds = self.offsets.tolist()
        return [list(zip(ids[a:b], dists[a:b], strict=True)) for a, b in itertools.pairwise(bounds)]


def _rows_to_result(rows: Rows, nq: int) -> SearchResult:
    counts = np.bincount(rows[:, 0], minlength=nq) if rows.shape[0] else np.zeros(nq, np.int64)
    offsets = np.zeros(nq + 1, np.int64)
    np.cumsum(counts, out=offsets[1:])
    return SearchResult(offsets, np.ascontiguousarray(rows[:, 1]), np.ascontiguousarray(rows[:, 2]))


def _sort_rows(rows: Rows) -> Rows:
    """Sort rows by (query, distance, id)."""
    if rows.shape[0] <= 1:
        return rows
    order = np.lexsort((rows[:, 1], rows[:, 2], rows[:, 0]))
    out: Rows = rows[order]
    return out


def _as_ids(ids: object, name: str = "ids") -> NDArray[np.int64]:
    arr = np.asarray(ids)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    if arr.size == 0:
        return np.empty(0, np.int64)
    if arr.dtype.kind not in "iu" or (arr.dtype.kind == "u" and arr.dtype.itemsize >= 8):
        if arr.dtype.kind == "u" and bool(np.all(arr <= np.iinfo(np.int64).max)):
            return arr.astype(np.int64)
        raise TypeError(f"{name} must be integers (int64), got dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False)


def _check_radius(max_distance: int) -> int:
    if isinstance(max_distance, bool) or not isinstance(max_distance, int | np.integer):
        raise TypeError("max_distance must be an integer")
    r = int(max_distance)
    if not 0 <= r <= BITS:
        raise ValueError(f"max_distance must be between 0 and {BITS}, got {r}")
    return r


class _Delta:
    """Append-only buffer of recent adds (searched by exact scan). Growth reallocates, so a
    search holding the old arrays keeps a consistent view."""

    __slots__ = ("dead", "hashes", "ids", "n", "n_dead", "where")

    def __init__(self, capacity: int = 1024) -> None:
        self.hashes = np.zeros((capacity, PDQ_BYTES), np.uint8)
        self.ids = np.zeros(capacity, np.int64)
        self.dead = np.zeros(capacity, np.uint8)
        self.n = 0
        self.n_dead = 0
        self.where: dict[int, int] = {}

    def append(self, hashes: NDArray[np.uint8], ids: NDArray[np.int64]) -> None:
        k = int(hashes.shape[0])
        need = self.n + k
        if need > self.hashes.shape[0]:
            cap = max(need, 2 * self.hashes.shape[0])
            for name in ("hashes", "ids", "dead"):
                old = getattr(self, name)
                new = np.zeros((cap, *old.shape[1:]), old.dtype)
                new[: self.n] = old[: self.n]
                setattr(self, name, new)
        self.hashes[self.n : need] = hashes
        self.ids[self.n : need] = ids
        for offset, i in enumerate(ids.tolist()):
            self.where[i] = self.n + offset
        self.n = need

    @property
    def live(self) -> int:
        return self.n - self.n_dead

    def live_rows(self) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
        keep = self.dead[: self.n] == 0
        return np.ascontiguousarray(self.hashes[: self.n][keep]), self.ids[: self.n][keep]


@dataclass(frozen=True)
class _View:
    segments: tuple[Segment, ...]
    delta_words: NDArray[np.uint64]
    delta_ids: NDArray[np.int64]
    delta_dead: NDArray[np.uint8]


@dataclass(frozen=True)
class IndexStats:
    """Sizes of an index: live hashes, removed-but-still-stored rows, memory by part."""

    live: int
    removed: int
    segments: tuple[int, ...]
    delta: int
    nbytes: int
    tables: tuple[int, ...]


class PdqIndex:
    """Exact Hamming range search over 256-bit PDQ hashes.

    Every hash has an ``int64`` id; without explicit ids, rows get consecutive ids starting at 0
    (``build``) or after the largest id ever used (``add``). Ids of live hashes are unique.
    """

    def __init__(
        self,
        *,
        delta_limit: int = DEFAULT_DELTA_LIMIT,
        merge_ratio: float = DEFAULT_MERGE_RATIO,
        threads: int | None = None,
    ) -> None:
        if delta_limit < 1:
            raise ValueError("delta_limit must be positive")
        if merge_ratio < 1.0:
            raise ValueError("merge_ratio must be at least 1")
        self._lock = threading.RLock()  # state: held only for short, O(batch) work
        self._maintenance = threading.Lock()  # one seal / merge / compaction at a time
        self._segments: list[Segment] = []
        self._delta = _Delta()
        self._next_id = 0
        self.delta_limit = delta_limit
        self.merge_ratio = merge_ratio
        self.threads = threads if threads is not None else available_cpus()

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        hashes: NDArray[np.uint8],
        ids: NDArray[np.int64] | Sequence[int] | None = None,
        *,
        layout: Layout | None = None,
        copy: bool = True,
        **options: Any,
    ) -> PdqIndex:
        """Index ``hashes`` ((N, 32) uint8); row ``i`` gets id ``i`` unless ``ids`` are given.

        With ``copy=False`` the index keeps a reference to ``hashes`` when it is already a
        C-contiguous uint8 array in id order (saves memory; the caller must not modify it).
        ``options`` are passed to the constructor (``delta_limit``, ``merge_ratio``,
        ``threads``); ``layout`` overrides the automatic choice of tables.
        """
        index = cls(**options)
        arr = as_hash_array(hashes)
        owned = not np.may_share_memory(arr, np.asarray(hashes))
        if copy and not owned:
            arr = aligned_copy(arr)
            owned = True
        if arr.shape[0] == 0:
            return index
        id_arr = np.arange(arr.shape[0], dtype=np.int64) if ids is None else _as_ids(ids)
        if id_arr.shape[0] != arr.shape[0]:
            raise ValueError(f"{arr.shape[0]} hashes but {id_arr.shape[0]} ids")
        index._segments.append(index._new_segment(arr, id_arr, layout, owned=owned))
        index._next_id = int(id_arr.max()) + 1
        return index

    def _new_segment(
        self,
        hashes: NDArray[np.uint8],
        ids: NDArray[np.int64],
        layout: Layout | None = None,
        *,
        owned: bool = True,
    ) -> Segment:
        def map_fn(fn: Callable[[int], Any], items: Iterable[int]) -> list[Any]:
            return _parallel_map(fn, list(items), self.threads)

        return Segment.build(hashes, ids, layout, map_fn=map_fn, owned=owned)

    # -- mutation -----------------------------------------------------------------------------

    def add(
        self,
        hashes: NDArray[np.uint8],
        ids: NDArray[np.int64] | Sequence[int] | None = None,
    ) -> NDArray[np.int64]:
        """Add hashes; returns their ids. Visible to the next search.

        Raises ValueError if an id is repeated or already live in the index.
        """
        arr = as_hash_array(hashes)
        k = int(arr.shape[0])
        with self._lock:
            if ids is None:
                id_arr = np.arange(self._next_id, self._next_id + k, dtype=np.int64)
            else:
                id_arr = _as_ids(ids)
                if id_arr.shape[0] != k:
                    raise ValueError(f"{k} hashes but {id_arr.shape[0]} ids")
                if k > 1 and np.unique(id_arr).shape[0] != k:
                    raise ValueError("ids must be unique")
                live = self._live_mask(id_arr)
                if bool(live.any()):
                    dup = id_arr[live][:5].tolist()
                    raise ValueError(f"ids already in the index: {dup}")
            if k == 0:
                return id_arr
            self._delta.append(arr, id_arr)
            self._next_id = max(self._next_id, int(id_arr.max()) + 1)
            full = self._delta.n >= self.delta_limit
        if full:
            self._maintain(wait=False)
        return id_arr

    def remove(self, ids: NDArray[np.int64] | Sequence[int] | int) -> int:
        """Remove hashes by id (unknown or already removed ids are ignored); returns how many
        were removed. The very next search no longer returns them."""
        id_arr = _as_ids(ids)
        if id_arr.size == 0:
            return 0
        removed = 0
        with self._lock:
            for seg in self._segments:
                pos = seg.positions_of(id_arr)
                removed += seg.kill(pos[pos >= 0])
            delta = self._delta
            for i in id_arr.tolist():
                p = delta.where.pop(i, None)
                if p is not None and delta.dead[p] == 0:
                    delta.dead[p] = 1
                    delta.n_dead += 1
                    removed += 1
        return removed

    def _live_mask(self, id_arr: NDArray[np.int64]) -> NDArray[np.bool_]:
        live = np.zeros(id_arr.shape[0], np.bool_)
        for seg in self._segments:
            live |= seg.positions_of(id_arr) >= 0
        where = self._delta.where
        if where:
            live |= np.fromiter((i in where for i in id_arr.tolist()), np.bool_, id_arr.shape[0])
        return live

    def __contains__(self, item: object) -> bool:
        if isinstance(item, bool) or not isinstance(item, int | np.integer):
            return False
        with self._lock:
            return bool(self._live_mask(np.array([int(item)], np.int64))[0])

    def _maintain(self, *, wait: bool) -> None:
        """Seal a full delta into a segment, then merge the newest segments while the older of
        the two is less than ``merge_ratio`` times the newer (and drop emptied segments).

        One maintainer at a time; with ``wait=False`` (from ``add``) a thread that finds another
        maintainer at work leaves it to that one, which re-checks before it stops.
        """
        if not self._maintenance.acquire(blocking=wait):
            return
        try:
            while True:
                with self._lock:
                    targets: tuple[Segment, ...] | None = None
                    with_delta = self._delta.n >= self.delta_limit
                    if not with_delta:
                        segs = self._segments
                        empty = [seg for seg in segs if seg.live == 0]
                        if empty:
                            targets = (empty[0],)
                        elif len(segs) >= 2 and segs[-2].live < self.merge_ratio * segs[-1].live:
                            targets = (segs[-2], segs[-1])
                        else:
                            return
                self._rebuild(targets or (), with_delta=with_delta)
        finally:
            self._maintenance.release()

    def _rebuild(self, targets: tuple[Segment, ...], *, with_delta: bool) -> None:
        """Replace ``targets`` (consecutive segments; none: append) and, optionally, the rows of
        the delta, by one new segment of their live rows (caller holds the maintenance lock).

        The build runs outside the state lock: searches, adds and removals go on meanwhile.
        Removals that land during the build are re-applied to the new segment; rows added to
        the delta during the build stay in the delta.
        """
        with self._lock:
            before = [seg.dead.copy() for seg in targets]
            delta = self._delta
            n0 = delta.n if with_delta else 0
            d_before = delta.dead[:n0].copy()
            d_hashes = delta.hashes[:n0]
            d_ids = delta.ids[:n0]
        hashes = [seg.hashes[b == 0] for seg, b in zip(targets, before, strict=True)]
        ids = [seg.all_ids()[b == 0] for seg, b in zip(targets, before, strict=True)]
        hashes.append(d_hashes[d_before == 0])
        ids.append(d_ids[d_before == 0])
        all_hashes = aligned_empty((sum(h.shape[0] for h in hashes), PDQ_BYTES), np.uint8)
        np.concatenate(hashes, out=all_hashes)
        all_ids = np.concatenate(ids)
        del hashes, ids
        new = self._new_segment(all_hashes, all_ids) if all_ids.shape[0] else None
        del all_hashes, all_ids
        with self._lock:
            gone = [
                seg.all_ids()[(seg.dead != 0) & (b == 0)]
                for seg, b in zip(targets, before, strict=True)
            ]
            gone.append(d_ids[(delta.dead[:n0] != 0) & (d_before == 0)])
            gone_ids = np.concatenate(gone)
            if new is not None and gone_ids.shape[0]:
                pos = new.positions_of(gone_ids)
                new.kill(pos[pos >= 0])
            replacement = [new] if new is not None else []
            if targets:
                at = next(i for i, seg in enumerate(self._segments) if seg is targets[0])
                self._segments[at : at + len(targets)] = replacement
            else:
                self._segments.extend(replacement)
            if with_delta:
                assert self._delta is delta  # only a maintainer replaces the delta
                rest = slice(n0, delta.n)
                keep = delta.dead[rest] == 0
                fresh = _Delta()
                fresh.append(delta.hashes[rest][keep], delta.ids[rest][keep])
                self._delta = fresh

    def flush(self) -> None:
        """Seal the delta into a segment now (normally automatic at ``delta_limit`` rows)."""
        with self._maintenance:
            if self._delta.n:
                self._rebuild((), with_delta=True)

    def compact(self) -> None:
        """Rebuild everything into one segment without removed rows (a full build, which runs
        while searches, adds and removals go on; adds made meanwhile stay in the delta)."""
        with self._maintenance:
            with self._lock:
                targets = tuple(self._segments)
            self._rebuild(targets, with_delta=True)

    # -- search -------------------------------------------------------------------------------

    def _view(self) -> _View:
        with self._lock:
            d = self._delta
            n = d.n
            return _View(tuple(self._segments), words(d.hashes[:n]), d.ids[:n], d.dead[:n])

    def _search_rows(
        self, queries: NDArray[np.uint8], radius: int, threads: int | None, strategy: str
    ) -> Rows:
        qw = words(queries)
        view = self._view()
        nq = int(qw.shape[0])
        nthreads = self.threads if threads is None else max(1, threads)
        if nq < _PARALLEL_MIN_QUERIES:
            nthreads = 1

        def run(bounds: tuple[int, int]) -> Rows:
            lo, hi = bounds
            part = qw[lo:hi]
            out: list[Rows] = []
            for seg in view.segments:
                if seg.live == 0:
                    continue
                rows = seg.search(part, radius, lo, strategy)
                if rows.shape[0]:
                    out.append(rows)
            if view.delta_words.shape[0]:
                rows = _kernels.scan_search(part, view.delta_words, view.delta_dead, radius, lo)
                if rows.shape[0]:
                    rows[:, 1] = view.delta_ids[rows[:, 1]]
                    out.append(rows)
            if not out:
                return EMPTY_ROWS
            return out[0] if len(out) == 1 else np.concatenate(out)

        if nq == 0:
            return EMPTY_ROWS
        # Four chunks a thread balance the threads; the batched kernel wants big batches, so
        # where it runs each thread takes one chunk.
        batched = any(seg.batches(nq // nthreads, strategy) for seg in view.segments)
        per_thread = 1 if batched else 4
        nchunks = 1 if nthreads == 1 else min(nq, per_thread * nthreads)
        edges = [nq * c // nchunks for c in range(nchunks + 1)]
        chunks = [(a, b) for a, b in itertools.pairwise(edges) if b > a]
        results = _parallel_map(run, chunks, nthreads)
        results = [r for r in results if r.shape[0]]
        if not results:
            return EMPTY_ROWS
        rows = results[0] if len(results) == 1 else np.concatenate(results)
        return rows

    def search_arrays(
        self,
        queries: NDArray[np.uint8],
        max_distance: int = PDQ_MATCH_THRESHOLD,
        *,
        threads: int | None = None,
        strategy: Strategy = "auto",
    ) -> SearchResult:
        """Like :meth:`search`, in compressed numpy form (no per-match Python objects).

        ``strategy`` is for tests and benchmarks: "auto" lets the cost model choose per segment
        between the multi-index and an exact scan (and, for a big segment and a batch of 64
        queries or more, the batched multi-index kernel); "index" forces the per-query
        multi-index and "batch" the batched one (below radius 256); "scan" compares the query
        with every stored hash (the brute-force oracle). All give the same result.
        """
        if strategy not in ("auto", "index", "batch", "scan"):
            raise ValueError(f"unknown strategy {strategy!r}")
        q = as_hash_array(queries, "queries")
        radius = _check_radius(max_distance)
        rows = _sort_rows(self._search_rows(q, radius, threads, strategy))
        return _rows_to_result(rows, int(q.shape[0]))

    def search(
        self,
        queries: NDArray[np.uint8],
        max_distance: int = PDQ_MATCH_THRESHOLD,
        *,
        threads: int | None = None,
    ) -> list[list[Match]]:
        """For each query row ((Q, 32) or (32,) uint8), every stored ``(id, distance)`` with
        ``distance <= max_distance`` (0..256), sorted by distance then id. Exact: the result is
        the same as comparing the query with every stored hash."""
        return self.search_arrays(queries, max_distance, threads=threads).to_lists()

    def search_dihedral(
        self,
        variants: NDArray[np.uint8],
        max_distance: int = PDQ_MATCH_THRESHOLD,
        *,
        threads: int | None = None,
    ) -> list[list[Match]]:
        """Search several variants of each query (shape (Q, V, 32), e.g. V = 8 PDQ dihedral
        hashes computed from the same DCT) and report, per query, each matched id once with
        its smallest distance over the variants; sorted by distance then id."""
        arr = np.asarray(variants)
        if arr.dtype != np.uint8:
            raise TypeError(f"variants must be a numpy uint8 array, got dtype {arr.dtype}")
        if arr.ndim == 2:
            arr = arr.reshape(1, *arr.shape)
        if arr.ndim != 3 or arr.shape[2] != PDQ_BYTES or arr.shape[1] == 0:
            raise ValueError(f"variants must have shape (Q, V, {PDQ_BYTES}), got {arr.shape}")
        nq, nv = int(arr.shape[0]), int(arr.shape[1])
        flat = np.ascontiguousarray(arr.reshape(nq * nv, PDQ_BYTES))
        radius = _check_radius(max_distance)
        rows = self._search_rows(flat, radius, threads, "auto")
        if rows.shape[0]:
            rows[:, 0] //= nv
            order = np.lexsort((rows[:, 2], rows[:, 1], rows[:, 0]))
            rows = rows[order]
            keep = _kernels.best_per_id(rows[:, 0], rows[:, 1], rows[:, 2])
            rows = _sort_rows(rows[keep])
        return _rows_to_result(rows, nq).to_lists()

    # -- information --------------------------------------------------------------------------

    def __len__(self) -> int:
        with self._lock:
            return sum(s.live for s in self._segments) + self._delta.live

    @property
    def next_id(self) -> int:
        """The id the next ``add`` without explicit ids starts from."""
        return self._next_id

    def stats(self) -> IndexStats:
        with self._lock:
            d = self._delta
            nbytes = sum(s.nbytes for s in self._segments)
            nbytes += d.hashes.nbytes + d.ids.nbytes + d.dead.nbytes
            return IndexStats(
                live=len(self),
                removed=sum(s.n_dead for s in self._segments) + d.n_dead,
                segments=tuple(s.n for s in self._segments),
                delta=d.n,
                nbytes=int(nbytes),
                tables=tuple(s.layout.tables for s in self._segments),
            )

    def get_hashes(self, ids: NDArray[np.int64] | Sequence[int]) -> NDArray[np.uint8]:
        """Stored hashes of live ids (KeyError if one is not live)."""
        id_arr = _as_ids(ids)
        out = np.zeros((id_arr.shape[0], PDQ_BYTES), np.uint8)
        found = np.zeros(id_arr.shape[0], np.bool_)
        with self._lock:
            for seg in self._segments:
                pos = seg.positions_of(id_arr)
                hit = pos >= 0
                out[hit] = seg.hashes[pos[hit]]
                found |= hit
            for j, i in enumerate(id_arr.tolist()):
                p = self._delta.where.get(i)
                if p is not None:
                    out[j] = self._delta.hashes[p]
                    found[j] = True
        if not bool(found.all()):
            raise KeyError(id_arr[~found][:5].tolist())
        return out

    def live_rows(
        self, select: Callable[[NDArray[np.int64]], NDArray[np.bool_]] | None = None
    ) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
        """Copies of the live hashes and their ids (optionally only ids where ``select(ids)``
        is true), segment by segment, so a subset of a memory-mapped index costs only its
        own size. Used to split an index into shards."""
        with self._lock:
            parts = [(seg, seg.dead.copy()) for seg in self._segments]
            d_hashes, d_ids = self._delta.live_rows()
        hashes, ids = [], []
        for seg, dead in parts:
            seg_ids = seg.all_ids()
            keep = dead == 0
            if select is not None:
                keep &= select(seg_ids)
            hashes.append(np.asarray(seg.hashes[keep]))
            ids.append(seg_ids[keep])
        keep_delta = np.ones(d_ids.shape[0], np.bool_) if select is None else select(d_ids)
        hashes.append(d_hashes[keep_delta])
        ids.append(d_ids[keep_delta])
        return (
            np.ascontiguousarray(np.concatenate(hashes)).astype(np.uint8, copy=False),
            np.concatenate(ids).astype(np.int64, copy=False),
        )

    # -- persistence --------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write a versioned snapshot file (atomic replace; see docs/matching.md)."""
        arrays: dict[str, NDArray[Any]] = {}
        with self._lock:
            segs = []
            for i, seg in enumerate(self._segments):
                arrays[f"s{i}.hashes"] = seg.hashes
                arrays[f"s{i}.dead"] = seg.dead.copy()
                arrays[f"s{i}.directory"] = seg.directory
                arrays[f"s{i}.entries"] = seg.entries
                if seg.ids is not None:
                    arrays[f"s{i}.ids"] = seg.ids
                segs.append(
                    {
                        "n": seg.n,
                        "id_start": seg.id_start,
                        "explicit_ids": seg.ids is not None,
                        "layout": seg.layout.to_json(),
                    }
                )
            d = self._delta
            arrays["delta.hashes"] = d.hashes[: d.n].copy()
            arrays["delta.ids"] = d.ids[: d.n].copy()
            arrays["delta.dead"] = d.dead[: d.n].copy()
            meta = {
                "kind": SNAPSHOT_KIND,
                "next_id": self._next_id,
                "delta_limit": self.delta_limit,
                "merge_ratio": self.merge_ratio,
                "segments": segs,
                "delta_n": d.n,
            }
        write_snapshot(Path(path), meta, arrays)  # outside the lock: arrays are immutable/copies

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        verify: bool = True,
        mmap: bool = True,
        threads: int | None = None,
    ) -> PdqIndex:
        """Open a snapshot written by :meth:`save`.

        With ``mmap`` (default) the stored arrays are read-only views of a shared file mapping
        (several processes share the pages); only tombstones and the delta are copied. With
        ``verify`` (default) every array's CRC-32 is checked first. Raises a
        :class:`~reclaim.matching.errors.SnapshotError` subclass on a foreign, wrong-version,
        truncated or corrupt file.
        """
        p = Path(path)
        meta, arrays = read_snapshot(p, verify=verify, use_mmap=mmap)
        try:
            return cls._from_snapshot(meta, arrays, threads)
        except (KeyError, TypeError, ValueError) as exc:
            raise SnapshotCorruptError(f"{p}: inconsistent snapshot ({exc})") from exc

    @classmethod
    def _from_snapshot(
        cls, meta: dict[str, Any], arrays: dict[str, NDArray[Any]], threads: int | None
    ) -> PdqIndex:
        if meta.get("kind") != SNAPSHOT_KIND:
            raise ValueError(f"not a PdqIndex snapshot (kind {meta.get('kind')!r})")
        index = cls(
            delta_limit=int(meta["delta_limit"]),
            merge_ratio=float(meta["merge_ratio"]),
            threads=threads,
        )
        for i, spec in enumerate(meta["segments"]):
            n = int(spec["n"])
            hashes = arrays[f"s{i}.hashes"]
            ids: NDArray[np.int64] | None = None
            if spec["explicit_ids"]:
                ids = arrays[f"s{i}.ids"]
                if ids.shape != (n,) or (n > 1 and not bool(np.all(np.diff(ids) > 0))):
                    raise ValueError(f"segment {i} ids are not sorted and unique")
                _, first = compact_ids(ids)
                if first != int(spec["id_start"]):
                    raise ValueError(f"segment {i} id start does not match its ids")
            seg = Segment(
                hashes=hashes,
                ids=ids,
                id_start=int(spec["id_start"]),
                dead=np.array(arrays[f"s{i}.dead"], np.uint8),  # private, writable copy
                layout=Layout.from_json(spec["layout"]),
                directory=arrays[f"s{i}.directory"],
                entries=arrays[f"s{i}.entries"],
            )
            if seg.n != n:
                raise ValueError(f"segment {i} has {seg.n} rows, header says {n}")
            index._segments.append(seg)
        dn = int(meta["delta_n"])
        d_hashes = arrays["delta.hashes"]
        d_ids = arrays["delta.ids"]
        d_dead = arrays["delta.dead"]
        if d_hashes.shape != (dn, PDQ_BYTES) or d_ids.shape != (dn,) or d_dead.shape != (dn,):
            raise ValueError("delta arrays do not match the header")
        if dn:
            delta = index._delta
            delta.append(np.array(d_hashes), np.array(d_ids))
            delta.dead[:dn] = d_dead
            delta.n_dead = int(np.count_nonzero(d_dead))
            alive = np.flatnonzero(d_dead == 0).tolist()
            delta.where = dict(zip(d_ids[alive].tolist(), alive, strict=True))
            if len(delta.where) != len(alive):
                raise ValueError("delta has duplicate live ids")
        index._next_id = int(meta["next_id"])
        return index


def sort_rows_by_id(
    hashes: NDArray[np.uint8], ids: NDArray[np.int64]
) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    """Re-export of the segment helper (used by benchmarks to pre-sort)."""
    return sort_by_id(hashes, ids)


def warm_up() -> float:
    """Compile (or load from numba's on-disk cache) every kernel; returns the seconds taken.

    The first search in a fresh install compiles for a few seconds; later processes load the
    cached machine code in a fraction of a second. Call this before reporting ready.
    """
    import time

    start = time.perf_counter()
    rng = np.random.default_rng(0)
    hashes = rng.integers(0, 256, size=(300, PDQ_BYTES), dtype=np.uint8)
    index = PdqIndex.build(hashes, layout=Layout.even(16, 9), threads=1)
    index.add(hashes[:2] ^ np.uint8(1))
    for strategy in ("index", "batch", "scan"):
        index.search_arrays(hashes[:2], PDQ_MATCH_THRESHOLD, strategy=strategy)
    index.search_dihedral(hashes[:2].reshape(1, 2, PDQ_BYTES))
    _kernels.pairwise_distances(words(hashes[:2]), words(hashes[:2]))
    return time.perf_counter() - start
