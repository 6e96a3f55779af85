"""The engines compared: Reclaim's PdqIndex, faiss IndexBinaryMultiHash (pytx/HMA), faiss flat.

Each engine exposes the same operations; ``rows`` answers are (query, id, distance) arrays sorted
by (query, distance, id) so that result sets can be compared exactly.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reclaim.matching import PdqIndex

Rows = NDArray[np.int64]


def sort_rows(q: NDArray[Any], ids: NDArray[Any], d: NDArray[Any]) -> Rows:
    rows = np.stack([q.astype(np.int64), ids.astype(np.int64), d.astype(np.int64)], axis=1)
    order = np.lexsort((rows[:, 1], rows[:, 2], rows[:, 0]))
    out: Rows = rows[order]
    return out


class Engine:
    name = ""
    supports_remove = False

    def build(self, bank: NDArray[np.uint8]) -> None:
        raise NotImplementedError

    def search_batch(self, queries: NDArray[np.uint8], radius: int) -> Any:
        raise NotImplementedError

    def search_one(self, query: NDArray[np.uint8], radius: int) -> Any:
        return self.search_batch(query[None, :], radius)

    def rows(self, queries: NDArray[np.uint8], radius: int) -> Rows:
        raise NotImplementedError

    def add_bulk(self, hashes: NDArray[np.uint8]) -> None:
        raise NotImplementedError

    def add_one(self, row: NDArray[np.uint8]) -> None:
        self.add_bulk(row[None, :])

    def nbytes(self) -> int:
        raise NotImplementedError

    def save(self, path: Path) -> None:
        raise NotImplementedError

    def load(self, path: Path) -> float:
        """Replace the index by the snapshot at ``path``; returns seconds taken."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class Reclaim(Engine):
    name = "reclaim"
    supports_remove = True

    def __init__(self) -> None:
        self.index = PdqIndex()

    def build(self, bank: NDArray[np.uint8]) -> None:
        self.index = PdqIndex.build(bank)

    def search_batch(self, queries: NDArray[np.uint8], radius: int) -> Any:
        return self.index.search(queries, radius)

    def search_one(self, query: NDArray[np.uint8], radius: int) -> Any:
        return self.index.search(query, radius)

    def rows(self, queries: NDArray[np.uint8], radius: int) -> Rows:
        r = self.index.search_arrays(queries, radius)
        q = np.repeat(np.arange(len(r)), np.diff(r.offsets))
        return sort_rows(q, r.ids, r.distances)

    def add_bulk(self, hashes: NDArray[np.uint8]) -> None:
        self.index.add(hashes)

    def add_one(self, row: NDArray[np.uint8]) -> None:
        self.index.add(row)

    def nbytes(self) -> int:
        return self.index.stats().nbytes

    def save(self, path: Path) -> None:
        self.index.save(path)

    def load(self, path: Path, verify: bool = True) -> float:
        self.index = PdqIndex()
        t = time.perf_counter()
        self.index = PdqIndex.load(path, verify=verify)
        return time.perf_counter() - t


class _Faiss(Engine):
    def __init__(self) -> None:
        import faiss

        self.faiss = faiss
        self.index: Any = None

    def _new(self) -> Any:
        raise NotImplementedError

    def build(self, bank: NDArray[np.uint8]) -> None:
        self.index = self._new()
        self.index.add(bank)

    def search_batch(self, queries: NDArray[np.uint8], radius: int) -> Any:
        return self.index.range_search(queries, radius + 1)  # faiss: distance < radius

    def rows(self, queries: NDArray[np.uint8], radius: int) -> Rows:
        lims, dist, ids = self.index.range_search(queries, radius + 1)
        q = np.repeat(np.arange(queries.shape[0]), np.diff(lims).astype(np.int64))
        return sort_rows(q, ids, dist)

    def add_bulk(self, hashes: NDArray[np.uint8]) -> None:
        self.index.add(hashes)

    def nbytes(self) -> int:
        return len(self.faiss.serialize_index_binary(self.index))

    def save(self, path: Path) -> None:
        self.faiss.write_index_binary(self.index, str(path))

    def load(self, path: Path) -> float:
        self.index = None
        t = time.perf_counter()
        self.index = self.faiss.read_index_binary(str(path))
        self._after_load()
        return time.perf_counter() - t

    def _after_load(self) -> None:
        pass

    def close(self) -> None:
        self.index = None


class FaissMultiHash(_Faiss):
    """What python-threatexchange and HMA use: 16 hash tables of 16 bits, nflip=1."""

    name = "faiss-mih"

    def _new(self) -> Any:
        index = self.faiss.IndexBinaryMultiHash(256, 16, 16)
        index.nflip = 1
        return index

    def _after_load(self) -> None:
        self.index.nflip = 1


class FaissFlat(_Faiss):
    """Brute force (the exact oracle)."""

    name = "faiss-flat"

    def _new(self) -> Any:
        return self.faiss.IndexBinaryFlat(256)


ENGINES: dict[str, type[Engine]] = {e.name: e for e in (Reclaim, FaissMultiHash, FaissFlat)}


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
