"""Normalisation: every Pillow mode and phone format hashes like the RGB original.

All images are synthetic (gradients, shapes, noise, text) and encoded in memory.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable

import numpy as np
import pillow_heif
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from PIL import Image, ImageCms, ImageOps

from reclaim.hashing import hamming_distance, hash_image, pdq_from_luma
from reclaim.hashing.normalise import apply_orientation, normalise_image
from reclaim.hashing.pdq import downsample64, pdq_from_block
from tests.unit.hashing.synthetic import encode, scene

pillow_heif.register_heif_opener()

BASE = scene(480, 360, seed=1)
BASE_ARRAY = np.asarray(BASE)


def luma_of(rgb: NDArray[np.uint8]) -> NDArray[np.float32]:
    r, g, b = (np.float32(c) for c in (0.299, 0.587, 0.114))
    out: NDArray[np.float32] = rgb[..., 0] * r + rgb[..., 1] * g + rgb[..., 2] * b
    return out


BASE_HASH = pdq_from_luma(luma_of(BASE_ARRAY)).hash


def distance_to_base(data: bytes) -> int:
    return hamming_distance(hash_image(data).pdq, BASE_HASH)


def test_rgb_png_is_hashed_exactly_as_its_pixels() -> None:
    result = hash_image(encode(BASE, "PNG"))
    assert result.pdq == BASE_HASH
    assert result.quality == 100
    assert (result.width, result.height, result.format) == (480, 360, "PNG")
    assert not result.animated


def _lab(image: Image.Image) -> Image.Image:
    transform = ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"), "RGB", "LAB"
    )
    out = ImageCms.applyTransform(image, transform)
    assert out is not None
    return out


def _plain_cmyk_jpeg(image: Image.Image) -> bytes:
    """A CMYK JPEG storing plain (not Adobe-inverted) values and no Adobe marker."""
    cmyk = image.convert("CMYK")
    inverted = Image.frombytes("CMYK", cmyk.size, (255 - np.asarray(cmyk)).tobytes())
    data = encode(inverted, "JPEG", quality=95)  # Pillow stores 255 - value: the plain values
    start = data.index(b"\xff\xee")  # drop the APP14 "Adobe" segment
    length = struct.unpack(">H", data[start + 2 : start + 4])[0]
    stripped = data[:start] + data[start + 2 + length :]
    assert "adobe" not in Image.open(io.BytesIO(stripped)).info
    return stripped


def _png_16bit(rgb: NDArray[np.uint8], alpha: bool = False) -> bytes:
    """An RGB(A) PNG with 16 bits per sample (Pillow cannot write one)."""
    height, width, _ = rgb.shape
    channels = [rgb.astype(">u2") * 257]
    if alpha:
        channels.append(np.full((height, width, 1), 65535, dtype=">u2"))
    samples = np.concatenate(channels, axis=-1)
    raw = b"".join(b"\x00" + row.tobytes() for row in samples)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 16, 6 if alpha else 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _tiff(image: Image.Image) -> bytes:
    return encode(image, "TIFF")


GREY = np.asarray(BASE.convert("L")).astype(np.float64)

#: name -> (file bytes, maximum distance to the RGB original)
CASES: dict[str, Callable[[], tuple[bytes, int]]] = {
    "L png": lambda: (encode(BASE.convert("L"), "PNG"), 4),
    "LA png": lambda: (encode(BASE.convert("LA"), "PNG"), 4),
    "P png (adaptive palette)": lambda: (
        encode(BASE.convert("P", palette=Image.Palette.ADAPTIVE, colors=256), "PNG"),
        10,
    ),
    "P png (web palette, dithered)": lambda: (encode(BASE.convert("P"), "PNG"), 10),
    "P gif": lambda: (encode(BASE, "GIF"), 10),
    "1 png (dithered)": lambda: (encode(BASE.convert("1"), "PNG"), 10),
    "RGBA png, opaque": lambda: (encode(BASE.convert("RGBA"), "PNG"), 0),
    "CMYK jpeg, Adobe-inverted": lambda: (encode(BASE.convert("CMYK"), "JPEG", quality=95), 8),
    "CMYK jpeg, plain": lambda: (_plain_cmyk_jpeg(BASE), 8),
    "CMYK tiff": lambda: (_tiff(BASE.convert("CMYK")), 2),
    "YCbCr jpeg": lambda: (encode(BASE.convert("YCbCr"), "JPEG", quality=95), 8),
    "LAB tiff": lambda: (_tiff(_lab(BASE)), 10),
    "I;16 png": lambda: (
        encode(Image.fromarray((GREY * 257).astype(np.uint16)), "PNG"),
        4,
    ),
    "I tiff (16-bit range)": lambda: (_tiff(Image.fromarray((GREY * 257).astype(np.int32))), 4),
    "I tiff (8-bit range)": lambda: (_tiff(Image.fromarray(GREY.astype(np.int32))), 4),
    "F tiff (0..1)": lambda: (_tiff(Image.fromarray((GREY / 255).astype(np.float32))), 4),
    "F tiff (0..255)": lambda: (_tiff(Image.fromarray(GREY.astype(np.float32))), 4),
    "RGB 16-bit png": lambda: (_png_16bit(BASE_ARRAY), 2),
    "RGBA 16-bit png": lambda: (_png_16bit(BASE_ARRAY, alpha=True), 2),
    "RGB tiff": lambda: (_tiff(BASE), 0),
    "RGB bmp": lambda: (encode(BASE, "BMP"), 0),
    "RGB jpeg": lambda: (encode(BASE, "JPEG", quality=90), 8),
    "RGB progressive jpeg": lambda: (encode(BASE, "JPEG", quality=90, progressive=True), 8),
    "L jpeg": lambda: (encode(BASE.convert("L"), "JPEG", quality=90), 8),
    "webp lossless": lambda: (encode(BASE, "WEBP", lossless=True), 0),
    "webp lossy": lambda: (encode(BASE, "WEBP", quality=90), 8),
    "heic": lambda: (encode(BASE, "HEIF", quality=90), 10),
    "avif": lambda: (encode(BASE, "AVIF", quality=90), 10),
    "jpeg 2000": lambda: (encode(BASE, "JPEG2000"), 8),
    "mpo": lambda: (encode(BASE, "MPO", save_all=True, append_images=[BASE.rotate(90)]), 8),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_mode_and_format_hashes_like_the_original(case: str) -> None:
    data, tolerance = CASES[case]()
    assert distance_to_base(data) <= tolerance


def test_pytx_failure_modes_are_not_repeated() -> None:
    """Palette indices, CMYK read as RGB and 1-bit quality 0 are pytx's defects."""
    for mode in ("P", "CMYK", "1"):
        fmt = "JPEG" if mode == "CMYK" else "PNG"
        result = hash_image(encode(BASE.convert(mode), fmt))
        assert hamming_distance(result.pdq, BASE_HASH) <= 10, mode
        assert result.quality == 100, mode


