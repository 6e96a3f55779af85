"""The NumPy PDQ against pdqhash (Meta's C++ PDQ, as python-threatexchange runs it),
fed the same luminance: the hashes and the quality must be identical."""

from __future__ import annotations

import re

import numpy as np
import pdqhash
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from PIL import Image

from reclaim.hashing import DIHEDRAL_NAMES, hamming_distance, pdq_from_luma, pdq_from_pixels
from reclaim.hashing.normalise import oriented
from reclaim.hashing.pdq import (
    _DCT,
    _dihedral_coefficients,
    axis_operator,
    bits_to_hex,
    downsample64,
    hex_to_bits,
    is_pdq_hex,
)
from tests.unit.hashing.synthetic import scene

HEX = re.compile(r"^[0-9a-f]{64}$")


def _vector_hex(vector: NDArray[np.integer]) -> str:
    return f"{int(''.join(str(int(b)) for b in vector), 2):064x}"


def reference(rgb: NDArray[np.uint8], *, dihedral: bool = False) -> tuple[list[str], int]:
    """pdqhash's hashes in python-threatexchange's hex format, and its quality."""
    if dihedral:
        vectors, quality = pdqhash.compute_dihedral(rgb)
        return [_vector_hex(v) for v in vectors], quality
    vector, quality = pdqhash.compute(rgb)
    return [_vector_hex(vector)], quality


def luma_of(rgb: NDArray[np.uint8]) -> NDArray[np.float32]:
    """The luminance pdqhash computes from RGB (float64 products, then float32)."""
    return (rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114).astype(np.float32)


@st.composite
def rgb_images(draw: st.DrawFn) -> NDArray[np.uint8]:
    """Random smooth-plus-noise RGB images of random shape (5..400 per side)."""
    height = draw(st.integers(5, 400))
    width = draw(st.integers(5, 400))
    seed = draw(st.integers(0, 2**32 - 1))
    contrast = draw(st.sampled_from([0.02, 0.2, 1.0]))
    rng = np.random.default_rng(seed)
    coarse = rng.random((int(rng.integers(2, 12)), int(rng.integers(2, 12)), 3)) * 255 * contrast
    smooth = Image.fromarray(coarse.astype(np.uint8)).resize((width, height), Image.BILINEAR)
    noise = rng.normal(0, float(rng.uniform(0, 8)), (height, width, 3))
    return (np.asarray(smooth) + noise).clip(0, 255).astype(np.uint8)


def _dct(luma: NDArray[np.float32]) -> NDArray[np.float64]:
    result: NDArray[np.float64] = _DCT @ downsample64(luma).astype(np.float64) @ _DCT.T
    return result


def _ties(coefficients: NDArray[np.float64]) -> NDArray[np.bool_]:
    flat = coefficients.reshape(-1)
    median = np.sort(flat)[127]
    return np.abs(flat - median) <= 1e-4 * (np.abs(flat).max() + 1e-12)


def undecided_bits(luma: NDArray[np.float32], variant: int = 0) -> NDArray[np.bool_]:
    """Bits whose DCT coefficient ties with the median to rounding error: there any
    implementation's bit is arbitrary (e.g. sides that divide 64 repeat samples
    exactly, and many coefficients are then zero up to float noise)."""
    return _ties(_dihedral_coefficients(_dct(luma))[variant])


@settings(max_examples=60, deadline=None)
@given(rgb_images())
def test_same_hash_and_quality_as_pdqhash(rgb: NDArray[np.uint8]) -> None:
    luma = luma_of(rgb)
    ours = pdq_from_luma(luma)
    (theirs,), quality = reference(rgb)
    # The 64 x 64 values differ from the C++'s by float rounding (summation order), so a
    # gradient can fall either side of an integer step: quality may differ by 1, rarely.
    assert abs(ours.quality - quality) <= 1
    differing = hex_to_bits(ours.hash) != hex_to_bits(theirs)
    assert not (differing & ~undecided_bits(luma)).any()


@pytest.mark.parametrize("seed", range(6))
def test_identical_to_pdqhash_on_photo_like_images(seed: int) -> None:
    rng = np.random.default_rng(seed)
    width, height = int(rng.integers(64, 900)), int(rng.integers(64, 900))
    rgb = np.asarray(scene(width, height, seed=seed))
    ours = pdq_from_luma(luma_of(rgb), dihedral=True)
    theirs, quality = reference(rgb, dihedral=True)
    assert list(ours.dihedral or ()) == theirs
    assert ours.quality == quality


@settings(max_examples=25, deadline=None)
@given(rgb_images())
def test_dihedral_hashes_same_as_pdqhash(rgb: NDArray[np.uint8]) -> None:
    luma = luma_of(rgb)
    ours = pdq_from_luma(luma, dihedral=True)
    theirs, quality = reference(rgb, dihedral=True)
    assert ours.dihedral is not None
    assert ours.dihedral[0] == ours.hash
    assert abs(ours.quality - quality) <= 1
    for variant, (mine, reference_hash) in enumerate(zip(ours.dihedral, theirs, strict=True)):
        differing = hex_to_bits(mine) != hex_to_bits(reference_hash)
        assert not (differing & ~undecided_bits(luma, variant)).any(), DIHEDRAL_NAMES[variant]


