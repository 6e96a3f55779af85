"""vPDQ: PDQ of video frames sampled at a fixed rate, as Meta's vpdq library does.

Frame selection is vpdq's: frames are numbered in decoding output order from 0, every
``max(1, int(frame_rate / fps))``-th frame is hashed, and its timestamp is
``frame_number / frame_rate`` where ``frame_rate`` is the stream's average frame rate
(falling back to its base rate). ``fps=None`` hashes every frame.

Each hashed frame is normalised like a still image (docs/hashing.md): its luminance is
the decoded Y plane mapped to 0..255 (``(Y - 16) · 255 / 219`` for limited-range 8-bit
video; 10/12-bit likewise from their range), which is what ``0.299 R + 0.587 G + 0.114 B``
of the decoder's RGB gives, to rounding; other pixel formats go through FFmpeg's RGB
conversion. The display rotation of the
stream (phones record portrait video as rotated landscape) is applied, as the EXIF
orientation is for photos. Frames are hashed at full resolution (no pre-reduction),
like vpdq.

Nothing is written to disk: the file is read in place (or from memory) through a Python
file object, with the container format forced to the sniffed one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, BinaryIO, Final

import numpy as np
from numpy.typing import NDArray

from reclaim.hashing.errors import (
    CorruptFileError,
    HashingError,
    TooManyPixelsError,
    TooSlowError,
    TruncatedFileError,
    UnknownFormatError,
)
from reclaim.hashing.limits import HashingLimits
from reclaim.hashing.normalise import LUMA_COEFFICIENTS
from reclaim.hashing.pdq import pdq_from_luma

__all__ = ["VideoFrameHash", "decode_and_hash_frames", "frame_step"]

#: 8-bit formats whose first plane is the luma (Y) plane.
_Y_PLANE_FORMATS: Final = frozenset(
    {
        "yuv420p",
        "yuvj420p",
        "yuv422p",
        "yuvj422p",
        "yuv444p",
        "yuvj444p",
        "yuv440p",
        "yuvj440p",
        "yuv411p",
        "yuv410p",
        "nv12",
        "nv21",
        "nv16",
        "gray",
    }
)
_FULL_RANGE: Final = 2  # AVCOL_RANGE_JPEG


@dataclass(frozen=True, slots=True)
class VideoFrameHash:
    """One vPDQ feature: timestamp in seconds, quality 0-100, PDQ hex, frame number."""

    t: float
    quality: int
    pdq: str
    frame: int

    def to_dict(self) -> dict[str, Any]:
        return {"t": round(self.t, 3), "quality": self.quality, "pdq": self.pdq}


def frame_step(frame_rate: float, fps: float | None) -> int:
    """vpdq's ``frameMod``: hash every n-th frame (1 = every frame)."""
    if fps is None:
        return 1
    return max(1, int((1.0 / fps) * frame_rate))


def _y_plane_bits(name: str) -> int | None:
    """Bit depth of the Y plane if ``name`` is a format whose first plane is Y, else None."""
    if name in _Y_PLANE_FORMATS:
        return 8
    for bits in (10, 12):
        if name.startswith("yuv") and name.endswith(f"p{bits}le"):
            return bits
    return None


def _frame_luma(frame: Any) -> NDArray[np.float32]:
    """Luminance on the 0..255 scale: the Y plane, range-mapped, or RGB's BT.601 luma."""
    name = frame.format.name
    width, height = frame.width, frame.height
    bits = _y_plane_bits(name)
    if bits is not None:
        plane = frame.planes[0]
        dtype = np.uint8 if bits == 8 else np.dtype("<u2")
        step = plane.line_size // np.dtype(dtype).itemsize
        rows = np.frombuffer(plane, dtype=dtype).reshape(-1, step)
        luma = rows[:height, :width].astype(np.float32)
        color_range = getattr(frame, "color_range", 0)  # PyAV >= 14.1
        full_range = name.startswith("yuvj") or name == "gray" or color_range == _FULL_RANGE
        scale = float(1 << (bits - 8))
        if full_range:
            luma *= np.float32(255.0 / ((1 << bits) - 1))
        else:
            luma -= np.float32(16.0 * scale)
            luma *= np.float32(255.0 / (219.0 * scale))
        return luma
    rgb = frame.to_ndarray(format="rgb24")
    r, g, b = (np.float32(c) for c in LUMA_COEFFICIENTS)
    out: NDArray[np.float32] = rgb[..., 0] * r + rgb[..., 1] * g + rgb[..., 2] * b
    return out


