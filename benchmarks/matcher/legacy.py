"""The matcher before the split (issue 10, item 4), kept verbatim for side-by-side figures.

Only the benchmark uses it; it is not part of Reclaim.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reclaim.bank.models import ContentItem, HashList
from reclaim.bank.models import Signal as SignalRow
from reclaim.bank.signals import Signal, SignalType
from reclaim.matching import PdqIndex, SnapshotError, hexes_to_array
from reclaim.matching.video import VpdqFrame, VpdqIndex


@dataclass(frozen=True, slots=True)
class Match:
    list_name: str
    item_id: int
    distance: int
    categories: tuple[str, ...]
    signal_type: str
    share: float | None = None  # vPDQ: the share of the query's frames that matched


@dataclass(slots=True)
class _Item:
    list_name: str
    max_distance: int
    categories: tuple[str, ...]
    signal_ids: list[int] = field(default_factory=list)
    exact_keys: list[tuple[str, str]] = field(default_factory=list)


def pdq_bytes(values: Sequence[str]) -> np.ndarray:
    if not values:
        return np.zeros((0, 32), dtype=np.uint8)
    array: np.ndarray = np.asarray(hexes_to_array(list(values)), dtype=np.uint8)
    return array


SNAPSHOT_FORMAT = 1


class Matcher:
    def __init__(self) -> None:
        self._lock = Lock()
        self.applied_seq = 0
        self.ready = False  # set once the first load (snapshot and/or database) is done
        self._search_radius = 31  # the largest distance any list accepts
        self._index: PdqIndex | None = None
        self._items: dict[int, _Item] = {}
        self._pdq_owner: dict[int, int] = {}  # signal id -> item id
        self._exact: dict[tuple[str, str], set[int]] = defaultdict(set)
        # pytx's rule (frames of quality >= 50 within 31; 80% of the query's frames matched)
        self._videos = VpdqIndex()
        self._video_frames: dict[int, list[VpdqFrame]] = {}  # kept for snapshots

    # Keeping in step ------------------------------------------------------------------

    def sync(self, session: Session) -> int:
        """Apply every change newer than the last applied; returns how many items changed."""
        newest: int = session.scalar(select(func.max(ContentItem.change_seq))) or 0
        if newest <= self.applied_seq:
            return 0
        with self._lock:
            # One flat query (no ORM objects): the first load of a large list is millions of rows.
            rows = session.execute(
                select(
                    ContentItem.id,
                    ContentItem.list_id,
                    ContentItem.status,
                    ContentItem.categories,
                    ContentItem.change_seq,
                    SignalRow.id,
                    SignalRow.signal_type,
                    SignalRow.value,
                    SignalRow.frames,
                )
                .join(SignalRow, SignalRow.item_id == ContentItem.id)
                .where(ContentItem.change_seq > self.applied_seq)
                .order_by(ContentItem.change_seq, SignalRow.id)
            )
            lists = {h.id: h for h in session.scalars(select(HashList))}
            self._search_radius = max((h.max_distance for h in lists.values()), default=31)
            removed_pdq: list[int] = []
            added_ids: list[int] = []
            added_values: list[str] = []
            seen: set[int] = set()
            newest_applied = self.applied_seq
            for item_id, list_id, status, categories, seq, sid, kind, value, frames in rows:
                newest_applied = max(newest_applied, seq)
                if item_id not in seen:
                    seen.add(item_id)
                    removed_pdq.extend(self._forget(item_id))
                    if status == "active":
                        hash_list = lists[list_id]
                        self._items[item_id] = _Item(
                            hash_list.name, hash_list.max_distance, tuple(categories or ())
                        )
                entry = self._items.get(item_id)
                if status != "active" or entry is None:
                    continue
                entry.signal_ids.append(sid)
                if kind == SignalType.PDQ.value:
                    added_ids.append(sid)
                    added_values.append(value)
                    self._pdq_owner[sid] = item_id
                elif kind == SignalType.VPDQ.value:
                    self._remember_video(item_id, [VpdqFrame(p, q, t) for q, p, t in frames or []])
                else:
                    self._exact[(kind, value)].add(item_id)
                    entry.exact_keys.append((kind, value))
            self._apply_pdq(removed_pdq, added_ids, added_values)
            self.applied_seq = newest_applied
            return len(seen)

    def _forget(self, item_id: int) -> list[int]:
        entry = self._items.pop(item_id, None)
        self._videos.remove(item_id)
        self._video_frames.pop(item_id, None)
        if entry is None:
            return []
        pdq_ids = [sid for sid in entry.signal_ids if self._pdq_owner.pop(sid, None) is not None]
        for key in entry.exact_keys:
            owners = self._exact.get(key)
            if owners is not None:
                owners.discard(item_id)
                if not owners:
                    del self._exact[key]
        return pdq_ids

    def _apply_pdq(self, removed: list[int], added_ids: list[int], added_values: list[str]) -> None:
        if self._index is None:
            self._index = PdqIndex.build(
                pdq_bytes(added_values), ids=np.array(added_ids, dtype=np.int64)
            )
            return
        if removed:
            self._index.remove(np.array(removed, dtype=np.int64))
        if added_ids:
            self._index.add(pdq_bytes(added_values), ids=np.array(added_ids, dtype=np.int64))

    # Matching ---------------------------------------------------------------------------

    def match(
        self, signals: Sequence[Signal], variants: Sequence[Sequence[str]] = ()
    ) -> list[list[Match]]:
        """For each signal, every active item it matches, nearest first.

        ``variants`` (optional, per signal) are the 8 dihedral PDQ hashes of the same picture
        (rotations and mirror images), as ``reclaim hash --dihedral`` prints them.
        """
        with self._lock:
            results: list[list[Match]] = [[] for _ in signals]
            pdq_rows: list[tuple[int, str]] = []
            for position, signal in enumerate(signals):
                if signal.type is SignalType.PDQ:
                    options = [signal.value]
                    if position < len(variants) and variants[position]:
                        options += [v for v in variants[position] if v != signal.value]
                    pdq_rows.extend((position, value) for value in options)
                elif signal.type is SignalType.VPDQ:
                    results[position] = self._match_video(signal)
                else:
                    for item_id in sorted(self._exact.get((signal.type.value, signal.value), ())):
                        entry = self._items[item_id]
                        results[position].append(
                            Match(entry.list_name, item_id, 0, entry.categories, signal.type.value)
                        )
            if pdq_rows and self._index is not None:
                found = self._index.search(
                    pdq_bytes([v for _, v in pdq_rows]), max_distance=self._search_radius
                )
                best: dict[tuple[int, int], int] = {}
                for (position, _value), hits in zip(pdq_rows, found, strict=True):
                    for signal_id, distance in hits:
                        owner = self._pdq_owner.get(int(signal_id))
                        if owner is None or distance > self._items[owner].max_distance:
                            continue
                        key = (position, owner)
                        best[key] = min(best.get(key, 64), int(distance))
                for (position, item_id), distance in best.items():
                    entry = self._items[item_id]
                    results[position].append(
                        Match(entry.list_name, item_id, distance, entry.categories, "pdq")
                    )
            for found_for_signal in results:
                found_for_signal.sort(key=lambda m: (m.distance, m.item_id))
            return results

    def _remember_video(self, item_id: int, frames: list[VpdqFrame]) -> None:
        try:
            self._videos.add(item_id, frames)
        except ValueError:  # no frame good enough to match on: exact hashes still work
            return
        self._video_frames[item_id] = frames

    def _match_video(self, signal: Signal) -> list[Match]:
        query = [VpdqFrame(f.pdq, f.quality, f.timestamp) for f in signal.frames]
        matches = []
        for found in self._videos.match(query):
            entry = self._items[found.video_id]
            share = round(found.query_match_percent / 100, 3)
            matches.append(
                Match(entry.list_name, found.video_id, 0, entry.categories, "vpdq", share)
            )
        return matches

    @property
    def size(self) -> int:
        return len(self._items)

    # Snapshots --------------------------------------------------------------------------

    def save(self, directory: Path) -> Path:
        """Write the state to ``directory`` (PDQ index snapshot + a JSON sidecar), atomically."""
        directory.mkdir(parents=True, exist_ok=True)
        with self._lock:
            index = self._index or PdqIndex.build(np.zeros((0, 32), dtype=np.uint8))
            index.save(directory / "pdq.index")
            state = {
                "format": SNAPSHOT_FORMAT,
                "applied_seq": self.applied_seq,
                "items": [
                    {
                        "id": item_id,
                        "list": entry.list_name,
                        "max_distance": entry.max_distance,
                        "categories": list(entry.categories),
                        "signals": entry.signal_ids,
                        "pdq": [sid for sid in entry.signal_ids if sid in self._pdq_owner],
                        "exact": [list(key) for key in entry.exact_keys],
                        "video": [
                            [f.quality, f.pdq_hex, f.timestamp]
                            for f in self._video_frames.get(item_id, [])
                        ]
                        if item_id in self._video_frames
                        else [],
                    }
                    for item_id, entry in self._items.items()
                ],
            }
        temporary = directory / "state.json.tmp"
        temporary.write_text(json.dumps(state, separators=(",", ":")))
        os.replace(temporary, directory / "state.json")
        return directory

    @classmethod
    def load(cls, directory: Path) -> Matcher:
        """Open a saved state; raises :class:`SnapshotError` if it is missing or unusable."""
        try:
            state = json.loads((directory / "state.json").read_text())
        except (OSError, ValueError) as exc:
            raise SnapshotError(f"{directory}: no readable matcher state ({exc})") from exc
        if state.get("format") != SNAPSHOT_FORMAT:
            found = state.get("format")
            raise SnapshotError(f"{directory}: state format {found} is not {SNAPSHOT_FORMAT}")
        matcher = cls()
        matcher._index = PdqIndex.load(directory / "pdq.index")
        for item in state["items"]:
            item_id = int(item["id"])
            matcher._items[item_id] = _Item(
                item["list"],
                int(item["max_distance"]),
                tuple(item["categories"]),
                list(item["signals"]),
            )
            for sid in item["pdq"]:
                matcher._pdq_owner[int(sid)] = item_id
            for kind, value in item["exact"]:
                matcher._exact[(kind, value)].add(item_id)
                matcher._items[item_id].exact_keys.append((kind, value))
            if item["video"]:
                frames = [VpdqFrame(p, int(q), float(t)) for q, p, t in item["video"]]
                matcher._remember_video(item_id, frames)
        matcher.applied_seq = int(state["applied_seq"])
        matcher._search_radius = max((e.max_distance for e in matcher._items.values()), default=31)
        return matcher
