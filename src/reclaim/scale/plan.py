"""The plan of a scan: inputs cut into numbered chunks, and the checkpoint that makes it resumable.

Pure: no I/O but the checkpoint file itself. A scan lists its inputs in a deterministic order
(sorted directory walks, listing files and tables in their own order), so chunk ``i`` is the
same on every run with the same sources and options. The checkpoint records, after each chunk's
results are on disk, the chunk's number and the size of the output files at that moment; a
resumed scan truncates the outputs to the last recorded sizes (dropping anything written by a
chunk that had not been recorded) and skips the recorded chunks, so every result is written
exactly once even after a crash or Ctrl-C.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

CHECKPOINT_FORMAT = 1

#: A row of an already-made hash table: (id or path, signal type, value, quality or None).
HashRow = tuple[str, str, str, int | None]


@dataclass(frozen=True, slots=True)
class Chunk:
    """A unit of work: files to read and hash, hash rows to match, or a Parquet row group."""

    index: int
    kind: Literal["files", "hashes", "parquet"]
    files: tuple[str, ...] = ()
    rows: tuple[HashRow, ...] = ()
    parquet: tuple[str, int] | None = None  # (URL, row group)
    count: int = 0  # inputs in the chunk

    @property
    def size(self) -> int:
        return self.count or len(self.files) or len(self.rows)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` items (the last may be shorter); lazy."""
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def fingerprint(sources: Iterable[str], options: dict[str, Any]) -> str:
    """What must be equal for a checkpoint to apply: the sources and the chunking options."""
    document = json.dumps({"sources": list(sources), "options": options}, sort_keys=True)
    return hashlib.sha256(document.encode()).hexdigest()[:32]


class CheckpointMismatch(ValueError):
    """The checkpoint file belongs to another scan (other sources or options)."""


@dataclass(slots=True)
class Totals:
    chunks: int = 0
    inputs: int = 0
    matches: int = 0
    errors: int = 0

    def add(self, inputs: int, matches: int, errors: int) -> None:
        self.chunks += 1
        self.inputs += inputs
        self.matches += matches
        self.errors += errors


@dataclass(slots=True)
class Checkpoint:
    """An append-only JSON-lines file: a header, then one line per finished chunk."""

    path: Path
    fingerprint: str
    done: set[int] = field(default_factory=set)
    offsets: dict[str, int] = field(default_factory=dict)
    totals: Totals = field(default_factory=Totals)

    @classmethod
    def open(
        cls,
        path: Path,
        fingerprint: str,
        *,
        restart: bool = False,
        sizes: dict[str, int] | None = None,
    ) -> Checkpoint:
        """Read ``path`` if it exists (``restart`` ignores it), else start a new one.

        ``sizes`` are the outputs' sizes now: entries recording more than is on disk (a
        system crash can persist a checkpoint line before the data it describes) are
        dropped, with everything after them, so those chunks are done again."""
        checkpoint = cls(path, fingerprint)
        if restart or not path.exists():
            checkpoint._write_header()
            return checkpoint
        lines = path.read_text(encoding="utf-8").splitlines()
        if not lines:
            checkpoint._write_header()
            return checkpoint
        try:
            header = json.loads(lines[0])
        except ValueError as exc:
            raise CheckpointMismatch(f"{path} is not a scan checkpoint") from exc
        if header.get("checkpoint") != CHECKPOINT_FORMAT or header.get("fingerprint") != (
            fingerprint
        ):
            raise CheckpointMismatch(
                f"{path} belongs to a scan with other sources or options; "
                "remove it, or pass --restart to start again"
            )
        for line in lines[1:]:
            try:
                entry = json.loads(line)
            except ValueError:  # a line cut short by a crash: that chunk is done again
                break
            if sizes is not None and any(
                int(v) > sizes.get(k, 0) for k, v in entry["offsets"].items()
            ):
                break
            checkpoint.done.add(int(entry["chunk"]))
            checkpoint.offsets = {k: int(v) for k, v in entry["offsets"].items()}
            checkpoint.totals.add(int(entry["inputs"]), int(entry["matches"]), int(entry["errors"]))
        return checkpoint

    def _write_header(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        header = {"checkpoint": CHECKPOINT_FORMAT, "fingerprint": self.fingerprint}
        self.path.write_text(json.dumps(header) + "\n", encoding="utf-8")

    def mark_done(
        self,
        chunk: int,
        inputs: int,
        matches: int,
        errors: int,
        offsets: dict[str, int],
        *,
        sync: bool = True,
    ) -> None:
        """Say ``chunk`` is done; call once its results are written to the outputs (and,
        for ``sync``, fsynced first: then the line is fsynced too)."""
        entry = {
            "chunk": chunk,
            "inputs": inputs,
            "matches": matches,
            "errors": errors,
            "offsets": offsets,
        }
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, separators=(",", ":")) + "\n")
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        self.done.add(chunk)
        self.offsets = dict(offsets)
        self.totals.add(inputs, matches, errors)
