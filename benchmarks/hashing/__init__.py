"""Hashing throughput: Reclaim against python-threatexchange's PDQ (pdqhash + Pillow).

End to end per file: read from disk, decode, hash. Reclaim computes PDQ, SHA-256 and MD5
(``hash_file``); the anchor is pytx's ``pdq_from_file`` (PDQ only), run side by side on
the same synthetic files, on one core and on every core. Targets (issue 3): >= 4x the
anchor on 12 MP JPEGs, >= 2x on 1024 x 768 JPEGs, peak memory per worker < 200 MB on
12 MP input. Exit status 1 if a target is missed.

    python -m benchmarks hashing [-- --scale 0.5] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.hashing.synthetic import encode, photo, screenshot

__all__ = ["main"]

MEMORY_LIMIT_MB = 200.0


@dataclass(frozen=True)
class Corpus:
    name: str
    files: list[str]
    megapixels: float
    target: float | None  # minimum speed-up over the anchor, if any


@dataclass
class Measure:
    corpus: str
    engine: str
    cores: int
    files_per_second: float
    peak_rss_mb: float


def _reclaim(path: str) -> None:
    from reclaim.hashing import hash_file

    hash_file(path)


def _pytx(path: str) -> None:
    from threatexchange.signal_type.pdq.pdq_hasher import pdq_from_file

    pdq_from_file(Path(path))


ENGINES: dict[str, Callable[[str], None]] = {"reclaim": _reclaim, "pytx (pdqhash+Pillow)": _pytx}


def _peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM is per address space, so unlike
    ru_maxrss it does not inherit the parent's peak through fork + exec (spawn)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:  # pragma: no cover - not Linux
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _warm(engine: str, path: str) -> int:
    """Import and run the engine once; stay busy a moment so every worker gets one."""
    ENGINES[engine](path)
    time.sleep(0.3)
    return os.getpid()


def _batch(engine: str, paths: list[str]) -> float:
    """Hash ``paths`` in this worker; return the worker's peak RSS in MB."""
    work = ENGINES[engine]
    for path in paths:
        work(path)
    return _peak_rss_mb()


def _spawn(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def measure(corpus: Corpus, engine: str, cores: int, repeat: int) -> Measure:
    """Files per second over the whole corpus split across ``cores`` fresh, warmed-up
    worker processes (wall clock, best of ``repeat``), and the largest peak RSS of a
    worker (the engine's whole footprint: interpreter, libraries, buffers)."""
    best = 0.0
    peak = 0.0
    shares = [corpus.files[i::cores] for i in range(cores)]
    with _spawn(cores) as pool:
        warm = [pool.submit(_warm, engine, corpus.files[0]) for _ in range(cores)]
        for future in warm:
            future.result()
        for _ in range(repeat):
            started = time.perf_counter()
            futures = [pool.submit(_batch, engine, share) for share in shares]
            peaks = [future.result() for future in futures]
            elapsed = time.perf_counter() - started
            best = max(best, len(corpus.files) / elapsed)
            peak = max(peak, *peaks)
    return Measure(corpus.name, engine, cores, best, peak)


def build_corpora(directory: Path, scale: float) -> list[Corpus]:
    """Write the synthetic benchmark files (these are not user images)."""

    def count(n: int) -> int:
        return max(2, round(n * scale))

    corpora = []
    specs: list[tuple[str, int, Callable[[int], bytes], float, float | None]] = [
        (
            "JPEG 1024x768",
            count(120),
            lambda seed: encode(photo(1024, 768, seed), "JPEG", quality=90),
            0.79,
            2.0,
        ),
        (
            "JPEG 12 MP (4000x3000)",
            count(10),
            lambda seed: encode(photo(4000, 3000, seed), "JPEG", quality=90),
            12.0,
            4.0,
        ),
        (
            "PNG screenshot 1170x2532",
            count(24),
            lambda seed: encode(screenshot(1170, 2532, seed), "PNG"),
            2.96,
            None,
        ),
    ]
    for name, n, make, megapixels, target in specs:
        folder = directory / name.split()[0].lower() / str(len(corpora))
        folder.mkdir(parents=True)
        files = []
        for seed in range(n):
            path = folder / f"{seed:04d}.{name.split()[0].lower()}"
            path.write_bytes(make(seed))
            files.append(str(path))
        corpora.append(Corpus(name, files, megapixels, target))
    return corpora


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks hashing")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the file counts")
    parser.add_argument("--repeat", type=int, default=2, help="runs per measure (best kept)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--doc", type=Path, help="rewrite the figures in this docs/hashing.md")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])

    cores = _cores()
    load_before = os.getloadavg()[0]
    measures: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="reclaim-bench-") as tmp:
        started = time.perf_counter()
        corpora = build_corpora(Path(tmp), args.scale)
        print(
            f"generated {sum(len(c.files) for c in corpora)} synthetic files "
            f"in {time.perf_counter() - started:.1f} s; {cores} core(s)",
            flush=True,
        )
        for corpus in corpora:
            for n in sorted({1, cores}):
                for engine in ENGINES:
                    m = measure(corpus, engine, n, args.repeat)
                    measures.append(m)
                    print(
                        f"  {corpus.name:<26} {engine:<22} {n} core(s): "
                        f"{m.files_per_second:8.1f} files/s  peak {m.peak_rss_mb:5.0f} MB",
                        flush=True,
                    )
    table, failures = report(corpora, measures, cores)
    print()
    print(table)
    for failure in failures:
        print(f"TARGET MISSED: {failure}")
    if args.doc:
        update_doc(args.doc, table, cores, (load_before, os.getloadavg()[0]))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "machine": {
                        "cores": cores,
                        "python": platform.python_version(),
                        "cpu": platform.processor() or platform.machine(),
                    },
                    "measures": [asdict(m) for m in measures],
                    "failures": failures,
                },
                indent=2,
            )
        )
    return 1 if failures else 0


