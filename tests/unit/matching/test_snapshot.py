"""Snapshots: exact round trip (memory-mapped or not), clear typed errors on bad files."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from reclaim.matching import (
    PdqIndex,
    SnapshotCorruptError,
    SnapshotError,
    SnapshotFormatError,
    SnapshotVersionError,
)
from reclaim.matching._snapshot import FORMAT_VERSION, MAGIC

from .oracle import brute_force, flip_bits, random_hashes

PREFIX = struct.Struct("<8sIIII")


def busy_index(rng: np.random.Generator) -> tuple[PdqIndex, dict[int, np.ndarray]]:
    """Base segment + sealed segments + a delta + tombstones everywhere."""
    base = random_hashes(rng, 3000)
    index = PdqIndex.build(base, np.arange(10, 3010, dtype=np.int64) * 3, delta_limit=100)
    model = {int(i): base[k] for k, i in enumerate(range(30, 9030, 3))}
    for _ in range(5):  # sealed at 100 rows, merged into one segment of 200, a delta of 50
        extra = random_hashes(rng, 50)
        for i, row in zip(index.add(extra).tolist(), extra, strict=True):
            model[i] = row
    gone = [30, 33, 9027, *list(model)[-60:-40], *list(model)[-5:]]
    assert index.remove(gone) == len(gone)
    for i in gone:
        del model[i]
    return index, model


def check_same(index: PdqIndex, model: dict[int, np.ndarray], rng: np.random.Generator) -> None:
    ids = np.array(sorted(model), np.int64)
    hashes = np.array([model[i] for i in ids.tolist()])
    queries = np.array([flip_bits(rng, hashes[k], k % 40) for k in range(0, len(ids), 37)])
    for radius in (0, 20, 31, 63):
        assert index.search(queries, radius) == brute_force(queries, hashes, ids, radius)
    assert len(index) == len(model)


@pytest.mark.parametrize("mmap", [True, False])
def test_round_trip_keeps_segments_delta_and_tombstones(tmp_path: Path, mmap: bool) -> None:
    rng = np.random.default_rng(1)
    index, model = busy_index(rng)
    before = index.stats()
    assert len(before.segments) >= 2 and before.delta > 0 and before.removed > 0
    path = tmp_path / "bank.pdqi"
    index.save(path)
    loaded = PdqIndex.load(path, mmap=mmap)
    after = loaded.stats()
    assert (after.live, after.removed, after.segments, after.delta) == (
        before.live,
        before.removed,
        before.segments,
        before.delta,
    )
    assert loaded.next_id == index.next_id
    check_same(loaded, model, rng)
    # the loaded index keeps working: removals (tombstones are private copies) and adds
    victim = next(iter(model))
    assert loaded.remove(victim) == 1
    del model[victim]
    new = random_hashes(rng, 300)
    for i, row in zip(loaded.add(new).tolist(), new, strict=True):
        model[i] = row
    check_same(loaded, model, rng)
    # ... without touching the file: a fresh load still has the victim
    assert victim in PdqIndex.load(path)


def test_saving_over_a_mapped_snapshot_leaves_readers_intact(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    path = tmp_path / "bank.pdqi"
    first = random_hashes(rng, 2000)
    PdqIndex.build(first).save(path)
    reader = PdqIndex.load(path)
    PdqIndex.build(random_hashes(rng, 500)).save(path)
    assert reader.search(first[:50], 0) == [[(i, 0)] for i in range(50)]
    assert len(PdqIndex.load(path)) == 500
    assert [p.name for p in tmp_path.iterdir()] == ["bank.pdqi"]  # no temporary left


def test_empty_index_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdqi"
    PdqIndex().save(path)
    loaded = PdqIndex.load(path)
    assert len(loaded) == 0
    assert loaded.search(np.zeros((2, 32), np.uint8)) == [[], []]


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    path = tmp_path / "bank.pdqi"
    PdqIndex.build(random_hashes(np.random.default_rng(3), 5000)).save(path)
    return path


def header_of(path: Path) -> tuple[dict[str, object], int]:
    raw = path.read_bytes()
    _, _, length, _, _ = PREFIX.unpack_from(raw)
    return json.loads(raw[PREFIX.size : PREFIX.size + length]), length


def rewrite_header(path: Path, header: dict[str, object], length: int) -> None:
    raw = bytearray(path.read_bytes())
    body = json.dumps(header).encode().ljust(length, b" ")
    assert len(body) == length
    raw[: PREFIX.size] = PREFIX.pack(MAGIC, FORMAT_VERSION, length, zlib.crc32(body), 0)
    raw[PREFIX.size : PREFIX.size + length] = body
    path.write_bytes(bytes(raw))


def test_flipped_byte_in_an_array_fails_the_checksum(snapshot: Path) -> None:
    header, _ = header_of(snapshot)
    arrays = header["arrays"]
    assert isinstance(arrays, dict)
    for name in ("s0.hashes", "s0.entries", "s0.directory"):
        raw = bytearray(snapshot.read_bytes())
        at = arrays[name]["offset"] + arrays[name]["nbytes"] // 2
        raw[at] ^= 0x10
        broken = snapshot.with_suffix(f".{name}")
        broken.write_bytes(bytes(raw))
        with pytest.raises(SnapshotCorruptError, match=f"array {name} fails its checksum"):
            PdqIndex.load(broken)


def test_flipped_byte_in_the_header_is_detected(snapshot: Path) -> None:
    raw = bytearray(snapshot.read_bytes())
    raw[PREFIX.size + 10] ^= 0x01
    snapshot.write_bytes(bytes(raw))
    with pytest.raises(SnapshotCorruptError, match="header"):
        PdqIndex.load(snapshot)


def test_truncated_file_is_detected(snapshot: Path) -> None:
    raw = snapshot.read_bytes()
    snapshot.write_bytes(raw[: len(raw) - 4096])
    with pytest.raises(SnapshotCorruptError, match="truncated"):
        PdqIndex.load(snapshot, verify=False)
    snapshot.write_bytes(raw[:100])
    with pytest.raises(SnapshotCorruptError, match="header"):
        PdqIndex.load(snapshot)


@pytest.mark.parametrize(
    "content", [b"", b"RCLM", b"not a snapshot at all, just some text" * 10, b"\x93NUMPY" * 20]
)
def test_foreign_files_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "foreign"
    path.write_bytes(content)
    with pytest.raises(SnapshotFormatError, match="not a Reclaim PDQ index snapshot"):
        PdqIndex.load(path)


def test_other_format_version_is_refused(snapshot: Path) -> None:
    raw = bytearray(snapshot.read_bytes())
    struct.pack_into("<I", raw, 8, FORMAT_VERSION + 1)
    snapshot.write_bytes(bytes(raw))
    with pytest.raises(SnapshotVersionError, match="version 2 is not supported") as info:
        PdqIndex.load(snapshot)
    assert (info.value.found, info.value.supported) == (FORMAT_VERSION + 1, FORMAT_VERSION)


def test_consistent_checksums_but_inconsistent_content(snapshot: Path) -> None:
    header, length = header_of(snapshot)
    meta = header["meta"]
    assert isinstance(meta, dict)
    meta["segments"][0]["n"] = 4999
    rewrite_header(snapshot, header, length)
    with pytest.raises(SnapshotCorruptError, match="inconsistent snapshot"):
        PdqIndex.load(snapshot)
    meta["segments"][0]["n"] = 5000
    meta["kind"] = "something.else"
    rewrite_header(snapshot, header, length)
    with pytest.raises(SnapshotCorruptError, match="not a PdqIndex snapshot"):
        PdqIndex.load(snapshot)
    meta["kind"] = "reclaim.matching.PdqIndex"
    header["arrays"]["s0.entries"]["dtype"] = "<f8"  # type: ignore[index]
    rewrite_header(snapshot, header, length)
    with pytest.raises(SnapshotCorruptError, match="unsupported dtype"):
        PdqIndex.load(snapshot)


def test_errors_share_a_base_class_and_missing_files_stay_missing(tmp_path: Path) -> None:
    assert issubclass(SnapshotCorruptError, SnapshotError)
    assert issubclass(SnapshotVersionError, SnapshotError)
    with pytest.raises(FileNotFoundError):
        PdqIndex.load(tmp_path / "nope.pdqi")


def test_id_removed_and_re_added_in_the_delta_survives_a_reload(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    index = PdqIndex.build(random_hashes(rng, 100))
    first, second = random_hashes(rng, 2)
    index.add(first[None, :], [500])
    index.remove(500)
    index.add(second[None, :], [500])
    assert index.stats().delta == 2
    index.save(tmp_path / "x.pdqi")
    loaded = PdqIndex.load(tmp_path / "x.pdqi")
    assert loaded.search(np.stack([first, second]), 0) == [[], [(500, 0)]]
    assert loaded.remove(500) == 1
    assert loaded.search(second, 0) == [[]]
