"""The sharded index answers exactly as one PdqIndex, through adds and removals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from reclaim.matching import PdqIndex
from reclaim.scale.sharded import DaskPdqIndex
from reclaim.scale.shards import merge_answers, shard_of, to_lists


def near(rng: np.random.Generator, rows: np.ndarray, bits: int) -> np.ndarray:
    out = rows.copy()
    for r in range(out.shape[0]):
        for b in rng.choice(256, bits, replace=False):
            out[r, b // 8] ^= 1 << (b % 8)
    return out


def test_merge_orders_by_distance_then_id() -> None:
    a = (np.array([0, 2, 2]), np.array([4, 2]), np.array([3, 5]))
    b = (np.array([0, 1, 2]), np.array([7, 1]), np.array([3, 0]))
    assert to_lists(merge_answers([a, b], 2)) == [[(4, 3), (7, 3), (2, 5)], [(1, 0)]]
    assert shard_of(np.array([0, 1, 5, 6]), 3).tolist() == [0, 1, 2, 0]


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with Client(cluster) as c:
        yield c
    cluster.close()


def test_sharded_index_equals_single_process(client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(5)
    base = rng.integers(0, 256, (20_000, 32), dtype=np.uint8)
    ids = rng.permutation(10**6)[:20_000].astype(np.int64)
    single = PdqIndex.build(base, ids=ids)
    single.save(tmp_path / "pdq.index")
    sharded = DaskPdqIndex.create(client, shards=3, snapshot=tmp_path / "pdq.index")
    queries = np.concatenate([near(rng, base[:200], 12), rng.integers(0, 256, (50, 32), np.uint8)])
    assert sharded.search(queries, 31) == single.search(queries, 31)
    assert len(sharded) == len(single)

    extra = near(rng, base[:100], 3)
    extra_ids = np.arange(2 * 10**6, 2 * 10**6 + 100, dtype=np.int64)
    for index in (single, sharded):
        index.add(extra, extra_ids)
        assert index.remove(ids[:50]) == 50
        assert index.remove(extra_ids[::2]) == 50
    assert sharded.search(queries, 31) == single.search(queries, 31)
    assert sharded.search(queries, 64) == single.search(queries, 64)
    variants = np.stack([queries[:20], queries[20:40]], axis=1)
    assert sharded.search_dihedral(variants, 31) == single.search_dihedral(variants, 31)
    # a removed id never comes back on the next search
    hits = {i for row in sharded.search(base[:50], 0) for i, _ in row}
    assert not hits & set(ids[:50].tolist())
    sharded.save(tmp_path / "gathered.index")
    gathered = PdqIndex.load(tmp_path / "gathered.index")
    assert gathered.search(queries, 31) == single.search(queries, 31)