def report(corpora: list[Corpus], measures: list[Measure], cores: int) -> tuple[str, list[str]]:
    """The markdown table of ratios, and the targets missed."""
    by_key = {(m.corpus, m.engine, m.cores): m for m in measures}
    failures: list[str] = []
    lines = [
        "| Files | Cores | Reclaim files/s | pytx files/s | Ratio | Target "
        "| Peak MB per worker: Reclaim (pytx) |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    for corpus in corpora:
        for n in sorted({1, cores}):
            ours = by_key[(corpus.name, "reclaim", n)]
            theirs = by_key[(corpus.name, "pytx (pdqhash+Pillow)", n)]
            ratio = ours.files_per_second / theirs.files_per_second
            target = f">= {corpus.target:g}x" if corpus.target else "-"
            missed = corpus.target is not None and ratio < corpus.target
            lines.append(
                f"| {corpus.name} ({len(corpus.files)}) | {n} | {ours.files_per_second:.1f} "
                f"| {theirs.files_per_second:.1f} | {ratio:.1f}x | {target}"
                f"{' **missed**' if missed else ''} "
                f"| {ours.peak_rss_mb:.0f} ({theirs.peak_rss_mb:.0f}) |"
            )
            if missed:
                failures.append(f"{corpus.name} on {n} core(s): {ratio:.1f}x < {corpus.target}x")
            if "12 MP" in corpus.name and ours.peak_rss_mb >= MEMORY_LIMIT_MB:
                failures.append(
                    f"{corpus.name}: {ours.peak_rss_mb:.0f} MB per worker >= {MEMORY_LIMIT_MB}"
                )
    return "\n".join(lines), failures


def update_doc(doc: Path, table: str, cores: int, load: tuple[float, float]) -> None:
    """Rewrite the benchmark section of docs/hashing.md."""
    start, end = "<!-- benchmark:start -->", "<!-- benchmark:end -->"
    text = doc.read_text()
    before, found, rest = text.partition(start)
    if not found:
        raise SystemExit(f"{doc}: no {start} marker")
    _, _, after = rest.partition(end)
    stamp = (
        f"Measured {time.strftime('%Y-%m-%d')} with `python -m benchmarks hashing -- --doc "
        f"docs/hashing.md`: {cores} cores ({platform.machine()}), Python "
        f"{platform.python_version()}; load average {load[0]:.1f} before and {load[1]:.1f} "
        "after the run (the cores are shared, so the all-core figures are pessimistic). "
        "Best of 2 runs; peak memory is a worker's whole resident peak (interpreter and "
        "libraries included)."
    )
    doc.write_text(f"{before}{start}\n{stamp}\n\n{table}\n{end}{after}")
