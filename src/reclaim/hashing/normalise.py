"""Decode an image file and normalise it to the luminance matrix PDQ hashes.

This module *is* the normalisation spec of docs/hashing.md (§ Normalisation); change one,
change the other. In order:

1. Decode the first frame with Pillow (HEIC/HEIF through pillow-heif, AVIF through
   Pillow's own plugin). Animated GIF/PNG/WebP/AVIF are reported as animated.
2. Colour to sRGB-coded 8-bit RGB (or grey), per mode: ``1`` is 0/255; palette (``P``,
   ``PA``) is looked up, palette transparency becoming alpha; ``CMYK`` is
   ``R = (255 - C)(255 - K) / 255`` (likewise G from M, B from Y), JPEG CMYK being
   Adobe-inverted when it carries an Adobe APP14 marker and plain otherwise; ``LAB``
   goes through a D50 CIELAB -> sRGB colour transform; 16-bit grey (``I;16*``) is
   divided by 257; 32-bit integer grey (``I``) likewise when any value exceeds 255;
   float grey (``F``) is multiplied by 255 when all values lie in [0, 1]; grey and
   float results are clipped to [0, 255]. Embedded ICC profiles are not applied (as in
   every PDQ implementation), so RGB values are used as stored.
3. Alpha (``RGBA``, ``LA``, ``PA``, palette transparency) is composited onto opaque
   white: ``C' = C·a + 255·(1 - a)`` with ``a = alpha / 255``.
4. Pre-reduce large images by an integer box factor ``k`` in {1, 2, 4, 8}: the largest
   with ``k <= min(width // 512, height // 512)``, giving ``ceil(width / k)`` x
   ``ceil(height / k)`` where edge boxes average the pixels they have. JPEGs are reduced
   inside the decoder (libjpeg DCT scaling, Pillow ``draft``), which only decodes the Y
   channel: for a YCbCr JPEG that *is* the luminance below, to rounding.
5. Luminance ``Y = 0.299 R + 0.587 G + 0.114 B`` (float), or the grey value itself.
6. The EXIF orientation (tag 0x0112, values 2-8; anything else means 1) is applied to the
   matrix. HEIF's ``irot``/``imir`` are applied by libheif, which also resets the EXIF
   value; AVIF's are turned into the EXIF value by Pillow.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray
from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError

from reclaim.hashing.errors import (
    CorruptFileError,
    HashingError,
    TooManyPixelsError,
    TruncatedFileError,
    UnknownFormatError,
)

__all__ = [
    "BACKGROUND",
    "LUMA_COEFFICIENTS",
    "REDUCE_TARGET",
    "NormalisedImage",
    "apply_orientation",
    "normalise_image",
    "reduction_factor",
]

#: Grey level of the background that transparent pixels are composited onto (white).
BACKGROUND: Final = 255
#: ITU-R BT.601 luma weights, as PDQ's reference.
LUMA_COEFFICIENTS: Final = (0.299, 0.587, 0.114)
#: Images are pre-reduced while both sides stay at least this long (PDQ's C++ CLI resizes
#: to 512 x 512 for the same reason: the tent filter only needs ~n/64 pixels a cell).
REDUCE_TARGET: Final = 512

#: Formats whose multi-frame files are animations (MPO/TIFF/HEIF extra images are not).
_ANIMATED_FORMATS: Final = frozenset({"GIF", "PNG", "WEBP", "AVIF"})
_ALL_FORMATS: Final = (
    "JPEG",  # also opens MPO (multi-picture JPEG)
    "PNG",
    "GIF",
    "WEBP",
    "TIFF",
    "BMP",
    "DIB",
    "HEIF",
    "AVIF",
    "ICO",
    "JPEG2000",
    "PSD",
    "QOI",
    "PPM",
)

_plugins_lock = threading.Lock()
_plugins_ready = False


def _register_plugins() -> None:
    global _plugins_ready
    if _plugins_ready:
        return
    with _plugins_lock:
        if not _plugins_ready:
            import pillow_heif

            # Only the primary image is hashed: skip thumbnails, depth maps, aux images.
            pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
            _plugins_ready = True


@dataclass(frozen=True, slots=True)
class NormalisedImage:
    """The luminance matrix PDQ hashes, and facts about the decoded image."""

    luma: NDArray[np.float32]
    #: Full-resolution size after orientation.
    width: int
    height: int
    format: str
    mode: str
    orientation: int
    #: Box-reduction factor applied before hashing (1, 2, 4 or 8).
    reduction: int
    animated: bool


def reduction_factor(width: int, height: int) -> int:
    """Pre-reduction factor for an image of this size (Pillow ``draft`` semantics)."""
    ratio = min(width // REDUCE_TARGET, height // REDUCE_TARGET)
    for k in (8, 4, 2):
        if ratio >= k:
            return k
    return 1


def apply_orientation(matrix: NDArray[np.float32], orientation: int) -> NDArray[np.float32]:
    """Apply an EXIF orientation (1-8) to a matrix, as ``ImageOps.exif_transpose``."""
    transforms: dict[int, Callable[[NDArray[np.float32]], NDArray[np.float32]]] = {
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1, :],
        5: lambda a: a.T,
        6: lambda a: np.rot90(a, -1),
        7: lambda a: a[::-1, ::-1].T,
        8: lambda a: np.rot90(a, 1),
    }
    transform = transforms.get(orientation)
    return matrix if transform is None else np.ascontiguousarray(transform(matrix))


@contextmanager
def _decoding(name: str) -> Iterator[None]:
    """Turn whatever a decoder raises on hostile or broken input into a typed error.

    Warnings are silenced while decoding, so a damaged-but-decodable file (bad EXIF, say)
    gives the same result whatever the process's warning filters are."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except HashingError:
        raise
    except Image.DecompressionBombError as exc:
        raise TooManyPixelsError(
            f"The {name} image declares more pixels than Reclaim will decode."
        ) from exc
    except EOFError as exc:
        raise TruncatedFileError.cut_off(name, "file") from exc
    except MemoryError as exc:
        raise TooManyPixelsError(f"The {name} image is too big to decode here.") from exc
    except Exception as exc:
        if "truncated" in str(exc).lower():
            raise TruncatedFileError.cut_off(name, "file") from exc
        raise CorruptFileError(
            f"The {name} file is damaged: its image data cannot be decoded."
        ) from exc


