"""The matcher's third part: saving its state so servers start from it instead of rebuilding.

A directory with the PDQ index snapshot (``pdq.index``, see docs/matching.md) and a JSON
sidecar (``state.json``) with the items, written last and atomically. The sidecar also says
where the state came from (:class:`SnapshotOrigin`): the database's instance id and the feed
position it had reached, so a server never starts from a snapshot of another database, or of a
later state of its own database than the one it now has (after a restore from a backup).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reclaim.bank.items import frames_of, stored_frames
from reclaim.bank.match_state import EXACT_TYPES, ItemEntry, MatchState
from reclaim.matching import PDQ_MATCH_THRESHOLD, PdqIndex, SnapshotError
from reclaim.matching.snapshot_dir import INDEX_FILE, STATE_FILE, STATE_FORMAT

# A format-1 state (no origin) is not used by servers: they rebuild from the database.
SNAPSHOT_FORMAT = STATE_FORMAT


@dataclass(frozen=True, slots=True)
class SnapshotOrigin:
    """The database a state was taken from, and how far into its feed."""

    instance: str  # reclaim.storage.instance: the database's random id
    position: int  # the feed position applied (the state's ``applied_seq``)
    head: str | None  # match_changes.change_fingerprint at that position, when saved


def save_state(state: MatchState, directory: Path, origin: SnapshotOrigin | None = None) -> Path:
    """Write ``state`` to ``directory``; the caller keeps writers out meanwhile."""
    directory.mkdir(parents=True, exist_ok=True)
    index = state.index or PdqIndex.build(np.zeros((0, 32), dtype=np.uint8))
    index.save(directory / INDEX_FILE)
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
    document = {
        "format": SNAPSHOT_FORMAT,
        "applied_seq": state.applied_seq,
        "origin": None
        if origin is None
        else {"instance": origin.instance, "position": origin.position, "head": origin.head},
        "items": items,
    }
    temporary = directory / f"{STATE_FILE}.tmp"
    temporary.write_text(json.dumps(document, separators=(",", ":")))
    os.replace(temporary, directory / STATE_FILE)
    return directory


def _document(directory: Path) -> dict[str, object]:
    try:
        document = json.loads((directory / STATE_FILE).read_text())
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{directory}: no readable matcher state ({exc})") from exc
    if not isinstance(document, dict) or document.get("format") != SNAPSHOT_FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        raise SnapshotError(f"{directory}: state format {found} is not {SNAPSHOT_FORMAT}")
    return document


def read_origin(directory: Path) -> SnapshotOrigin | None:
    """Where the saved state came from (None: not recorded); raises :class:`SnapshotError`."""
    origin = _document(directory).get("origin")
    if origin is None:
        return None
    if not isinstance(origin, dict):
        raise SnapshotError(f"{directory}: unreadable origin")
    try:
        head = origin.get("head")
        return SnapshotOrigin(
            str(origin["instance"]), int(origin["position"]), None if head is None else str(head)
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"{directory}: unreadable origin ({exc})") from exc


def load_state(directory: Path) -> MatchState:
    """Open a saved state; raises :class:`SnapshotError` if it is missing or unusable."""
    document: Any = _document(directory)
    state = MatchState(PdqIndex.load(directory / INDEX_FILE))
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
