"""``reclaim scan SOURCE...``: match a back catalogue (files or hash tables) against the lists.

Runs on this machine's cores (``--engine local``) or on Dask (``--engine dask``, a LocalCluster,
or ``--scheduler tcp://host:8786``). The lists come from a snapshot (``reclaim bank snapshot``)
or from a Reclaim server's feed (``--api URL --key rk_...``), never from the database directly.
Heavy modules (Dask, NumPy, the hashing and matching engines) are imported inside the command.
See docs/scale.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:  # pragma: no cover
    from reclaim.scale.runner import Summary

err = Console(stderr=True)
out = Console()


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]Error:[/] {message}", highlight=False)
    return typer.Exit(2)


def _default_index() -> Path:
    return Path(os.environ.get("RECLAIM_DATA_DIR", "var")) / "index"


def _prepare_bank(
    index: str | None, api: str | None, key: str | None, bank_dir: Path
) -> tuple[str, str]:
    """The bank's location for the workers, and an id for the checkpoint."""
    from reclaim.matching.snapshot_dir import STATE_FILE
    from reclaim.scale.bank import BANK_FILE, BankError, bank_from_matcher_snapshot, write_bank
    from reclaim.scale.sources import has_protocol

    if api:
        from reclaim.scale.remote import FEED_STATE_FILE, fetch_bank, save_feed_state

        assert key is not None
        state = bank_dir / FEED_STATE_FILE
        fetched = fetch_bank(api, key, state=state)
        write_bank(bank_dir, fetched.contents, source=f"api:{api} checkpoint={fetched.checkpoint}")
        save_feed_state(state, api, key, fetched)
        since = f"changes since checkpoint {fetched.since}" if fetched.since else "from the start"
        err.print(
            f"Feed: {fetched.records:,} records read ({since}); "
            f"{len(fetched.contents.items):,} active items, checkpoint {fetched.checkpoint}.",
            highlight=False,
        )
        return str(bank_dir), f"api:{api}:{fetched.checkpoint}"
    location = index or str(_default_index())
    if has_protocol(location):  # a bank already prepared on shared storage
        return location, f"url:{location}"
    path = Path(location)
    if (path / BANK_FILE).exists():
        return str(path.resolve()), f"bank:{path.resolve()}"
    if (path / STATE_FILE).exists():
        try:
            stamp = (path / STATE_FILE).stat().st_mtime_ns
            bank_from_matcher_snapshot(path, bank_dir)
        except BankError as exc:
            raise _fail(str(exc)) from None
        return str(bank_dir.resolve()), f"snapshot:{path.resolve()}:{stamp}"
    raise _fail(
        f"{location} holds no index snapshot. Run `reclaim bank snapshot` first, point "
        "--index at one, or use --api URL --key rk_... to read the lists from a server."
    )


def _progress_bar() -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text("-/s" if speed is None else f"{speed:,.0f}/s", style="progress.data.speed")

    return Progress(
        TextColumn("[bold]scan"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[matches]} matches, {task.fields[errors]} failed"),
        console=err,
        transient=False,
    )


class _BarProgress:
    def __init__(self, bar: Any) -> None:
        self.bar = bar
        self.task = bar.add_task("scan", total=None, matches=0, errors=0)
        self.matches = self.errors = 0

    def total(self, inputs: int) -> None:
        self.bar.update(self.task, total=inputs)

    def advance(self, inputs: int, matches: int, errors: int) -> None:
        self.matches += matches
        self.errors += errors
        self.bar.update(self.task, advance=inputs, matches=self.matches, errors=self.errors)


def _print_summary(summary: Summary) -> None:
    from rich.table import Table

    table = Table(title="Scan summary", show_header=False)
    table.add_row("Engine", summary.engine)
    table.add_row("Inputs", f"{summary.inputs:,}")
    table.add_row("Matches", f"{summary.matches:,} ({summary.matched_inputs:,} inputs this run)")
    for name, n in sorted(summary.by_list.items()):
        table.add_row(f"  list {name}", f"{n:,}")
    table.add_row("Failed", f"{summary.errors:,} (reasons in {summary.errors_file})")
    if summary.resumed_chunks:
        table.add_row("Resumed", f"{summary.resumed_chunks:,} chunks already done")
    table.add_row("Time", f"{summary.seconds:,.1f} s, {summary.rate:,.0f} inputs/s this run")
    table.add_row("Output", summary.output)
    err.print(table)


