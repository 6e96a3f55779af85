"""Brute force: every scanned file against every bank entry, without the index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from reclaim.hashing import ImageHashes, hash_file
from reclaim.matching import VpdqFrame, hamming_distance, hexes_to_array, match_vpdq_pair
from reclaim.scale.bank import ScanBank


def brute_force(files: list[Path], bank_dir: Path, *, dihedral: bool) -> set[tuple[Any, ...]]:
    bank = ScanBank(bank_dir)
    sig_ids = np.asarray(bank.pdq_signal)
    stored = bank.index.get_hashes(sig_ids) if sig_ids.shape[0] else np.zeros((0, 32), np.uint8)
    owners = np.asarray(bank.pdq_item)
    max_distance = np.array([bank._entry(int(i))[1] for i in owners.tolist()], np.int64)
    videos = {}
    import json

    for item, frames in json.loads((bank_dir / "videos.json").read_text())["videos"]:
        videos[int(item)] = [VpdqFrame(str(p), int(q), float(t)) for q, p, t in frames]
    found: set[tuple[Any, ...]] = set()
    for path in files:
        try:
            result = hash_file(str(path), dihedral=dihedral)
        except Exception:
            continue
        key = str(path)
        digests = {"sha256": result.sha256, "md5": result.md5}
        for kind, (table, items) in bank.digests.items():
            size = table.dtype.itemsize
            for value, item in zip(
                np.asarray(table).tolist(), np.asarray(items).tolist(), strict=True
            ):
                if bytes(value).ljust(size, b"\0").hex() == digests[kind]:
                    found.add((key, kind, int(item), 0))
        if isinstance(result, ImageHashes):
            options = [result.pdq] + (list(result.dihedral or ()) if dihedral else [])
            distances = np.stack([hamming_distance(hexes_to_array([v]), stored) for v in options])
            nearest = distances.min(axis=0)
            best: dict[int, int] = {}
            for row in np.flatnonzero(nearest <= max_distance).tolist():
                item, d = int(owners[row]), int(nearest[row])
                best[item] = min(d, best.get(item, d))
            found.update((key, "pdq", item, d) for item, d in best.items())
        else:
            frames = [VpdqFrame(f.pdq, f.quality, f.t) for f in result.frames]
            for item, stored_frames in videos.items():
                query_pct, _ = match_vpdq_pair(frames, stored_frames)
                if query_pct >= 80:
                    found.add((key, "vpdq", item, 0))
    return found
