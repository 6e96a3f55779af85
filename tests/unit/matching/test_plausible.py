"""Real media passes the report plausibility checks; arbitrary bytes do not."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from reclaim.matching.plausible import Implausible, frames_to_keep, pdq_is_plausible
from reclaim.matching.video import VpdqFrame, parse_vpdq
from tests.reference_data import find_reference

REFERENCE = find_reference() or Path("missing")
SAMPLES = REFERENCE / "vpdq" / "sample-hashes"


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="ThreatExchange reference data not present")
def test_the_reference_videos_sampled_once_a_second_pass() -> None:
    checked = 0
    for path in sorted(SAMPLES.glob("*.txt")):
        frames = parse_vpdq(path.read_text())
        per_second = frames[::30]  # vpdq's frameMod at ~30 fps: one frame a second
        kept = frames_to_keep(per_second)
        assert kept or all(f.quality < 50 for f in per_second), path.name
        checked += 1
    assert checked >= 30


def test_random_bytes_as_frames_are_refused() -> None:
    frames = [VpdqFrame(secrets.token_hex(32), 100, float(i)) for i in range(32)]
    with pytest.raises(Implausible):
        frames_to_keep(frames)


def test_every_pdq_in_the_reference_csv_is_plausible() -> None:
    import csv

    path = SAMPLES.parents[1] / "pdq-expected.csv"
    if not path.exists():
        pytest.skip("ThreatExchange reference data not present")
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    checked = 0
    pairs = [
        ("pdqhash0.2.8+Pillow13_hash", "pdqhash_quality"),
        ("cpp_ref_libjpeg_hash", "cpp_ref_quality"),
    ]
    for row in rows:
        for hash_key, quality_key in pairs:
            value = row.get(hash_key) or ""
            if len(value) == 64 and (row.get(quality_key) or "").isdigit():
                assert pdq_is_plausible(value, int(row[quality_key])), (row, hash_key)
                checked += 1
    assert checked > 50
