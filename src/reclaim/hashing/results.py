"""What hashing a file gives: plain, immutable values with a JSON form."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from reclaim.hashing.video import VideoFrameHash

__all__ = ["ImageHashes", "VideoHashes"]


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class ImageHashes:
    """PDQ (64 lowercase hex, python-threatexchange's format) and quality of an image,
    SHA-256 and MD5 of its exact bytes, and optionally its 8 dihedral PDQ hashes (order:
    original, rotate90, rotate180, rotate270, flipx, flipy, flipplus1, flipminus1)."""

    pdq: str
    quality: int
    sha256: str
    md5: str
    dihedral: tuple[str, ...] | None = None
    animated: bool = False
    width: int = 0
    height: int = 0
    format: str = ""
    kind: Literal["image"] = "image"

    def to_dict(self) -> dict[str, Any]:
        """``{"kind", "pdq", "quality", "sha256", "md5"}`` plus ``"dihedral"`` when
        computed and ``"animated": true`` for animations (the CLI's JSON line)."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "pdq": self.pdq,
            "quality": self.quality,
            "sha256": self.sha256,
            "md5": self.md5,
        }
        if self.dihedral is not None:
            out["dihedral"] = list(self.dihedral)
        if self.animated:
            out["animated"] = True
        return out

    def to_json(self) -> str:
        """:meth:`to_dict` as one line of JSON."""
        return _dumps(self.to_dict())


@dataclass(frozen=True, slots=True)
class VideoHashes:
    """vPDQ frames of a video (``t`` seconds, quality, PDQ), SHA-256 and MD5 of its bytes.

    ``fps`` is the sampling rate asked for (None: every frame); ``frame_rate`` the
    video's own."""

    sha256: str
    md5: str
    frames: tuple[VideoFrameHash, ...]
    fps: float | None
    frame_rate: float
    width: int = 0
    height: int = 0
    format: str = ""
    kind: Literal["video"] = "video"

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON line: ``pdq`` and ``quality`` are null for a video (see
        ``frames``), so every line has the same keys."""
        return {
            "kind": self.kind,
            "pdq": None,
            "quality": None,
            "sha256": self.sha256,
            "md5": self.md5,
            "frames": [frame.to_dict() for frame in self.frames],
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as one line of JSON."""
        return _dumps(self.to_dict())

    def to_vpdq_signal(self) -> str:
        """The frames as python-threatexchange's VPDQ ``signal_str``: a JSON list of
        ``"<pdq>,<quality>,<timestamp>"`` (``VpdqCompactFeature``, timestamp written
        with 3 significant digits exactly as pytx's ``__str__`` does)."""
        return json.dumps([f"{f.pdq},{f.quality},{f.t:.3}" for f in self.frames])

    def to_vpdq_lines(self) -> list[str]:
        """The frames in the vpdq CLI's output format (the ``sample-hashes`` files):
        ``frame_number,quality,pdq,timestamp`` with the timestamp to 3 decimals."""
        return [f"{f.frame},{f.quality},{f.pdq},{f.t:.3f}" for f in self.frames]
