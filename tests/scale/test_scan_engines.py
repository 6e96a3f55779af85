"""`reclaim scan`'s engines give the same matches as each other and as brute force."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reclaim.scale.corpus import PLAIN_TRANSFORMS
from reclaim.scale.engines import DaskEngine, LocalEngine
from reclaim.scale.plan import Chunk
from reclaim.scale.runner import ScanPlan, run_scan
from reclaim.scale.work import ChunkResult, ScanOptions
from tests.scale.oracle import brute_force


def match_set(output: Path) -> set[tuple[Any, ...]]:
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    keys = [(r["path"], r["signal"], r["item"], r["distance"]) for r in rows]
    assert len(keys) == len(set(keys)), "a match was written twice"
    return set(keys)


def scan(
    corpus: dict[str, Any],
    engine: Any,
    output: Path,
    *,
    dihedral: bool = False,
    files_per_chunk: int = 16,
) -> set[tuple[Any, ...]]:
    plan = ScanPlan(
        [str(corpus["root"] / "catalogue")],
        str(corpus["bank"]),
        output,
        ScanOptions(dihedral=dihedral),
        files_per_chunk=files_per_chunk,
    )
    try:
        summary = run_scan(plan, engine, count=False)
    finally:
        engine.close()
    assert summary.errors == 1  # broken.jpg
    return match_set(output)


@pytest.mark.parametrize("dihedral", [False, True])
def test_local_and_dask_engines_equal_brute_force(
    small_corpus: dict[str, Any], tmp_path: Path, dihedral: bool
) -> None:
    files = small_corpus["corpus"].files
    expected = brute_force(files, small_corpus["bank"], dihedral=dihedral)
    inline = scan(small_corpus, LocalEngine(1), tmp_path / "inline.jsonl", dihedral=dihedral)
    pool = scan(small_corpus, LocalEngine(2), tmp_path / "pool.jsonl", dihedral=dihedral)
    dask = scan(
        small_corpus,
        DaskEngine(workers=2, processes=False),
        tmp_path / "dask.jsonl",
        dihedral=dihedral,
    )
    assert inline == expected
    assert pool == expected
    assert dask == expected


def test_planted_copies_are_found(small_corpus: dict[str, Any], tmp_path: Path) -> None:
    found = scan(small_corpus, LocalEngine(1), tmp_path / "d.jsonl", dihedral=True)
    matched = {(path, item - 1000) for path, _, item, _ in found}
    planted = small_corpus["corpus"].planted
    for transform in (*PLAIN_TRANSFORMS, "mirror", "rotate90"):
        if transform == "border":
            continue  # PDQ is weak on borders: counted below, not required
        copies = [p for p in planted if p["transform"] == transform]
        assert copies
        hits = [p for p in copies if (p["path"], p["item"]) in matched]
        assert len(hits) >= 0.8 * len(copies), transform
    videos = [p for p in planted if p["path"].endswith(".mp4")]
    assert all((p["path"], p["item"]) in matched for p in videos)
    broken = json.loads((tmp_path / "d.jsonl.errors.jsonl").read_text())
    assert broken["path"].endswith("broken.jpg") and broken["error"]["code"]


class Interrupting:
    """Wraps an engine; Ctrl-C after ``after`` chunks."""

    name = "interrupting"
    workers = 1

    def __init__(self, inner: Any, after: int) -> None:
        self.inner, self.after = inner, after

    def describe(self) -> str:
        return "interrupting"

    def run(
        self, chunks: Iterator[Chunk], bank: str, options: ScanOptions
    ) -> Iterator[ChunkResult]:
        for n, result in enumerate(self.inner.run(chunks, bank, options)):
            if n == self.after:
                raise KeyboardInterrupt
            yield result

    def close(self) -> None:
        self.inner.close()


def test_an_interrupted_scan_resumes_without_losing_or_repeating(
    small_corpus: dict[str, Any], tmp_path: Path
) -> None:
    whole = scan(small_corpus, LocalEngine(1), tmp_path / "whole.jsonl")
    output = tmp_path / "resumed.jsonl"
    plan = ScanPlan(
        [str(small_corpus["root"] / "catalogue")],
        str(small_corpus["bank"]),
        output,
        files_per_chunk=16,
    )
    with pytest.raises(KeyboardInterrupt):
        run_scan(plan, Interrupting(LocalEngine(1), after=3), count=False)
    checkpoint = output.with_name(output.name + ".checkpoint")
    assert len(checkpoint.read_text().splitlines()) == 1 + 3
    with output.open("a") as handle:  # a chunk written but not recorded before the crash
        handle.write('{"path": "half-written"')
    summary = run_scan(plan, LocalEngine(1), count=False)
    assert summary.resumed_chunks == 3
    assert match_set(output) == whole
    assert summary.inputs == len(small_corpus["corpus"].files)
    assert not checkpoint.exists()


def test_checkpoint_entries_ahead_of_the_data_on_disk_are_done_again(
    small_corpus: dict[str, Any], tmp_path: Path
) -> None:
    """After a system crash the checkpoint may have reached the disk before the output."""
    whole = scan(small_corpus, LocalEngine(1), tmp_path / "whole.jsonl")
    output = tmp_path / "lost.jsonl"
    plan = ScanPlan(
        [str(small_corpus["root"] / "catalogue")],
        str(small_corpus["bank"]),
        output,
        files_per_chunk=16,
    )
    with pytest.raises(KeyboardInterrupt):
        run_scan(plan, Interrupting(LocalEngine(1), after=4), count=False)
    size = output.stat().st_size
    output.write_bytes(output.read_bytes()[: size // 2])  # the last chunks' data never landed
    summary = run_scan(plan, LocalEngine(1), count=False)
    assert summary.resumed_chunks < 4
    assert match_set(output) == whole
