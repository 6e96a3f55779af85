"""Brute-force oracle and data generators for the matching tests."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from tests.reference_data import reference_dir

Matches = list[tuple[int, int]]


def distance_matrix(queries: NDArray[np.uint8], hashes: NDArray[np.uint8]) -> NDArray[np.int64]:
    """(Q, N) Hamming distances, by numpy (independent of the numba kernels)."""
    if hashes.shape[0] == 0:
        return np.zeros((queries.shape[0], 0), np.int64)
    q = np.ascontiguousarray(queries).view(np.uint64)
    h = np.ascontiguousarray(hashes).view(np.uint64)
    d = np.bitwise_count(q[:, None, :] ^ h[None, :, :]).sum(axis=2)
    return d.astype(np.int64)


def brute_force(
    queries: NDArray[np.uint8],
    hashes: NDArray[np.uint8],
    ids: NDArray[np.int64],
    radius: int,
) -> list[Matches]:
    """For each query, every (id, distance) within radius, sorted by distance then id."""
    d = distance_matrix(queries, hashes)
    out = []
    for row in d:
        hit = np.flatnonzero(row <= radius)
        pairs = sorted(zip(row[hit].tolist(), ids[hit].tolist(), strict=True))
        out.append([(i, dist) for dist, i in pairs])
    return out


def flip_bits(rng: np.random.Generator, row: NDArray[np.uint8], distance: int) -> NDArray[np.uint8]:
    """A copy of ``row`` with exactly ``distance`` distinct bits flipped."""
    bits = np.unpackbits(row)
    where = rng.choice(256, size=distance, replace=False)
    bits[where] ^= 1
    return np.packbits(bits)


def random_hashes(rng: np.random.Generator, n: int) -> NDArray[np.uint8]:
    return rng.integers(0, 256, size=(n, 32), dtype=np.uint8)


def clustered_hashes(
    rng: np.random.Generator, families: int, size: int, spread: int
) -> NDArray[np.uint8]:
    """``families`` centres, each with ``size`` members at distance <= ``spread``."""
    centres = random_hashes(rng, families)
    rows = [
        flip_bits(rng, centres[f], int(rng.integers(0, spread + 1)))
        for f in range(families)
        for _ in range(size)
    ]
    return np.array(rows, np.uint8).reshape(-1, 32)


__all__ = ["brute_force", "clustered_hashes", "flip_bits", "random_hashes", "reference_dir"]
