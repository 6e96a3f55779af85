"""A scan from start to end: plan, engine, outputs, checkpoint, summary.

The runner lives in the client process. It draws chunks lazily from the plan (skipping those
the checkpoint says are done), hands them to the engine, writes each result as it arrives,
records it in the checkpoint, and reports progress. Ctrl-C or a crash loses at most the chunks
in flight; running the same command again resumes.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from reclaim.scale.output import ScanOutput
from reclaim.scale.plan import Checkpoint, Chunk, fingerprint
from reclaim.scale.sources import count_inputs, plan_chunks
from reclaim.scale.work import ChunkResult, ScanOptions


class Engine(Protocol):
    name: str
    workers: int

    def describe(self) -> str: ...

    def run(
        self, chunks: Iterator[Chunk], bank: str, options: ScanOptions
    ) -> Iterator[ChunkResult]: ...

    def close(self) -> None: ...


class Progress(Protocol):
    def total(self, inputs: int) -> None: ...

    def advance(self, inputs: int, matches: int, errors: int) -> None: ...


class _NoProgress:
    def total(self, inputs: int) -> None:
        return None

    def advance(self, inputs: int, matches: int, errors: int) -> None:
        return None


@dataclass(slots=True)
class ScanPlan:
    sources: Sequence[str]
    bank: str
    output: Path
    options: ScanOptions = field(default_factory=ScanOptions)
    files_per_chunk: int = 64
    rows_per_chunk: int = 50_000
    checkpoint: Path | None = None
    restart: bool = False
    bank_id: str = ""

    @property
    def checkpoint_path(self) -> Path:
        return self.checkpoint or self.output.with_name(self.output.name + ".checkpoint")

    def fingerprint(self) -> str:
        return fingerprint(
            self.sources,
            {
                "files_per_chunk": self.files_per_chunk,
                "rows_per_chunk": self.rows_per_chunk,
                "dihedral": self.options.dihedral,
                "fps": self.options.fps,
                "bank": self.bank_id,
                "output": str(self.output),
            },
        )


@dataclass(slots=True)
class Summary:
    engine: str
    inputs: int = 0
    matched_inputs: int = 0
    matches: int = 0
    errors: int = 0
    chunks: int = 0
    resumed_chunks: int = 0
    seconds: float = 0.0
    by_list: Counter[str] = field(default_factory=Counter)
    by_signal: Counter[str] = field(default_factory=Counter)
    output: str = ""
    errors_file: str = ""

    @property
    def rate(self) -> float:
        return self.inputs / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "inputs": self.inputs,
            "matched_inputs": self.matched_inputs,
            "matches": self.matches,
            "errors": self.errors,
            "chunks": self.chunks,
            "resumed_chunks": self.resumed_chunks,
            "seconds": round(self.seconds, 3),
            "inputs_per_second": round(self.rate, 1),
            "by_list": dict(self.by_list),
            "by_signal": dict(self.by_signal),
            "output": self.output,
            "errors_file": self.errors_file,
        }


#: How often results and checkpoint are forced to the disk during a scan.
SYNC_SECONDS = 1.0

MatchSink = Callable[[list[dict[str, Any]]], None]


def run_scan(
    plan: ScanPlan,
    engine: Engine,
    *,
    progress: Progress | None = None,
    on_matches: MatchSink | None = None,
    count: bool = True,
) -> Summary:
    """Run (or resume) a scan; returns its summary, also written to ``OUTPUT.summary.json``.

    Counts (inputs, matches, errors) cover the whole scan, resumed chunks included; matched
    inputs and the per-list counts cover this run."""
    progress = progress or _NoProgress()
    checkpoint = Checkpoint.open(
        plan.checkpoint_path,
        plan.fingerprint(),
        restart=plan.restart,
        sizes=ScanOutput.sizes(plan.output),
    )
    output = ScanOutput(plan.output, checkpoint.offsets if checkpoint.done else None)
    summary = Summary(
        engine.describe(), output=str(plan.output), errors_file=str(output.errors_path)
    )
    summary.resumed_chunks = len(checkpoint.done)
    prior = checkpoint.totals
    summary.inputs, summary.matches, summary.errors = prior.inputs, prior.matches, prior.errors
    summary.chunks = prior.chunks
    progress.advance(prior.inputs, prior.matches, prior.errors)

    if count:

        def counter() -> None:
            try:
                progress.total(count_inputs(plan.sources))
            except Exception:  # the bar then shows no ETA; the scan itself reports errors
                return

        threading.Thread(target=counter, name="reclaim-scan-count", daemon=True).start()

    matched: set[str] = set()
    started = time.perf_counter()
    chunks = (
        c
        for c in plan_chunks(
            plan.sources, files_per_chunk=plan.files_per_chunk, rows_per_chunk=plan.rows_per_chunk
        )
        if c.index not in checkpoint.done
    )
    last_sync = 0.0
    try:
        for result in engine.run(chunks, plan.bank, plan.options):
            # Written and recorded after every chunk; forced to the disk at most once per
            # SYNC_SECONDS (data first, then the checkpoint), so a fast scan is not bound by
            # fsync. After a process crash the page cache has it all; after a system crash,
            # entries ahead of the data on disk are dropped on resume (Checkpoint.open).
            now = time.monotonic()
            sync = now - last_sync >= SYNC_SECONDS
            offsets = output.write(result.matches, result.errors, sync=sync)
            checkpoint.mark_done(
                result.index,
                result.inputs,
                len(result.matches),
                len(result.errors),
                offsets,
                sync=sync,
            )
            if sync:
                last_sync = now
            summary.chunks += 1
            summary.inputs += result.inputs
            summary.matches += len(result.matches)
            summary.errors += len(result.errors)
            for m in result.matches:
                matched.add(str(m.get("path", m.get("id"))))
                summary.by_list[m["list"]] += 1
                summary.by_signal[m["signal"]] += 1
            progress.advance(result.inputs, len(result.matches), len(result.errors))
            if on_matches is not None and result.matches:
                on_matches(result.matches)
    except BaseException:
        output.close()
        raise
    output.finish()
    plan.checkpoint_path.unlink(missing_ok=True)  # finished: a new run is a new scan
    summary.seconds = time.perf_counter() - started
    summary.matched_inputs = len(matched)
    summary_path = plan.output.with_name(plan.output.name + ".summary.json")
    summary_path.write_text(json.dumps(summary.to_dict(), indent=2) + "\n", encoding="utf-8")
    return summary
