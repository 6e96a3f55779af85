"""PdqIndex returns exactly the brute-force result set, whatever the data, layout and radius."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reclaim.matching import PdqIndex
from reclaim.matching._layout import Layout, choose_layout, plan

from .oracle import brute_force, clustered_hashes, flip_bits, random_hashes

FAST = settings(
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)


def queries_near(rng: np.random.Generator, hashes: np.ndarray, distances: list[int]) -> np.ndarray:
    """One query per distance, each that far from a random stored hash; plus random queries."""
    rows = []
    for d in distances:
        if hashes.shape[0]:
            rows.append(flip_bits(rng, hashes[int(rng.integers(0, hashes.shape[0]))], d))
    rows.extend(random_hashes(rng, 3))
    return np.array(rows, np.uint8).reshape(-1, 32)


@FAST
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(0, 2500),
    tables=st.one_of(st.none(), st.integers(8, 24)),
    group_delta=st.integers(0, 6),
    radius=st.one_of(st.integers(0, 63), st.sampled_from([64, 100, 128, 255, 256])),
    strategy=st.sampled_from(["auto", "index", "batch"]),
)
def test_random_and_planted_queries_match_brute_force(
    seed: int, n: int, tables: int | None, group_delta: int, radius: int, strategy: str
) -> None:
    rng = np.random.default_rng(seed)
    hashes = random_hashes(rng, n)
    layout = None
    if tables is not None:
        longest = -(-256 // tables)
        # entries pack (position << low bits): keep enough directory bits for n rows
        floor = longest - (32 - max(n, 1).bit_length())
        layout = Layout.even(tables, max(1, floor, min(16, longest - group_delta)))
    index = PdqIndex.build(hashes, layout=layout)
    near = {0, 1, radius, max(0, radius - 1), min(256, radius + 1)}
    queries = queries_near(rng, hashes, sorted(near))
    got = index.search_arrays(queries, radius, strategy=strategy).to_lists()  # type: ignore[arg-type]
    assert got == brute_force(queries, hashes, np.arange(n, dtype=np.int64), radius)


@pytest.mark.parametrize(
    "layout",
    [
        None,
        Layout.even(16, 16),  # direct-addressed tables, 16-bit keys
        Layout.even(20, 13),  # direct-addressed, 13-bit keys
        Layout.even(11, 12),  # 23-24-bit keys with 11-12 low bits filtered in the buckets
        Layout.even(8, 12),  # 32-bit keys
    ],
    ids=["auto", "16x16", "20x13", "11x24-g12", "8x32-g12"],
)
def test_planted_neighbours_at_every_distance_0_to_63(layout: Layout | None) -> None:
    rng = np.random.default_rng(7)
    query = random_hashes(rng, 1)[0]
    planted = np.array([flip_bits(rng, query, d) for d in range(64) for _ in range(2)])
    hashes = np.concatenate([random_hashes(rng, 3000), planted])
    rng.shuffle(hashes)
    ids = rng.permutation(10 * hashes.shape[0])[: hashes.shape[0]].astype(np.int64)
    index = PdqIndex.build(hashes, ids, layout=layout)
    queries = np.stack([query, flip_bits(rng, query, 3)])
    for radius in range(64):
        expected = brute_force(queries, hashes, ids, radius)
        for strategy in ("auto", "index", "batch", "scan"):
            got = index.search_arrays(queries, radius, strategy=strategy).to_lists()  # type: ignore[arg-type]
            assert got == expected, (radius, strategy)
    assert len(expected[0]) == 128


def test_clustered_families_of_near_duplicates() -> None:
    rng = np.random.default_rng(11)
    hashes = np.concatenate([clustered_hashes(rng, 40, 50, 30), random_hashes(rng, 2000)])
    index = PdqIndex.build(hashes, layout=Layout.even(16, 16))
    queries = np.concatenate([queries_near(rng, hashes, list(range(0, 40, 3))), hashes[:5]])
    for radius in (10, 31, 45):
        got = index.search(queries, radius)
        assert got == brute_force(queries, hashes, np.arange(hashes.shape[0]), radius)
    assert max(len(r) for r in got) > 40  # whole families come back


def test_default_layouts_plan_the_multi_index_at_31() -> None:
    for n in (20_000, 1_000_000, 10_000_000):
        layout = choose_layout(n)
        p = plan(layout, n, 31)
        assert p.thresholds is not None
        assert int((p.thresholds + 1).sum()) >= 32
    big = choose_layout(10_000_000)
    assert big.tables == 11
    assert set(big.lengths) == {23, 24}
    assert plan(big, 10_000_000, 63).thresholds is None  # falls back to the exact scan


@FAST
@given(
    seed=st.integers(0, 2**32 - 1),
    variants=st.integers(1, 8),
    radius=st.integers(0, 63),
)
def test_dihedral_search_keeps_best_distance_per_id(seed: int, variants: int, radius: int) -> None:
    rng = np.random.default_rng(seed)
    hashes = random_hashes(rng, 1500)
    index = PdqIndex.build(hashes)
    queries = np.stack(
        [
            np.stack([flip_bits(rng, hashes[int(rng.integers(0, 1500))], int(d)) for d in ds])
            for ds in rng.integers(0, 64, size=(4, variants))
        ]
    )
    got = index.search_dihedral(queries, radius)
    for q in range(4):
        best: dict[int, int] = {}
        for per_variant in brute_force(queries[q], hashes, np.arange(1500), radius):
            for i, d in per_variant:
                best[i] = min(d, best.get(i, 999))
        assert got[q] == sorted(best.items(), key=lambda item: (item[1], item[0]))


def test_batches_split_across_threads_give_the_same_answer() -> None:
    rng = np.random.default_rng(3)
    hashes = random_hashes(rng, 20_000)
    index = PdqIndex.build(hashes)
    queries = queries_near(rng, hashes, [int(d) for d in rng.integers(0, 40, 200)])
    one = index.search(queries, threads=1)
    two = index.search(queries, threads=2)
    assert one == two == brute_force(queries, hashes, np.arange(20_000), 31)
    assert sum(map(len, one)) >= 150


def test_the_batched_kernel_in_many_calls_with_removals_matches_brute_force(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Big segments take the batched kernel on their own ("auto"); a batch is cut into calls
    of a bounded number of probes, each reusing the thread's buffers (which grow when the
    candidates outnumber them), and removed hashes stay out of the answers."""
    from reclaim.matching import _kernels, _segment

    rng = np.random.default_rng(17)
    clusters = clustered_hashes(rng, 30, 40, 12)  # many candidates per probe
    hashes = np.concatenate([clusters, random_hashes(rng, 30_000)])
    ids = np.arange(hashes.shape[0], dtype=np.int64)
    index = PdqIndex.build(hashes, ids)
    removed = ids[::7]
    index.remove(removed)
    keep = np.ones(hashes.shape[0], bool)
    keep[::7] = False
    queries = np.concatenate(
        [queries_near(rng, hashes, [int(d) for d in rng.integers(0, 40, 150)]), clusters[:20]]
    )
    calls: list[int] = []
    real = _kernels.mih_batch_search

    def spy(q: np.ndarray, *args: object) -> object:
        calls.append(int(q.shape[0]))
        return real(q, *args)

    monkeypatch.setattr(_kernels, "mih_batch_search", spy)
    monkeypatch.setattr(_segment, "BATCH_MIN_BYTES", 0)  # this small segment counts as big
    monkeypatch.setattr(_segment, "BATCH_PROBES", 500)  # several calls per batch
    monkeypatch.setattr(_segment, "_BATCH_WORK", _segment._BatchWork())  # start with no buffers
    for radius in (0, 12, 31):
        expected = brute_force(queries, hashes[keep], ids[keep], radius)
        for threads in (1, 2):
            calls.clear()
            got = index.search_arrays(queries, radius, threads=threads).to_lists()
            assert got == expected, (radius, threads)
            assert calls  # the batched kernel ran; past radius 0, in several calls a thread
            assert radius == 0 or len(calls) > threads
    assert sum(map(len, expected)) > 20 * 30  # the clusters came back (less the removed)
    wide = brute_force(queries, hashes[keep], ids[keep], 45)  # "auto" would scan here
    assert index.search_arrays(queries, 45, strategy="batch").to_lists() == wide
    calls.clear()
    index.search_arrays(queries[:10], 31)  # a handful of queries: the per-query kernel
    assert calls == []


