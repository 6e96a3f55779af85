"""Large textured photos hash as pdqhash does on every pixel (issue 9, item 19).

Platforms running python-threatexchange or HMA hash the full-resolution pixels Pillow
decodes (pdqhash). A pre-reduction before the tent filter (draft JPEG decoding, box
averaging) aliases fine texture and moved these hashes up to 36 bits away: every
texture, size and orientation here must stay within 10 bits (measured: see
docs/hashing.md, "Large images").
"""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageOps
from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_bytes

from reclaim.hashing import hamming_distance, hash_image
from tests.textured import SIZES, TEXTURES, textured, textured_jpeg

LIMIT = 10


def _cases(*sizes: str) -> list[tuple[str, int, int]]:
    cases = []
    for size in sizes:
        width, height = SIZES[size]
        for kind in TEXTURES:
            cases.append((kind, width, height))  # landscape
            cases.append((kind, height, width))  # portrait
    return cases


def _ids(case: tuple[str, int, int]) -> str:
    kind, width, height = case
    return f"{kind}-{width}x{height}"


def _distance_from_pdqhash(data: bytes) -> tuple[int, int, int]:
    theirs, their_quality = pdq_from_bytes(data)
    ours = hash_image(data)
    return hamming_distance(ours.pdq, theirs), ours.quality, their_quality


@pytest.mark.parametrize("case", _cases("2MP"), ids=_ids)
def test_textured_2mp_jpeg_within_10_bits_of_pdqhash(case: tuple[str, int, int]) -> None:
    data = textured_jpeg(*case)
    distance, quality, their_quality = _distance_from_pdqhash(data)
    assert distance <= LIMIT, (case, distance)
    assert abs(quality - their_quality) <= 1


@pytest.mark.slow
@pytest.mark.parametrize("case", _cases("12MP", "24MP"), ids=_ids)
def test_textured_12_and_24mp_jpeg_within_10_bits_of_pdqhash(case: tuple[str, int, int]) -> None:
    data = textured_jpeg(*case)
    distance, quality, their_quality = _distance_from_pdqhash(data)
    assert distance <= LIMIT, (case, distance)
    assert abs(quality - their_quality) <= 1


@pytest.mark.parametrize("kind", sorted(TEXTURES))
def test_textured_png_within_10_bits_of_pdqhash(kind: str) -> None:
    """Non-JPEG images (here PNG, decoded at full size anyway) were box-reduced."""
    buffer = io.BytesIO()
    textured(kind, 2600, 2048, seed=3).save(buffer, "PNG", compress_level=1)
    distance, _, _ = _distance_from_pdqhash(buffer.getvalue())
    assert distance <= LIMIT, (kind, distance)


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_textured_phone_photo_with_exif_orientation(orientation: int) -> None:
    """A phone stores a portrait photo as landscape pixels plus an EXIF orientation: the
    upright hash is within 10 bits of pdqhash on the upright full-resolution pixels."""
    image = textured("fabric", *SIZES["2MP"], seed=5)
    exif = image.getexif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    data = buffer.getvalue()
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(data)).convert("RGB"))
    again = io.BytesIO()
    upright.save(again, "PNG", compress_level=1)
    theirs, _ = pdq_from_bytes(again.getvalue())
    assert hamming_distance(hash_image(data).pdq, theirs) <= LIMIT
