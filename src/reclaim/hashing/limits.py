"""Safety limits, passed in by the caller (the web layer maps its settings onto these)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "HashingLimits"]


@dataclass(frozen=True, slots=True)
class HashingLimits:
    """Limits applied to every file before and while it is decoded.

    ``max_pixels`` is the decompression-bomb guard: width x height of the image (or of
    a video frame) as declared in its header, checked before any pixel is decoded.
    Pillow's own guard (``Image.MAX_IMAGE_PIXELS``, about 179 MP for an error) still
    applies above that, so limits beyond it are refused with the same error.
    """

    max_pixels: int = 100_000_000
    max_image_bytes: int = 200 * 1024 * 1024
    max_video_bytes: int = 4 * 1024 * 1024 * 1024
    video_seconds: float = 300.0

    def __post_init__(self) -> None:
        if self.max_pixels < 1 or self.max_image_bytes < 1 or self.max_video_bytes < 1:
            raise ValueError("limits must be positive")
        if not self.video_seconds > 0:
            raise ValueError("the video time limit must be positive")


DEFAULT_LIMITS = HashingLimits()
