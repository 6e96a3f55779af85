"""A synthetic back catalogue with planted near-duplicates of list items, for tests, benchmarks
and trying ``reclaim scan`` (``python -m reclaim.scale.corpus DIR --images 10000``).

Every picture is made here from a seed (gradients, shapes, noise and text; nothing depicts a
person). ``listed/`` holds the originals that go on the list (``list.jsonl``, in the export
format ``reclaim bank import`` reads); ``catalogue/`` is what a platform would scan: unrelated
pictures and videos, plus copies of listed ones re-encoded, resized, cropped by 2 %, framed by a
border, captioned, mirrored and rotated (the last two are found with ``--dihedral``).
"""

from __future__ import annotations

import argparse
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

#: Transforms a plain scan finds, and those only ``--dihedral`` finds.
PLAIN_TRANSFORMS = ("reencode", "resize", "crop2", "border", "caption")
DIHEDRAL_TRANSFORMS = ("mirror", "rotate90")
TRANSFORMS = PLAIN_TRANSFORMS + DIHEDRAL_TRANSFORMS


def scene(width: int, height: int, seed: int, blur: float = 4) -> Image.Image:
    """An RGB picture with structure at every scale PDQ looks at."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    phase = float(rng.uniform(0, 6.28))
    tilt = float(rng.uniform(0.3, 3.0))
    red = 255 * ((x / width) * tilt % 1.0)
    green = 255 * y / height
    blue = 128 + 100 * np.sin(x / (width / rng.uniform(3, 9)) + y / (height / 5) + phase)
    image = Image.fromarray(np.stack([red, green, blue], axis=-1).clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        x1 = x0 + int(rng.integers(width // 8, width // 2))
        y1 = y0 + int(rng.integers(height // 8, height // 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
    noisy = np.asarray(image).astype(np.int16) + rng.integers(-5, 6, (height, width, 3))
    # Softened like a photograph: PDQ's low frequencies carry the picture, not its edges.
    return Image.fromarray(noisy.clip(0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(blur)
    )


def transform(image: Image.Image, name: str) -> Image.Image:
    width, height = image.size
    if name == "reencode":
        return image
    if name == "resize":
        return image.resize((width * 3 // 4, height * 3 // 4), Image.Resampling.BILINEAR)
    if name == "crop2":  # 2 % of each dimension: 1 % off each side
        dx, dy = max(1, width // 100), max(1, height // 100)
        return image.crop((dx, dy, width - dx, height - dy))
    if name == "border":  # a thin white frame; PDQ is not robust to wide borders
        return ImageOps.expand(image, border=1, fill=(255, 255, 255))
    if name == "caption":
        out = image.copy()
        font = ImageFont.load_default(size=max(8, height // 14))
        ImageDraw.Draw(out).text((4, height - height // 10), "lol", fill=(255, 255, 0), font=font)
        return out
    if name == "mirror":
        return ImageOps.mirror(image)
    if name == "rotate90":
        return image.transpose(Image.Transpose.ROTATE_90)
    raise ValueError(f"unknown transform {name!r}")


def encode(image: Image.Image, fmt: str, **params: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def make_video(frames: list[NDArray[np.uint8]], rate: int = 5, crf: int = 18) -> bytes:
    import av

    buffer = io.BytesIO()
    height, width, _ = frames[0].shape
    with av.open(buffer, "w", format="mp4") as output:
        stream = output.add_stream("libx264", rate=rate)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "preset": "ultrafast"}
        for rgb in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                output.mux(packet)
        for packet in stream.encode():
            output.mux(packet)
    return buffer.getvalue()


def video_frames(seed: int, width: int = 128, height: int = 96, seconds: int = 3) -> list[Any]:
    """``seconds`` distinct scenes, 5 frames each (5 frames a second)."""
    return [
        np.asarray(scene(width, height, seed * 100 + s, blur=1))
        for s in range(seconds)
        for _ in range(5)
    ]


@dataclass(slots=True)
class Corpus:
    root: Path
    listed: list[dict[str, Any]] = field(default_factory=list)  # item_id, kind, file
    planted: list[dict[str, Any]] = field(default_factory=list)  # path, item_id, transform
    files: list[Path] = field(default_factory=list)


def make_corpus(
    root: Path,
    *,
    images: int = 2000,
    videos: int = 20,
    listed_images: int = 40,
    listed_videos: int = 4,
    size: tuple[int, int] = (192, 144),
    seed: int = 20240615,
) -> Corpus:
    """Write a catalogue of ``images`` pictures and ``videos`` videos under ``root``.

    ``listed_images`` originals each get one planted copy per transform (cycling through
    them when the catalogue is small); ``listed_videos`` videos each get one re-encoded copy
    in the catalogue. The rest are unrelated. Returns what was planted where."""
    corpus = Corpus(root)
    listed_dir, catalogue = root / "listed", root / "catalogue"
    listed_dir.mkdir(parents=True, exist_ok=True)
    catalogue.mkdir(parents=True, exist_ok=True)
    width, height = size
    originals = []
    for i in range(listed_images):
        picture = scene(width, height, seed + i)
        path = listed_dir / f"item-{i:04d}.png"
        path.write_bytes(encode(picture, "PNG"))
        originals.append(picture)
        corpus.listed.append({"item": i, "kind": "image", "file": str(path)})
    plants = min(images, listed_images * len(TRANSFORMS))
    for p in range(plants):
        i, name = p % listed_images, TRANSFORMS[(p // listed_images) % len(TRANSFORMS)]
        path = catalogue / f"img-{p:06d}.jpg"
        path.write_bytes(encode(transform(originals[i], name).convert("RGB"), "JPEG", quality=80))
        corpus.planted.append({"path": str(path), "item": i, "transform": name})
        corpus.files.append(path)
    for n in range(plants, images):
        picture = scene(width, height, seed + 1_000_000 + n)
        fmt, ext = ("PNG", "png") if n % 5 == 0 else ("JPEG", "jpg")
        path = catalogue / f"img-{n:06d}.{ext}"
        path.write_bytes(encode(picture, fmt))
        corpus.files.append(path)
    for v in range(listed_videos):
        item = listed_images + v
        frames = video_frames(seed + 500 + v)
        path = listed_dir / f"item-{item:04d}.mp4"
        path.write_bytes(make_video(frames, crf=12))
        corpus.listed.append({"item": item, "kind": "video", "file": str(path)})
        if v < videos:
            copy = catalogue / f"vid-{v:04d}.mp4"
            copy.write_bytes(make_video(frames, crf=30))  # re-encoded at a lower quality
            corpus.planted.append({"path": str(copy), "item": item, "transform": "reencode"})
            corpus.files.append(copy)
    for v in range(listed_videos, videos):
        path = catalogue / f"vid-{v:04d}.mp4"
        path.write_bytes(make_video(video_frames(seed + 9000 + v)))
        corpus.files.append(path)
    (catalogue / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    corpus.files.append(catalogue / "broken.jpg")
    return corpus


def list_records(corpus: Corpus, list_name: str = "corpus") -> list[dict[str, Any]]:
    """The listed items with their hashes, as ``reclaim bank export --format jsonl`` lines."""
    from reclaim.hashing import ImageHashes, hash_file

    records = []
    for entry in corpus.listed:
        result = hash_file(entry["file"])
        if isinstance(result, ImageHashes):
            signals = [
                {"type": "pdq", "value": result.pdq, "quality": result.quality},
                {"type": "sha256", "value": result.sha256},
                {"type": "md5", "value": result.md5},
            ]
        else:
            signals = [
                {"type": "vpdq", "value": result.to_vpdq_signal()},
                {"type": "sha256", "value": result.sha256},
                {"type": "md5", "value": result.md5},
            ]
        records.append(
            {"item_id": entry["item"], "list": list_name, "categories": [], "signals": signals}
        )
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--videos", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20240615)
    args = parser.parse_args(argv)
    corpus = make_corpus(args.directory, images=args.images, videos=args.videos, seed=args.seed)
    with open(args.directory / "list.jsonl", "w", encoding="utf-8") as handle:
        for record in list_records(corpus):
            handle.write(json.dumps(record) + "\n")
    (args.directory / "planted.json").write_text(json.dumps(corpus.planted, indent=1))
    print(
        f"{len(corpus.files)} files in {args.directory / 'catalogue'}, "
        f"{len(corpus.planted)} planted copies of the {len(corpus.listed)} items in "
        f"{args.directory / 'list.jsonl'} (import it with `reclaim bank import`)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
