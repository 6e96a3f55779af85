"""PDQ, vectorised with NumPy: the algorithm of Meta's C++ reference, step for step.

Input is a luminance matrix (rows x columns, any float or integer dtype, values on the
0..255 scale). The steps, with the names the C++ reference uses:

1. *Jarosz tent filter*: two passes of a box filter along each axis, the window being
   ``ceil(n / 128)`` for an axis of length ``n`` (``computeJaroszFilterWindowSize``),
   with the reference's asymmetric window and its truncated edges (``box1DFloat``).
2. *Decimate* to 64 x 64 by sampling row/column ``floor((k + 0.5) * n / 64)``. A 64 x 64
   input skips steps 1-2, as in the reference.
3. *Quality*: the sum over horizontal and vertical neighbours of the 64 x 64 image of
   ``|trunc((u - v) * 100 / 255)|``, divided by 90 (integer division), capped at 100.
4. *DCT*: ``B = D A Dᵀ`` with ``D[i][j] = sqrt(2/64) cos(π/128 (i+1)(2j+1))`` for
   ``i < 16`` (the DC term is skipped).
5. *Bits*: bit ``16 i + j`` is set when ``B[i][j]`` is greater than the median of the 256
   values (the lower median, as the reference's Torben selection).
6. *Hex*: the 256 bits as one big-endian integer where bit ``16 i + j`` has weight
   ``2**(16 i + j)``, written as 64 lowercase hex digits (``Hash256::format``, and what
   pdqhash / python-threatexchange print).

Because steps 1-2 are linear and separable, they are computed as ``Rᵣ · Y · Rᶜᵀ`` where
``R`` (64 x n) is the exact tent-and-sample operator of one axis, built once per length,
on every pixel of the image (no pre-reduction: it aliases fine texture away from what
pdqhash computes). Each output row only needs the ~n/64 input rows under its tent, so
the first pass reads the decoded uint8 pixels a band at a time; for RGB, the luminance
is taken after that pass (linear, so the same to float rounding).
Images smaller than 5 pixels on a side get the all-zero hash and quality 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DIHEDRAL_NAMES",
    "MIN_HASHABLE_SIDE",
    "PdqResult",
    "RowReader",
    "bits_to_hex",
    "downsample64",
    "downsample64_rows",
    "hamming_distance",
    "hex_to_bits",
    "is_pdq_hex",
    "luma_from_rgb",
    "pdq_from_block",
    "pdq_from_luma",
    "pdq_from_pixels",
]

MIN_HASHABLE_SIDE: Final = 5
_SIDE: Final = 64
_DCT_SIDE: Final = 16
_JAROSZ_PASSES: Final = 2

#: Order of :attr:`PdqResult.dihedral`, the same as the C++ reference and pdqhash.
DIHEDRAL_NAMES: Final = (
    "original",
    "rotate90",
    "rotate180",
    "rotate270",
    "flipx",
    "flipy",
    "flipplus1",
    "flipminus1",
)

_ZERO_HASH: Final = "0" * 64


def _dct_matrix() -> NDArray[np.float64]:
    i = np.arange(1, _DCT_SIDE + 1, dtype=np.float64)[:, None]
    j = np.arange(_SIDE, dtype=np.float64)[None, :]
    matrix: NDArray[np.float64] = np.sqrt(2.0 / _SIDE) * np.cos(
        (np.pi / 2.0 / _SIDE) * i * (2.0 * j + 1.0)
    )
    return matrix


_DCT: Final = _dct_matrix()


@dataclass(frozen=True, slots=True)
class PdqResult:
    """A PDQ hash (64 lowercase hex digits), its quality (0-100) and, on request, the
    eight dihedral hashes in :data:`DIHEDRAL_NAMES` order (the first is ``hash``)."""

    hash: str
    quality: int
    dihedral: tuple[str, ...] | None = None


def _box_window(n: int) -> int:
    """``computeJaroszFilterWindowSize(n, 64)``: ceil(n / 128)."""
    return (n + 2 * _SIDE - 1) // (2 * _SIDE)


@lru_cache(maxsize=64)
def _box_matrix_rows(n: int, full: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """First and last input index (inclusive) averaged into each output of box1DFloat."""
    half = (full + 2) // 2
    out = np.arange(n)
    lo = np.maximum(out + half - full, 0)
    hi = np.minimum(out + half - 1, n - 1)
    return lo, hi


@lru_cache(maxsize=64)
def axis_operator(n: int) -> NDArray[np.float64]:
    """The 64 x n matrix taking an axis of length ``n`` through the two box passes and
    the decimation of the C++ reference (exact weights, float64)."""
    full = _box_window(n)
    lo, hi = _box_matrix_rows(n, full)
    samples = ((np.arange(_SIDE) + 0.5) * n / _SIDE).astype(np.int64)
    # Row s of the first pass averages rows lo[s]..hi[s] of the second pass, each of which
    # averages inputs lo[j]..hi[j]: accumulate those uniform rows with difference arrays.
    op = np.zeros((_SIDE, n), dtype=np.float64)
    for k, s in enumerate(samples):
        js = np.arange(lo[s], hi[s] + 1)
        counts = (hi[js] - lo[js] + 1).astype(np.float64)
        diff = np.zeros(n + 1, dtype=np.float64)
        np.add.at(diff, lo[js], 1.0 / (js.size * counts))
        np.add.at(diff, hi[js] + 1, -1.0 / (js.size * counts))
        row = np.cumsum(diff[:n])
        # Outside the support the running sum is rounding residue: make it exactly zero.
        row[: lo[js[0]]] = 0.0
        row[hi[js[-1]] + 1 :] = 0.0
        op[k] = row
    op.setflags(write=False)
    return op


@lru_cache(maxsize=64)
def _banded_operator(n: int, reverse: bool = False) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
    """:func:`axis_operator` as (indices, weights), each 64 x L: the tent of each sample
    covers only about n/64 inputs, so the product is gathered rather than multiplied by
    a dense matrix (and never goes through a multi-threaded BLAS). ``reverse``: the
    operator of the mirrored axis, in the unmirrored axis's indices."""
    op = axis_operator(n)[:, ::-1] if reverse else axis_operator(n)
    nonzero = op != 0.0
    first = nonzero.argmax(axis=1)
    last = n - 1 - nonzero[:, ::-1].argmax(axis=1)
    width = int((last - first).max()) + 1
    idx = first[:, None] + np.arange(width)[None, :]
    valid = idx <= last[:, None]
    idx = np.minimum(idx, n - 1)
    weights = np.where(valid, np.take_along_axis(op, idx, axis=1), 0.0).astype(np.float32)
    idx = idx.astype(np.intp)
    idx.setflags(write=False)
    weights.setflags(write=False)
    return idx, weights


