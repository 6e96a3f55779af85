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
4. No pre-reduction: every pixel is decoded at full size (a JPEG to RGB, as Pillow
   decodes it for pdqhash), because reducing first (draft JPEG decoding, box averaging)
   aliases fine texture and moved hashes of large photos up to 36 bits from pdqhash's.
5. Luminance ``Y = 0.299 R + 0.587 G + 0.114 B`` (float), or the grey value itself.
6. The EXIF orientation (tag 0x0112, values 2-8; anything else means 1) is applied.
   HEIF's ``irot``/``imir`` are applied by libheif, which also resets the EXIF value;
   AVIF's are turned into the EXIF value by Pillow.

Steps 4-6 and PDQ's tent filter run together (``pdq.downsample64_rows``): the 8-bit
pixels are read from Pillow a band of rows at a time, the luminance is taken after the
first (linear) pass and the orientation is applied to the filter's operators rather than
to the pixels: the same values, to float rounding, without a copy of a 12 MP image.
:class:`NormalisedImage` holds the resulting 64 x 64.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final, TypeVar

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
from reclaim.hashing.pdq import MIN_HASHABLE_SIDE, downsample64_rows

__all__ = [
    "BACKGROUND",
    "LUMA_COEFFICIENTS",
    "NormalisedImage",
    "apply_orientation",
    "normalise_image",
    "oriented",
]

#: Grey level of the background that transparent pixels are composited onto (white).
BACKGROUND: Final = 255
#: ITU-R BT.601 luma weights, as PDQ's reference.
LUMA_COEFFICIENTS: Final = (0.299, 0.587, 0.114)

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
    """PDQ's tent-filtered 64 x 64 luminance of the upright image, computed on every
    decoded pixel, and facts about the decoded image. Hash it with
    ``pdq.pdq_from_block`` (``block`` is None when a side is under 5 pixels)."""

    block: NDArray[np.float32] | None
    #: Full-resolution size after orientation.
    width: int
    height: int
    format: str
    mode: str
    orientation: int
    animated: bool


#: EXIF orientation -> (mirror rows, mirror columns, then transpose) of the stored pixels.
_ORIENTATION_GEOMETRY: Final = {
    1: (False, False, False),
    2: (False, True, False),
    3: (True, True, False),
    4: (True, False, False),
    5: (False, False, True),
    6: (True, False, True),
    7: (True, True, True),
    8: (False, True, True),
}


_Scalar = TypeVar("_Scalar", bound=np.generic)


def oriented(matrix: NDArray[_Scalar], orientation: int) -> NDArray[_Scalar]:
    """A view of a matrix (rows x columns, optionally x channels) with an EXIF orientation
    (1-8) applied, as ``ImageOps.exif_transpose``; no pixels are copied."""
    transforms: dict[int, Callable[[NDArray[_Scalar]], NDArray[_Scalar]]] = {
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1, :],
        5: lambda a: np.swapaxes(a, 0, 1),
        6: lambda a: np.swapaxes(a[::-1], 0, 1),
        7: lambda a: np.swapaxes(a[::-1, ::-1], 0, 1),
        8: lambda a: np.swapaxes(a[:, ::-1], 0, 1),
    }
    transform = transforms.get(orientation)
    return matrix if transform is None else transform(matrix)


def apply_orientation(matrix: NDArray[_Scalar], orientation: int) -> NDArray[_Scalar]:
    """:func:`oriented` as a contiguous copy."""
    return np.ascontiguousarray(oriented(matrix, orientation))


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


def _wide_grey(image: Image.Image) -> NDArray[np.float32]:
    """16-bit, 32-bit integer and float grey, to the 0..255 scale."""
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
    return np.clip(grey, 0.0, 255.0, out=grey)


def _to_grey_or_rgb(image: Image.Image) -> Image.Image | NDArray[np.float32]:
    """Steps 2-3 of the module docstring: an ``L`` or ``RGB`` image, or wide grey as
    float32 on the 0..255 scale."""
    mode = image.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        return _wide_grey(image)
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
    return image


def _tent_block(
    pixels: Image.Image | NDArray[np.float32], orientation: int
) -> NDArray[np.float32] | None:
    """Steps 4-7 up to PDQ's 64 x 64: every pixel goes through the tent filter, read a
    band of rows at a time (a 12 MP RGB photo is never copied out of Pillow whole)."""
    if isinstance(pixels, Image.Image):
        width, height = pixels.size
        image = pixels

        def read(start: int, stop: int) -> NDArray[np.uint8]:
            return np.asarray(image.crop((0, start, width, stop)), dtype=np.uint8)
    else:
        height, width = pixels.shape
        array = pixels

        def read(start: int, stop: int) -> NDArray[np.float32]:  # type: ignore[misc]
            return array[start:stop]

    if width < MIN_HASHABLE_SIDE or height < MIN_HASHABLE_SIDE:
        return None
    flip_rows, flip_cols, transpose = _ORIENTATION_GEOMETRY[orientation]
    return downsample64_rows(
        read, height, width, flip_rows=flip_rows, flip_cols=flip_cols, transpose=transpose
    )


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
        image.load()
        orientation = _orientation(image) if orient else 1
        block = _tent_block(_to_grey_or_rgb(image), orientation)
    if orientation >= 5:
        width, height = height, width
    return NormalisedImage(
        block=block,
        width=width,
        height=height,
        format=fmt,
        mode=mode,
        orientation=orientation,
        animated=animated,
    )
