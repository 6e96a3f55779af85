"""Single-file snapshot container: a fixed prefix, a JSON header and raw aligned arrays.

Layout (all integers little-endian)::

    0   8 bytes  magic b"RCLMPDQX"
    8   u32      format version
    12  u32      header length H (bytes of UTF-8 JSON)
    16  u32      CRC-32 of the header bytes
    20  u32      reserved (0)
    24  H bytes  header JSON: {"meta": {...}, "arrays": {name: {dtype, shape, offset, nbytes,
                 crc32}}, "file_size": int}
    ... arrays, each at an offset aligned to 4 KiB (2 MiB for arrays of 2 MiB or more, so that
        the kernel can map them with transparent huge pages), raw C-order bytes, no pickle.

The file is written to a temporary name in the same directory, flushed and fsynced, then renamed
over the target, so readers see either the old or the new snapshot, never a partial one.
Reading maps the file once (``mmap``, read-only) and returns zero-copy numpy views: several
processes loading the same snapshot share its pages through the page cache.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import struct
import tempfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reclaim.matching.errors import (
    SnapshotCorruptError,
    SnapshotFormatError,
    SnapshotVersionError,
)

MAGIC = b"RCLMPDQX"
FORMAT_VERSION = 1
_PREFIX = struct.Struct("<8sIIII")
_SMALL_ALIGN = 4096
_HUGE_ALIGN = 2 * 1024 * 1024
_CRC_CHUNK = 64 * 1024 * 1024
_ALLOWED_DTYPES = {"|u1", "<u4", "<i8", "<u8"}


def _crc32(buf: memoryview) -> int:
    crc = 0
    for off in range(0, len(buf), _CRC_CHUNK):
        crc = zlib.crc32(buf[off : off + _CRC_CHUNK], crc)
    return crc


def _align(offset: int, nbytes: int) -> int:
    a = _HUGE_ALIGN if nbytes >= _HUGE_ALIGN else _SMALL_ALIGN
    return (offset + a - 1) // a * a


def write_snapshot(path: Path, meta: dict[str, Any], arrays: dict[str, NDArray[Any]]) -> None:
    """Atomically write ``arrays`` (C-contiguous, little-endian) and ``meta`` to ``path``."""
    prepared: dict[str, NDArray[Any]] = {}
    for name, arr in arrays.items():
        a = np.ascontiguousarray(arr)
        if a.dtype.str not in _ALLOWED_DTYPES:
            raise ValueError(f"array {name} has unsupported dtype {a.dtype}")
        prepared[name] = a
    # Offsets depend on the header length, which depends on the offsets: iterate to a fixpoint.
    header_len = 4096
    while True:
        offset = _PREFIX.size + header_len
        table: dict[str, dict[str, Any]] = {}
        for name, a in prepared.items():
            offset = _align(offset, a.nbytes)
            table[name] = {
                "dtype": a.dtype.str,
                "shape": list(a.shape),
                "offset": offset,
                "nbytes": int(a.nbytes),
                "crc32": _crc32(a.data.cast("B")) if a.nbytes else 0,
            }
            offset += a.nbytes
        header = {"meta": meta, "arrays": table, "file_size": offset}
        raw = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
        if len(raw) <= header_len:
            raw = raw.ljust(header_len, b" ")
            break
        header_len = (len(raw) + 4095) // 4096 * 4096
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_PREFIX.pack(MAGIC, FORMAT_VERSION, len(raw), zlib.crc32(raw), 0))
            f.write(raw)
            for name, a in prepared.items():
                f.seek(table[name]["offset"])
                if a.nbytes:
                    f.write(a.data.cast("B"))
            f.truncate(offset)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename durable where the OS allows it
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def read_snapshot(
    path: Path, *, verify: bool = True, use_mmap: bool = True
) -> tuple[dict[str, Any], dict[str, NDArray[Any]]]:
    """Return ``(meta, arrays)``; arrays are read-only views of a shared map when ``use_mmap``.

    ``verify`` checks every array's CRC-32 (reads the whole file once, which also warms the page
    cache). Raises a :class:`~reclaim.matching.errors.SnapshotError` subclass on a foreign,
    wrong-version, truncated or corrupt file; OS errors (e.g. FileNotFoundError) propagate.
    """
    path = Path(path)
    with open(path, "rb") as f:
        prefix = f.read(_PREFIX.size)
        if len(prefix) < _PREFIX.size:
            raise SnapshotFormatError(f"{path} is not a Reclaim PDQ index snapshot (too short)")
        magic, version, header_len, header_crc, _ = _PREFIX.unpack(prefix)
        if magic != MAGIC:
            raise SnapshotFormatError(f"{path} is not a Reclaim PDQ index snapshot (magic)")
        if version != FORMAT_VERSION:
            raise SnapshotVersionError(version, FORMAT_VERSION)
        raw = f.read(header_len)
        if len(raw) != header_len or zlib.crc32(raw) != header_crc:
            raise SnapshotCorruptError(f"{path}: header is truncated or fails its checksum")
        try:
            header = json.loads(raw)
            meta = header["meta"]
            table = header["arrays"]
            file_size = int(header["file_size"])
            if not isinstance(table, dict) or not isinstance(meta, dict):
                raise TypeError("meta and arrays must be objects")
        except (ValueError, KeyError, TypeError) as exc:
            raise SnapshotCorruptError(f"{path}: header is not valid JSON ({exc})") from exc
        actual_size = os.fstat(f.fileno()).st_size
        if actual_size != file_size:
            raise SnapshotCorruptError(
                f"{path}: file is {actual_size} bytes, header says {file_size} (truncated?)"
            )
        if use_mmap:
            buf: Any = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        else:
            buf = None
        arrays: dict[str, NDArray[Any]] = {}
        for name, spec in table.items():
            arrays[name] = _array(path, f, buf, name, spec, file_size, verify)
    return meta, arrays


def _array(
    path: Path, f: Any, buf: Any, name: str, spec: Any, file_size: int, verify: bool
) -> NDArray[Any]:
    try:
        dtype_str = str(spec["dtype"])
        shape = tuple(int(s) for s in spec["shape"])
        offset = int(spec["offset"])
        nbytes = int(spec["nbytes"])
        crc = int(spec["crc32"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotCorruptError(f"{path}: bad description of array {name}") from exc
    if dtype_str not in _ALLOWED_DTYPES:
        raise SnapshotCorruptError(f"{path}: array {name} has unsupported dtype {dtype_str}")
    dtype = np.dtype(dtype_str)
    count = 1
    for s in shape:
        if s < 0:
            raise SnapshotCorruptError(f"{path}: array {name} has a negative dimension")
        count *= s
    if count * dtype.itemsize != nbytes or offset < 0 or offset + nbytes > file_size:
        raise SnapshotCorruptError(f"{path}: array {name} does not fit the file")
    if buf is not None:
        arr = np.frombuffer(buf, dtype=dtype, count=count, offset=offset)
    else:
        f.seek(offset)
        arr = np.fromfile(f, dtype=dtype, count=count)
        if arr.size != count:
            raise SnapshotCorruptError(f"{path}: array {name} is truncated")
    if verify and nbytes and _crc32(arr.data.cast("B")) != crc:
        raise SnapshotCorruptError(f"{path}: array {name} fails its checksum")
    return arr.reshape(shape)
