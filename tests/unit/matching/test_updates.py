"""Adds and removals interleaved with searches stay exact (stateful property test)."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from reclaim.matching import PdqIndex

from .oracle import brute_force, flip_bits, random_hashes


class IndexMachine(RuleBasedStateMachine):
    """A PdqIndex and a dict model {id: hash} receive the same operations."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = TemporaryDirectory()
        self.rng = np.random.default_rng(0)
        self.model: dict[int, np.ndarray] = {}
        self.index = PdqIndex(delta_limit=5, merge_ratio=2.0, threads=2)

    def teardown(self) -> None:
        self.tmp.cleanup()

    @initialize(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 300))
    def build(self, seed: int, n: int) -> None:
        self.rng = np.random.default_rng(seed)
        hashes = random_hashes(self.rng, n)
        self.index = PdqIndex.build(hashes, delta_limit=5, merge_ratio=2.0, threads=2)
        self.model = {i: hashes[i] for i in range(n)}

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        ids = np.array(sorted(self.model), np.int64)
        hashes = np.array([self.model[i] for i in ids.tolist()], np.uint8).reshape(-1, 32)
        return hashes, ids

    @rule(k=st.integers(0, 12), near=st.booleans(), explicit=st.booleans())
    def add(self, k: int, near: bool, explicit: bool) -> None:
        if near and self.model:
            keys = list(self.model)
            rows = [
                flip_bits(
                    self.rng,
                    self.model[keys[int(self.rng.integers(len(keys)))]],
                    int(self.rng.integers(0, 40)),
                )
                for _ in range(k)
            ]
            new = np.array(rows, np.uint8).reshape(-1, 32)
        else:
            new = random_hashes(self.rng, k)
        if explicit:
            start = self.index.next_id + int(self.rng.integers(0, 3))
            ids = self.index.add(new, np.arange(start, start + k, dtype=np.int64)[::-1])
        else:
            ids = self.index.add(new)
        for i, row in zip(ids.tolist(), new, strict=True):
            self.model[i] = row

    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        keys = sorted(self.model)
        chosen = data.draw(st.lists(st.sampled_from(keys), max_size=8)) if keys else []
        unknown = [-5, self.index.next_id + 100]
        removed = self.index.remove([*chosen, *unknown])
        assert removed == len(set(chosen))
        for i in chosen:
            self.model.pop(i, None)

    @rule(data=st.data())
    def re_add_removed_id(self, data: st.DataObject) -> None:
        """An id can come back after removal (e.g. a hash re-activated)."""
        candidates = [i for i in range(self.index.next_id) if i not in self.model]
        if candidates:
            i = data.draw(st.sampled_from(candidates))
            row = random_hashes(self.rng, 1)
            self.index.add(row, [i])
            self.model[i] = row[0]

    @rule()
    def flush(self) -> None:
        self.index.flush()

    @rule()
    def compact(self) -> None:
        self.index.compact()
        assert len(self.index.stats().segments) <= 1

    @rule(mmap=st.booleans())
    def save_and_reload(self, mmap: bool) -> None:
        path = Path(self.tmp.name) / "index.pdqi"
        self.index.save(path)
        self.index = PdqIndex.load(path, mmap=mmap, threads=2)

    @rule(radius=st.integers(0, 63), strategy=st.sampled_from(["auto", "index", "batch"]))
    def search(self, radius: int, strategy: str) -> None:
        hashes, ids = self._arrays()
        rows = [random_hashes(self.rng, 1)[0]]
        for _ in range(3):
            if self.model:
                base = hashes[int(self.rng.integers(hashes.shape[0]))]
                rows.append(flip_bits(self.rng, base, int(self.rng.integers(0, radius + 2))))
        queries = np.array(rows, np.uint8)
        got = self.index.search_arrays(queries, radius, strategy=strategy).to_lists()  # type: ignore[arg-type]
        assert got == brute_force(queries, hashes, ids, radius)

    @invariant()
    def sizes_agree(self) -> None:
        assert len(self.index) == len(self.model)


IndexMachine.TestCase.settings = settings(
    derandomize=True,
    deadline=None,
    max_examples=40,
    stateful_step_count=25,
    suppress_health_check=[HealthCheck.too_slow],
)
TestIndexUpdates = IndexMachine.TestCase


