"""vPDQ conformance: every sample video against vpdq/sample-hashes/<name>.txt, frame by
frame at the same frame numbers and timestamps; each reference frame of quality >= 50
within distance 31."""

from __future__ import annotations

from pathlib import Path

import pytest

from reclaim.hashing import hamming_distance, hash_video
from tests.conformance.reference import find_reference, vpdq_reference

ROOT = find_reference()
VIDEOS = sorted(p.stem for p in (ROOT / "tmk/sample-videos").glob("*.mp4")) if ROOT else []


def _compare(reference: Path, name: str, fps: float | None) -> None:
    expected = vpdq_reference(reference, name)
    result = hash_video(reference / "tmk/sample-videos" / f"{name}.mp4", fps=fps)
    lines = result.to_vpdq_lines()
    assert len(lines) == len(result.frames)
    if fps is None:
        assert [f.frame for f in result.frames] == sorted(expected)
    compared = 0
    for frame in result.frames:
        quality, pdq, timestamp = expected[frame.frame]
        assert f"{frame.t:.3f}" == timestamp
        if quality >= 50:
            assert hamming_distance(frame.pdq, pdq) <= 31, (frame.frame, frame.t)
            compared += 1
    assert compared > 0


def test_all_sample_videos_are_present(reference: Path) -> None:
    assert len(VIDEOS) == 9
    for name in VIDEOS:
        assert (reference / "vpdq/sample-hashes" / f"{name}.txt").is_file()


@pytest.mark.parametrize("name", VIDEOS)
def test_one_frame_per_second(reference: Path, name: str) -> None:
    _compare(reference, name, fps=1.0)


@pytest.mark.slow
@pytest.mark.parametrize("name", VIDEOS)
def test_every_frame(reference: Path, name: str) -> None:
    _compare(reference, name, fps=None)
