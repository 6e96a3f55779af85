"""The full corpus of issue 15: 2,000 images and 20 videos, local vs Dask (2 worker processes)
vs brute force. Slow (about a minute on 2 cores); the fast tests use a smaller corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from reclaim.scale.corpus import make_corpus
from reclaim.scale.engines import DaskEngine, LocalEngine
from reclaim.scale.runner import ScanPlan, run_scan
from reclaim.scale.work import ScanOptions
from tests.scale.conftest import bank_for
from tests.scale.oracle import brute_force
from tests.scale.test_scan_engines import match_set


@pytest.mark.slow
def test_two_thousand_images_and_twenty_videos_same_on_every_engine(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", images=2000, videos=20)
    assert len(corpus.files) == 2000 + 20 + 1
    bank = bank_for(corpus, tmp_path / "bank", filler=20_000)
    results = {}
    for name, engine in (
        ("local", LocalEngine(2)),
        ("dask", DaskEngine(workers=2, processes=True)),
    ):
        output = tmp_path / f"{name}.jsonl"
        plan = ScanPlan(
            [str(corpus.root / "catalogue")], str(bank), output, ScanOptions(dihedral=True)
        )
        try:
            summary = run_scan(plan, engine, count=False)
        finally:
            engine.close()
        assert summary.errors == 1
        results[name] = match_set(output)
    expected = brute_force(corpus.files, bank, dihedral=True)
    assert results["local"] == expected
    assert results["dask"] == expected
    planted = {(p["path"], p["item"] + 1000) for p in corpus.planted}
    found = {(path, item) for path, _, item, _ in expected}
    assert len(planted & found) >= 0.85 * len(planted)
