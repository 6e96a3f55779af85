"""Synthetic textured photos: brick, gravel, foliage and fabric (issue 9, item 19).

Fine, high-contrast texture at every scale is where a pre-reduction before PDQ's tent
filter (draft JPEG decoding, box averaging) drifts furthest from pdqhash on every
pixel, which is what platforms compute. These are procedural (random numbers with a
fixed seed, in NumPy); nothing here depicts a person. Images are made in memory, and
tests write them only to a temporary directory.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Final

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

__all__ = ["SIZES", "TEXTURES", "textured", "textured_jpeg"]

#: (width, height) of the landscape sizes; portrait swaps them. 2, 12 and 24 MP.
SIZES: Final = {"2MP": (1732, 1155), "12MP": (4000, 3000), "24MP": (6000, 4000)}

_Float = NDArray[np.float32]


def _noise(rng: np.random.Generator, shape: tuple[int, ...], scale: float) -> _Float:
    return (rng.standard_normal(shape, dtype=np.float32) * np.float32(scale)).astype(np.float32)


def _smooth_field(rng: np.random.Generator, width: int, height: int, cell: int) -> _Float:
    """Random values on a coarse grid of ``cell`` pixels, bicubically upsampled (0..1)."""
    small = rng.random((max(2, height // cell + 2), max(2, width // cell + 2)), dtype=np.float32)
    image = Image.fromarray(small, "F").resize((width, height), Image.Resampling.BICUBIC)
    return np.asarray(image, dtype=np.float32)


def _brick(rng: np.random.Generator, width: int, height: int) -> _Float:
    """Running-bond brick wall: per-brick colour, mortar joints, grain noise."""
    brick_w = int(rng.integers(70, 130))
    brick_h = brick_w * 0.42
    mortar = max(3.0, brick_w / 14)
    y = np.arange(height, dtype=np.float32)[:, None]
    x = np.arange(width, dtype=np.float32)[None, :]
    course = np.floor(y / brick_h).astype(np.int32)
    shifted = x + (course % 2) * (brick_w / 2)
    column = np.floor(shifted / brick_w).astype(np.int32)
    in_mortar = ((y - course * brick_h) < mortar) | ((shifted - column * brick_w) < mortar)
    palette = np.stack(
        [rng.uniform(120, 200, 4096), rng.uniform(40, 90, 4096), rng.uniform(25, 70, 4096)], -1
    ).astype(np.float32)
    brick_id = (course * 977 + column * 131) % 4096
    rgb = palette[brick_id]
    rgb[in_mortar] = (185, 180, 170)
    rgb += _noise(rng, (height, width, 1), 22.0)
    rgb += (_smooth_field(rng, width, height, 400)[..., None] - 0.5) * 80
    return rgb


def _gravel(rng: np.random.Generator, width: int, height: int) -> _Float:
    """Small stones: thresholded blob noise with per-stone shading and grit."""
    stone = int(rng.integers(10, 24))
    blobs = _smooth_field(rng, width, height, stone)
    tone = _smooth_field(rng, width, height, stone * 3)
    grey = np.where(blobs > 0.55, 90 + 140 * tone, 45 + 30 * blobs).astype(np.float32)
    rgb = np.repeat(grey[..., None], 3, axis=-1)
    rgb *= np.array([1.05, 1.0, 0.9], dtype=np.float32)
    rgb += _noise(rng, (height, width, 1), 18.0)
    return rgb


def _foliage(rng: np.random.Generator, width: int, height: int) -> _Float:
    """Many overlapping leaf-like (rotated, pointed) ellipses with colour noise."""
    image = Image.new("RGB", (width, height), (20, 45, 15))
    draw = ImageDraw.Draw(image)
    leaf = max(12, min(width, height) // 60)
    count = int(width * height / (leaf * leaf) * 0.9)
    t = np.linspace(0, 2 * math.pi, 12, endpoint=False)
    for _ in range(count):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        length = leaf * rng.uniform(0.6, 1.6)
        angle = rng.uniform(0, math.pi)
        px = length * np.cos(t)
        py = length * 0.35 * np.sin(t) * np.abs(np.cos(t / 2)) ** 0.3
        xs = cx + px * math.cos(angle) - py * math.sin(angle)
        ys = cy + px * math.sin(angle) + py * math.cos(angle)
        colour = (
            int(rng.integers(20, 110)),
            int(rng.integers(70, 190)),
            int(rng.integers(10, 70)),
        )
        draw.polygon(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=colour)
    rgb = np.asarray(image, dtype=np.float32).copy()
    rgb += _noise(rng, (height, width, 3), 12.0)
    return rgb


def _fabric(rng: np.random.Generator, width: int, height: int) -> _Float:
    """Fine plain weave: alternating warp and weft threads a few pixels wide, with
    thread-to-thread colour variation and a tartan of coloured stripes."""
    thread = float(rng.uniform(3.0, 6.0))
    y = np.arange(height, dtype=np.float32)[:, None]
    x = np.arange(width, dtype=np.float32)[None, :]
    warp = np.floor(x / thread).astype(np.int32)
    weft = np.floor(y / thread).astype(np.int32)
    over = ((warp + weft) % 2 == 0)[..., None]
    shade_x = np.sin(np.pi * (x - warp * thread) / thread).astype(np.float32)
    shade_y = np.sin(np.pi * (y - weft * thread) / thread).astype(np.float32)
    stripes_x = rng.uniform(40, 220, (4096, 3)).astype(np.float32)[(warp // 9) % 4096]
    stripes_y = rng.uniform(40, 220, (4096, 3)).astype(np.float32)[(weft // 7) % 4096]
    rgb = np.where(over, stripes_x * (0.6 + 0.4 * shade_x[..., None]), 0)
    rgb = rgb + np.where(over, 0, stripes_y * (0.6 + 0.4 * shade_y[..., None]))
    rgb = rgb.astype(np.float32)
    rgb += _noise(rng, (height, width, 1), 10.0)
    return rgb


TEXTURES: Final[dict[str, Callable[[np.random.Generator, int, int], _Float]]] = {
    "brick": _brick,
    "gravel": _gravel,
    "foliage": _foliage,
    "fabric": _fabric,
}


def textured(kind: str, width: int, height: int, seed: int = 0) -> Image.Image:
    """An RGB image of the texture ``kind`` (a key of :data:`TEXTURES`)."""
    rng = np.random.default_rng([seed, width, height, sorted(TEXTURES).index(kind)])
    rgb = TEXTURES[kind](rng, width, height)
    return Image.fromarray(np.clip(rgb, 0, 255, out=rgb).astype(np.uint8), "RGB")


def textured_jpeg(kind: str, width: int, height: int, seed: int = 0, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    textured(kind, width, height, seed).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()