def _orientation(image: Image.Image) -> int:
    if image.format == "HEIF":
        return 1  # libheif has applied irot/imir; EXIF orientation is informative only
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:
        return 1  # unreadable EXIF: keep the pixels as stored
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _box_reduce(matrix: NDArray[np.float32], k: int) -> NDArray[np.float32]:
    """Mean of each k x k box (edge boxes: of the pixels they have)."""
    if k == 1:
        return matrix
    rows, cols = matrix.shape
    row_starts = np.arange(0, rows, k)
    col_starts = np.arange(0, cols, k)
    sums = np.add.reduceat(np.add.reduceat(matrix, row_starts, axis=0), col_starts, axis=1)
    row_counts = np.minimum(row_starts + k, rows) - row_starts
    col_counts = np.minimum(col_starts + k, cols) - col_starts
    return (sums / np.outer(row_counts, col_counts)).astype(np.float32)


def _rgb_luma(rgb: NDArray[np.uint8]) -> NDArray[np.float32]:
    r, g, b = (np.float32(c) for c in LUMA_COEFFICIENTS)
    out: NDArray[np.float32] = rgb[..., 0] * r
    out += rgb[..., 1] * g
    out += rgb[..., 2] * b
    return out


def _on_white(image: Image.Image) -> Image.Image:
    """Composite an RGBA image onto opaque white; RGB out."""
    extrema = image.getchannel("A").getextrema()
    if extrema[0] == 255:
        return image.convert("RGB")
    background = Image.new("RGBA", image.size, (BACKGROUND,) * 4)
    return Image.alpha_composite(background, image).convert("RGB")


def _lab_to_rgb(image: Image.Image) -> Image.Image:
    transform = ImageCms.buildTransform(
        ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB"), "LAB", "RGB"
    )
    result = ImageCms.applyTransform(image, transform)
    if result is None:  # pragma: no cover - only when transforming in place
        raise CorruptFileError("The LAB image could not be converted to RGB.")
    return result