def _outer_pass(data: NDArray[np.generic]) -> NDArray[np.float32]:
    """The tent filter and decimation of axis 0 (64 x the other axes), a band of rows at
    a time: each output row only needs the ~n/64 input rows under its tent, so the
    input (uint8 as decoded, or float) is never converted to float as a whole."""
    idx, weights = _banded_operator(data.shape[0])
    out = np.empty((_SIDE, *data.shape[1:]), dtype=np.float32)
    for k in range(_SIDE):
        first = int(idx[k, 0])
        band = data[first : first + weights.shape[1]]
        w = weights[k, : band.shape[0]]
        # einsum's own loops: no BLAS, so no thread pool competing for shared cores.
        np.einsum("l,l...->...", w, band.astype(np.float32, copy=False), out=out[k])
    return out


def _inner_pass(by_rows: NDArray[np.float32], reverse: bool = False) -> NDArray[np.float32]:
    """The same along axis 1 of the 64 x n result of :func:`_outer_pass`."""
    col_idx, col_w = _banded_operator(by_rows.shape[1], reverse)
    out = np.einsum("rkl,kl->rk", by_rows[:, col_idx], col_w)
    return np.ascontiguousarray(out, dtype=np.float32)


def luma_from_rgb(rgb: NDArray[np.generic]) -> NDArray[np.float32]:
    """``0.299 R + 0.587 G + 0.114 B`` of the last axis (float64 products, float32 out,
    as pdqhash)."""
    r, g, b = (rgb[..., c].astype(np.float64) for c in range(3))
    luma: NDArray[np.float32] = (r * 0.299 + g * 0.587 + b * 0.114).astype(np.float32)
    return luma


