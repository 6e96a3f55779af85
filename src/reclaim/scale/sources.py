"""What a scan reads: SOURCE arguments turned into a lazy, deterministic stream of chunks.

A SOURCE is, by its form:

* a directory (local, or an fsspec URL such as ``s3://bucket/uploads/``): every non-hidden
  file under it, directories walked in sorted order;
* a glob (``gs://bucket/2024-*/*.jpg``): the matching files, sorted;
* a listing (``.txt``, ``.lst``, ``.list``, ``.paths``): one path or URL per line (blank lines
  and lines starting with ``#`` skipped);
* a table of already-made hashes (``.csv``, ``.parquet``, ``.pq``): the export formats'
  columns ``signal_type`` (pdq, sha256, md5, vpdq) and ``signal_str``, optional ``quality``,
  and an id from the first of ``id``, ``path``, ``item_id`` present (else ``SOURCE#row``);
* anything else: one file to hash.

Nothing is listed ahead of time: a directory of 10 million files streams through in chunks.
Any protocol the installed fsspec supports works (``file``, ``memory``; ``s3`` and ``gs``
when s3fs / gcsfs are installed).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Sequence
from typing import Any

from reclaim.scale.plan import Chunk, HashRow, batched

LISTING_SUFFIXES = (".txt", ".lst", ".list", ".paths")
CSV_SUFFIXES = (".csv",)
PARQUET_SUFFIXES = (".parquet", ".pq")
ID_COLUMNS = ("id", "path", "item_id")


class SourceError(ValueError):
    """A SOURCE that cannot be read; the message says which and why."""


def has_protocol(source: str) -> bool:
    return "://" in source and not source.startswith("file://")


def _fs(source: str) -> tuple[Any, str]:
    import fsspec
    from fsspec.core import url_to_fs

    try:
        fs, path = url_to_fs(source)
    except (ImportError, ValueError) as exc:
        known = ", ".join(sorted(fsspec.available_protocols())[:12])
        raise SourceError(
            f"{source}: this protocol is not available ({exc}); known: {known}"
        ) from None
    return fs, path


def _url(fs: Any, path: str) -> str:
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    if protocol in ("file", "local"):
        return path
    return fs.unstrip_protocol(path) if hasattr(fs, "unstrip_protocol") else f"{protocol}://{path}"


def kind_of(source: str) -> str:
    """``directory``, ``glob``, ``listing``, ``csv``, ``parquet`` or ``file``."""
    lower = source.lower().rstrip("/")
    if lower.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if lower.endswith(CSV_SUFFIXES):
        return "csv"
    if lower.endswith(LISTING_SUFFIXES):
        return "listing"
    if any(c in source for c in "*?["):
        return "glob"
    if has_protocol(source):
        fs, path = _fs(source)
        return "directory" if fs.isdir(path) else "file"
    local = source[7:] if source.startswith("file://") else source
    return "directory" if os.path.isdir(local) else "file"


def _walk_local(root: str) -> Iterator[str]:
    for base, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(base, name)


def _walk_fs(source: str) -> Iterator[str]:
    fs, root = _fs(source)
    for base, dirs, files in fs.walk(root, topdown=True, detail=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield _url(fs, f"{base.rstrip('/')}/{name}")


def _listing(source: str) -> Iterator[str]:
    if has_protocol(source):
        fs, path = _fs(source)
        handle: Any = fs.open(path, "rt", encoding="utf-8")
    else:
        try:
            handle = open(  # noqa: SIM115 - closed by the with below
                source[7:] if source.startswith("file://") else source, encoding="utf-8"
            )
        except OSError as exc:
            raise SourceError(f"{source}: cannot read this listing ({exc.strerror})") from exc
    with handle:
        for line in handle:
            entry = line.strip()
            if entry and not entry.startswith("#"):
                yield entry


def iter_files(source: str) -> Iterator[str]:
    """The files a non-table SOURCE stands for, in a stable order."""
    kind = kind_of(source)
    if kind == "directory":
        yield from (
            _walk_fs(source)
            if has_protocol(source)
            else _walk_local(source[7:] if source.startswith("file://") else source)
        )
    elif kind == "glob":
        fs, pattern = _fs(source)
        for path in sorted(fs.glob(pattern)):
            if not fs.isdir(path):
                yield _url(fs, path)
    elif kind == "listing":
        yield from _listing(source)
    else:
        yield source


def _open_binary(source: str) -> Any:
    if has_protocol(source):
        fs, path = _fs(source)
        return fs.open(path, "rb")
    try:
        return open(source[7:] if source.startswith("file://") else source, "rb")
    except OSError as exc:
        raise SourceError(f"{source}: cannot read this table ({exc.strerror})") from exc


def _row_id(record: dict[str, Any], source: str, number: int) -> str:
    for column in ID_COLUMNS:
        value = record.get(column)
        if value not in (None, ""):
            return str(value)
    return f"{source}#{number}"


def _quality(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def csv_rows(source: str) -> Iterator[HashRow]:
    with _open_binary(source) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        reader = csv.DictReader(text)
        if not reader.fieldnames or not {"signal_type", "signal_str"} <= set(reader.fieldnames):
            raise SourceError(
                f"{source}: a hash table needs the columns signal_type and signal_str "
                "(as `reclaim bank export --format csv` writes them)"
            )
        for number, record in enumerate(reader, start=1):
            yield (
                _row_id(record, source, number),
                (record.get("signal_type") or "").strip().lower(),
                (record.get("signal_str") or "").strip(),
                _quality(record.get("quality")),
            )


def parquet_groups(source: str) -> list[tuple[int, int]]:
    """(row group, rows) of a Parquet table; checks its columns."""
    import pyarrow.parquet as pq

    with _open_binary(source) as raw:
        try:
            meta = pq.ParquetFile(raw).metadata
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise SourceError(f"{source}: not a readable Parquet file ({exc})") from exc
        names = set(meta.schema.names)
    if not {"signal_type", "signal_str"} <= names:
        raise SourceError(f"{source}: a hash table needs the columns signal_type and signal_str")
    return [(g, int(meta.row_group(g).num_rows)) for g in range(meta.num_row_groups)]


def parquet_group(source: str, group: int) -> tuple[Any, int]:
    """One row group as a pyarrow Table (the signal columns, ``quality`` and the first id
    column present) and the number of rows before it (run by the worker that matches them)."""
    import pyarrow.parquet as pq

    with _open_binary(source) as raw:
        table_file = pq.ParquetFile(raw)
        names = table_file.schema_arrow.names
        id_column = next((c for c in ID_COLUMNS if c in names), None)
        columns = ["signal_type", "signal_str"] + [
            c for c in ("quality", id_column) if c is not None and c in names
        ]
        table = table_file.read_row_group(group, columns=columns)
    start = sum(table_file.metadata.row_group(g).num_rows for g in range(group))
    return table, start


def _indices(rows: Sequence[int]) -> Any:
    import pyarrow as pa

    return pa.array(list(rows), pa.int64())


def row_keys(table: Any, source: str, start: int, rows: Sequence[int]) -> list[str]:
    """The ids of some rows of a :func:`parquet_group` table (``SOURCE#N`` where empty)."""
    id_column = next((c for c in ID_COLUMNS if c in table.column_names), None)
    if id_column is None:
        return [f"{source}#{start + i + 1}" for i in rows]
    values = table[id_column].take(_indices(rows)).to_pylist()
    return [
        str(key) if key not in (None, "") else f"{source}#{start + i + 1}"
        for i, key in zip(rows, values, strict=True)
    ]


def parquet_rows(source: str, group: int) -> list[HashRow]:
    """The rows of one row group as Python tuples (the per-row path; tests and odd rows)."""
    table, start = parquet_group(source, group)
    return table_rows(table, source, start, range(table.num_rows))


def table_rows(table: Any, source: str, start: int, rows: Sequence[int]) -> list[HashRow]:
    """Some rows of a :func:`parquet_group` table as :data:`HashRow` tuples."""
    picked = table.take(_indices(rows)).to_pydict()
    keys = row_keys(table, source, start, rows)
    out: list[HashRow] = []
    for n, key in enumerate(keys):
        out.append(
            (
                key,
                str(picked["signal_type"][n] or "").strip().lower(),
                str(picked["signal_str"][n] or "").strip(),
                _quality(picked["quality"][n]) if "quality" in picked else None,
            )
        )
    return out


def plan_chunks(
    sources: Sequence[str], *, files_per_chunk: int = 64, rows_per_chunk: int = 50_000
) -> Iterator[Chunk]:
    """Every chunk of the scan, numbered from 0, lazily and always in the same order."""
    index = 0
    pending: list[str] = []

    def flush_files() -> Iterator[Chunk]:
        nonlocal index, pending
        for batch in batched(pending, files_per_chunk):
            yield Chunk(index, "files", files=tuple(batch))
            index += 1
        pending = []

    for source in sources:
        kind = kind_of(source)
        if kind in ("csv", "parquet"):
            yield from flush_files()
            if kind == "csv":
                for rows in batched(csv_rows(source), rows_per_chunk):
                    yield Chunk(index, "hashes", rows=tuple(rows))
                    index += 1
            else:
                for group, count in parquet_groups(source):
                    yield Chunk(index, "parquet", parquet=(source, group), count=count)
                    index += 1
            continue
        for path in iter_files(source):
            pending.append(path)
            if len(pending) == files_per_chunk:
                yield from flush_files()
    yield from flush_files()


def count_inputs(sources: Sequence[str]) -> int:
    """How many inputs the sources hold (a second, cheap pass for the progress bar)."""
    total = 0
    for source in sources:
        kind = kind_of(source)
        if kind == "parquet":
            total += sum(count for _, count in parquet_groups(source))
        elif kind == "csv":
            total += sum(1 for _ in csv_rows(source))
        else:
            total += sum(1 for _ in iter_files(source))
    return total