def _wide_grey(image: Image.Image, k: int) -> NDArray[np.float32]:
    """16-bit, 32-bit integer and float grey, to the 0..255 scale (then box-reduced)."""
    values = np.asarray(image)
    if image.mode.startswith("I;16"):
        grey = values.astype(np.float32) / np.float32(257.0)
    elif image.mode == "I":
        grey = values.astype(np.float32)
        if grey.size and float(grey.max()) > 255.0:
            grey /= np.float32(257.0)
    else:  # F
        grey = np.nan_to_num(values.astype(np.float32), nan=0.0, posinf=255.0, neginf=0.0)
        if grey.size and float(grey.min()) >= 0.0 and float(grey.max()) <= 1.0:
            grey *= np.float32(255.0)
    return _box_reduce(np.clip(grey, 0.0, 255.0, out=grey), k)


def _to_luma(image: Image.Image, k: int) -> NDArray[np.float32]:
    """Steps 2-5 of the module docstring (step 4 only if the decoder did not reduce)."""
    mode = image.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        return _wide_grey(image, k)
    if mode == "CMYK":
        if image.format in ("JPEG", "MPO") and "adobe" not in image.info:
            # Pillow reads every CMYK JPEG as Adobe-inverted; without the Adobe marker the
            # file stores plain CMYK, so undo Pillow's inversion.
            image = image.point(lambda v: 255 - v)
        image = image.convert("RGB")
    elif mode == "LAB":
        image = _lab_to_rgb(image)
    elif mode == "1":
        image = image.convert("L")
    elif mode in ("P", "PA", "RGBa", "LA"):
        image = image.convert("RGBA")
    elif mode not in ("L", "RGB", "RGBA"):
        try:
            image = image.convert("RGB")
        except (ValueError, OSError) as exc:
            raise UnknownFormatError(
                f"The image uses the colour mode {mode!r}, which Reclaim cannot read."
            ) from exc
    if image.mode == "RGBA":
        image = _on_white(image)
    if k > 1:
        image = image.reduce(k)
    if image.mode == "L":
        return np.asarray(image, dtype=np.float32)
    return _rgb_luma(np.asarray(image))


def _open(data: bytes, formats: tuple[str, ...], name: str) -> Image.Image:
    _register_plugins()
    try:
        return Image.open(io.BytesIO(data), formats=list(formats))
    except UnidentifiedImageError as exc:
        raise CorruptFileError(
            f"The file looks like {name} but its header cannot be read: "
            "it is damaged or not really an image."
        ) from exc


def normalise_image(
    data: bytes,
    *,
    max_pixels: int,
    formats: tuple[str, ...] = _ALL_FORMATS,
    name: str = "image",
    orient: bool = True,
) -> NormalisedImage:
    """Decode ``data`` (a whole image file) and normalise it (see the module docstring).

    ``formats`` restricts the Pillow decoders tried; ``name`` words the errors.
    ``orient=False`` skips step 6, hashing the pixels as stored, as the C++ CLI and
    python-threatexchange do (conformance tests use it to feed them the same pixels)."""
    with _decoding(name), _open(data, formats, name) as image:
        width, height = image.size
        if width * height > max_pixels:
            raise TooManyPixelsError(
                f"The image is {width} x {height} pixels ({width * height / 1e6:.0f} MP); "
                f"Reclaim hashes images of up to {max_pixels / 1e6:.0f} MP."
            )
        fmt = str(image.format)
        mode = image.mode
        animated = bool(getattr(image, "is_animated", False)) and fmt in _ANIMATED_FORMATS
        k = reduction = reduction_factor(width, height)
        if fmt in ("JPEG", "MPO"):
            image.draft("L" if mode == "RGB" else None, (REDUCE_TARGET, REDUCE_TARGET))
            k = 1  # the decoder has reduced it
        image.load()
        orientation = _orientation(image) if orient else 1
        luma = apply_orientation(_to_luma(image, k), orientation)
    if orientation >= 5:
        width, height = height, width
    return NormalisedImage(
        luma=luma,
        width=width,
        height=height,
        format=fmt,
        mode=mode,
        orientation=orientation,
        reduction=reduction,
        animated=animated,
    )