def downsample64(
    pixels: NDArray[np.floating] | NDArray[np.integer],
) -> NDArray[np.float32]:
    """Tent-filter and decimate to 64 x 64 as the reference does.

    ``pixels`` is a luminance matrix (rows x columns) or an RGB image (rows x columns x
    3), of any numeric dtype and any strides (an oriented view of the decoded pixels is
    fine). For RGB the luminance ``0.299 R + 0.587 G + 0.114 B`` is taken after the pass
    along the first axis rather than before: both are linear, so this is the same
    (to float rounding) as converting every pixel first, without a full-size float
    copy. The pass along the axis that is outer in memory runs first."""
    if (pixels.ndim == 3 and pixels.shape[2] != 3) or pixels.ndim not in (2, 3):
        raise ValueError("pixels must be rows x columns, or rows x columns x 3 (RGB)")
    rows, cols = pixels.shape[:2]
    if rows == _SIDE and cols == _SIDE:
        block = luma_from_rgb(pixels) if pixels.ndim == 3 else pixels
        return np.array(block, dtype=np.float32)
    swapped = abs(pixels.strides[1]) > abs(pixels.strides[0])
    data = np.swapaxes(pixels, 0, 1) if swapped else pixels
    first = _outer_pass(data)
    if first.ndim == 3:
        first = luma_from_rgb(first)
    block = _inner_pass(first)
    return np.ascontiguousarray(block.T) if swapped else block


#: ``read(start, stop)``: rows ``start`` to ``stop - 1`` of an image, as an array of
#: ``stop - start`` rows (grey) or ``stop - start`` rows x 3 (RGB), any numeric dtype.
RowReader = Callable[[int, int], NDArray[Any]]


def downsample64_rows(
    read: RowReader,
    rows: int,
    cols: int,
    *,
    flip_rows: bool = False,
    flip_cols: bool = False,
    transpose: bool = False,
) -> NDArray[np.float32]:
    """:func:`downsample64` of an image read a band of rows at a time, so the decoded
    pixels never need to be one array: the 64 x 64 of ``T(F(S))`` where ``S`` is the
    ``rows x cols`` image ``read`` gives, ``F`` mirrors its rows and/or columns and
    ``T`` transposes (the EXIF orientations). Mirroring an axis is the same as using
    that axis's operator mirrored, and ``R_c · Sᵀ · R_rᵀ = (R_r · S · R_cᵀ)ᵀ``, so the
    pixels are read only once, in stored order."""
    if rows == _SIDE and cols == _SIDE:
        whole = read(0, rows)
        whole = whole[::-1] if flip_rows else whole
        whole = whole[:, ::-1] if flip_cols else whole
        return downsample64(np.swapaxes(whole, 0, 1) if transpose else whole)
    idx, weights = _banded_operator(rows, flip_rows)
    out: NDArray[np.float32] | None = None
    for k in range(_SIDE):
        first = int(idx[k, 0])
        band = read(first, min(first + weights.shape[1], rows))
        if out is None:
            out = np.empty((_SIDE, *band.shape[1:]), dtype=np.float32)
        w = weights[k, : band.shape[0]]
        np.einsum("l,l...->...", w, band.astype(np.float32, copy=False), out=out[k])
    assert out is not None
    by_rows = luma_from_rgb(out) if out.ndim == 3 else out
    block = _inner_pass(by_rows, flip_cols)
    return np.ascontiguousarray(block.T) if transpose else block


