"""The matcher's third part: saving its state so servers start from it instead of rebuilding.

A directory with the PDQ index snapshot (``pdq.index``, see docs/matching.md) and a JSON
sidecar (``state.json``) with the items, written last and atomically.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from reclaim.bank.items import frames_of, stored_frames
from reclaim.bank.match_state import EXACT_TYPES, ItemEntry, MatchState
from reclaim.matching import PDQ_MATCH_THRESHOLD, PdqIndex, SnapshotError

SNAPSHOT_FORMAT = 1


def save_state(state: MatchState, directory: Path) -> Path:
    """Write ``state`` to ``directory``; the caller keeps writers out meanwhile."""
    directory.mkdir(parents=True, exist_ok=True)
    index = state.index or PdqIndex.build(np.zeros((0, 32), dtype=np.uint8))
    index.save(directory / "pdq.index")
    items = []
    for item_id, entry in list(state.items.items()):
        frames = state.video_frames.get(item_id)
        items.append(
            {
                "id": item_id,
                "list": entry.list_name,
                "max_distance": entry.max_distance,
                "categories": list(entry.categories),
                "signals": list(entry.signal_ids),
                "pdq": list(entry.pdq_ids),
                "exact": [
                    [kind.value, digest]
                    for kind in EXACT_TYPES
                    for digest in state.exact[kind].digests_of(item_id)
                ],
                "video": stored_frames(frames or []),
            }
        )
    document = {"format": SNAPSHOT_FORMAT, "applied_seq": state.applied_seq, "items": items}
    temporary = directory / "state.json.tmp"
    temporary.write_text(json.dumps(document, separators=(",", ":")))
    os.replace(temporary, directory / "state.json")
    return directory


def load_state(directory: Path) -> MatchState:
    """Open a saved state; raises :class:`SnapshotError` if it is missing or unusable."""
    try:
        document = json.loads((directory / "state.json").read_text())
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{directory}: no readable matcher state ({exc})") from exc
    if document.get("format") != SNAPSHOT_FORMAT:
        found = document.get("format")
        raise SnapshotError(f"{directory}: state format {found} is not {SNAPSHOT_FORMAT}")
    state = MatchState(PdqIndex.load(directory / "pdq.index"))
    for item in document["items"]:
        item_id = int(item["id"])
        pdq_ids = tuple(int(sid) for sid in item["pdq"])
        state.items[item_id] = ItemEntry(
            item["list"],
            int(item["max_distance"]),
            tuple(item["categories"]),
            tuple(int(sid) for sid in item["signals"]),
            pdq_ids,
        )
        for sid in pdq_ids:
            state.pdq_owner[sid] = item_id
        for kind, value in item["exact"]:
            state.exact[next(k for k in EXACT_TYPES if k.value == kind)].add(value, item_id)
        if item["video"]:
            state.remember_video(item_id, frames_of(item["video"]))
    state.applied_seq = int(document["applied_seq"])
    state.search_radius = max(
        (e.max_distance for e in state.items.values()), default=PDQ_MATCH_THRESHOLD
    )
    return state
