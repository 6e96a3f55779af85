"""The matcher's second part: the in-memory tables searches read, and applying changes to them.

One writer at a time (the :class:`reclaim.bank.matcher.Matcher` serialises :meth:`apply`), any
number of concurrent readers, and no lock on the read path. Readers stay correct while a batch
is applied because every piece is published whole: an item's entry is an immutable object set
or removed with one dictionary operation; the PDQ, exact and video indexes are safe for
concurrent searches and updates themselves; and ``applied_seq`` moves forward only after
everything before it is in place. A withdrawn item's entry goes first, so a search that starts
after :meth:`apply` returns never reports it (a search running during ``apply`` may or may not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from reclaim.bank.items import frames_of
from reclaim.bank.match_changes import ChangeBatch, ItemChange
from reclaim.bank.signals import Signal, SignalType
from reclaim.matching import PDQ_MATCH_THRESHOLD, ExactHashIndex, PdqIndex, hexes_to_array
from reclaim.matching.video import VpdqFrame, VpdqIndex


@dataclass(frozen=True, slots=True)
class Match:
    list_name: str
    item_id: int
    distance: int
    categories: tuple[str, ...]
    signal_type: str
    share: float | None = None  # vPDQ: the share of the query's frames that matched


@dataclass(frozen=True, slots=True)
class ItemEntry:
    list_name: str
    max_distance: int
    categories: tuple[str, ...]
    signal_ids: tuple[int, ...]
    pdq_ids: tuple[int, ...]


def pdq_bytes(values: Sequence[str]) -> np.ndarray:
    if not values:
        return np.zeros((0, 32), dtype=np.uint8)
    array: np.ndarray = np.asarray(hexes_to_array(list(values)), dtype=np.uint8)
    return array


EXACT_TYPES = (SignalType.SHA256, SignalType.MD5)


class MatchState:
    def __init__(self, index: PdqIndex | None = None) -> None:
        self.applied_seq = 0
        self.search_radius = PDQ_MATCH_THRESHOLD  # the largest distance any list accepts
        self.index = index  # built whole on the first load, then updated in place
        self.items: dict[int, ItemEntry] = {}
        self.pdq_owner: dict[int, int] = {}  # signal id -> item id
        self.exact = {kind: ExactHashIndex(kind.value) for kind in EXACT_TYPES}  # type: ignore[arg-type]
        # pytx's rule: frames of quality >= 50 within the PDQ threshold; 80% of the query's
        # frames matched
        self.videos = VpdqIndex()
        self.video_frames: dict[int, list[VpdqFrame]] = {}  # kept for snapshots

    # Writing (one writer at a time) ------------------------------------------------------

    def apply(self, batch: ChangeBatch) -> None:
        removed: list[int] = []
        added_ids: list[int] = []
        added_values: list[str] = []
        # Widen the radius before new entries appear, narrow it once they are all in place
        # (entries check their own list's distance anyway).
        self.search_radius = max(batch.search_radius, self.search_radius)
        for change in batch.changes:
            removed.extend(self._forget(change.item_id))
            if change.active:
                added = self._learn(change)
                added_ids.extend(sid for sid, _ in added)
                added_values.extend(value for _, value in added)
        ids = np.array(added_ids, dtype=np.int64)
        if self.index is None:  # the first load: one build, published whole
            self.index = PdqIndex.build(pdq_bytes(added_values), ids=ids)
        else:
            if removed:
                self.index.remove(np.array(removed, dtype=np.int64))
            if added_ids:
                self.index.add(pdq_bytes(added_values), ids=ids)
        self.search_radius = batch.search_radius
        self.applied_seq = batch.newest_seq

    def _forget(self, item_id: int) -> list[int]:
        entry = self.items.pop(item_id, None)  # first: from here on no search reports it
        self.videos.remove(item_id)
        self.video_frames.pop(item_id, None)
        if entry is None:
            return []
        for table in self.exact.values():
            table.remove(item_id)
        return [sid for sid in entry.pdq_ids if self.pdq_owner.pop(sid, None) is not None]

    def _learn(self, change: ItemChange) -> list[tuple[int, str]]:
        """Index an active item's signals and publish its entry; returns its PDQ rows."""
        pdq: list[tuple[int, str]] = []
        for signal in change.signals:
            if signal.kind == SignalType.PDQ.value:
                pdq.append((signal.signal_id, signal.value))
                self.pdq_owner[signal.signal_id] = change.item_id
            elif signal.kind == SignalType.VPDQ.value:
                self.remember_video(change.item_id, frames_of(signal.frames))
            else:
                self.exact[SignalType(signal.kind)].add(signal.value, change.item_id)
        self.items[change.item_id] = ItemEntry(
            change.list_name,
            change.max_distance,
            change.categories,
            tuple(s.signal_id for s in change.signals),
            tuple(sid for sid, _ in pdq),
        )
        return pdq

    def remember_video(self, item_id: int, frames: list[VpdqFrame]) -> None:
        try:
            self.videos.add(item_id, frames)
        except ValueError:  # no frame good enough to match on: exact hashes still work
            return
        self.video_frames[item_id] = frames

    # Reading (any number at once, no lock) -----------------------------------------------

    def match(
        self, signals: Sequence[Signal], variants: Sequence[Sequence[str]] = ()
    ) -> list[list[Match]]:
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
                for item_id in self.exact[signal.type].lookup(signal.value):
                    entry = self.items.get(item_id)
                    if entry is not None:
                        results[position].append(
                            Match(entry.list_name, item_id, 0, entry.categories, signal.type.value)
                        )
        index = self.index
        if pdq_rows and index is not None:
            found = index.search(
                pdq_bytes([v for _, v in pdq_rows]), max_distance=self.search_radius
            )
            best: dict[tuple[int, int], tuple[int, ItemEntry]] = {}
            for (position, _value), hits in zip(pdq_rows, found, strict=True):
                for signal_id, distance in hits:
                    owner = self.pdq_owner.get(int(signal_id))
                    entry = None if owner is None else self.items.get(owner)
                    if owner is None or entry is None or distance > entry.max_distance:
                        continue
                    key = (position, owner)
                    if key not in best or distance < best[key][0]:
                        best[key] = (int(distance), entry)
            for (position, item_id), (distance, entry) in best.items():
                results[position].append(
                    Match(entry.list_name, item_id, distance, entry.categories, "pdq")
                )
        for found_for_signal in results:
            found_for_signal.sort(key=lambda m: (m.distance, m.item_id))
        return results

    def _match_video(self, signal: Signal) -> list[Match]:
        query = signal.frames
        matches = []
        for found in self.videos.match(query):
            entry = self.items.get(found.video_id)
            if entry is None:
                continue
            share = round(found.query_match_percent / 100, 3)
            matches.append(
                Match(entry.list_name, found.video_id, 0, entry.categories, "vpdq", share)
            )
        return matches