def test_transparency_is_composited_onto_white() -> None:
    rgba = BASE.convert("RGBA")
    alpha = np.full((360, 480), 255, dtype=np.uint8)
    alpha[:, :240] = 0  # left half fully transparent
    alpha[:180, 240:] = 128  # a half-transparent quarter
    rgba.putalpha(Image.fromarray(alpha))
    expected = np.asarray(BASE).astype(np.float64)
    expected[:, :240] = 255
    expected[:180, 240:] = expected[:180, 240:] * (128 / 255) + 255 * (1 - 128 / 255)
    want = pdq_from_luma(luma_of(expected.round().astype(np.uint8))).hash
    assert hamming_distance(hash_image(encode(rgba, "PNG")).pdq, want) <= 2
    # The hidden colour under transparent pixels does not matter.
    black_under = np.asarray(rgba).copy()
    black_under[:, :240, :3] = 0
    assert (
        hash_image(encode(Image.fromarray(black_under), "PNG")).pdq
        == hash_image(encode(rgba, "PNG")).pdq
    )
    # Grey with alpha and palette transparency follow the same rule.
    la = BASE.convert("LA")
    la.putalpha(Image.fromarray(alpha))
    grey_expected = np.asarray(BASE.convert("L")).astype(np.float64)
    grey_expected[:, :240] = 255
    grey_expected[:180, 240:] = grey_expected[:180, 240:] * (128 / 255) + 255 * (1 - 128 / 255)
    want_grey = pdq_from_luma(grey_expected.astype(np.float32)).hash
    assert hamming_distance(hash_image(encode(la, "PNG")).pdq, want_grey) <= 4


def test_palette_transparency_becomes_white() -> None:
    palette = BASE.convert("P", palette=Image.Palette.ADAPTIVE, colors=255)
    indices = np.asarray(palette).copy()
    indices[:, :240] = 255  # an unused index, made transparent by tRNS
    image = Image.frombytes("P", palette.size, indices.tobytes())
    image.putpalette(palette.getpalette())
    data = encode(image, "PNG", transparency=255)
    white_left = np.asarray(palette.convert("RGB")).copy()
    white_left[:, :240] = 255
    want = pdq_from_luma(luma_of(white_left)).hash
    assert hamming_distance(hash_image(data).pdq, want) <= 2


def _animation(fmt: str, **params: object) -> bytes:
    frames = [BASE, BASE.rotate(90), BASE.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, **params)


