"""An immutable multi-index segment: stored hashes, their ids, the tables, and a tombstone map.

A segment never changes after it is built except for its tombstones (``dead``), so it can live in
a read-only memory map shared by several processes while each process keeps its own removals.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reclaim.matching import _kernels
from reclaim.matching._layout import Layout, choose_layout, plan
from reclaim.matching.pdq import words

Rows = NDArray[np.int64]  # (k, 3): query index, id, distance
EMPTY_ROWS: Rows = np.empty((0, 3), np.int64)
# Cache-line alignment of the big arrays: a 32-byte hash row must not straddle two lines (that
# alone costs ~12 % of query time at 10M); snapshots align arrays to 4 KiB or 2 MiB anyway.
ALIGN = 64
# The batched kernel (``_kernels.mih_batch_search``) is chosen for segments of at least this many
# bytes, with at least this many queries: where random reads also miss the address translation
# caches (measured: ~25 ns a read over 8 GiB, ~6 ns within 1 GiB). Alternating runs, 20,000
# queries on 2 threads: 1.9x the per-query kernel at 100M hashes (9.45 GB); at 10M (1.24 GB)
# +14 % in one run and equal in another, +9-12 % in the 2-process hashes-only scan; -16 % at
# 3M (0.36 GB) (docs/scale.md).
BATCH_MIN_BYTES = 1 << 30
BATCH_MIN_QUERIES = 64
# Probes per call of the batched kernel: its four work buffers take 8 bytes per probe (128 MiB
# each thread at this size, plus the candidates), kept by each thread for its next call.
BATCH_PROBES = 4_000_000


def aligned_empty(shape: tuple[int, ...], dtype: type[Any] | np.dtype[Any]) -> NDArray[Any]:
    """Uninitialised C-contiguous array whose data starts on an ``ALIGN``-byte boundary."""
    dt = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
    buf = np.empty(nbytes + ALIGN, np.uint8)
    off = (-buf.ctypes.data) % ALIGN
    return buf[off : off + nbytes].view(dt).reshape(shape)


def aligned_copy(arr: NDArray[Any]) -> NDArray[Any]:
    out = aligned_empty(arr.shape, arr.dtype)
    out[...] = arr
    return out


def is_aligned(arr: NDArray[Any]) -> bool:
    return arr.ctypes.data % ALIGN == 0


class _BatchWork(threading.local):
    """Per-thread buffers of the batched kernel, kept between calls (allocating them anew costs
    a page fault per 4 KiB)."""

    def __init__(self) -> None:
        self.items = 0
        self.a = self.b = self.c = self.d = np.empty(0, np.int64)
        self.cand = np.empty(0, np.int64)
        self.cand_sorted = np.empty(0, np.int64)

    def reserve(self, items: int) -> _BatchWork:
        if items > self.items:
            self.a, self.b, self.c, self.d = (np.empty(items, np.int64) for _ in range(4))
            self.items = items
        return self


_BATCH_WORK = _BatchWork()


class Segment:
    """Stored hashes with a multi-index over them (see :mod:`reclaim.matching._layout`)."""

    __slots__ = (
        "dead",
        "dir_offsets",
        "directory",
        "entries",
        "group_bits",
        "hashes",
        "id_start",
        "ids",
        "layout",
        "lengths",
        "n",
        "n_dead",
        "starts",
        "words",
    )

    def __init__(
        self,
        *,
        hashes: NDArray[np.uint8],
        ids: NDArray[np.int64] | None,
        id_start: int,
        dead: NDArray[np.uint8],
        layout: Layout,
        directory: NDArray[np.uint32],
        entries: NDArray[np.uint32],
    ) -> None:
        self.hashes = hashes
        self.words = words(hashes)
        self.n = int(hashes.shape[0])
        self.ids = ids
        self.id_start = id_start
        self.dead = dead
        self.n_dead = int(np.count_nonzero(dead))
        self.layout = layout
        self.directory = directory
        self.entries = entries
        self.starts, self.lengths, self.group_bits = layout.arrays()
        slots = layout.directory_slots()
        self.dir_offsets = np.array([sum(slots[:i]) for i in range(len(slots))], np.int64)
        self.check()

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        hashes: NDArray[np.uint8],
        ids: NDArray[np.int64],
        layout: Layout | None = None,
        map_fn: Any = map,
        *,
        owned: bool = True,
    ) -> Segment:
        """Index ``hashes`` (C-contiguous (n, 32) uint8) with unique ``ids``.

        Rows are stored in id order (so an id is found by binary search, or by subtraction when
        the ids are consecutive). ``map_fn`` lets the caller build the tables in parallel (e.g.
        ``executor.map``). ``owned``: the segment may keep or replace ``hashes`` (copied into
        a cache-line aligned array if it is not aligned); otherwise it is kept as given unless
        it must be reordered. Raises ValueError on duplicate ids.
        """
        n = int(hashes.shape[0])
        hashes, ids = sort_by_id(hashes, ids)
        if n == 0:
            raise ValueError("a segment needs at least one hash")
        if n >= 2**31:
            raise ValueError("a segment holds fewer than 2**31 hashes")
        layout = layout or choose_layout(n)
        if not is_aligned(hashes) and owned:
            hashes = aligned_copy(hashes)
        for length, g in zip(layout.lengths, layout.group_bits, strict=True):
            if n > 1 << (32 - (length - g)):
                raise ValueError(
                    f"a table of {length}-bit keys with {g} directory bits holds at most "
                    f"{1 << (32 - (length - g))} hashes, not {n}"
                )
        w = words(hashes)
        slots = layout.directory_slots()
        directory = aligned_empty((sum(slots),), np.uint32)
        entries = aligned_empty((layout.tables * n,), np.uint32)
        offsets = [sum(slots[:i]) for i in range(len(slots))]

        def one(i: int) -> None:
            _kernels.build_table(
                w,
                layout.starts[i],
                layout.lengths[i],
                layout.group_bits[i],
                directory[offsets[i] : offsets[i] + slots[i]],
                entries[i * n : (i + 1) * n],
            )

        list(map_fn(one, range(layout.tables)))
        id_arr, id_start = compact_ids(ids)
        return cls(
            hashes=hashes,
            ids=id_arr,
            id_start=id_start,
            dead=np.zeros(n, np.uint8),
            layout=layout,
            directory=directory,
            entries=entries,
        )

    def check(self) -> None:
        """Cheap structural checks (the kernels trust these arrays)."""
        n = self.n
        m = self.layout.tables
        if self.hashes.shape != (n, 32) or self.hashes.dtype != np.uint8:
            raise ValueError("segment hashes must be uint8 (n, 32)")
        if self.dead.shape != (n,) or self.dead.dtype != np.uint8:
            raise ValueError("segment tombstones must be uint8 (n,)")
        if self.entries.shape != (m * n,) or self.entries.dtype != np.uint32:
            raise ValueError("segment entries have the wrong shape")
        slots = self.layout.directory_slots()
        if self.directory.shape != (sum(slots),) or self.directory.dtype != np.uint32:
            raise ValueError("segment directory has the wrong shape")
        for i in range(m):
            off = int(self.dir_offsets[i])
            if self.directory[off] != 0 or self.directory[off + slots[i] - 1] != n:
                raise ValueError(f"segment directory of table {i} is inconsistent")
        if self.ids is not None and (self.ids.shape != (n,) or self.ids.dtype != np.int64):
            raise ValueError("segment ids must be int64 (n,)")

    # -- ids ----------------------------------------------------------------------------------

    def ids_at(self, positions: NDArray[np.int64]) -> NDArray[np.int64]:
        if self.ids is None:
            return positions + np.int64(self.id_start)
        out: NDArray[np.int64] = self.ids[positions]
        return out

    def all_ids(self) -> NDArray[np.int64]:
        if self.ids is None:
            return np.arange(self.id_start, self.id_start + self.n, dtype=np.int64)
        return np.asarray(self.ids)

    def positions_of(self, ids: NDArray[np.int64]) -> NDArray[np.int64]:
        """Position of each id in this segment, or -1 (removed rows count as absent)."""
        out = np.full(ids.shape[0], -1, np.int64)
        if self.ids is None:
            rel = ids - np.int64(self.id_start)
            ok = (rel >= 0) & (rel < self.n)
            out[ok] = rel[ok]
        else:
            at = np.minimum(np.searchsorted(self.ids, ids), self.n - 1)
            ok = self.ids[at] == ids
            out[ok] = at[ok]
        found = out >= 0
        out[found] = np.where(self.dead[out[found]] == 0, out[found], -1)
        return out

    @property
    def live(self) -> int:
        return self.n - self.n_dead

    def kill(self, positions: NDArray[np.int64]) -> int:
        """Tombstone live rows; returns how many were live."""
        if positions.size == 0:
            return 0
        positions = np.unique(positions)
        alive = positions[self.dead[positions] == 0]
        self.dead[alive] = 1
        self.n_dead += int(alive.size)
        return int(alive.size)

    def live_rows(self) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
        keep = self.dead == 0
        return np.ascontiguousarray(self.hashes[keep]), self.all_ids()[keep]

    # -- search -------------------------------------------------------------------------------

    def search(
        self, queries: NDArray[np.uint64], radius: int, q_base: int, strategy: str = "auto"
    ) -> Rows:
        """Rows ``(q_base + query index, id, distance)`` for every live hash within ``radius``.

        ``strategy``: "auto" (cost model; the batched kernel for big segments and batches),
        "index" (per-query multi-index unless radius >= 256), "batch" (batched multi-index
        unless radius >= 256) or "scan".
        """
        thresholds: NDArray[np.int64] | None = None
        probes = 0
        if strategy != "scan":
            forced = strategy in ("index", "batch")
            p = plan(self.layout, self.n, radius, force_index=forced)
            thresholds, probes = p.thresholds, p.probes
        if thresholds is None:
            rows = _kernels.scan_search(queries, self.words, self.dead, radius, q_base)
        elif self.batches(int(queries.shape[0]), strategy):
            rows = self._batch_search(queries, radius, q_base, thresholds, max(probes, 1))
        else:
            rows = _kernels.mih_search(
                queries, q_base, radius, thresholds, *self._tables(), max(probes, 1)
            )
        if rows.shape[0]:
            rows[:, 1] = self.ids_at(rows[:, 1])
        result: Rows = rows
        return result

    def _tables(
        self,
    ) -> tuple[
        NDArray[Any],
        NDArray[Any],
        NDArray[Any],
        NDArray[Any],
        NDArray[Any],
        NDArray[Any],
        NDArray[Any],
        NDArray[Any],
    ]:
        """The arrays both multi-index kernels take, in their order."""
        return (
            self.words,
            self.dead,
            self.directory,
            self.dir_offsets,
            self.entries,
            self.starts,
            self.lengths,
            self.group_bits,
        )

    def batches(self, queries: int, strategy: str) -> bool:
        """Whether a multi-index search of ``queries`` queries at once uses the batched kernel:
        always with "batch", with "auto" for a big segment and batch; never for a layout the
        batched kernel cannot pack (only hand-made ones)."""
        if (
            self.directory.shape[0] >= _kernels.BATCH_MAX_SLOTS
            or self.layout.tables > _kernels.BATCH_MAX_TABLES
        ):
            return False
        if strategy == "batch":
            return True
        return (
            strategy == "auto" and queries >= BATCH_MIN_QUERIES and self.nbytes >= BATCH_MIN_BYTES
        )

    def _batch_search(
        self,
        queries: NDArray[np.uint64],
        radius: int,
        q_base: int,
        thresholds: NDArray[np.int64],
        probes: int,
    ) -> Rows:
        nq = int(queries.shape[0])
        per_call = max(1, min(_kernels.BATCH_MAX_QUERIES, BATCH_PROBES // probes, nq))
        work = _BATCH_WORK.reserve(per_call * probes)
        out: list[Rows] = []
        for a in range(0, nq, per_call):
            b = min(nq, a + per_call)
            rows, work.cand, work.cand_sorted = _kernels.mih_batch_search(
                queries[a:b],
                q_base + a,
                radius,
                thresholds,
                *self._tables(),
                probes,
                work.a,
                work.b,
                work.c,
                work.d,
                work.cand,
                work.cand_sorted,
            )
            if rows.shape[0]:
                out.append(rows)
        if not out:
            return EMPTY_ROWS.copy()
        result: Rows = out[0] if len(out) == 1 else np.concatenate(out)
        return result

    @property
    def nbytes(self) -> int:
        total = self.hashes.nbytes + self.dead.nbytes + self.directory.nbytes
        total += self.entries.nbytes
        if self.ids is not None:
            total += self.ids.nbytes
        return int(total)


def sort_by_id(
    hashes: NDArray[np.uint8], ids: NDArray[np.int64]
) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    """Rows reordered by ascending id (no copy when already sorted); ValueError on duplicates."""
    if ids.shape[0] != hashes.shape[0]:
        raise ValueError("ids and hashes differ in length")
    diffs = np.diff(ids)
    if bool(np.all(diffs > 0)):
        return hashes, ids
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    if bool(np.any(ids[1:] == ids[:-1])):
        raise ValueError("ids must be unique")
    out = aligned_empty(hashes.shape, np.uint8)
    np.take(hashes, order, axis=0, out=out)
    return out, ids


def compact_ids(ids: NDArray[np.int64]) -> tuple[NDArray[np.int64] | None, int]:
    """Sorted unique ids -> (None, first id) when consecutive, else (ids, first id)."""
    n = int(ids.shape[0])
    if n == 0:
        return None, 0
    first = int(ids[0])
    if n == 1 or int(ids[-1]) - first == n - 1:
        return None, first
    return np.ascontiguousarray(ids, dtype=np.int64), first