def scan_command(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Directories, listing files (.txt, one path per line), fsspec URLs "
            "(s3://, gs://, memory://...), globs, or CSV/Parquet tables of hashes.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Matches: FILE.jsonl, FILE.csv or FILE.parquet.")
    ],
    engine: Annotated[str, typer.Option(help="local (process pool) or dask.")] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (tcp://host:8786); default a LocalCluster."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Processes (local) or LocalCluster workers.", min=1)
    ] = None,
    index: Annotated[
        str | None,
        typer.Option(
            help="An index snapshot directory (`reclaim bank snapshot`), a prepared scan bank, "
            "or a bank's fsspec URL. Default: $RECLAIM_DATA_DIR/index."
        ),
    ] = None,
    api: Annotated[
        str | None,
        typer.Option(help="A Reclaim server (https://...): read the lists from its feed."),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            help="Platform API key (rk_...), or RECLAIM_API_KEY.", envvar="RECLAIM_API_KEY"
        ),
    ] = None,
    bank_dir: Annotated[
        Path | None,
        typer.Option(
            help="Where to prepare the scan bank (shared storage for a multi-node cluster). "
            "Default: OUTPUT.bank/."
        ),
    ] = None,
    dihedral: Annotated[
        bool, typer.Option(help="Also match rotated and mirrored copies of images.")
    ] = False,
    fps: Annotated[float, typer.Option(help="vPDQ frames per second for videos.", min=0.01)] = 1.0,
    chunk_size: Annotated[int, typer.Option(help="Files per chunk.", min=1)] = 64,
    rows_per_chunk: Annotated[int, typer.Option(help="Hash-table rows per chunk.", min=1)] = 50_000,
    checkpoint: Annotated[
        Path | None, typer.Option(help="Checkpoint file. Default: OUTPUT.checkpoint.")
    ] = None,
    restart: Annotated[
        bool, typer.Option(help="Ignore an existing checkpoint and start again.")
    ] = False,
    report_feedback: Annotated[
        bool,
        typer.Option(help="Tell the server (--api, --key) the matched items are PendingReview."),
    ] = False,
    progress: Annotated[bool, typer.Option(help="Show the progress bar.")] = True,
) -> None:
    """Scan files or hash tables against the hash lists; matches go to --output.

    Each output line (JSONL) is {"path" or "id", "signal", "item", "distance", "list"}; files
    that cannot be read or decoded are listed in OUTPUT.errors.jsonl with the reason; the
    summary goes to OUTPUT.summary.json. Interrupted? Run the same command again to resume.
    """
    if engine not in ("local", "dask"):
        raise _fail("--engine is local or dask.")
    if scheduler and engine != "dask":
        raise _fail("--scheduler needs --engine dask.")
    if api and not key:
        raise _fail("--api needs --key rk_... (or RECLAIM_API_KEY).")
    if report_feedback and not (api and key):
        raise _fail("--report-feedback needs --api URL and --key rk_...")
    from reclaim.scale.output import format_of

    try:
        format_of(output)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    for source in sources:
        local = source[7:] if source.startswith("file://") else source
        if "://" not in local and not any(c in local for c in "*?[") and not os.path.exists(local):
            raise _fail(f"{source}: no such file or directory.")

    from reclaim.scale.bank import BankError
    from reclaim.scale.engines import DaskEngine, LocalEngine
    from reclaim.scale.plan import CheckpointMismatch
    from reclaim.scale.remote import ApiError, post_feedback
    from reclaim.scale.runner import ScanPlan, run_scan
    from reclaim.scale.sources import SourceError
    from reclaim.scale.work import ScanOptions

    try:
        bank, bank_id = _prepare_bank(
            index, api, key, bank_dir or output.with_name(output.name + ".bank")
        )
    except (ApiError, BankError) as exc:
        raise _fail(str(exc)) from None
    plan = ScanPlan(
        sources,
        bank,
        output,
        ScanOptions(dihedral=dihedral, fps=fps),
        files_per_chunk=chunk_size,
        rows_per_chunk=rows_per_chunk,
        checkpoint=checkpoint,
        restart=restart,
        bank_id=bank_id if not api else f"api:{api}",
    )
    reported: set[int] = set()

    def report(matches: list[dict[str, Any]]) -> None:
        assert api and key
        new = {int(m["item"]) for m in matches} - reported
        if new:
            post_feedback(api, key, new)
            reported.update(new)

    runner = LocalEngine(workers) if engine == "local" else DaskEngine(scheduler, workers)
    bar = _progress_bar() if progress else None
    try:
        if bar is not None:
            bar.start()
        summary = run_scan(
            plan,
            runner,
            progress=_BarProgress(bar) if bar is not None else None,
            on_matches=report if report_feedback else None,
        )
    except KeyboardInterrupt:
        if bar is not None:
            bar.stop()
        err.print("Interrupted: run the same command again to resume from the checkpoint.")
        raise typer.Exit(130) from None
    except (CheckpointMismatch, SourceError, BankError, ApiError) as exc:
        if bar is not None:
            bar.stop()
        raise _fail(str(exc)) from None
    finally:
        if bar is not None:
            bar.stop()
        runner.close()
    _print_summary(summary)
    if report_feedback:
        err.print(f"Reported {len(reported):,} matched items as PendingReview to {api}.")
