"""Interop with python-threatexchange (the ``threatexchange`` package) as the oracle.

pytx hashes with pdqhash (Meta's C++ PDQ) on Pillow's pixels. Where pytx is correct the
two must agree (quality >= 80: distance <= 10), and Reclaim's hashes must be valid pytx
signals that pytx itself matches. Where pytx is wrong (palette indices, CMYK read as
RGB, 1-bit quality 0, 16-bit clamped, alpha ignored, EXIF orientation ignored) it is
excluded here and Reclaim's behaviour is pinned by the conformance tests instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from threatexchange.signal_type.md5 import VideoMD5Signal
from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_file
from threatexchange.signal_type.pdq.signal import PdqSignal
from threatexchange.signal_type.sha256 import VideoSHA256Signal

from reclaim.hashing import hamming_distance, hash_file, hash_image
from reclaim.hashing.normalise import normalise_image
from reclaim.hashing.pdq import pdq_from_block
from tests.conformance.reference import expected_rows, find_reference

ROOT = find_reference()

#: Where pytx's hash is wrong, and why.
PYTX_WRONG = {
    "pdq/data/misc-images/modes/P.png": "hashes palette indices",
    "pdq/data/misc-images/modes/CMYK.jpg": "reads C, M, Y as R, G, B (the inverse image)",
    "pdq/data/misc-images/modes/1.png": "quality 0 (booleans as 0/0.299 luma)",
    "python-threatexchange/threatexchange/tests/hashing/resources/I16.png": "clamps 16-bit",
    "python-threatexchange/threatexchange/tests/hashing/resources/LA.png": "ignores alpha",
    "pdq/data/reg-test-input/exif-rotn/exif-rotn-3.jpg": "ignores EXIF orientation",
    "pdq/data/reg-test-input/exif-rotn/exif-rotn-6.jpg": "ignores EXIF orientation",
    "pdq/data/reg-test-input/exif-rotn/exif-rotn-8.jpg": "ignores EXIF orientation",
}

IMAGES = [row.image for row in expected_rows(ROOT)] if ROOT else []
PYTX_CORRECT = [image for image in IMAGES if image not in PYTX_WRONG]


@pytest.mark.parametrize("image", PYTX_CORRECT, ids=lambda image: image.rsplit("/", 1)[-1])
def test_agrees_with_pytx_where_pytx_is_correct(reference: Path, image: str) -> None:
    path = reference / image
    theirs, their_quality = pdq_from_file(path)
    ours = hash_image(path)
    assert abs(ours.quality - their_quality) <= 5 or min(ours.quality, their_quality) >= 80
    if their_quality >= 80:
        assert hamming_distance(ours.pdq, theirs) <= 10
        assert PdqSignal.compare_hash(ours.pdq, theirs).match


@pytest.mark.parametrize("image", sorted(PYTX_WRONG), ids=lambda image: image.rsplit("/", 1)[-1])
def test_where_pytx_is_wrong_reclaim_is_not(reference: Path, image: str) -> None:
    """pytx's defects are real (so these images are rightly excluded above), and
    Reclaim's hash is the right one (pinned against the originals in test_pdq_reference)."""
    path = reference / image
    theirs, their_quality = pdq_from_file(path)
    ours = hash_image(path)
    assert ours.quality >= 80
    if image.endswith("/1.png"):
        assert their_quality == 0  # same bits, but pytx would never match it
        return
    assert hamming_distance(ours.pdq, theirs) > 31
    if "exif-rotn" in image:  # pytx hashes the stored pixels, unrotated
        stored = normalise_image(path.read_bytes(), max_pixels=10**9, orient=False)
        assert hamming_distance(pdq_from_block(stored.block).hash, theirs) <= 10


def test_every_reference_image_is_covered(reference: Path) -> None:
    assert set(PYTX_WRONG) <= set(IMAGES)
    assert len(PYTX_CORRECT) + len(PYTX_WRONG) == len(IMAGES) == 54


def test_formats_are_pytx_signals(reference: Path) -> None:
    path = reference / "pdq/data/bridge-mods/aaa-orig.jpg"
    ours = hash_image(path, dihedral=True)
    assert PdqSignal.validate_signal_str(ours.pdq) == ours.pdq
    assert ours.dihedral is not None
    for variant in ours.dihedral:
        assert PdqSignal.validate_signal_str(variant) == variant
    assert PdqSignal.hash_from_bytes(path.read_bytes()) == pdq_from_file(path)[0]


def test_exact_digests_agree_with_pytx(reference: Path) -> None:
    for path in [
        reference / "pdq/data/misc-images/modes/original.jpg",
        reference / "tmk/sample-videos/doorknob-hd-no-bar.mp4",
    ]:
        ours = hash_file(path)
        assert ours.md5 == VideoMD5Signal.hash_from_file(path)
        assert ours.sha256 == VideoSHA256Signal.hash_from_file(path)
