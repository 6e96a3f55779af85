"""Synthetic benchmark images: photo-like (gradients, shapes, fine noise, text) and
screenshot-like (flat panels, text). Nothing here depicts a person."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont


def photo(width: int, height: int, seed: int) -> Image.Image:
    """Smooth colour fields, shapes and text, with sensor-like noise at full size."""
    rng = np.random.default_rng(seed)
    small_w, small_h = max(8, width // 8), max(8, height // 8)
    y, x = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    phase = rng.uniform(0, 6.28, 3)
    fields = [
        128 + 110 * np.sin(x / (small_w / rng.uniform(2, 6)) + y / (small_h / 3) + phase[c])
        for c in range(3)
    ]
    small = Image.fromarray(np.stack(fields, axis=-1).clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(small)
    for _ in range(25):
        x0, y0 = int(rng.integers(0, small_w)), int(rng.integers(0, small_h))
        size = int(rng.integers(small_w // 20 + 1, small_w // 4 + 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x0, y0, x0 + size, y0 + size * rng.uniform(0.5, 2)), fill=colour)
    image = small.resize((width, height), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=max(12, height // 20))
    draw.text((width // 10, height // 3), f"Synthetic {seed}", fill=(250, 250, 240), font=font)
    noise = rng.integers(-10, 11, (height, width, 3), dtype=np.int16)
    noisy = (np.asarray(image, dtype=np.int16) + noise).clip(0, 255).astype(np.uint8)
    return Image.fromarray(noisy)


def screenshot(width: int, height: int, seed: int) -> Image.Image:
    """A phone screenshot: flat background, cards, lines of text, a picture."""
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (width, height), (245, 245, 247))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=max(14, width // 28))
    y = height // 20
    while y < height - height // 10:
        card = int(rng.integers(height // 14, height // 6))
        colour = tuple(int(c) for c in rng.integers(200, 256, 3))
        draw.rounded_rectangle((width // 24, y, width - width // 24, y + card), 24, fill=colour)
        for line in range(card // (font.size + 8)):
            words = " ".join(
                "".join(chr(int(c)) for c in rng.integers(97, 123, int(rng.integers(2, 9))))
                for _ in range(int(rng.integers(3, 7)))
            )
            draw.text(
                (width // 12, y + 8 + line * (font.size + 8)), words, fill=(20, 20, 30), font=font
            )
        y += card + height // 40
    picture = photo(width // 2, height // 6, seed + 1000)
    image.paste(picture, (width // 4, height // 3))
    return image


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()
