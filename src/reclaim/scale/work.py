"""One chunk of a scan, run where the bytes are: in a pool process or on a Dask worker.

A worker reads its files itself (a local path in place, any other URL through fsspec), hashes
them, and matches them with the scan bank, which it opens once per process (memory-mapped)
and keeps: tasks carry the bank's location, never the bank. A file that cannot be read or
decoded becomes an error entry with its reason; it never stops the chunk.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reclaim.hashing import HashingError, ImageHashes, hash_file
from reclaim.matching import VpdqFrame, hex_chars_to_array, is_pdq_hex, parse_vpdq
from reclaim.scale.bank import ScanBank
from reclaim.scale.plan import Chunk, HashRow
from reclaim.scale.sources import has_protocol, parquet_group, row_keys, table_rows

#: Largest file a worker reads into memory through fsspec (local files are read in place).
MAX_REMOTE_BYTES = 512 * 1024 * 1024

_BANKS: dict[str, ScanBank] = {}
_BANKS_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class ScanOptions:
    dihedral: bool = False
    fps: float = 1.0


@dataclass(slots=True)
class ChunkResult:
    index: int
    inputs: int
    matches: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    worker: str = ""


def _localise(location: str) -> Path:
    """A bank given as an fsspec URL is copied once per machine to a local cache, so it can
    be memory-mapped; a local path is used in place."""
    if not has_protocol(location):
        return Path(location[7:] if location.startswith("file://") else location)
    from fsspec.core import url_to_fs

    key = hashlib.sha256(location.encode()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / "reclaim-scan-banks" / key
    if (target / "bank.json").exists():
        return target
    fs, root = url_to_fs(location)
    partial = target.with_name(f"{key}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    names = sorted(p.rsplit("/", 1)[-1] for p in fs.ls(root, detail=False))
    for name in sorted(names, key=lambda n: n == "bank.json"):  # bank.json last
        fs.get(f"{root.rstrip('/')}/{name}", str(partial / name))
    try:
        os.replace(partial, target)
    except OSError:  # another process of this machine got there first
        shutil.rmtree(partial, ignore_errors=True)
    return target


def open_bank(location: str) -> ScanBank:
    """The bank at ``location``, opened once per process."""
    with _BANKS_LOCK:
        bank = _BANKS.get(location)
        if bank is None:
            bank = ScanBank(_localise(location))
            _BANKS[location] = bank
        return bank


def forget_banks() -> None:
    with _BANKS_LOCK:
        _BANKS.clear()


def _read(path: str) -> str | bytes:
    if not has_protocol(path):
        return path[7:] if path.startswith("file://") else path
    from fsspec.core import url_to_fs

    fs, inner = url_to_fs(path)
    with fs.open(inner, "rb") as handle:
        data: bytes = handle.read(MAX_REMOTE_BYTES + 1)
    if len(data) > MAX_REMOTE_BYTES:
        raise OSError(f"larger than {MAX_REMOTE_BYTES // (1024 * 1024)} MiB")
    return data


def query_of_file(path: str, options: ScanOptions) -> Any:
    """(Query, None) for a hashed file, or (None, error) with the reason."""
    from reclaim.scale.bank import Query

    try:
        result = hash_file(_read(path), dihedral=options.dihedral, fps=options.fps)
    except HashingError as exc:
        return None, exc.to_dict()
    except FileNotFoundError:
        return None, {"code": "missing", "message": "No such file."}
    except OSError as exc:
        return None, {"code": "unreadable", "message": f"Cannot read it ({exc})."}
    except Exception as exc:  # one bad file never stops the others
        return None, {"code": "internal", "message": f"Unexpected failure ({type(exc).__name__})."}
    if isinstance(result, ImageHashes):
        return Query(
            path,
            result.pdq,
            result.quality,
            tuple(result.dihedral or ()),
            result.sha256,
            result.md5,
        ), None
    frames = [VpdqFrame(f.pdq, f.quality, f.t) for f in result.frames]
    return Query(path, None, None, (), result.sha256, result.md5, frames), None


def query_of_row(row: HashRow) -> Any:
    from reclaim.scale.bank import Query

    key, kind, value, quality = row
    try:
        if kind == "pdq":
            if not is_pdq_hex(value.lower()):
                raise ValueError("a PDQ hash is 64 hexadecimal characters")
            return Query(key, value.lower(), quality), None
        if kind in ("sha256", "md5"):
            size = 64 if kind == "sha256" else 32
            bytes.fromhex(value)
            if len(value) != size:
                raise ValueError(f"a {kind.upper()} digest is {size} hexadecimal characters")
            query = Query(key)
            setattr(query, kind, value.lower())
            return query, None
        if kind == "vpdq":
            return Query(key, frames=parse_vpdq(value)), None
        raise ValueError(f"unknown signal type {kind!r} (pdq, vpdq, sha256 or md5)")
    except ValueError as exc:
        return None, {"code": "invalid_hash", "message": str(exc)}


def _pdq_columns(table: Any) -> tuple[Any, Any]:
    """Which rows of a table are 64-character PDQ rows (vectorised), and their characters
    as an (N, 64) ``uint8`` array; values are compared as the per-row path does (type trimmed
    and lowercased, value trimmed)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    kinds = pc.utf8_lower(pc.utf8_trim_whitespace(pc.cast(table["signal_type"], pa.large_string())))
    values = pc.utf8_trim_whitespace(pc.cast(table["signal_str"], pa.large_string()))
    is_pdq = pc.and_(pc.equal(kinds, "pdq"), pc.equal(pc.binary_length(values), 64))
    is_pdq = np.asarray(pc.fill_null(is_pdq, False).to_numpy(zero_copy_only=False), np.bool_)
    picked = values.filter(pa.array(is_pdq)).combine_chunks()
    count = len(picked)
    if count == 0:
        return is_pdq, np.zeros((0, 64), np.uint8)
    offsets = np.frombuffer(picked.buffers()[1], np.int64, count + 1, picked.offset * 8)
    data = np.frombuffer(picked.buffers()[2], np.uint8)
    chars = data[offsets[0] : offsets[-1]].reshape(count, 64)
    return is_pdq, chars


