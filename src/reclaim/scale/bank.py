"""The scan bank: the hash lists in a form every worker memory-maps instead of receiving.

A directory:

* ``pdq.index``: the exact PDQ index snapshot (:meth:`PdqIndex.save`; ids are signal ids);
* ``pdq_signal.npy`` / ``pdq_item.npy``: signal ids (sorted) and the item each belongs to;
* ``item_id.npy`` (sorted) / ``item_max_distance.npy`` / ``item_list.npy``: per item, the
  largest PDQ distance its list accepts and its list (an index into ``bank.json``'s lists);
* ``sha256.npy`` / ``sha256_item.npy``, ``md5.npy`` / ``md5_item.npy``: raw digests (sorted)
  and their items, for exact copies;
* ``videos.json``: each video item's vPDQ frames (few, small);
* ``bank.json``, written last: format, list names, search radius, where it came from.

Everything but the two JSON files is opened with ``mmap``: a worker process loads a bank in
milliseconds whatever its size, and processes on one machine share its pages. Banks are made
from a matcher snapshot (``reclaim bank snapshot``), from the platform API's feed, or from
arrays (benchmarks). Pure: no web or database code.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reclaim.matching import (
    PDQ_MATCH_THRESHOLD,
    PdqIndex,
    SnapshotError,
    VpdqFrame,
    VpdqIndex,
    hexes_to_array,
)
from reclaim.matching.snapshot_dir import INDEX_FILE, ITEM_FORMATS, STATE_FILE

BANK_FORMAT = 1
BANK_FILE = "bank.json"
_DIGEST_BYTES = {"sha256": 32, "md5": 16}


class BankError(ValueError):
    """The bank is missing, unreadable or of another format; the message says which."""


@dataclass(slots=True)
class Query:
    """What a scanned file (or a row of a hash table) is matched with."""

    key: str
    pdq: str | None = None
    quality: int | None = None
    dihedral: tuple[str, ...] = ()
    sha256: str | None = None
    md5: str | None = None
    frames: list[VpdqFrame] | None = None


@dataclass(slots=True)
class BankContents:
    """A bank before it is written: every active item's signals."""

    lists: list[str] = field(default_factory=list)
    items: dict[int, tuple[int, int]] = field(default_factory=dict)  # id -> (list, max dist)
    pdq_signals: list[tuple[int, int, str]] = field(default_factory=list)  # sid, item, hex
    exact: dict[str, list[tuple[str, int]]] = field(
        default_factory=lambda: {"sha256": [], "md5": []}
    )
    videos: dict[int, list[list[Any]]] = field(default_factory=dict)  # item -> [q, pdq, t]

    def list_index(self, name: str) -> int:
        try:
            return self.lists.index(name)
        except ValueError:
            self.lists.append(name)
            return len(self.lists) - 1

    def add_item(
        self,
        item_id: int,
        list_name: str,
        signals: Iterable[dict[str, Any]],
        *,
        max_distance: int = PDQ_MATCH_THRESHOLD,
        next_signal_id: int | None = None,
    ) -> int:
        """Add one active item from feed-style signals; returns the next free signal id."""
        sid = next_signal_id if next_signal_id is not None else len(self.pdq_signals)
        self.items[item_id] = (self.list_index(list_name), max_distance)
        for signal in signals:
            kind, value = signal["type"], signal["value"]
            if kind == "pdq":
                self.pdq_signals.append((sid, item_id, str(value).lower()))
                sid += 1
            elif kind in _DIGEST_BYTES:
                self.exact[kind].append((str(value).lower(), item_id))
            elif kind == "vpdq":
                frames = signal.get("frames")
                if frames is None:
                    from reclaim.matching import parse_vpdq

                    parsed = parse_vpdq(value)
                    frames = [
                        {"quality": f.quality, "pdq": f.pdq_hex, "t": f.timestamp} for f in parsed
                    ]
                self.videos[item_id] = [[f["quality"], f["pdq"], f["t"]] for f in frames]
        return sid


def _atomic_json(path: Path, document: dict[str, Any]) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, path)


def _digests(values: Sequence[str], size: int) -> NDArray[Any]:
    raw = np.zeros((len(values), size), np.uint8)
    for i, value in enumerate(values):
        raw[i] = np.frombuffer(bytes.fromhex(value), np.uint8)
    out: NDArray[Any] = raw.view(f"S{size}").reshape(-1) if len(values) else np.zeros(0, f"S{size}")
    return out