def test_removal_is_visible_to_the_very_next_search() -> None:
    rng = np.random.default_rng(1)
    hashes = random_hashes(rng, 5000)
    index = PdqIndex.build(hashes)
    target = hashes[1234]
    assert index.search(target, 0) == [[(1234, 0)]]
    assert index.remove(1234) == 1
    assert index.search(target, 0) == [[]]
    assert index.remove(1234) == 0
    index.add(target[None, :], [1234])
    assert index.search(target, 0) == [[(1234, 0)]]


def test_many_adds_seal_and_merge_into_few_segments() -> None:
    rng = np.random.default_rng(2)
    index = PdqIndex.build(random_hashes(rng, 1000), delta_limit=64)
    added = [index.add(random_hashes(rng, 1)) for _ in range(3000)]
    stats = index.stats()
    assert stats.live == 4000
    assert len(stats.segments) <= 8
    assert [int(a[0]) for a in added[:3]] == [1000, 1001, 1002]
    hashes = index.get_hashes(np.arange(4000))
    queries = hashes[::97]
    assert index.search(queries, 10) == brute_force(queries, hashes, np.arange(4000), 10)


def test_searches_stay_exact_while_other_threads_add_remove_and_compact() -> None:
    """Maintenance (seal, merge, compaction) runs outside the state lock: a concurrent search
    must still find every hash that nobody removes, and never a hash removed before it began."""
    import threading

    rng = np.random.default_rng(8)
    stable = random_hashes(rng, 300)
    index = PdqIndex.build(
        np.concatenate([stable, random_hashes(rng, 3000)]), delta_limit=50, threads=2
    )
    removed_first = np.arange(300, 400)
    index.remove(removed_first)
    stop = threading.Event()
    errors: list[str] = []

    def writer(seed: int) -> None:
        w = np.random.default_rng(seed)
        victims = list(range(400 + seed * 1000, 1400 + seed * 1000))
        while not stop.is_set():
            index.add(random_hashes(w, int(w.integers(1, 30))))
            index.remove(victims[: int(w.integers(0, 5))])
            del victims[:5]
            if w.random() < 0.05:
                index.compact()

    def reader() -> None:
        expected = [[(i, 0)] for i in range(300)]
        for _ in range(60):
            got = index.search(stable, 0)
            if got != expected:
                errors.append(f"stable hashes: {got[:3]}")
            gone = index.search_arrays(random_hashes(rng, 1), 256).ids
            if np.isin(gone, removed_first).any():
                errors.append("a removed id came back")

    threads = [threading.Thread(target=writer, args=(s,)) for s in (1, 2)]
    for t in threads:
        t.start()
    try:
        reader()
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    assert len(index.stats().segments) >= 1
    final_hashes = index.get_hashes(np.arange(300))
    np.testing.assert_array_equal(final_hashes, stable)


def test_removals_and_adds_during_a_compaction_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(9)
    base = random_hashes(rng, 2000)
    index = PdqIndex.build(base, delta_limit=10_000)
    extra = random_hashes(rng, 20)
    index.add(extra[:10])  # ids 2000..2009, in the delta
    build = PdqIndex._new_segment
    during = random_hashes(rng, 3)

    def slow_build(self: PdqIndex, *args: object, **kwargs: object) -> object:
        # what other threads do while the new segment is being built
        self.remove([5, 2003])
        self.add(during)  # ids 2010..2012, land in the delta
        self.remove([2011])
        self.add(base[5][None, :], [5])  # 5 comes back, as a new row
        return build(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(PdqIndex, "_new_segment", slow_build)
    index.compact()
    monkeypatch.setattr(PdqIndex, "_new_segment", build)
    stats = index.stats()
    assert len(stats.segments) == 1 and stats.delta == 3  # 2010, 2012 and the new 5
    queries = np.concatenate([base[:10], extra[:10], during])
    got = index.search(queries, 0)
    expected = [[(i, 0)] for i in range(10)]
    expected += [[] if i == 2003 else [(i, 0)] for i in range(2000, 2010)]
    expected += [[(2010, 0)], [], [(2012, 0)]]
    assert got == expected
    assert len(index) == 2000 + 10 - 1 + 2
