"""Synthetic test images and videos, made in memory: gradients, shapes, noise and text.

Nothing here depicts a person; images are encoded to bytes in memory.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

import av
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont


def scene(width: int = 480, height: int = 360, seed: int = 0) -> Image.Image:
    """An RGB image with structure at every scale PDQ looks at."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    phase = float(rng.uniform(0, 6.28))
    red = 255 * x / width
    green = 255 * y / height
    blue = 128 + 100 * np.sin(x / (width / 7) + y / (height / 5) + phase)
    image = Image.fromarray(np.stack([red, green, blue], axis=-1).clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(10):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        x1 = x0 + int(rng.integers(width // 10, width // 3))
        y1 = y0 + int(rng.integers(height // 10, height // 3))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
    font = ImageFont.load_default(size=max(10, height // 8))
    draw.text((width // 12, height // 2), "Reclaim 42", fill=(255, 255, 240), font=font)
    noisy = np.asarray(image).astype(np.int16) + rng.integers(-6, 7, (height, width, 3))
    return Image.fromarray(noisy.clip(0, 255).astype(np.uint8))


def encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


@cache
def _video_frames(width: int, height: int) -> tuple[NDArray[np.uint8], ...]:
    return tuple(np.asarray(scene(width, height, seed=i // 5)) for i in range(30))


def video_frames(width: int, height: int) -> list[NDArray[np.uint8]]:
    """30 frames: 6 scenes of 5 identical frames each."""
    return list(_video_frames(width, height))


def make_video(
    *,
    codec: str = "libx264",
    container: str = "mp4",
    rate: int = 10,
    rotation: int | None = None,
    frames: list[NDArray[np.uint8]] | None = None,
) -> bytes:
    buffer = io.BytesIO()
    frames = video_frames(160, 120) if frames is None else frames
    height, width, _ = frames[0].shape
    with av.open(buffer, "w", format=container) as output:
        stream = output.add_stream(codec, rate=rate)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuvj420p" if codec == "mjpeg" else "yuv420p"
        if codec == "libx264":
            stream.options = {"crf": "12", "preset": "ultrafast"}
        else:
            stream.bit_rate = 8_000_000
        if rotation is not None:
            stream.set_display_rotation(rotation)
        for rgb in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                output.mux(packet)
        for packet in stream.encode():
            output.mux(packet)
    return buffer.getvalue()