def _rotate(luma: NDArray[np.float32], degrees: float) -> NDArray[np.float32]:
    """Rotate counter-clockwise by the display matrix angle (multiples of 90 only)."""
    quarter_turns = round(degrees / 90.0) % 4
    if quarter_turns == 0:
        return luma
    return np.ascontiguousarray(np.rot90(luma, quarter_turns))


@contextmanager
def _decoding(name: str) -> Iterator[None]:
    import av

    try:
        yield
    except HashingError:
        raise
    except av.error.EOFError as exc:
        raise TruncatedFileError.cut_off(name, "video") from exc
    except MemoryError as exc:
        raise TooManyPixelsError(f"The {name} video is too big to decode here.") from exc
    except Exception as exc:
        raise CorruptFileError(
            f"The {name} video is damaged: its frames cannot be decoded."
        ) from exc


def _frame_rate(stream: Any) -> float:
    for rate in (stream.average_rate, stream.base_rate, stream.guessed_rate):
        if isinstance(rate, Fraction | int | float) and rate > 0:
            return float(rate)
    raise CorruptFileError("The video does not say how many frames it has per second.")


def decode_and_hash_frames(
    file: BinaryIO,
    *,
    av_format: str | None,
    fps: float | None,
    limits: HashingLimits,
    name: str = "video",
) -> tuple[list[VideoFrameHash], float, int, int]:
    """Decode the first video stream of ``file`` and PDQ-hash the sampled frames.

    Returns ``(frames, frame_rate, width, height)``; width and height are as displayed
    (after rotation). Raises :class:`TooSlowError` when decoding and hashing take longer
    than ``limits.video_seconds``."""
    import av

    if fps is not None and not fps > 0:
        raise ValueError("fps must be positive (or None for every frame)")
    started = time.monotonic()
    deadline = started + limits.video_seconds
    frames: list[VideoFrameHash] = []
    with _decoding(name), av.open(file, mode="r", format=av_format) as container:
        if not container.streams.video:
            raise UnknownFormatError(f"The {name} file has no video track to hash.")
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
        if width * height > limits.max_pixels:
            raise TooManyPixelsError(
                f"The video frames are {width} x {height} pixels; Reclaim hashes frames of "
                f"up to {limits.max_pixels / 1e6:.0f} MP."
            )
        frame_rate = _frame_rate(stream)
        step = frame_step(frame_rate, fps)
        stream.thread_type = "AUTO"
        rotation = 0.0
        for number, frame in enumerate(container.decode(stream)):
            if time.monotonic() > deadline:
                raise TooSlowError(
                    f"Hashing the {name} video took longer than the "
                    f"{limits.video_seconds:g} s allowed for one file."
                )
            if number % step:
                continue
            if frame.width * frame.height > limits.max_pixels:
                raise TooManyPixelsError(f"A frame of the {name} video is too large to hash.")
            rotation = float(getattr(frame, "rotation", 0) or 0)
            luma = _rotate(_frame_luma(frame), rotation)
            result = pdq_from_luma(luma)
            frames.append(VideoFrameHash(number / frame_rate, result.quality, result.hash, number))
    if not frames:
        raise CorruptFileError(f"The {name} file has a video track but no frame could be decoded.")
    if round(rotation / 90.0) % 2:
        width, height = height, width
    return frames, frame_rate, width, height