def test_the_batch_strategy_with_more_tables_than_it_packs_is_still_exact() -> None:
    """The batched kernel packs a table number in 5 bits: a hand-made layout of more than 32
    tables is searched by the per-query kernel, with the same answers."""
    rng = np.random.default_rng(23)
    hashes = random_hashes(rng, 3000)
    index = PdqIndex.build(hashes, layout=Layout.even(40, 6))
    queries = queries_near(rng, hashes, [int(d) for d in rng.integers(0, 60, 200)])
    for radius in (0, 31, 45, 60):  # from 45, tables past the 32nd are probed
        got = index.search_arrays(queries, radius, strategy="batch").to_lists()
        assert got == brute_force(queries, hashes, np.arange(3000), radius)


def test_explicit_ids_unsorted_and_negative() -> None:
    rng = np.random.default_rng(5)
    hashes = random_hashes(rng, 500)
    ids = rng.permutation(np.arange(-250, 250, dtype=np.int64))
    index = PdqIndex.build(hashes, ids)
    got = index.search(hashes[:20], 0)
    assert got == [[(int(i), 0)] for i in ids[:20]]
    assert index.next_id == 250
    np.testing.assert_array_equal(index.get_hashes(ids[:5]), hashes[:5])
    assert int(ids[0]) in index and 10_000 not in index and "x" not in index


