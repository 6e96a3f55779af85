"""``reclaim hash PATH...``: PDQ/vPDQ, SHA-256 and MD5 of images and videos, locally.

Files are read in place and never copied; nothing but hashes is printed. Directories are
walked recursively (hidden files and folders, whose names start with a dot, are skipped)
and hashed on every core; a file that cannot be hashed gets an error line and the others
still complete. The exit status is 1 if any file failed.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

__all__ = ["hash_command", "hash_one", "iter_files", "run_pool"]


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Each path given, and every non-hidden file under the directories given (sorted)."""
    for path in paths:
        if not path.is_dir():
            yield path  # a missing or unreadable path is reported by hash_one
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith("."):
                    yield Path(root) / name


def hash_one(path: str, dihedral: bool, fps: float) -> dict[str, Any]:
    """One JSON line: the hashes of ``path``, or ``{"path", "error": {...}}``."""
    # Imported here, not at start: `reclaim --help` need not load numpy and Pillow.
    from reclaim.hashing import HashingError, hash_file

    try:
        result = hash_file(path, dihedral=dihedral, fps=fps)
    except HashingError as exc:
        return {"path": path, "error": exc.to_dict()}
    except Exception as exc:  # one bad file must never stop the others
        message = f"Unexpected failure while hashing ({type(exc).__name__})."
        return {"path": path, "error": {"code": "internal", "message": message}}
    return {"path": path, **result.to_dict()}


def _crashed(path: str) -> dict[str, Any]:
    message = "The decoder crashed on this file (it is probably damaged or hostile)."
    return {"path": path, "error": {"code": "crashed", "message": message}}


def _workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _pool(workers: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: workers start clean (no inherited threads or decoder state).
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


Task = Callable[[str], dict[str, Any]]


def run_pool(paths: list[str], task: Task, workers: int) -> Iterator[dict[str, Any]]:
    """Run ``task`` on every path in a process pool, yielding results in input order.

    If a decoder crashes its worker (taking the pool down), the files not yet done are
    retried one at a time in a fresh worker, so only the culprit is reported."""
    from concurrent.futures.process import BrokenProcessPool

    done = 0
    with _pool(min(workers, len(paths))) as pool:
        futures: list[Future[dict[str, Any]]] = [pool.submit(task, path) for path in paths]
        try:
            for future in futures:
                yield future.result()
                done += 1
        except BrokenProcessPool:
            pass
    for path in paths[done:]:
        with _pool(1) as single:
            try:
                yield single.submit(task, path).result()
            except BrokenProcessPool:
                yield _crashed(path)


def _results(paths: list[str], dihedral: bool, fps: float) -> Iterator[dict[str, Any]]:
    task = partial(hash_one, dihedral=dihedral, fps=fps)
    workers = _workers()
    if len(paths) > 1 and workers > 1:
        yield from run_pool(paths, task, workers)
    else:
        for path in paths:
            yield task(path)


def _table(rows: list[dict[str, Any]]) -> Table:
    table = Table()
    table.add_column("File", overflow="fold")
    table.add_column("Kind")
    table.add_column("Quality", justify="right")
    table.add_column("PDQ", overflow="fold", min_width=64)
    table.add_column("SHA-256", overflow="fold", min_width=64)
    table.add_column("MD5", overflow="fold", min_width=32)
    for row in rows:
        path = escape(row["path"])
        if "error" in row:
            message = escape(row["error"]["message"])
            table.add_row(path, "[red]error[/]", "", f"[red]{message}[/]", "", "")
            continue
        if row["kind"] == "video":
            frames = row["frames"]
            usable = sum(1 for f in frames if f["quality"] >= 50)
            summary = f"{len(frames)} frames, {usable} of quality >= 50"
            table.add_row(path, "video", "", summary, row["sha256"], row["md5"])
            continue
        pdq = "\n".join(row.get("dihedral", [row["pdq"]]))
        kind = "image (animated)" if row.get("animated") else "image"
        table.add_row(path, kind, str(row["quality"]), pdq, row["sha256"], row["md5"])
    return table


def hash_command(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders (folders are walked recursively).")
    ],
    json_lines: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per file, one per line.")
    ] = False,
    dihedral: Annotated[
        bool, typer.Option("--dihedral", help="Add the 8 rotated/flipped PDQ hashes of images.")
    ] = False,
    fps: Annotated[
        float, typer.Option("--fps", help="Video frames hashed per second (vPDQ).")
    ] = 1.0,
) -> None:
    """Hash images and videos on this computer: PDQ or vPDQ, SHA-256 and MD5.

    The files never leave this computer and are never copied."""
    if not fps > 0:
        raise typer.BadParameter("must be greater than 0", param_hint="--fps")
    # One worker per core already (see _results): BLAS threads inside each would only compete,
    # and starting OpenBLAS's thread pool costs more CPU than hashing one small image. Set
    # before numpy loads (here and in the spawned workers, which inherit it); a value the
    # operator set wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    files = [str(p) for p in iter_files(paths)]
    err = Console(stderr=True)
    # A bar on stderr when it is a terminal; not when JSON lines stream to that terminal too
    # (they would tear the bar), where the lines themselves show the progress.
    streaming_to_terminal = json_lines and sys.stdout.isatty()
    show_progress = sys.stderr.isatty() and not streaming_to_terminal and len(files) > 1
    progress = Progress(
        TextColumn("Hashing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not show_progress,
        # JSON lines must reach stdout (a pipe, often) untouched, not the progress console.
        redirect_stdout=False,
        redirect_stderr=False,
    )
    failed = 0
    rows: list[dict[str, Any]] = []
    with progress:
        task = progress.add_task("hash", total=len(files))
        for row in _results(files, dihedral, fps):
            failed += "error" in row
            if json_lines:
                sys.stdout.write(json.dumps(row, separators=(",", ":"), ensure_ascii=False) + "\n")
                sys.stdout.flush()
            else:
                rows.append(row)
            progress.advance(task)
    if not json_lines:
        # Piped output is not wrapped at 80 columns: hashes stay on one line.
        out = Console() if sys.stdout.isatty() else Console(width=260)
        out.print(_table(rows))
        if failed:
            err.print(f"{failed} of {len(files)} file(s) could not be hashed.")
    if failed:
        raise typer.Exit(code=1)
