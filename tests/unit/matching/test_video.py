"""vPDQ matching follows pytx's rule: quality filter, dedupe, distance 31, 80 % of query frames."""

from __future__ import annotations

import json

import numpy as np
import pytest

from reclaim.matching import array_to_hexes
from reclaim.matching.video import (
    VpdqFrame,
    VpdqIndex,
    VpdqMatch,
    match_vpdq_pair,
    parse_vpdq,
    prepare_frames,
)

from .oracle import flip_bits, random_hashes


def frames_of(hashes: np.ndarray, quality: int = 90) -> list[VpdqFrame]:
    return [VpdqFrame(h, quality, float(t)) for t, h in enumerate(array_to_hexes(hashes))]


def pytx_rule(query: list[VpdqFrame], stored: list[VpdqFrame]) -> tuple[float, float]:
    """pytx VPDQIndex.query, transcribed on hex strings (independent of our index)."""
    q = list(dict.fromkeys(f.pdq_hex for f in query if f.quality >= 50))
    s = list(dict.fromkeys(f.pdq_hex for f in stored if f.quality >= 50))

    def dist(a: str, b: str) -> int:
        return (int(a, 16) ^ int(b, 16)).bit_count()

    q_hit = {a for a in q for b in s if dist(a, b) <= 31}
    s_hit = {b for a in q for b in s if dist(a, b) <= 31}
    return len(q_hit) * 100 / len(q), len(s_hit) * 100 / len(s)


def test_parse_the_three_spellings() -> None:
    h = "ab" * 32
    compact = parse_vpdq(f"{h},77,1.5\n\n{h.upper()},40,2")
    assert compact == [VpdqFrame(h, 77, 1.5), VpdqFrame(h, 40, 2.0)]
    assert parse_vpdq(json.dumps([f"{h},77,1.500", f"{h},40,2.000"])) == compact
    assert parse_vpdq(f"0,77,{h},1.500\n1,40,{h},2.000\n") == compact
    for bad, message in [
        (f"{h},77", "line 1: expected 3 or 4"),
        (f"{h},101,0", "line 1: vPDQ quality"),
        (f"{h[:-1]},50,0", "line 1: not a PDQ hex"),
        (f"{h},50,0\n{h},x,0", "line 2"),
        ("[1, 2]", "list of strings"),
        ("[oops", "malformed"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_vpdq(bad)


def test_prepare_filters_quality_then_dedupes() -> None:
    a, b = "0" * 64, "f" * 64
    frames = [VpdqFrame(a, 10, 0), VpdqFrame(a, 90, 1), VpdqFrame(b, 50, 2), VpdqFrame(a, 99, 3)]
    assert prepare_frames(frames) == [a, b]
    assert prepare_frames(frames, quality_threshold=91) == [a]


def test_index_agrees_with_pytx_rule_on_edited_videos() -> None:
    rng = np.random.default_rng(4)
    base = random_hashes(rng, 30)
    videos = {
        1: frames_of(base),
        2: frames_of(np.array([flip_bits(rng, h, 12) for h in base])),  # re-encoded copy
        3: frames_of(np.array([flip_bits(rng, h, 40) for h in base])),  # too far
        4: frames_of(base[:20]),  # a cut: 2/3 of the frames
        5: frames_of(np.concatenate([base, random_hashes(rng, 90)])),  # longer video
        6: frames_of(base, quality=30),  # only low-quality frames: refused
    }
    index = VpdqIndex()
    for vid, frames in videos.items():
        if vid == 6:
            with pytest.raises(ValueError, match="quality"):
                index.add(vid, frames)
        else:
            index.add(vid, frames)
    query = frames_of(np.array([flip_bits(rng, h, 5) for h in base]))
    got = index.match(query)
    expected = []
    for vid in (1, 2, 3, 4, 5):
        q_pct, c_pct = pytx_rule(query, videos[vid])
        assert (q_pct, c_pct) == pytest.approx(match_vpdq_pair(query, videos[vid]))
        if q_pct >= 80:
            expected.append(VpdqMatch(vid, q_pct, c_pct))
    expected.sort(key=lambda m: (-m.query_match_percent, m.video_id))
    assert got == expected
    assert {m.video_id for m in got} == {1, 2, 5}
    assert next(m for m in got if m.video_id == 5).compared_match_percent == 25.0
    # a looser query threshold lets the cut match too; compared threshold can exclude
    loose = VpdqIndex(query_match_threshold=60.0, compared_match_threshold=30.0)
    for vid in (1, 4, 5):
        loose.add(vid, videos[vid])
    assert [m.video_id for m in loose.match(query)] == [1, 4]


def test_shared_frames_and_removal() -> None:
    rng = np.random.default_rng(5)
    base = random_hashes(rng, 10)
    index = VpdqIndex()
    index.add(1, frames_of(base))
    index.add(2, frames_of(base))  # identical video, frames stored once
    with pytest.raises(ValueError, match="already stored"):
        index.add(2, frames_of(base))
    assert [m.video_id for m in index.match(frames_of(base))] == [1, 2]
    assert index.remove(1) is True
    assert index.remove(1) is False
    assert [m.video_id for m in index.match(frames_of(base))] == [2]
    assert index.remove(2) is True
    assert index.match(frames_of(base)) == []
    assert len(index) == 0 and 2 not in index
    assert index.match(frames_of(base, quality=10)) == []
    assert match_vpdq_pair([], frames_of(base)) == (0.0, 0.0)