def quality_of(block: NDArray[np.float32]) -> int:
    """``pdqImageDomainQualityMetric`` on the 64 x 64 image (float32 arithmetic)."""
    scale = np.float32(100.0)
    div = np.float32(255.0)
    dv = np.trunc(((block[:-1, :] - block[1:, :]) * scale) / div)
    dh = np.trunc(((block[:, :-1] - block[:, 1:]) * scale) / div)
    gradient_sum = int(np.abs(dv).sum(dtype=np.int64) + np.abs(dh).sum(dtype=np.int64))
    return min(gradient_sum // 90, 100)


def _dihedral_coefficients(b: NDArray[np.float64]) -> list[NDArray[np.float64]]:
    """The 16 x 16 DCT of each dihedral transform of the image, from the original's.

    Mirroring an axis multiplies the coefficients of odd frequency (even index, since
    index i holds frequency i + 1) by -1; rotating or transposing swaps the axes."""
    idx = np.arange(_DCT_SIDE)
    even = (idx % 2 == 0).astype(np.float64)
    flip = 1.0 - 2.0 * even  # -1 where the index is even (odd frequency)
    row_sign = flip[:, None]
    col_sign = flip[None, :]
    bt = b.T
    return [
        b,  # original
        bt * row_sign,  # rotate 90: B[j][i] = A[i][j], negated for even j
        b * row_sign * col_sign,  # rotate 180
        bt * col_sign,  # rotate 270: negated for even i
        b * row_sign,  # flip x: negated for even i
        b * col_sign,  # flip y: negated for even j
        bt,  # flip +1 (transpose)
        bt * row_sign * col_sign,  # flip -1 (anti-transpose)
    ]


def _threshold_hex(coefficients: NDArray[np.float64]) -> str:
    flat = coefficients.reshape(-1)
    median = np.partition(flat, 127)[127]  # lower median, as Torben's selection
    return bits_to_hex(flat > median)


def bits_to_hex(bits: NDArray[np.bool_]) -> str:
    """256 booleans (bit ``16 i + j`` at index ``16 i + j``) to 64 lowercase hex digits."""
    if bits.shape != (256,):
        raise ValueError("a PDQ hash has 256 bits")
    return np.packbits(bits[::-1].astype(np.uint8)).tobytes().hex()


def hex_to_bits(pdq_hex: str) -> NDArray[np.bool_]:
    """Inverse of :func:`bits_to_hex` (accepts upper-case hex)."""
    if not is_pdq_hex(pdq_hex):
        raise ValueError("a PDQ hash is 64 hex digits")
    raw = np.frombuffer(bytes.fromhex(pdq_hex), dtype=np.uint8)
    return np.unpackbits(raw)[::-1].astype(bool)


def is_pdq_hex(value: str) -> bool:
    """True for 64 hex digits (either case)."""
    if len(value) != 64:
        return False
    try:
        int(value, 16)
    except ValueError:
        return False
    return all(c in "0123456789abcdefABCDEF" for c in value)


def hamming_distance(a: str, b: str) -> int:
    """Number of differing bits between two PDQ hex hashes."""
    if not (is_pdq_hex(a) and is_pdq_hex(b)):
        raise ValueError("a PDQ hash is 64 hex digits")
    return (int(a, 16) ^ int(b, 16)).bit_count()


def pdq_from_luma(
    luma: NDArray[np.floating] | NDArray[np.integer], *, dihedral: bool = False
) -> PdqResult:
    """PDQ hash and quality of a luminance matrix (rows x columns, 0..255 scale)."""
    if luma.ndim != 2:
        raise ValueError("luma must be a 2-D matrix")
    return pdq_from_pixels(luma, dihedral=dihedral)


def pdq_from_pixels(
    pixels: NDArray[np.floating] | NDArray[np.integer], *, dihedral: bool = False
) -> PdqResult:
    """PDQ hash and quality of a luminance matrix (rows x columns) or of an RGB image
    (rows x columns x 3), 0..255 scale, at full resolution (see :func:`downsample64`)."""
    rows, cols = pixels.shape[:2]
    if rows < MIN_HASHABLE_SIDE or cols < MIN_HASHABLE_SIDE:
        return pdq_from_block(None, dihedral=dihedral)
    return pdq_from_block(downsample64(pixels), dihedral=dihedral)


def pdq_from_block(block: NDArray[np.float32] | None, *, dihedral: bool = False) -> PdqResult:
    """PDQ hash and quality from the tent-filtered 64 x 64 luminance (steps 3-6); ``None``
    (an image less than 5 pixels on a side) gives the all-zero hash and quality 0."""
    if block is None:
        return PdqResult(_ZERO_HASH, 0, (_ZERO_HASH,) * 8 if dihedral else None)
    quality = quality_of(block)
    coefficients = _DCT @ block.astype(np.float64) @ _DCT.T
    if not dihedral:
        return PdqResult(_threshold_hex(coefficients), quality)
    hashes = tuple(_threshold_hex(c) for c in _dihedral_coefficients(coefficients))
    return PdqResult(hashes[0], quality, hashes)