def write_bank(
    directory: Path,
    contents: BankContents,
    *,
    index: PdqIndex | None = None,
    index_in_place: bool = False,
    source: str = "",
) -> Path:
    """Write ``contents`` as a bank in ``directory``. ``index`` (ids = the contents' signal
    ids) is saved as it is (or, with ``index_in_place``, is already ``pdq.index`` there);
    without one, it is built from the contents' PDQ hashes."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / BANK_FILE).unlink(missing_ok=True)  # incomplete until written again
    sig = np.array([s for s, _, _ in contents.pdq_signals], np.int64)
    owner = np.array([i for _, i, _ in contents.pdq_signals], np.int64)
    if index is None:
        hexes = [h for _, _, h in contents.pdq_signals]
        hashes = hexes_to_array(hexes) if hexes else np.zeros((0, 32), np.uint8)
        index = PdqIndex.build(hashes, ids=sig)
    if not index_in_place:
        index.save(directory / "pdq.index")
    order = np.argsort(sig, kind="stable")
    np.save(directory / "pdq_signal.npy", sig[order])
    np.save(directory / "pdq_item.npy", owner[order])
    item_ids = np.array(sorted(contents.items), np.int64)
    np.save(directory / "item_id.npy", item_ids)
    np.save(
        directory / "item_max_distance.npy",
        np.array([contents.items[i][1] for i in item_ids.tolist()], np.int16),
    )
    np.save(
        directory / "item_list.npy",
        np.array([contents.items[i][0] for i in item_ids.tolist()], np.int32),
    )
    for kind, size in _DIGEST_BYTES.items():
        pairs = sorted(contents.exact[kind])
        np.save(directory / f"{kind}.npy", _digests([d for d, _ in pairs], size))
        np.save(directory / f"{kind}_item.npy", np.array([i for _, i in pairs], np.int64))
    _atomic_json(
        directory / "videos.json",
        {"videos": [[item, frames] for item, frames in sorted(contents.videos.items())]},
    )
    radius = max((d for _, d in contents.items.values()), default=PDQ_MATCH_THRESHOLD)
    _atomic_json(
        directory / BANK_FILE,
        {
            "format": BANK_FORMAT,
            "lists": contents.lists,
            "search_radius": int(radius),
            "items": len(contents.items),
            "pdq": int(sig.shape[0]),
            "source": source,
        },
    )
    return directory


def bank_from_matcher_snapshot(snapshot: Path, directory: Path) -> Path:
    """A bank from what ``reclaim bank snapshot`` wrote (``state.json`` + ``pdq.index``),
    read as files: no database. The PDQ index file is linked (or copied), not rebuilt."""
    try:
        document = json.loads((snapshot / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BankError(f"{snapshot}: no readable matcher snapshot ({exc})") from exc
    if document.get("format") not in ITEM_FORMATS:
        raise BankError(
            f"{snapshot}: matcher snapshot format {document.get('format')} is not one this "
            f"version reads ({', '.join(map(str, ITEM_FORMATS))}); upgrade Reclaim here"
        )
    contents = BankContents()
    for item in document["items"]:
        item_id = int(item["id"])
        contents.items[item_id] = (contents.list_index(item["list"]), int(item["max_distance"]))
        for sid in item["pdq"]:
            contents.pdq_signals.append((int(sid), item_id, ""))
        for kind, value in item["exact"]:
            if kind in _DIGEST_BYTES:
                contents.exact[kind].append((str(value).lower(), item_id))
        if item["video"]:
            contents.videos[item_id] = [list(frame) for frame in item["video"]]
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "pdq.index"
    target.unlink(missing_ok=True)
    try:
        os.link(snapshot / INDEX_FILE, target)
    except OSError:
        shutil.copyfile(snapshot / INDEX_FILE, target)
    try:
        index = PdqIndex.load(target, verify=False)
    except (SnapshotError, OSError) as exc:
        raise BankError(f"{snapshot}: the PDQ index snapshot is unusable ({exc})") from exc
    source = f"snapshot:{snapshot} applied_seq={document.get('applied_seq')}"
    return write_bank(directory, contents, index=index, index_in_place=True, source=source)


class ScanBank:
    """A bank opened for matching (memory-mapped). Thread-safe for concurrent matches."""

    def __init__(self, directory: Path, *, verify: bool = False) -> None:
        try:
            meta = json.loads((directory / BANK_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BankError(f"{directory}: not a scan bank ({exc})") from exc
        if meta.get("format") != BANK_FORMAT:
            raise BankError(f"{directory}: bank format {meta.get('format')} is not {BANK_FORMAT}")
        self.directory = directory
        self.meta = meta
        self.lists: list[str] = list(meta["lists"])
        self.radius = int(meta["search_radius"])
        try:
            self.index = PdqIndex.load(directory / "pdq.index", verify=verify)
        except (SnapshotError, OSError) as exc:
            raise BankError(f"{directory}: the PDQ index is unusable ({exc})") from exc

        def load(name: str) -> NDArray[Any]:
            array: NDArray[Any] = np.load(directory / name, mmap_mode="r")
            return array

        self.pdq_signal = load("pdq_signal.npy")
        self.pdq_item = load("pdq_item.npy")
        self.item_id = load("item_id.npy")
        self.item_max = load("item_max_distance.npy")
        self.item_list = load("item_list.npy")
        self.digests = {
            kind: (load(f"{kind}.npy"), load(f"{kind}_item.npy")) for kind in _DIGEST_BYTES
        }
        self.videos = VpdqIndex()
        videos = json.loads((directory / "videos.json").read_text(encoding="utf-8"))
        for item, frames in videos["videos"]:
            try:
                self.videos.add(
                    int(item), [VpdqFrame(str(p), int(q), float(t)) for q, p, t in frames]
                )
            except ValueError:  # no frame good enough: its exact hashes still match
                continue

    def __len__(self) -> int:
        return int(self.item_id.shape[0])

    def _item_rows(self, items: NDArray[np.int64]) -> NDArray[np.int64]:
        rows: NDArray[np.int64] = np.searchsorted(self.item_id, items).astype(np.int64)
        return rows

    def _entry(self, item: int) -> tuple[str, int]:
        row = int(self._item_rows(np.array([item], np.int64))[0])
        return self.lists[int(self.item_list[row])], int(self.item_max[row])

    def match(self, queries: Sequence[Query], *, dihedral: bool = False) -> list[dict[str, Any]]:
        """Every (query, item) match: ``{key, signal, item, distance, list}`` (+ ``share`` for
        videos), each item once per query and signal, nearest first. The rules are the match
        API's: PDQ within the item's list distance (over the dihedral variants when asked),
        exact digests, vPDQ by pytx's frame rule."""
        out: list[dict[str, Any]] = []
        out.extend(self._match_pdq(queries, dihedral))
        for kind, (digests, owners) in self.digests.items():
            if digests.shape[0] == 0:
                continue
            for q in queries:
                value = getattr(q, kind)
                if not value:
                    continue
                needle = np.frombuffer(bytes.fromhex(value), np.uint8).view(digests.dtype)[0]
                lo = int(np.searchsorted(digests, needle, side="left"))
                hi = int(np.searchsorted(digests, needle, side="right"))
                for item in sorted(set(owners[lo:hi].tolist())):
                    out.append(self._row(q.key, kind, int(item), 0))
        if len(self.videos):
            for q in queries:
                if q.frames:
                    for found in self.videos.match(q.frames):
                        row = self._row(q.key, "vpdq", found.video_id, 0)
                        row["share"] = round(found.query_match_percent / 100, 3)
                        out.append(row)
        return out

    def _row(self, key: str, signal: str, item: int, distance: int) -> dict[str, Any]:
        list_name, _ = self._entry(item)
        return {"key": key, "signal": signal, "item": item, "distance": distance, "list": list_name}

    def _match_pdq(self, queries: Sequence[Query], dihedral: bool) -> list[dict[str, Any]]:
        owners: list[int] = []
        hexes: list[str] = []
        for position, q in enumerate(queries):
            if not q.pdq:
                continue
            options = [q.pdq]
            if dihedral:
                options += [v for v in q.dihedral if v != q.pdq]
            owners.extend([position] * len(options))
            hexes.extend(options)
        if not hexes:
            return []
        found = self.pdq_matches(hexes_to_array(hexes), np.asarray(owners, np.int64))
        return self.pdq_rows([queries[qi].key for qi in found[0].tolist()], found)

    def pdq_matches(
        self, hashes: NDArray[np.uint8], owners: NDArray[np.int64] | None = None
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
        """PDQ matches of ``hashes`` ((k, 32) uint8; row ``r`` belongs to query ``owners[r]``,
        default ``r``) as arrays ``(query, item, distance)``: each (query, item) once, at its
        smallest distance within the item's list distance; sorted by query, distance, item.
        No Python object per hash: this is the hashes-only scan's path."""
        empty = np.empty(0, np.int64)
        if hashes.shape[0] == 0 or self.pdq_signal.shape[0] == 0:
            return empty, empty, empty
        if owners is None:
            owners = np.arange(hashes.shape[0], dtype=np.int64)
        result = self.index.search_arrays(hashes, self.radius)
        if result.ids.shape[0] == 0:
            return empty, empty, empty
        query_of = np.repeat(owners, np.diff(result.offsets))
        last = self.pdq_signal.shape[0] - 1
        sig_rows = np.minimum(np.searchsorted(self.pdq_signal, result.ids), last)
        items = np.asarray(self.pdq_item[sig_rows], np.int64)
        known = self.pdq_signal[sig_rows] == result.ids
        rows = np.minimum(self._item_rows(items), max(self.item_id.shape[0] - 1, 0))
        allowed = known & (self.item_id[rows] == items) & (result.distances <= self.item_max[rows])
        q, it, d = query_of[allowed], items[allowed], result.distances[allowed]
        order = np.lexsort((d, it, q))  # by query, item, distance: first of each pair is best
        q, it, d = q[order], it[order], d[order]
        first = np.ones(q.shape[0], np.bool_)
        first[1:] = (q[1:] != q[:-1]) | (it[1:] != it[:-1])
        q, it, d = q[first], it[first], d[first]
        order = np.lexsort((it, d, q))
        return q[order], it[order], d[order]

    def pdq_rows(
        self,
        keys: Sequence[str],
        found: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]],
    ) -> list[dict[str, Any]]:
        """Output rows for :meth:`pdq_matches`' answer (``keys[i]`` names its ``i``-th match),
        sorted by key, distance, item."""
        _, items, distances = found
        out = [
            self._row(key, "pdq", item, dist)
            for key, item, dist in zip(keys, items.tolist(), distances.tolist(), strict=True)
        ]
        out.sort(key=lambda r: (r["key"], r["distance"], r["item"]))
        return out