def test_single_query_shapes_and_empty_index() -> None:
    empty = PdqIndex()
    assert empty.search(np.zeros((3, 32), np.uint8)) == [[], [], []]
    assert empty.search(np.zeros((0, 32), np.uint8)) == []
    assert len(empty) == 0
    index = PdqIndex.build(np.zeros((0, 32), np.uint8))
    assert index.search(np.zeros(32, np.uint8)) == [[]]
    index.add(np.full((1, 32), 255, np.uint8))
    assert index.search(np.full(32, 255, np.uint8), 0) == [[(0, 0)]]


def test_layout_too_small_for_the_data_is_refused() -> None:
    with pytest.raises(ValueError, match="holds at most 1024 hashes"):
        PdqIndex.build(np.zeros((1025, 32), np.uint8), layout=Layout.even(8, 10))
    with pytest.raises(ValueError, match="cover"):
        Layout((0,), (32,), (10,))
    with pytest.raises(ValueError, match="bad layout table"):
        Layout((0, 200), (200, 56), (10, 10))


def test_invalid_arguments_are_refused() -> None:
    index = PdqIndex.build(np.zeros((4, 32), np.uint8))
    with pytest.raises(TypeError, match="uint8"):
        index.search(np.zeros((1, 32), np.int32))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="shape"):
        index.search(np.zeros((1, 31), np.uint8))
    with pytest.raises(ValueError, match="between 0 and 256"):
        index.search(np.zeros((1, 32), np.uint8), 257)
    with pytest.raises(ValueError, match="between 0 and 256"):
        index.search(np.zeros((1, 32), np.uint8), -1)
    with pytest.raises(TypeError, match="integer"):
        index.search(np.zeros((1, 32), np.uint8), 3.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="strategy"):
        index.search_arrays(np.zeros((1, 32), np.uint8), strategy="fast")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unique"):
        PdqIndex.build(np.zeros((3, 32), np.uint8), [1, 2, 1])
    with pytest.raises(ValueError, match="4 hashes but 3 ids"):
        PdqIndex.build(np.zeros((4, 32), np.uint8), [1, 2, 3])
    with pytest.raises(TypeError, match="integers"):
        PdqIndex.build(np.zeros((1, 32), np.uint8), np.array([1.5]))
    with pytest.raises(ValueError, match="already in the index"):
        index.add(np.zeros((1, 32), np.uint8), [2])
    with pytest.raises(ValueError, match="unique"):
        index.add(np.zeros((2, 32), np.uint8), [9, 9])
    with pytest.raises(ValueError, match="shape"):
        index.search_dihedral(np.zeros((2, 32), np.uint8)[None, :, :31])
    with pytest.raises(KeyError):
        index.get_hashes([99])
    with pytest.raises(ValueError, match="delta_limit"):
        PdqIndex(delta_limit=0)
    with pytest.raises(ValueError, match="merge_ratio"):
        PdqIndex(merge_ratio=0.5)


def test_build_copies_the_callers_array_unless_told_not_to() -> None:
    rng = np.random.default_rng(5)
    hashes = random_hashes(rng, 50)
    original = hashes.copy()
    copied = PdqIndex.build(hashes)
    shared = PdqIndex.build(hashes, copy=False)
    hashes[:] = 0  # the caller's mistake: only the shared index sees it
    assert copied.search(original[:3], 0) == [[(0, 0)], [(1, 0)], [(2, 0)]]
    np.testing.assert_array_equal(copied.get_hashes([0])[0], original[0])
    assert not shared.get_hashes([0]).any()


def test_warm_up_compiles_every_kernel() -> None:
    from reclaim.matching import warm_up

    assert warm_up() >= 0.0
