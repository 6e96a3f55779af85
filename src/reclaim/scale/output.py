"""Scan outputs: matches as JSONL, CSV or Parquet, failures as JSONL, all resumable.

JSONL and CSV are appended chunk by chunk; after each chunk the runner flushes them and
records their sizes in the checkpoint, and a resumed scan truncates them back to those sizes.
Parquet cannot be appended to, so its rows go to a JSONL spool next to it (``FILE.parquet.
partial.jsonl``, resumable like the others) that becomes the Parquet file when the scan ends.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import IO, Any

MATCH_COLUMNS = ("path", "id", "signal", "item", "distance", "list", "share")
FORMATS = ("jsonl", "csv", "parquet")


def format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if suffix in ("csv", "parquet"):
        return suffix
    if suffix == "pq":
        return "parquet"
    raise ValueError(f"{path}: the output must end in .jsonl, .csv or .parquet")


class _Appender:
    """A file written in appends, truncated back to a recorded size on resume."""

    def __init__(self, path: Path, size: int | None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = "r+b" if path.exists() and size is not None else "wb"
        self.handle: IO[bytes] = open(path, mode)  # noqa: SIM115 - closed in close()
        if size is not None and mode == "r+b":
            self.handle.truncate(size)
            self.handle.seek(size)

    def write(self, data: bytes) -> None:
        self.handle.write(data)

    def flush(self, sync: bool) -> int:
        self.handle.flush()
        if sync:
            os.fsync(self.handle.fileno())
        return self.handle.tell()

    def close(self) -> None:
        self.handle.close()


class ScanOutput:
    """The match file and the failure file of one scan."""

    @staticmethod
    def paths(path: Path) -> dict[str, Path]:
        """Where the matches (or their Parquet spool) and the failures are written."""
        spool = path.with_name(path.name + ".partial.jsonl")
        return {
            "matches": spool if format_of(path) == "parquet" else path,
            "errors": path.with_name(path.name + ".errors.jsonl"),
        }

    @classmethod
    def sizes(cls, path: Path) -> dict[str, int]:
        return {k: p.stat().st_size if p.exists() else 0 for k, p in cls.paths(path).items()}

    def __init__(self, path: Path, offsets: dict[str, int] | None = None) -> None:
        self.path = path
        self.format = format_of(path)
        paths = self.paths(path)
        self.errors_path = paths["errors"]
        self.spool_path = paths["matches"]
        offsets = offsets or {}
        resume = bool(offsets)
        self._matches = _Appender(self.spool_path, offsets.get("matches") if resume else None)
        self._errors = _Appender(self.errors_path, offsets.get("errors") if resume else None)
        if self.format == "csv" and self._matches.handle.tell() == 0:
            self._write_csv([dict.fromkeys(MATCH_COLUMNS, "")], header_only=True)

    def _write_csv(self, rows: list[dict[str, Any]], *, header_only: bool = False) -> None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, MATCH_COLUMNS, extrasaction="ignore", lineterminator="\n")
        if header_only:
            writer.writeheader()
        else:
            writer.writerows(rows)
        self._matches.write(buffer.getvalue().encode())

    def write(
        self, matches: list[dict[str, Any]], errors: list[dict[str, Any]], *, sync: bool = True
    ) -> dict[str, int]:
        """Append one chunk's results, flush (``sync``: to the disk), and return the files'
        sizes for the checkpoint."""
        if matches:
            if self.format == "csv":
                self._write_csv(matches)
            else:
                self._matches.write(
                    b"".join(json.dumps(m, separators=(",", ":")).encode() + b"\n" for m in matches)
                )
        if errors:
            self._errors.write(
                b"".join(json.dumps(e, separators=(",", ":")).encode() + b"\n" for e in errors)
            )
        return {"matches": self._matches.flush(sync), "errors": self._errors.flush(sync)}

    def finish(self) -> None:
        self._matches.close()
        self._errors.close()
        if self.format == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            columns: dict[str, list[Any]] = {c: [] for c in MATCH_COLUMNS}
            with open(self.spool_path, encoding="utf-8") as spool:
                for line in spool:
                    row = json.loads(line)
                    for c in MATCH_COLUMNS:
                        columns[c].append(row.get(c))
            schema = pa.schema(
                [
                    ("path", pa.string()),
                    ("id", pa.string()),
                    ("signal", pa.string()),
                    ("item", pa.int64()),
                    ("distance", pa.int32()),
                    ("list", pa.string()),
                    ("share", pa.float64()),
                ]
            )
            pq.write_table(pa.table(columns, schema=schema), self.path)
            self.spool_path.unlink()

    def close(self) -> None:
        self._matches.close()
        self._errors.close()