@pytest.mark.parametrize(
    ("fmt", "params", "tolerance"),
    [
        ("GIF", {"loop": 0}, 10),
        ("PNG", {"loop": 0}, 0),
        ("WEBP", {"lossless": True, "loop": 0}, 0),
        ("AVIF", {"quality": 90}, 10),
    ],
)
def test_animation_first_frame_is_hashed_and_reported(
    fmt: str, params: dict[str, object], tolerance: int
) -> None:
    result = hash_image(_animation(fmt, **params))
    assert result.animated
    assert result.to_dict()["animated"] is True
    assert hamming_distance(result.pdq, BASE_HASH) <= tolerance


def test_multi_picture_jpeg_and_still_images_are_not_animated() -> None:
    mpo = encode(BASE, "MPO", save_all=True, append_images=[BASE.rotate(90)])
    assert not hash_image(mpo).animated
    assert "animated" not in hash_image(encode(BASE, "GIF")).to_dict()


# EXIF orientation -> the transpose that makes the stored pixels upright.
UPRIGHTING = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
INVERSE = {
    Image.Transpose.ROTATE_270: Image.Transpose.ROTATE_90,
    Image.Transpose.ROTATE_90: Image.Transpose.ROTATE_270,
}


def _stored_for(orientation: int) -> Image.Image:
    """The pixels a camera stores so that ``orientation`` displays BASE upright."""
    if orientation == 1:
        return BASE
    method = UPRIGHTING[orientation]
    return BASE.transpose(INVERSE.get(method, method))


def _with_orientation(image: Image.Image, fmt: str, orientation: int, **params: object) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(image, fmt, exif=exif.tobytes(), **params)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied(orientation: int) -> None:
    stored = _stored_for(orientation)
    assert (
        ImageOps.exif_transpose(
            Image.open(io.BytesIO(_with_orientation(stored, "PNG", orientation)))
        ).tobytes()
        == BASE.tobytes()
    )
    png = hash_image(_with_orientation(stored, "PNG", orientation))
    assert png.pdq == BASE_HASH  # lossless: exactly the upright pixels
    assert (png.width, png.height) == BASE.size
    jpeg = hash_image(_with_orientation(stored, "JPEG", orientation, quality=92))
    upright_jpeg = hash_image(encode(BASE, "JPEG", quality=92))
    assert hamming_distance(jpeg.pdq, upright_jpeg.pdq) <= 10


@pytest.mark.parametrize("fmt", ["HEIF", "AVIF", "WEBP"])
def test_orientation_of_phone_formats(fmt: str) -> None:
    """HEIC/AVIF carry orientation as irot/imir boxes (written from the EXIF value by the
    encoders); WebP as EXIF. All must come out upright."""
    stored = _stored_for(6)
    result = hash_image(_with_orientation(stored, fmt, 6, quality=90))
    assert (result.width, result.height) == BASE.size
    assert hamming_distance(result.pdq, BASE_HASH) <= 10


@pytest.mark.parametrize("value", [0, 9, 65535])
def test_invalid_orientation_means_as_stored(value: int) -> None:
    assert (
        hash_image(_with_orientation(BASE, "JPEG", value, quality=92)).pdq
        == hash_image(encode(BASE, "JPEG", quality=92)).pdq
    )


def test_damaged_exif_is_ignored() -> None:
    data = encode(BASE, "JPEG", quality=92, exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff")
    assert hash_image(data).pdq == hash_image(encode(BASE, "JPEG", quality=92)).pdq


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 8),
    st.integers(1, 9),
    st.integers(1, 9),
)
def test_apply_orientation_is_exif_transpose(orientation: int, rows: int, cols: int) -> None:
    matrix = np.arange(rows * cols, dtype=np.float32).reshape(rows, cols)
    image = Image.fromarray(matrix)
    exif = image.getexif()
    exif[0x0112] = orientation
    image.info["exif"] = exif.tobytes()
    expected = np.asarray(ImageOps.exif_transpose(image))
    assert np.array_equal(apply_orientation(matrix, orientation), expected)


def _full_resolution_hash(image: Image.Image) -> str:
    return pdq_from_luma(luma_of(np.asarray(image.convert("RGB")))).hash


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_large_images_are_hashed_at_full_resolution(fmt: str) -> None:
    """No pre-reduction (issue 9, item 19): every decoded pixel is hashed, as pdqhash
    does; a JPEG's RGB as Pillow decodes it for pdqhash."""
    big = scene(2600, 2048, seed=4)
    data = encode(big, fmt, quality=92) if fmt == "JPEG" else encode(big, fmt, compress_level=1)
    normalised = normalise_image(data, max_pixels=10**8)
    decoded = Image.open(io.BytesIO(data))
    full = downsample64(luma_of(np.asarray(decoded.convert("RGB"))))
    assert normalised.block is not None
    assert np.allclose(normalised.block, full, atol=1e-3)
    ours = pdq_from_block(normalised.block).hash
    assert hamming_distance(ours, _full_resolution_hash(decoded)) <= 2
