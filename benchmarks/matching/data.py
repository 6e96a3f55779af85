"""Synthetic PDQ banks and query batches (uniform random, or families of near-duplicates)."""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray


@njit(cache=True)
def _flip(rows: NDArray[np.uint8], counts: NDArray[np.int64], seed: int) -> None:
    """Flip exactly counts[i] distinct random bits of rows[i], in place."""
    np.random.seed(seed)
    for i in range(rows.shape[0]):
        k = counts[i]
        chosen = np.zeros(256, np.bool_)
        done = 0
        while done < k:
            b = np.random.randint(0, 256)
            if not chosen[b]:
                chosen[b] = True
                rows[i, b >> 3] ^= np.uint8(1 << (7 - (b & 7)))
                done += 1


def flip(rows: NDArray[np.uint8], counts: NDArray[np.int64], seed: int) -> NDArray[np.uint8]:
    out = np.ascontiguousarray(rows).copy()
    _flip(out, np.ascontiguousarray(counts, np.int64), seed)
    return out


def uniform_bank(n: int, seed: int) -> NDArray[np.uint8]:
    return np.random.default_rng(seed).integers(0, 256, size=(n, 32), dtype=np.uint8)


def clustered_bank(n: int, seed: int, mean_family: int = 10, spread: int = 20) -> NDArray[np.uint8]:
    """Families of near-duplicates, as real lists have (re-encodes, crops, re-uploads of one
    image): family sizes are geometric with mean ``mean_family`` (capped at 200), each member is
    its family's centre with 0..``spread`` bits flipped. Rows are shuffled."""
    rng = np.random.default_rng(seed)
    sizes = np.minimum(rng.geometric(1.0 / mean_family, size=n // mean_family + 16), 200)
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), n) + 1]
    sizes[-1] -= int(sizes.sum()) - n
    centres = rng.integers(0, 256, size=(sizes.shape[0], 32), dtype=np.uint8)
    family = np.repeat(np.arange(sizes.shape[0]), sizes)
    rng.shuffle(family)
    bank = flip(centres[family], rng.integers(0, spread + 1, size=n), seed + 1)
    assert bank.shape == (n, 32)
    return bank


def query_batch(
    bank: NDArray[np.uint8], count: int, seed: int, low: int = 5, high: int = 30
) -> NDArray[np.uint8]:
    """Half near-duplicates of random bank rows (``low``..``high`` bits flipped), half random."""
    rng = np.random.default_rng(seed)
    planted = count // 2
    picks = rng.integers(0, bank.shape[0], size=planted)
    near = flip(bank[picks], rng.integers(low, high + 1, size=planted), seed + 2)
    rand = rng.integers(0, 256, size=(count - planted, 32), dtype=np.uint8)
    out = np.concatenate([near, rand])
    return np.ascontiguousarray(out[rng.permutation(count)])
