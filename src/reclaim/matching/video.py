"""vPDQ video matching, following python-threatexchange's rule.

A vPDQ hash is the PDQ hashes of frames sampled from a video (1 per second by default), each with
its quality and timestamp. Following pytx (``VPDQIndex`` / ``prepare_vpdq_feature``):

1. drop frames whose quality is below ``quality_threshold`` (50), then keep the first frame of
   each distinct PDQ hash, on both the query and the stored videos;
2. a query frame matches a stored video when some frame of that video is within
   ``distance_threshold`` (31) of it;
3. ``query_match_percent`` = matched distinct query frames / distinct query frames x 100, and
   ``compared_match_percent`` = distinct frames of the stored video matched by some query frame /
   its distinct frames x 100;
4. the video matches when ``query_match_percent >= query_match_threshold`` (80) and
   ``compared_match_percent >= compared_match_threshold`` (0).
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reclaim.matching.index import PdqIndex
from reclaim.matching.pdq import (
    PDQ_BYTES,
    PDQ_MATCH_THRESHOLD,
    hamming_distance,
    hexes_to_array,
    is_pdq_hex,
)

VPDQ_QUALITY_THRESHOLD = 50
VPDQ_DISTANCE_THRESHOLD = PDQ_MATCH_THRESHOLD  # a frame matches as a PDQ hash does (pytx: 31)
VPDQ_QUERY_MATCH_THRESHOLD_PERCENT = 80.0
VPDQ_INDEX_MATCH_THRESHOLD_PERCENT = 0.0


@dataclass(frozen=True)
class VpdqFrame:
    """One sampled frame: lowercase PDQ hex, quality 0-100, timestamp in seconds."""

    pdq_hex: str
    quality: int
    timestamp: float

    def __post_init__(self) -> None:
        if not is_pdq_hex(self.pdq_hex):
            raise ValueError(f"not a PDQ hex hash: {self.pdq_hex!r:.80}")
        if self.pdq_hex != self.pdq_hex.lower():
            object.__setattr__(self, "pdq_hex", self.pdq_hex.lower())
        if isinstance(self.quality, bool) or not 0 <= self.quality <= 100:
            raise ValueError(f"vPDQ quality must be 0-100, got {self.quality!r}")
        if not self.timestamp >= 0:
            raise ValueError(f"vPDQ timestamp must be >= 0, got {self.timestamp!r}")


#: Timestamps are kept to the millisecond, as pytx and the vpdq library write them.
VPDQ_TIMESTAMP_DECIMALS = 3


def _frame_from_fields(parts: Sequence[object]) -> VpdqFrame:
    """One frame from its fields, in any of the orders vPDQ is written in.

    3 fields: pytx's ``pdq_hex,quality,timestamp`` (also Reclaim's files from before it wrote
    pytx's order, ``quality,pdq_hex,timestamp``: the 64-hex field says which); 4 fields: the vpdq
    CLI's ``frame_number,quality,pdq_hex,timestamp``.
    """
    fields = [str(p).strip() for p in parts]
    if len(fields) == 4:
        pdq, quality, timestamp = fields[2], fields[1], fields[3]
    elif len(fields) == 3:
        if not is_pdq_hex(fields[0]) and is_pdq_hex(fields[1]):
            quality, pdq, timestamp = fields
        else:
            pdq, quality, timestamp = fields
    else:
        raise ValueError(f"expected 3 or 4 comma-separated fields, got {len(fields)}")
    try:
        number = int(quality)
    except ValueError:
        raise ValueError(
            f"vPDQ quality must be a whole number 0-100, got {quality!r:.20}"
        ) from None
    try:
        seconds = float(timestamp)
    except ValueError:
        raise ValueError(f"vPDQ timestamp must be a number, got {timestamp!r:.20}") from None
    if not math.isfinite(seconds):
        raise ValueError(f"vPDQ timestamp must be a number, got {timestamp!r:.20}")
    return VpdqFrame(pdq.lower(), number, round(seconds, VPDQ_TIMESTAMP_DECIMALS))


def _frame_from_object(entry: Mapping[str, object]) -> VpdqFrame:
    """``{"pdq" (or "hash", "pdq_hex"), "quality", "t" (or "timestamp")}``."""
    pdq = next((entry[k] for k in ("pdq", "pdq_hex", "hash") if k in entry), None)
    timestamp = next((entry[k] for k in ("t", "timestamp") if k in entry), None)
    quality = entry.get("quality")
    if not isinstance(pdq, str) or timestamp is None or quality is None:
        raise ValueError("a frame object has pdq, quality and t")
    if isinstance(quality, bool) or not isinstance(quality, int | str):
        raise ValueError("vPDQ quality must be a whole number 0-100")
    if isinstance(timestamp, bool) or not isinstance(timestamp, int | float | str):
        raise ValueError("vPDQ timestamp must be a number")
    return _frame_from_fields([pdq, quality, timestamp])


def parse_vpdq(value: str | Sequence[object]) -> list[VpdqFrame]:
    """Parse a vPDQ hash in any of the usual spellings: the one vPDQ parser of Reclaim.

    * pytx signal string: a JSON list of ``"pdq_hex,quality,timestamp"``;
    * pytx compact lines: ``pdq_hex,quality,timestamp`` per line (or separated by ``;``);
    * vpdq CLI / sample files: ``frame_number,quality,pdq_hex,timestamp`` per line;
    * already-decoded JSON: a list of those strings, of ``[pdq, quality, t]`` lists, or of
      ``{"pdq", "quality", "t"}`` objects (what Reclaim's report page sends).

    Raises ValueError naming the first bad line.
    """
    items: Sequence[object]
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                decoded = json.loads(stripped)
            except (ValueError, RecursionError) as exc:
                raise ValueError(f"vPDQ JSON is malformed: {exc}") from exc
            if not isinstance(decoded, list):
                raise ValueError("vPDQ JSON must be a list of strings")
            items = decoded
        else:
            items = re.split(r"[\n;]", stripped)
    else:
        items = value
    frames = []
    for number, item in enumerate(items, 1):
        try:
            if isinstance(item, str):
                line = item.strip()
                if not line:
                    continue
                frames.append(_frame_from_fields(line.split(",")))
            elif isinstance(item, Mapping):
                frames.append(_frame_from_object(item))
            elif isinstance(item, list | tuple) and all(
                isinstance(p, str | int | float) and not isinstance(p, bool) for p in item
            ):
                frames.append(_frame_from_fields(item))
            else:
                raise ValueError("vPDQ JSON must be a list of strings")
        except ValueError as exc:
            raise ValueError(f"vPDQ line {number}: {exc}") from exc
    return frames


def vpdq_signal_str(frames: Iterable[VpdqFrame]) -> str:
    """pytx's VPDQ ``signal_str``: a JSON list of ``"pdq_hex,quality,timestamp"``, timestamps
    to the millisecond. What Reclaim stores, feeds and exports for a video."""
    return json.dumps(
        [f"{f.pdq_hex},{f.quality},{f.timestamp:.{VPDQ_TIMESTAMP_DECIMALS}f}" for f in frames]
    )


def prepare_frames(
    frames: Iterable[VpdqFrame], quality_threshold: int = VPDQ_QUALITY_THRESHOLD
) -> list[str]:
    """Distinct PDQ hexes of the frames of at least ``quality_threshold``, in first-seen order."""
    seen: dict[str, None] = {}
    for f in frames:
        if f.quality >= quality_threshold:
            seen.setdefault(f.pdq_hex, None)
    return list(seen)


@dataclass(frozen=True)
class VpdqMatch:
    """A stored video matched by a query video."""

    video_id: int
    query_match_percent: float
    compared_match_percent: float


def match_vpdq_pair(
    query: Sequence[VpdqFrame],
    compared: Sequence[VpdqFrame],
    *,
    quality_threshold: int = VPDQ_QUALITY_THRESHOLD,
    distance_threshold: int = VPDQ_DISTANCE_THRESHOLD,
) -> tuple[float, float]:
    """(query_match_percent, compared_match_percent) of two videos, by brute force."""
    q = prepare_frames(query, quality_threshold)
    c = prepare_frames(compared, quality_threshold)
    if not q or not c:
        return 0.0, 0.0
    qa = hexes_to_array(q)
    ca = hexes_to_array(c)
    close = np.zeros((len(q), len(c)), np.bool_)
    for i in range(len(q)):
        close[i] = hamming_distance(qa[i], ca) <= distance_threshold
    return (
        float(close.any(axis=1).sum()) * 100.0 / len(q),
        float(close.any(axis=0).sum()) * 100.0 / len(c),
    )


class VpdqIndex:
    """Stored videos (by int id) searchable with a query video; frames shared by several videos
    are stored once in an exact :class:`PdqIndex`."""

    def __init__(
        self,
        *,
        quality_threshold: int = VPDQ_QUALITY_THRESHOLD,
        distance_threshold: int = VPDQ_DISTANCE_THRESHOLD,
        query_match_threshold: float = VPDQ_QUERY_MATCH_THRESHOLD_PERCENT,
        compared_match_threshold: float = VPDQ_INDEX_MATCH_THRESHOLD_PERCENT,
    ) -> None:
        self.quality_threshold = quality_threshold
        self.distance_threshold = distance_threshold
        self.query_match_threshold = query_match_threshold
        self.compared_match_threshold = compared_match_threshold
        self._lock = threading.Lock()
        self._frames = PdqIndex()
        self._frame_of_hex: dict[str, int] = {}
        self._videos_of_frame: dict[int, set[int]] = {}
        self._frames_of_video: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self._frames_of_video)

    def __contains__(self, video_id: object) -> bool:
        return video_id in self._frames_of_video

    def add(self, video_id: int, frames: Iterable[VpdqFrame]) -> int:
        """Store a video; returns how many distinct usable frames it has.

        Raises ValueError if the id is taken or no frame reaches the quality threshold.
        """
        hexes = prepare_frames(frames, self.quality_threshold)
        if not hexes:
            raise ValueError("no frame of this video reaches the quality threshold")
        with self._lock:
            if video_id in self._frames_of_video:
                raise ValueError(f"video {video_id} is already stored")
            new = [h for h in hexes if h not in self._frame_of_hex]
            if new:
                ids = self._frames.add(hexes_to_array(new))
                for h, fid in zip(new, ids.tolist(), strict=True):
                    self._frame_of_hex[h] = fid
                    self._videos_of_frame[fid] = set()
            frame_ids = [self._frame_of_hex[h] for h in hexes]
            for fid in frame_ids:
                self._videos_of_frame[fid].add(video_id)
            self._frames_of_video[video_id] = frame_ids
        return len(frame_ids)

    def remove(self, video_id: int) -> bool:
        """Forget a video; returns False if it was not stored."""
        with self._lock:
            frame_ids = self._frames_of_video.pop(video_id, None)
            if frame_ids is None:
                return False
            orphans = []
            for fid in frame_ids:
                videos = self._videos_of_frame[fid]
                videos.discard(video_id)
                if not videos:
                    orphans.append(fid)
                    del self._videos_of_frame[fid]
            if orphans:
                self._frames.remove(orphans)
                gone = set(orphans)
                for h in [h for h, fid in self._frame_of_hex.items() if fid in gone]:
                    del self._frame_of_hex[h]
        return True

    def match(self, frames: Iterable[VpdqFrame]) -> list[VpdqMatch]:
        """Stored videos matching the query video, best query match first, then by id."""
        hexes = prepare_frames(frames, self.quality_threshold)
        if not hexes:
            return []
        queries: NDArray[np.uint8] = hexes_to_array(hexes)
        result = self._frames.search_arrays(queries, self.distance_threshold)
        query_hits: dict[int, set[int]] = {}
        frame_hits: dict[int, set[int]] = {}
        with self._lock:
            for qi in range(len(hexes)):
                lo, hi = int(result.offsets[qi]), int(result.offsets[qi + 1])
                for fid in result.ids[lo:hi].tolist():
                    for vid in self._videos_of_frame.get(fid, ()):
                        query_hits.setdefault(vid, set()).add(qi)
                        frame_hits.setdefault(vid, set()).add(fid)
            sizes = {vid: len(self._frames_of_video[vid]) for vid in query_hits}
        matches = []
        for vid, hit in query_hits.items():
            q_pct = len(hit) * 100.0 / len(hexes)
            c_pct = len(frame_hits[vid]) * 100.0 / sizes[vid]
            if q_pct >= self.query_match_threshold and c_pct >= self.compared_match_threshold:
                matches.append(VpdqMatch(vid, q_pct, c_pct))
        matches.sort(key=lambda m: (-m.query_match_percent, m.video_id))
        return matches


__all__ = [
    "PDQ_BYTES",
    "VPDQ_DISTANCE_THRESHOLD",
    "VPDQ_INDEX_MATCH_THRESHOLD_PERCENT",
    "VPDQ_QUALITY_THRESHOLD",
    "VPDQ_QUERY_MATCH_THRESHOLD_PERCENT",
    "VpdqFrame",
    "VpdqIndex",
    "VpdqMatch",
    "match_vpdq_pair",
    "parse_vpdq",
    "prepare_frames",
    "vpdq_signal_str",
]