@pytest.mark.parametrize("shape", [(64, 64), (3024, 4032), (1004, 1600), (5, 5), (720, 480)])
def test_sizes_the_reference_special_cases(shape: tuple[int, int]) -> None:
    """64 x 64 skips the filter in the C++; large images use wide windows."""
    rng = np.random.default_rng(sum(shape))
    rgb = np.asarray(scene(shape[1], shape[0], seed=3)) if min(shape) > 20 else None
    if rgb is None:
        rgb = rng.integers(0, 256, (*shape, 3), dtype=np.uint8)
    ours = pdq_from_luma(luma_of(rgb))
    (theirs,), quality = reference(rgb)
    assert (ours.hash, ours.quality) == (theirs, quality)


@settings(max_examples=40, deadline=None)
@given(rgb_images(), st.integers(1, 8))
def test_rgb_pixels_and_oriented_views_hash_as_their_luminance(
    rgb: NDArray[np.uint8], orientation: int
) -> None:
    """pdq_from_pixels on decoded RGB, as an oriented (strided) view, takes luminance
    inside the tent filter: the same hash as the contiguous luminance matrix, but for
    bits tied with the median."""
    view = oriented(rgb, orientation)
    luma = np.ascontiguousarray(luma_of(view))
    want = pdq_from_luma(luma, dihedral=True)
    for pixels in (view, oriented(np.ascontiguousarray(luma_of(rgb)), orientation)):
        got = pdq_from_pixels(pixels, dihedral=True)
        assert abs(got.quality - want.quality) <= 1
        for variant, (mine, theirs) in enumerate(
            zip(got.dihedral or (), want.dihedral or (), strict=True)
        ):
            differing = hex_to_bits(mine) != hex_to_bits(theirs)
            assert not (differing & ~undecided_bits(luma, variant)).any()


def test_pixels_must_be_grey_or_rgb() -> None:
    with pytest.raises(ValueError, match="RGB"):
        pdq_from_pixels(np.zeros((80, 80, 4), dtype=np.uint8))


@pytest.mark.parametrize("shape", [(4, 100), (100, 4), (1, 1), (0, 7)])
def test_too_small_gives_the_zero_hash_and_quality_zero(shape: tuple[int, int]) -> None:
    result = pdq_from_luma(np.full(shape, 128.0, dtype=np.float32), dihedral=True)
    assert result.hash == "0" * 64
    assert result.quality == 0
    assert result.dihedral == ("0" * 64,) * 8


def test_flat_image_has_quality_zero() -> None:
    assert pdq_from_luma(np.full((300, 200), 77.0, dtype=np.float32)).quality == 0


def test_dihedral_variants_match_transformed_pixels() -> None:
    """Each dihedral hash computed from the DCT matches (distance <= 31) the hash of the
    actually transformed image, and is the closest of the eight (not exact: the
    reference's box windows and sampling grid are not symmetric)."""
    luma = luma_of(np.asarray(scene(512, 384, seed=5)))
    hashes = pdq_from_luma(luma, dihedral=True).dihedral
    assert hashes is not None
    transformed = {
        "original": luma,
        "rotate90": np.rot90(luma, 1),
        "rotate180": np.rot90(luma, 2),
        "rotate270": np.rot90(luma, 3),
        "flipx": luma[::-1, :],
        "flipy": luma[:, ::-1],
        "flipplus1": luma.T,
        "flipminus1": np.rot90(luma, 2).T,
    }
    for name in DIHEDRAL_NAMES:
        actual = pdq_from_luma(np.ascontiguousarray(transformed[name])).hash
        distances = [hamming_distance(actual, h) for h in hashes]
        assert distances[DIHEDRAL_NAMES.index(name)] == min(distances) <= 31, name


def test_hex_format_and_bit_order() -> None:
    bits = np.zeros(256, dtype=bool)
    bits[0] = True  # bit 0 is the least significant: the last hex digit
    assert bits_to_hex(bits) == "0" * 63 + "1"
    bits[:] = False
    bits[255] = True
    assert bits_to_hex(bits) == "8" + "0" * 63
    result = pdq_from_luma(luma_of(np.asarray(scene(seed=9))))
    assert HEX.match(result.hash)
    assert bits_to_hex(hex_to_bits(result.hash)) == result.hash
    assert int(hex_to_bits(result.hash).sum()) == 128  # median threshold: half the bits


@given(st.binary(min_size=32, max_size=32))
def test_hex_round_trip(raw: bytes) -> None:
    value = raw.hex()
    assert bits_to_hex(hex_to_bits(value)) == value
    assert bits_to_hex(hex_to_bits(value.upper())) == value


def test_hamming_distance() -> None:
    zero = "0" * 64
    assert hamming_distance(zero, "f" * 64) == 256
    assert hamming_distance(zero, "0" * 63 + "3") == 2
    assert hamming_distance("A" * 64, "a" * 64) == 0
    with pytest.raises(ValueError, match="64 hex"):
        hamming_distance(zero, "xyz")
    assert not is_pdq_hex("g" * 64)
    assert not is_pdq_hex("0" * 63)


def test_operator_rows_are_averages() -> None:
    """Each row of the tent-and-sample operator is a weighted average (sums to 1)."""
    for n in (5, 63, 64, 65, 512, 1000, 4032):
        op = axis_operator(n)
        assert op.shape == (64, n)
        assert np.allclose(op.sum(axis=1), 1.0)
        assert (op >= 0).all()


def test_rejects_non_matrix() -> None:
    with pytest.raises(ValueError, match="2-D"):
        pdq_from_luma(np.zeros((10, 10, 3), dtype=np.float32))