def run_parquet_chunk(chunk: Chunk, bank: ScanBank) -> ChunkResult:
    """A Parquet row group, matched without a Python object per row: the PDQ rows go from
    the column buffers to one (N, 32) array and one batched search; only matches, errors
    and the other signal types (digests, vPDQ) become Python objects."""
    import numpy as np

    source, group = chunk.parquet or ("", 0)
    table, start = parquet_group(source, group)
    is_pdq, chars = _pdq_columns(table)
    hashes, valid = hex_chars_to_array(chars)
    pdq_rows = np.flatnonzero(is_pdq)
    found = bank.pdq_matches(hashes[valid], pdq_rows[valid])
    matches = [
        {"id": row.pop("key"), **row}
        for row in bank.pdq_rows(row_keys(table, source, start, found[0].tolist()), found)
    ]
    # Everything else (digests, vPDQ, malformed rows) takes the per-row path, in row order.
    others = np.ones(table.num_rows, np.bool_)
    others[pdq_rows[valid]] = False
    queries = []
    errors = []
    for row in table_rows(table, source, start, np.flatnonzero(others).tolist()):
        query, error = query_of_row(row)
        if error is not None:
            errors.append({"id": row[0], "error": error})
        else:
            queries.append(query)
    for found_row in bank.match(queries):
        key = found_row.pop("key")
        matches.append({"id": key, **found_row})
    return ChunkResult(chunk.index, chunk.size, matches, errors, worker=str(os.getpid()))


def run_chunk(chunk: Chunk, bank_location: str, options: ScanOptions) -> ChunkResult:
    """Read, hash and match one chunk; the unit of work of every engine."""
    bank = open_bank(bank_location)
    if chunk.kind == "parquet":
        return run_parquet_chunk(chunk, bank)
    key_name = "path" if chunk.kind == "files" else "id"
    queries = []
    errors = []
    if chunk.kind == "files":
        for path in chunk.files:
            query, error = query_of_file(path, options)
            if error is not None:
                errors.append({"path": path, "error": error})
            else:
                queries.append(query)
    else:
        for row in chunk.rows:
            query, error = query_of_row(row)
            if error is not None:
                errors.append({"id": row[0], "error": error})
            else:
                queries.append(query)
    matches = []
    for found in bank.match(queries, dihedral=options.dihedral):
        key = found.pop("key")
        matches.append({key_name: key, **found})
    return ChunkResult(chunk.index, chunk.size, matches, errors, worker=str(os.getpid()))
