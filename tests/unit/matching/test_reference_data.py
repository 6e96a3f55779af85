"""The reference needles/haystack hashes and vPDQ sample hashes from facebook/ThreatExchange."""

from __future__ import annotations

import numpy as np
import pytest
from threatexchange.signal_type.pdq import pdq_utils

from reclaim.matching import PdqIndex, bits_to_hex, hexes_to_array
from reclaim.matching.video import VpdqIndex, match_vpdq_pair, parse_vpdq

from .oracle import brute_force, reference_dir


def lines(name: str) -> list[str]:
    path = reference_dir() / "pdq" / "data" / "reg-test-input" / name
    return [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]


def test_needles_in_haystack_match_pytx_distances() -> None:
    needles, haystack = lines("needles.txt"), lines("haystack.txt")
    hay = hexes_to_array(haystack)
    index = PdqIndex.build(hay)
    got = index.search(hexes_to_array(needles), 31)
    # pytx's own distance on the hex strings is the oracle for the default threshold.
    for needle, matches in zip(needles, got, strict=True):
        expected = sorted(
            (pdq_utils.simple_distance(needle, h), i)
            for i, h in enumerate(haystack)
            if pdq_utils.simple_distance(needle, h) <= 31
        )
        assert matches == [(i, d) for d, i in expected]
    assert sum(map(len, got)) > 0
    # and every other radius against brute force, both strategies
    queries = hexes_to_array(needles)
    for radius in range(0, 64, 3):
        expected_all = brute_force(queries, hay, np.arange(hay.shape[0]), radius)
        for strategy in ("auto", "index", "batch"):
            result = index.search_arrays(queries, radius, strategy=strategy)  # type: ignore[arg-type]
            assert result.to_lists() == expected_all
    assert [bits_to_hex(row) for row in hay] == haystack


SAMPLES = ["chair-19-sd-bar", "chair-22-sd-grey-bar", "pattern-sd-with-small-logo-bar"]


@pytest.mark.parametrize("name", SAMPLES)
def test_vpdq_sample_matches_its_downscaled_hash(name: str) -> None:
    root = reference_dir() / "vpdq" / "sample-hashes"
    videos = {}
    for vid, path in enumerate(sorted(root.glob("*.txt"))):
        videos[path.stem] = (vid, parse_vpdq(path.read_text()))
    index = VpdqIndex()
    for vid, frames in videos.values():
        index.add(vid, frames)
    query = videos[name][1]
    results = {m.video_id: m for m in index.match(query)}
    own, small = videos[name][0], videos[f"{name}-128x128"][0]
    assert results[own].query_match_percent == 100.0
    assert results[own].compared_match_percent == 100.0
    assert results[small].query_match_percent >= 80.0
    for vid, frames in videos.values():  # the index agrees with the brute-force rule
        q_pct, c_pct = match_vpdq_pair(query, frames)
        if q_pct >= 80.0:
            assert (results[vid].query_match_percent, results[vid].compared_match_percent) == (
                pytest.approx(q_pct),
                pytest.approx(c_pct),
            )
        else:
            assert vid not in results
